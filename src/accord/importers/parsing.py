"""Canonical rows of text → typed canonical records, or one RowError per bad field. A bad row never
stops the stream; the second row with an id already seen in the file is rejected, naming the first
(accord.importers.seen_keys: how, in memory that stays small for a file of millions of rows)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from itertools import chain, islice

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
from accord.importers.cells import (
    CHECKED_VALUES,
    FEW_VALUED_TYPES,
    PAIRED_STAGE_FIELDS,
    STAGE_NAMES,
    ParseContext,
    Typed,
    convert_cell,
    is_storable,
    parse_context,
)
from accord.importers.columns import (
    KINDS_WITHOUT_ATTRIBUTES,
    LONG_TEXT_CHARS,
    ColumnType,
)
from accord.importers.columnwise import BLOCK_ROWS, block_records
from accord.importers.reading import SourceRow
from accord.importers.seen_keys import SeenKeys
from accord.importers.values import (
    DEFAULT_FORMATS,
    AttributeType,
    ParseFormats,
    attribute_name,
    parse_attribute,
    storable_text,
)


class _RowProblems(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors


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
    context = parse_context(kind, formats, now)
    seen = SeenKeys(_identity_of(kind))
    for block in _blocks(rows, BLOCK_ROWS):
        if seen.add_all(_parsed_block(context, block)):
            yield from seen.flush()
    yield from seen.flush()


def _blocks(rows: Iterable[SourceRow | RowError], size: int) -> Iterator[list[SourceRow | RowError]]:
    iterator = iter(rows)
    while block := list(islice(iterator, size)):
        yield block


def _parsed_block(
    context: ParseContext, block: list[SourceRow | RowError]
) -> list[CanonicalRecord | RowError]:
    """The block's records and errors in row order: column-wise when the whole block is clean,
    else row by row (see accord.importers.columnwise)."""
    rows = [item for item in block if not isinstance(item, RowError)]
    records = block_records(context, rows)
    if records is None:
        return list(chain.from_iterable(_row_by_row(context, item) for item in block))
    if len(rows) == len(block):
        return list(records)
    built = iter(records)
    return [item if isinstance(item, RowError) else next(built) for item in block]


def _row_by_row(context: ParseContext, item: SourceRow | RowError) -> list[CanonicalRecord | RowError]:
    if isinstance(item, RowError):
        return [item]
    try:
        return [_record(context, item)]
    except _RowProblems as problems:
        return list(problems.errors)


def _record(context: ParseContext, row: SourceRow) -> CanonicalRecord:
    """One pass over the row's cells: known columns are converted, the others become attributes.
    Only the row's own cells are visited (a file rarely has every optional column)."""
    known = context.known
    checked = context.checked
    fields: dict[str, Typed] = {}
    attributes: dict[str, AttributeValue] = {}
    errors: list[RowError] = []
    # One check of the whole row instead of one per field: nearly every row is storable as a whole,
    # and only a row that is not needs each field checked to say which one.
    storable = is_storable("".join(row.values.values()))
    for name, raw in row.values.items():
        column = known.get(name)
        if column is None:
            _attribute(context, row.line, name, raw, attributes, errors, is_storable=storable)
            continue
        text = raw.strip()
        if not text:
            continue  # missing; a required column is reported below
        if storable:
            # The common cases first, without a call: plain text that fits, a value already checked.
            if column.type is ColumnType.TEXT:
                if len(text) <= column.max_chars:
                    fields[name] = text
                    continue
            elif column.type in FEW_VALUED_TYPES and (name, text) in checked:
                fields[name] = checked[name, text]
                continue
        try:
            fields[name] = value = convert_cell(column, text, context, known_storable=storable)
        except ValueError as exc:
            errors.append(RowError(row.line, name, text, str(exc)))
            continue
        if storable and column.type in FEW_VALUED_TYPES and len(checked) < CHECKED_VALUES:
            checked[name, text] = value  # type: ignore[assignment]  # these types convert to text
    for name in context.required:
        if name not in fields and not any(error.field == name for error in errors):
            errors.append(RowError(row.line, name, "", "required value is missing"))
    if not errors:
        errors = _cross_checks(context, row.line, fields)
    if errors:
        # Known columns in their documented order, then the attribute columns as the row has them.
        errors.sort(key=lambda error: context.order.get(error.field, len(context.order)))
        raise _RowProblems(errors)
    return _build(context.kind, row.line, fields, attributes)


def _attribute(
    context: ParseContext,
    line: int,
    column: str,
    raw: str,
    attributes: dict[str, AttributeValue],
    errors: list[RowError],
    *,
    is_storable: bool,
) -> None:
    """An unknown column's cell as a custom attribute (or an error for kinds that have none)."""
    text = raw.strip()
    if context.kind in KINDS_WITHOUT_ATTRIBUTES:
        errors.append(RowError(line, column, text, f"unknown column; {context.kind} have no attributes"))
        return
    if len(text) > LONG_TEXT_CHARS:
        errors.append(RowError(line, column, text, f"field longer than {LONG_TEXT_CHARS} characters"))
        return
    name = context.attribute_names.get(column)
    if name is None:
        name = context.attribute_names[column] = attribute_name(column)
    if not text or name in context.known:
        return
    declared = context.formats.attribute_types.get(name, AttributeType.TEXT)
    try:
        if not is_storable:
            storable_text(text)
        attributes[name] = parse_attribute(text, declared, context.formats)
    except ValueError as exc:
        errors.append(RowError(line, column, text, str(exc)))


def _cross_checks(context: ParseContext, line: int, fields: dict[str, Typed]) -> list[RowError]:
    """Checks across fields; ``fields`` holds only the row's non-empty values."""
    errors: list[RowError] = []
    now = context.now
    for name in context.dated:
        value = fields.get(name)
        if not isinstance(value, datetime) or value <= now:
            continue
        if name == "closed_at" and fields.get("status") in (None, "open"):
            continue  # an open deal's close date is the expected one, often ahead
        errors.append(RowError(line, name, value.isoformat(), f"in the future (now is {now.isoformat()})"))
    kind = context.kind
    if kind is RecordKind.ACTIVITIES:
        if not ("lead_external_id" in fields or "lead_email" in fields or "visitor_id" in fields):
            message = "one of lead_external_id, lead_email, visitor_id is needed"
            errors.append(RowError(line, "lead_external_id", "", message))
    elif kind is RecordKind.LEADS:
        for date_field, reason_field in PAIRED_STAGE_FIELDS:
            if (date_field in fields) != (reason_field in fields):
                missing = date_field if reason_field in fields else reason_field
                present = date_field if missing == reason_field else reason_field
                errors.append(RowError(line, missing, "", f"required when {present} is given"))
    elif kind is RecordKind.OPPORTUNITIES and fields.get("status") in ("won", "lost"):
        if "closed_at" not in fields:
            errors.append(RowError(line, "closed_at", "", f"required for a {fields['status']} opportunity"))
    return errors


def _build(
    kind: RecordKind, line: int, given: dict[str, Typed], attributes: dict[str, AttributeValue]
) -> CanonicalRecord:
    """The record from the row's non-empty values; absent fields take the record's defaults."""
    if kind is RecordKind.ACCOUNTS:
        return AccountRecord(line=line, attributes=attributes, **given)  # type: ignore[arg-type]
    if kind is RecordKind.LEADS:
        stages = {name: given.pop(name) for name in STAGE_NAMES.intersection(given)}
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


def _identity_of(kind: RecordKind) -> Callable[[CanonicalRecord], tuple[str, str]]:
    """How to read the field that must be unique within one file, and its value, from a record."""
    if kind is RecordKind.USERS:
        return lambda record: ("email", record.email)  # type: ignore[union-attr]
    if kind is RecordKind.SPEND:
        return _spend_identity
    return lambda record: ("external_id", record.external_id)  # type: ignore[union-attr]


def _spend_identity(record: CanonicalRecord) -> tuple[str, str]:
    assert isinstance(record, SpendRecord)
    key = f"{record.source} / {record.campaign} / {record.month:%Y-%m} / {record.currency}"
    return "source, campaign, month", key
