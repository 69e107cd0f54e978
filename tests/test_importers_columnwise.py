"""The column-wise parser against the row-at-a-time one: for any block, it either declines (None) or
gives exactly the records the row parser gives; clean blocks of every kind take the column path."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.importers.canonical import CanonicalRecord, RecordKind, RowError
from accord.importers.cells import parse_context
from accord.importers.columnwise import block_records
from accord.importers.parsing import _row_by_row
from accord.importers.reading import SourceRow
from accord.importers.values import DEFAULT_FORMATS, AttributeType, ParseFormats

NOW = datetime(2026, 3, 31, 12, tzinfo=UTC)

# Cells that parse, cells that do not, and the awkward ones in between.
TEXTS = ["", "  ", "Ada", " padded ", "x" * 300, "bad\x00nul", "=SUM(A1)", "Zoë"]
DATES = ["", "2026-01-05", "2026-01-05T10:00:00Z", "2026-01-05T10:00:00+02:00", "2027-01-01", "31/12/2025"]
DATES += ["2026-02-30", "yesterday"]
EMAILS = ["", "ada@example.com", "ADA@Example.COM", "not-an-email"]
KINDS = ["", "page_view", "webinar_attended", "Page View", "call"]
AMOUNTS = ["", "0", "1200.50", "-5", "abc", "1e3"]
STATUSES = ["", "open", "won", "LOST", "maybe"]
NUMBERS = ["", "42", "4.5", "many"]

CLEAN_BLOCKS: dict[RecordKind, list[dict[str, str]]] = {
    RecordKind.ACTIVITIES: [
        {
            "external_id": f"act-{n}",
            "kind": "page_view" if n % 2 else "call",
            "occurred_at": f"2026-01-{n + 1:02d}T10:00:00Z",
            "lead_external_id": f"lead-{n}" if n % 3 else "",
            "lead_email": "" if n % 3 else f"p{n}@example.com",
            "detail": "/pricing" if n % 2 else "",
            "Campaign Name": "spring" if n % 2 else "",
        }
        for n in range(20)
    ],
    RecordKind.LEADS: [
        {
            "external_id": f"lead-{n}",
            "created_at": "2026-01-02",
            "email": f"Person{n}@Example.com",
            "first_name": " Ada ",
            "mql_at": "2026-01-10" if n % 2 else "",
            "rejected_at": "2026-01-12" if n % 4 == 1 else "",
            "rejection_reason": "no budget" if n % 4 == 1 else "",
            "Company Size": str(10 * n),
        }
        for n in range(20)
    ],
    RecordKind.OPPORTUNITIES: [
        {
            "external_id": f"opp-{n}",
            "name": f"Deal {n}",
            "amount": "1200.50",
            "created_at": "2026-01-02",
            "status": ("open", "WON", "lost", "")[n % 4],
            "closed_at": "2027-06-01" if n % 4 in (0, 3) else "2026-02-01",
            "currency": "eur" if n % 2 else "",
        }
        for n in range(20)
    ],
    RecordKind.ACCOUNTS: [
        {"external_id": f"acc-{n}", "name": f"Acme {n}", "employees": "250", "annual_revenue": "1000000"}
        for n in range(5)
    ],
    RecordKind.USERS: [
        {"email": f"rep{n}@example.com", "role": "SDR" if n % 2 else "ae", "full_name": "Rep"}
        for n in range(5)
    ],
    RecordKind.SPEND: [
        {"source": "paid_search", "month": f"2026-{n + 1:02d}", "amount": "100", "campaign": ""}
        for n in range(3)
    ],
}


def both_ways(
    kind: RecordKind, rows: list[dict[str, str]], formats: ParseFormats = DEFAULT_FORMATS
) -> tuple[list[CanonicalRecord] | None, list[CanonicalRecord | RowError]]:
    source_rows = [SourceRow(line, values) for line, values in enumerate(rows, start=2)]
    by_column = block_records(parse_context(kind, formats, NOW), source_rows)
    row_context = parse_context(kind, formats, NOW)
    by_row = [item for row in source_rows for item in _row_by_row(row_context, row)]
    return by_column, by_row


@pytest.mark.parametrize("kind", list(CLEAN_BLOCKS))
def test_a_clean_block_takes_the_column_path_and_gives_the_row_parsers_records(kind: RecordKind) -> None:
    by_column, by_row = both_ways(kind, CLEAN_BLOCKS[kind])
    assert not any(isinstance(item, RowError) for item in by_row)
    assert by_column is not None
    assert by_column == by_row


def test_declared_attribute_types_are_converted_the_same_way() -> None:
    formats = ParseFormats(attribute_types={"company_size": AttributeType.INT})
    by_column, by_row = both_ways(RecordKind.LEADS, CLEAN_BLOCKS[RecordKind.LEADS], formats)
    assert by_column is not None and by_column == by_row
    assert by_row[3].attributes == {"company_size": 30}  # type: ignore[union-attr]


def test_one_bad_row_sends_the_block_row_by_row() -> None:
    rows = [dict(row) for row in CLEAN_BLOCKS[RecordKind.ACTIVITIES]]
    rows[7]["occurred_at"] = "2026-02-30"
    by_column, by_row = both_ways(RecordKind.ACTIVITIES, rows)
    assert by_column is None
    assert [item.line for item in by_row if isinstance(item, RowError)] == [9]


# Awkward values a cell may be given, by canonical column or, for other columns, as an attribute.
AWKWARD: dict[str, list[str]] = {
    "external_id": ["", "act-1", "x" * 250],
    "kind": KINDS,
    "occurred_at": DATES,
    "created_at": DATES,
    "mql_at": DATES,
    "closed_at": DATES,
    "lead_external_id": ["", "lead-1"],
    "lead_email": EMAILS,
    "email": EMAILS,
    "detail": TEXTS,
    "first_name": TEXTS,
    "name": TEXTS,
    "amount": AMOUNTS,
    "status": STATUSES,
    "currency": ["", "usd", "EURO"],
    "rejected_at": DATES,
    "rejection_reason": ["", "no budget"],
}
ATTRIBUTE_VALUES = [*TEXTS, *NUMBERS, "y" * 10_001]


@st.composite
def edited_block(draw: st.DrawFn) -> tuple[RecordKind, list[dict[str, str]]]:
    """A clean block of one kind with a few cells replaced by awkward values."""
    kind = draw(st.sampled_from([RecordKind.ACTIVITIES, RecordKind.LEADS, RecordKind.OPPORTUNITIES]))
    clean = CLEAN_BLOCKS[kind]
    rows = [dict(row) for row in draw(st.lists(st.sampled_from(clean), min_size=1, max_size=8))]
    for _ in range(draw(st.integers(0, 2))):
        row = draw(st.sampled_from(rows))
        column = draw(st.sampled_from(sorted(row)))
        row[column] = draw(st.sampled_from(AWKWARD.get(column, ATTRIBUTE_VALUES)))
    return kind, rows


@settings(max_examples=300, deadline=None)
@given(kind_and_rows=edited_block(), attribute_as_number=st.booleans())
def test_the_column_path_declines_or_agrees_with_the_row_path(
    kind_and_rows: tuple[RecordKind, list[dict[str, str]]], attribute_as_number: bool
) -> None:
    kind, rows = kind_and_rows
    declared = {"company_size": AttributeType.FLOAT} if attribute_as_number else {}
    by_column, by_row = both_ways(kind, rows, ParseFormats(attribute_types=declared))
    if by_column is not None:
        assert by_column == by_row
    if all(not isinstance(item, RowError) for item in by_row):
        assert by_column is not None, "a block the row parser accepts whole takes the column path"


@pytest.mark.parametrize("kind", [RecordKind.ACTIVITIES, RecordKind.LEADS, RecordKind.OPPORTUNITIES])
def test_every_single_awkward_cell_is_declined_or_agreed_on(kind: RecordKind) -> None:
    clean = CLEAN_BLOCKS[kind][:4]
    for column in clean[0]:
        for value in AWKWARD.get(column, ATTRIBUTE_VALUES):
            rows = [dict(row) for row in clean]
            rows[1][column] = value
            by_column, by_row = both_ways(kind, rows)
            accepted = all(not isinstance(item, RowError) for item in by_row)
            assert (by_column is not None) == accepted, (column, value)
            if by_column is not None:
                assert by_column == by_row, (column, value)
