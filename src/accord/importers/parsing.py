"""Canonical rows of text → typed canonical records, or one RowError per bad field. A bad row never
stops the stream; the second row with an id already seen in the file is rejected, naming the first
(accord.importers.seen_keys: how, in memory that stays small for a file of millions of rows)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TypeVar

from accord.importers.canonical import (
    AccountRecord,
    ActivityRecord,
    AttributeValue,
    CanonicalRecord,
    LeadRecord,
    OpportunityOutcome,
    OpportunityRecord,
    RecordKind,
    RowError,
    SpendRecord,
    StageDates,
    UserRecord,
)
from accord.importers.columns import (
    KINDS_WITHOUT_ATTRIBUTES,
    LONG_TEXT_CHARS,
    STAGE_COLUMNS,
    Column,
    ColumnType,
    columns_of,
)
from accord.importers.reading import SourceRow
from accord.importers.seen_keys import SeenKeys
from accord.importers.values import (
    DEFAULT_FORMATS,
    AttributeType,
    ParseFormats,
    attribute_name,
    parse_attribute,
    parse_datetime,
    parse_decimal,
    parse_int,
    storable_text,
)

Typed = str | datetime | Decimal | int
N = TypeVar("N", Decimal, int)
LOWER_SNAKE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
CURRENCY_CODE = re.compile(r"[A-Z]{3}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
STAGE_NAMES = frozenset(column.name for column in STAGE_COLUMNS)
# Column types with few distinct values in practice, whose checked values are remembered, at most
# CHECKED_VALUES of them per stream.
FEW_VALUED_TYPES = frozenset({ColumnType.SNAKE, ColumnType.CHOICE, ColumnType.CURRENCY})
CHECKED_VALUES = 4096
# (date column, reason column) pairs where either one without the other is an error.
PAIRED_STAGE_FIELDS = (("rejected_at", "rejection_reason"), ("closed_lost_at", "closed_lost_reason"))


class _RowProblems(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors


@dataclass(frozen=True)
class _Context:
    kind: RecordKind
    formats: ParseFormats
    now: datetime
    known: dict[str, Column]  # the kind's columns by name, looked up once per stream, not per row
    dated: tuple[str, ...]  # the columns that hold a date-time, checked against now
    # (column, text) → value for columns with few distinct values (activity kinds, statuses,
    # currencies), so that each distinct value is checked once per stream, not once per row.
    checked: dict[tuple[str, str], str]


def _context(kind: RecordKind, formats: ParseFormats, now: datetime) -> _Context:
    known = columns_of(kind)
    dated = tuple(c.name for c in known.values() if c.type in (ColumnType.DATETIME, ColumnType.MONTH))
    return _Context(kind, formats, now, known, dated, {})


def parse_records(
    kind: RecordKind,
    rows: Iterable[SourceRow | RowError],
    *,
    source_name: str,
    now: datetime,
    formats: ParseFormats = DEFAULT_FORMATS,
) -> Iterator[CanonicalRecord | RowError]:
    """Each row becomes one record or its errors; RowErrors already in ``rows`` pass through.

    ``now`` (aware) bounds every date: nothing imported may have happened in the future."""
    context = _context(kind, formats, now)
    seen = SeenKeys(_identity)
    for row in rows:
        if isinstance(row, RowError):
            is_full = seen.add_error(row)
        else:
            try:
                is_full = seen.add(_record(context, row), row.line)
            except _RowProblems as problems:
                is_full = any([seen.add_error(error) for error in problems.errors])
        if is_full:
            yield from seen.flush()
    yield from seen.flush()


def _record(context: _Context, row: SourceRow) -> CanonicalRecord:
    known = context.known
    values = row.values
    fields: dict[str, Typed | None] = {}
    errors: list[RowError] = []
    # One check of the whole row instead of one per field: nearly every row is storable as a whole,
    # and only a row that is not needs each field checked to say which one.
    is_storable = _is_storable("".join(values.values()))
    for name, column in known.items():
        text = values.get(name, "").strip()
        if not text and not column.is_required:
            fields[name] = None
            continue
        if column.type is ColumnType.TEXT and is_storable and len(text) <= column.max_chars:
            fields[name] = text  # plain text that fits: nothing to convert
            continue
        is_repeating = column.type in FEW_VALUED_TYPES and is_storable
        if is_repeating and (name, text) in context.checked:
            fields[name] = context.checked[name, text]
            continue
        try:
            fields[name] = value = _convert(column, text, context, is_storable=is_storable)
        except ValueError as exc:
            errors.append(RowError(row.line, name, text, str(exc)))
            continue
        if is_repeating and isinstance(value, str) and len(context.checked) < CHECKED_VALUES:
            context.checked[name, text] = value
    attributes = _attributes(context, row, known, errors, is_storable=is_storable)
    if not errors:
        errors.extend(_cross_checks(context, row.line, fields))
    if errors:
        raise _RowProblems(errors)
    return _build(context.kind, row.line, fields, attributes)


def _is_storable(text: str) -> bool:
    if "\x00" in text:
        return False
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _convert(column: Column, text: str, context: _Context, *, is_storable: bool = False) -> Typed | None:
    if len(text) > column.max_chars:
        raise ValueError(f"field longer than {column.max_chars} characters ({len(text)})")
    if not text:
        if column.is_required:
            raise ValueError("required value is missing")
        return None
    if not is_storable:
        storable_text(text)
    kind = column.type
    if kind is ColumnType.DATETIME:
        return parse_datetime(text, context.formats)
    if kind is ColumnType.MONTH:
        return _month(text, context.formats)
    if kind is ColumnType.DECIMAL:
        return _not_negative(parse_decimal(text, context.formats))
    if kind is ColumnType.INT:
        return _not_negative(parse_int(text, context.formats))
    return _checked_text(column, text)


def _checked_text(column: Column, text: str) -> str:
    kind = column.type
    if kind is ColumnType.CHOICE:
        if text.lower() not in column.choices:
            raise ValueError(f"expected one of {', '.join(column.choices)}")
        return text.lower()
    if kind is ColumnType.SNAKE and not LOWER_SNAKE.fullmatch(text):
        raise ValueError("expected a lower_snake name such as webinar_attended")
    if kind is ColumnType.CURRENCY and not CURRENCY_CODE.fullmatch(text.upper()):
        raise ValueError("expected a three-letter currency code such as USD")
    if kind is ColumnType.EMAIL:
        if not EMAIL.fullmatch(text):
            raise ValueError("not an e-mail address")
        return text.lower()
    return text.upper() if kind is ColumnType.CURRENCY else text


def _not_negative(number: N) -> N:
    if number < 0:
        raise ValueError("must not be negative")
    return number


def _month(text: str, formats: ParseFormats) -> datetime:
    candidate = f"{text}-01" if re.fullmatch(r"\d{4}-\d{2}", text) else text
    moment = parse_datetime(candidate, formats)
    return datetime(moment.year, moment.month, 1, tzinfo=UTC)


def _attributes(
    context: _Context, row: SourceRow, known: dict[str, Column], errors: list[RowError], *, is_storable: bool
) -> dict[str, AttributeValue]:
    attributes: dict[str, AttributeValue] = {}
    for column, raw in row.values.items():
        if column in known:
            continue
        text = raw.strip()
        if context.kind in KINDS_WITHOUT_ATTRIBUTES:
            errors.append(
                RowError(row.line, column, text, f"unknown column; {context.kind} have no attributes")
            )
            continue
        if len(text) > LONG_TEXT_CHARS:
            errors.append(RowError(row.line, column, text, f"field longer than {LONG_TEXT_CHARS} characters"))
            continue
        name = attribute_name(column)
        if not text or name in known:
            continue
        declared = context.formats.attribute_types.get(name, AttributeType.TEXT)
        try:
            if not is_storable:
                storable_text(text)
            attributes[name] = parse_attribute(text, declared, context.formats)
        except ValueError as exc:
            errors.append(RowError(row.line, column, text, str(exc)))
    return attributes


def _cross_checks(context: _Context, line: int, fields: dict[str, Typed | None]) -> Iterator[RowError]:
    for name in context.dated:
        value = fields[name]
        if not isinstance(value, datetime) or value <= context.now:
            continue
        if name == "closed_at" and fields.get("status") in (None, "open"):
            continue  # an open deal's close date is the expected one, often ahead
        yield RowError(line, name, value.isoformat(), f"in the future (now is {context.now.isoformat()})")
    if context.kind is RecordKind.LEADS:
        for date_field, reason_field in PAIRED_STAGE_FIELDS:
            if (fields[date_field] is None) != (fields[reason_field] is None):
                missing = reason_field if fields[reason_field] is None else date_field
                present = date_field if missing == reason_field else reason_field
                yield RowError(line, missing, "", f"required when {present} is given")
    if context.kind is RecordKind.ACTIVITIES and not (
        fields["lead_external_id"] or fields["lead_email"] or fields["visitor_id"]
    ):
        yield RowError(
            line, "lead_external_id", "", "one of lead_external_id, lead_email, visitor_id is needed"
        )
    if (
        context.kind is RecordKind.OPPORTUNITIES
        and fields["status"] in ("won", "lost")
        and not fields["closed_at"]
    ):
        yield RowError(line, "closed_at", "", f"required for a {fields['status']} opportunity")


def _build(
    kind: RecordKind, line: int, fields: dict[str, Typed | None], attributes: dict[str, AttributeValue]
) -> CanonicalRecord:
    given = {name: value for name, value in fields.items() if value is not None and name not in STAGE_NAMES}
    if kind is RecordKind.ACCOUNTS:
        return AccountRecord(line=line, attributes=attributes, **given)  # type: ignore[arg-type]
    if kind is RecordKind.LEADS:
        stages = {name: value for name, value in fields.items() if value is not None and name in STAGE_NAMES}
        return LeadRecord(line=line, stages=StageDates(**stages), attributes=attributes, **given)  # type: ignore[arg-type]
    if kind is RecordKind.ACTIVITIES:
        return ActivityRecord(line=line, attributes=attributes, **given)  # type: ignore[arg-type]
    if kind is RecordKind.OPPORTUNITIES:
        status = OpportunityOutcome(str(given.pop("status", "open")))
        if status is OpportunityOutcome.OPEN:
            # A CRM's close date on an open deal is the expected close, not a close.
            given.pop("closed_at", None)
        return OpportunityRecord(line=line, status=status, attributes=attributes, **given)  # type: ignore[arg-type]
    if kind is RecordKind.USERS:
        return UserRecord(line=line, **given)  # type: ignore[arg-type]
    return SpendRecord(line=line, **given)  # type: ignore[arg-type]


def _identity(record: CanonicalRecord) -> tuple[str, str]:
    """The field that must be unique within one file, and its value."""
    if isinstance(record, UserRecord):
        return "email", record.email
    if isinstance(record, SpendRecord):
        key = f"{record.source} / {record.campaign} / {record.month:%Y-%m} / {record.currency}"
        return "source, campaign, month", key
    return "external_id", record.external_id
