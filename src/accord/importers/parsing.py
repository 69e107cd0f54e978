"""Canonical rows of text → typed canonical records, or one RowError per bad field. A bad row never
stops the stream; the second row with an id already seen in the file is rejected, naming the first."""

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
    context = _Context(kind, formats, now)
    first_line_of: dict[str, int] = {}
    for row in rows:
        if isinstance(row, RowError):
            yield row
            continue
        try:
            record = _record(context, row)
        except _RowProblems as problems:
            yield from problems.errors
            continue
        key_field, key = _identity(record)
        first = first_line_of.setdefault(key, row.line)
        if first != row.line:
            yield RowError(row.line, key_field, key, f"duplicate {key_field}: first seen on line {first}")
            continue
        yield record


def _record(context: _Context, row: SourceRow) -> CanonicalRecord:
    known = columns_of(context.kind)
    fields: dict[str, Typed | None] = {}
    errors: list[RowError] = []
    for column in known.values():
        text = row.values.get(column.name, "").strip()
        try:
            fields[column.name] = _convert(column, text, context)
        except ValueError as exc:
            errors.append(RowError(row.line, column.name, text, str(exc)))
    attributes = _attributes(context, row, known, errors)
    if not errors:
        errors.extend(_cross_checks(context, row.line, fields))
    if errors:
        raise _RowProblems(errors)
    return _build(context.kind, row.line, fields, attributes)


def _convert(column: Column, text: str, context: _Context) -> Typed | None:
    if len(text) > column.max_chars:
        raise ValueError(f"field longer than {column.max_chars} characters ({len(text)})")
    if not text:
        if column.is_required:
            raise ValueError("required value is missing")
        return None
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
    context: _Context, row: SourceRow, known: dict[str, Column], errors: list[RowError]
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
            storable_text(text)
            attributes[name] = parse_attribute(text, declared, context.formats)
        except ValueError as exc:
            errors.append(RowError(row.line, column, text, str(exc)))
    return attributes


def _cross_checks(context: _Context, line: int, fields: dict[str, Typed | None]) -> Iterator[RowError]:
    for name, value in fields.items():
        if name == "closed_at" and fields.get("status") in (None, "open"):
            continue  # an open deal's close date is the expected one, often ahead
        if isinstance(value, datetime) and value > context.now:
            yield RowError(line, name, value.isoformat(), f"in the future (now is {context.now.isoformat()})")
    if context.kind is RecordKind.LEADS:
        for date_field, reason_field in PAIRED_STAGE_FIELDS:
            if (fields[date_field] is None) != (fields[reason_field] is None):
                missing = reason_field if fields[reason_field] is None else date_field
                present = date_field if missing == reason_field else reason_field
                yield RowError(line, missing, "", f"required when {present} is given")
    if context.kind is RecordKind.ACTIVITIES and not any(
        fields[name] for name in ("lead_external_id", "lead_email", "visitor_id")
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
