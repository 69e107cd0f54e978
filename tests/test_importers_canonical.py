"""Canonical import files without a mapping: reading, typing, and each kind of bad input the issue lists."""

from __future__ import annotations

import codecs
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from accord.importers import ImportFileError, ParseFormats, RecordKind, RowError, plan_import
from accord.importers.canonical import CanonicalRecord, LeadRecord, OpportunityOutcome, OpportunityRecord
from accord.importers.parsing import parse_records
from accord.importers.reading import SourceRow

NOW = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(kind: RecordKind, path: Path) -> list[CanonicalRecord | RowError]:
    [stream] = plan_import(kind, path, now=NOW).streams
    return list(stream.records)


def errors_of(results: list[CanonicalRecord | RowError]) -> list[str]:
    return [str(result) for result in results if isinstance(result, RowError)]


def leads_csv(*rows: str, header: str = "external_id,created_at,email,first_name") -> str:
    return "\n".join((header, *rows)) + "\n"


def test_a_lead_file_becomes_typed_records_with_attributes_and_stage_dates(tmp_path: Path) -> None:
    text = leads_csv(
        "L1,2026-01-05,Ann@Example.com,Ann,EMEA,2026-01-06T10:00:00+02:00,,",
        "L2,2026-01-07T09:30:00Z,,Bob,,,2026-02-01,no budget",
        header="external_id,created_at,email,first_name,Sales Region,mql_at,rejected_at,rejection_reason",
    )
    first, second = run(RecordKind.LEADS, write(tmp_path, "leads.csv", text))
    assert isinstance(first, LeadRecord) and isinstance(second, LeadRecord)
    assert (first.line, first.external_id, first.email) == (2, "L1", "ann@example.com")
    assert first.created_at == datetime(2026, 1, 5, tzinfo=UTC)
    assert first.stages.mql_at == datetime(2026, 1, 6, 8, 0, tzinfo=UTC)
    assert first.attributes == {"sales_region": "EMEA"}
    assert second.attributes == {}
    assert second.stages.rejected_at == datetime(2026, 2, 1, tzinfo=UTC)
    assert second.stages.rejection_reason == "no budget"


def test_a_missing_required_column_is_one_file_error_naming_column_and_file(tmp_path: Path) -> None:
    path = write(tmp_path, "leads.csv", "external_id,email\nL1,a@b.co\n")
    with pytest.raises(ImportFileError, match=r"leads\.csv: missing required column 'created_at'"):
        plan_import(RecordKind.LEADS, path, now=NOW)


def test_the_second_occurrence_of_an_id_is_rejected_naming_the_first_line(tmp_path: Path) -> None:
    text = leads_csv("L1,2026-01-05,,A", "L2,2026-01-05,,B", "L1,2026-01-06,,C")
    results = run(RecordKind.LEADS, write(tmp_path, "leads.csv", text))
    assert [r.external_id for r in results if isinstance(r, LeadRecord)] == ["L1", "L2"]
    assert errors_of(results) == [
        "line 4, external_id: duplicate external_id: first seen on line 2 (got 'L1')"
    ]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2026-03-01", datetime(2026, 3, 1, tzinfo=UTC)),
        ("2026-03-01 14:05:00", datetime(2026, 3, 1, 14, 5, tzinfo=UTC)),
        ("2026-03-01T14:05:00-03:00", datetime(2026, 3, 1, 17, 5, tzinfo=UTC)),
        ("2026-03-01T14:05:00Z", datetime(2026, 3, 1, 14, 5, tzinfo=UTC)),
        ("01/03/2026", datetime(2026, 3, 1, tzinfo=UTC)),
    ],
)
def test_dates_in_iso_and_declared_formats_read_as_utc(written: str, expected: datetime) -> None:
    formats = ParseFormats(date_formats=("%d/%m/%Y",))
    rows = [SourceRow(2, {"external_id": "L1", "created_at": written})]
    [record] = parse_records(RecordKind.LEADS, rows, source_name="x", now=NOW, formats=formats)
    assert isinstance(record, LeadRecord)
    assert record.created_at == expected


def test_an_impossible_date_and_a_future_date_are_row_errors(tmp_path: Path) -> None:
    text = leads_csv("L1,2026-02-30,,A", "L2,2026-05-01,,B", "L3,2026-03-01,,C")
    results = run(RecordKind.LEADS, write(tmp_path, "leads.csv", text))
    errors = errors_of(results)
    assert errors[0].startswith("line 2, created_at: not a valid date (day is out of range for month)")
    assert errors[1].startswith("line 3, created_at: in the future")
    assert [r.line for r in results if isinstance(r, LeadRecord)] == [4]


def test_negative_and_non_numeric_amounts_are_row_errors_one_per_bad_field(tmp_path: Path) -> None:
    text = (
        "external_id,name,amount,created_at,status,closed_at\n"
        "O1,Deal,-5,2026-01-01,won,2026-02-01\n"
        "O2,Deal,lots,2026-13-01,open,\n"
        "O3,Deal,1200.50,2026-01-01,Won,2026-02-01\n"
        "O4,Deal,0,2026-01-01,open,2026-09-01\n"
    )
    results = run(RecordKind.OPPORTUNITIES, write(tmp_path, "opps.csv", text))
    assert errors_of(results)[0] == "line 2, amount: must not be negative (got '-5')"
    assert [e.split(":")[0] for e in errors_of(results)[1:]] == ["line 3, amount", "line 3, created_at"]
    won, still_open = (r for r in results if isinstance(r, OpportunityRecord))
    assert (won.amount, won.status) == (Decimal("1200.50"), OpportunityOutcome.WON)
    assert still_open.closed_at is None


def test_a_ten_megabyte_field_is_a_row_error_and_the_next_rows_still_read(tmp_path: Path) -> None:
    huge = "x" * (10 * 1024 * 1024)
    text = leads_csv(f'L1,2026-01-01,,"{huge}"', "L2,2026-01-01,,Bob")
    results = run(RecordKind.LEADS, write(tmp_path, "leads.csv", text))
    [error] = [r for r in results if isinstance(r, RowError)]
    assert (error.line, error.field, error.reason) == (
        2,
        "first_name",
        f"field longer than 150 characters ({len(huge)})",
    )
    assert [r.first_name for r in results if isinstance(r, LeadRecord)] == ["Bob"]


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n  \n"])
def test_an_empty_file_is_a_clear_file_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=r"^leads\.csv is empty; expected a header row"):
        plan_import(RecordKind.LEADS, path, now=NOW)


@pytest.mark.parametrize("content", [bytes(range(256)) * 4, b"PK\x03\x04" + bytes(100)])
def test_a_binary_file_is_refused_as_not_a_text_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=r"^leads\.csv is not a text file"):
        plan_import(RecordKind.LEADS, path, now=NOW)


def test_formula_like_cells_and_html_are_kept_exactly_as_written(tmp_path: Path) -> None:
    names = ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "<script>alert(1)</script>", "<b>Bo</b>"]
    rows = [f'L{n},2026-01-01,,"{name.replace(chr(34), chr(34) * 2)}"' for n, name in enumerate(names)]
    results = run(RecordKind.LEADS, write(tmp_path, "leads.csv", leads_csv(*rows)))
    assert [r.first_name for r in results if isinstance(r, LeadRecord)] == names


def test_an_activity_for_an_unknown_lead_parses_fine(tmp_path: Path) -> None:
    text = "external_id,kind,occurred_at,lead_external_id\nA1,webinar_attended,2026-01-01,NO-SUCH-LEAD\n"
    [record] = run(RecordKind.ACTIVITIES, write(tmp_path, "activities.csv", text))
    assert not isinstance(record, RowError)


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE), ("cp1252", b"")],
)
def test_utf8_with_or_without_bom_utf16_and_cp1252_are_read(
    tmp_path: Path, encoding: str, prefix: bytes
) -> None:
    text = leads_csv(
        "L1,2026-01-01,,José Müller", "L2,2026-01-01,,François Café", "L3,2026-01-01,,Zoë Ørsted"
    )
    path = tmp_path / "leads.csv"
    path.write_bytes(prefix + text.encode(encoding))
    results = run(RecordKind.LEADS, path)
    assert [r.first_name for r in results if isinstance(r, LeadRecord)] == [
        "José Müller",
        "François Café",
        "Zoë Ørsted",
    ]


def test_an_encoding_that_is_neither_utf8_nor_western_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "leads.csv", leads_csv("L1,2026-01-01,,東京都の会社です"), "shift_jis")
    with pytest.raises(ImportFileError, match=r"leads\.csv is not UTF-8; save it as UTF-8"):
        plan_import(RecordKind.LEADS, path, now=NOW)


def test_bytes_the_encoding_cannot_read_past_the_sample_stop_the_file_near_their_line(tmp_path: Path) -> None:
    good = [f"L{n},2026-01-01,p{n}@example.com,Ana" for n in range(20_000)]  # far past the sample read
    path = tmp_path / "leads.csv"
    path.write_bytes(leads_csv(*good).encode() + b"L-bad,2026-01-01,,Jos\xe9\n")
    [stream] = plan_import(RecordKind.LEADS, path, now=NOW).streams
    with pytest.raises(ImportFileError, match=r"leads\.csv, near line \d+: not valid utf-8 text") as raised:
        list(stream.records)
    near = int(str(raised.value).split("near line ")[1].split(":")[0])
    assert 19_000 < near <= 20_002


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_common_delimiters_are_detected(tmp_path: Path, delimiter: str) -> None:
    text = leads_csv("L1,2026-01-01,,Ann", "L2,2026-01-01,a@b.co,Bob").replace(",", delimiter)
    results = run(RecordKind.LEADS, write(tmp_path, "leads.txt", text))
    assert [r.first_name for r in results if isinstance(r, LeadRecord)] == ["Ann", "Bob"]


def test_json_lines_numbers_keep_their_digits_and_bad_lines_are_row_errors(tmp_path: Path) -> None:
    text = (
        '{"external_id": "O1", "name": "Deal", "amount": 1200.10, "created_at": "2026-01-01", "seats": 12}\n'
        "\n"
        "not json\n"
        '{"external_id": "O2", "name": "Deal", "amount": 5, "created_at": "2026-01-01", "tags": [1]}\n'
    )
    results = run(RecordKind.OPPORTUNITIES, write(tmp_path, "opps.jsonl", text))
    record = results[0]
    assert isinstance(record, OpportunityRecord)
    assert (record.amount, record.attributes) == (Decimal("1200.10"), {"seats": "12"})
    assert [(e.line, e.field) for e in results[1:] if isinstance(e, RowError)] == [(3, ""), (4, "tags")]


def test_a_row_with_the_wrong_number_of_fields_is_a_row_error(tmp_path: Path) -> None:
    text = leads_csv("L1,2026-01-01,,Ann,extra", "L2,2026-01-01,,Bob")
    results = run(RecordKind.LEADS, write(tmp_path, "leads.csv", text))
    assert errors_of(results) == [
        "line 2, row: row has 5 fields; the header has 4 (got 'L1,2026-01-01,,Ann,extra')"
    ]


def test_streams_are_lazy_and_count_bytes_for_a_progress_bar(tmp_path: Path) -> None:
    path = write(tmp_path, "leads.csv", leads_csv(*(f"L{n},2026-01-01,,N{n}" for n in range(5000))))
    plan = plan_import(RecordKind.LEADS, path, now=NOW)
    assert plan.total_bytes == path.stat().st_size
    assert plan.bytes_read() == 0
    records = plan.streams[0].records
    next(records)
    assert 0 <= plan.bytes_read() < plan.total_bytes
    assert sum(1 for _ in records) == 4999
    assert plan.bytes_read() == plan.total_bytes
