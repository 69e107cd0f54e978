"""Parsing a block of rows a column at a time: the path that files of millions of rows take.

A block is parsed this way only when its rows share their columns and every check passes for the
whole block. At the first doubt (one bad cell, a date in the future, a missing required value) the
answer is None and the block is parsed row by row (accord.importers.parsing), which names each error.
For a clean block both give equal records: tests/test_importers_columnwise.py holds them equal.

Why: the row-at-a-time parser pays a dictionary and a dozen checks per cell; a column is checked with
one comprehension and one max(), and records are built positionally, five times faster
(bench/RESULTS.md, "Import")."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import datetime
from itertools import chain, repeat
from typing import Any

from accord.importers.canonical import (
    AccountRecord,
    ActivityRecord,
    AttributeValue,
    CanonicalRecord,
    LeadRecord,
    OpportunityOutcome,
    OpportunityRecord,
    RecordKind,
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
)
from accord.importers.columns import KINDS_WITHOUT_ATTRIBUTES, LONG_TEXT_CHARS, Column, ColumnType
from accord.importers.reading import SourceRow
from accord.importers.values import AttributeType, attribute_name, parse_attribute, parse_datetime

# Rows parsed together. Large enough that per-column work is paid rarely; small enough that a block
# with one bad row, parsed again row by row, costs little.
BLOCK_ROWS = 512
RECORD_CLASSES: dict[RecordKind, type[Any]] = {
    RecordKind.ACCOUNTS: AccountRecord,
    RecordKind.LEADS: LeadRecord,
    RecordKind.ACTIVITIES: ActivityRecord,
    RecordKind.OPPORTUNITIES: OpportunityRecord,
    RecordKind.USERS: UserRecord,
    RecordKind.SPEND: SpendRecord,
}
Values = list[Typed | None]


class _Doubt(Exception):
    """Internal: the block cannot be vouched for as a whole; parse it row by row."""


def block_records(context: ParseContext, rows: Sequence[SourceRow]) -> list[CanonicalRecord] | None:
    """The block's records in row order, or None when any row needs the row-by-row parser."""
    if not rows:
        return []
    header = tuple(rows[0].values)
    if any(tuple(row.values) != header for row in rows):
        return None  # JSON lines with differing keys
    columns: list[tuple[str, ...]] = list(zip(*(row.values.values() for row in rows), strict=True))
    if not header or not is_storable("".join(chain.from_iterable(columns))):
        return None
    try:
        values, attribute_columns = _converted_columns(context, header, columns)
        count = len(rows)
        _check_across(context, values, count)
    except _Doubt:
        return None
    attributes = _attribute_dicts(attribute_columns, count)
    return _records(context, [row.line for row in rows], values, attributes)


def _converted_columns(
    context: ParseContext, header: tuple[str, ...], columns: list[tuple[str, ...]]
) -> tuple[dict[str, Values], list[tuple[str, list[AttributeValue | None]]]]:
    values: dict[str, Values] = {}
    attribute_columns: list[tuple[str, list[AttributeValue | None]]] = []
    for name, texts in zip(header, columns, strict=True):
        stripped = [text.strip() for text in texts]
        column = context.known.get(name)
        if column is not None:
            values[name] = _known_column(context, column, stripped)
            continue
        attribute = _attribute_column(context, name, stripped)
        if attribute is not None:
            attribute_columns.append(attribute)
    if any(name not in values for name in context.required):
        raise _Doubt
    return values, attribute_columns


def _known_column(context: ParseContext, column: Column, texts: list[str]) -> Values:
    if column.is_required and not all(texts):
        raise _Doubt
    if max(map(len, texts)) > column.max_chars:
        raise _Doubt
    if column.type is ColumnType.TEXT:
        return [text or None for text in texts]
    if column.type in FEW_VALUED_TYPES:
        checked = {text: _checked_value(context, column, text) for text in set(texts) if text}
        return [checked.get(text) for text in texts]
    convert = _converter(context, column)
    try:
        return [convert(text) if text else None for text in texts]
    except ValueError:
        raise _Doubt from None


def _checked_value(context: ParseContext, column: Column, text: str) -> Typed:
    value = context.checked.get((column.name, text))
    if value is not None:
        return value
    try:
        converted = convert_cell(column, text, context, known_storable=True)
    except ValueError:
        raise _Doubt from None
    if len(context.checked) < CHECKED_VALUES:
        context.checked[column.name, text] = converted  # type: ignore[assignment]  # text, for these types
    return converted


def _converter(context: ParseContext, column: Column) -> Callable[[str], Typed]:
    formats = context.formats
    if column.type is ColumnType.DATETIME:
        return lambda text: parse_datetime(text, formats)
    return lambda text: convert_cell(column, text, context, known_storable=True)


def _attribute_column(
    context: ParseContext, header_name: str, texts: list[str]
) -> tuple[str, list[AttributeValue | None]] | None:
    """An unknown column as (attribute name, values); None when the column is ignored."""
    if context.kind in KINDS_WITHOUT_ATTRIBUTES or max(map(len, texts)) > LONG_TEXT_CHARS:
        raise _Doubt
    name = context.attribute_names.get(header_name)
    if name is None:
        name = context.attribute_names[header_name] = attribute_name(header_name)
    if name in context.known:
        return None
    declared = context.formats.attribute_types.get(name, AttributeType.TEXT)
    if declared is AttributeType.TEXT:
        return name, [text or None for text in texts]
    try:
        return name, [parse_attribute(text, declared, context.formats) if text else None for text in texts]
    except ValueError:
        raise _Doubt from None


def _check_across(context: ParseContext, values: dict[str, Values], count: int) -> None:
    """The row parser's checks across fields, for every row of the block at once."""
    nothing: Values = [None] * count
    for name in context.dated:
        dates = values.get(name)
        if dates is None:
            continue
        if name == "closed_at" and context.kind is RecordKind.OPPORTUNITIES:
            # An open deal's close date is the expected one, often ahead; only a closed one is checked.
            statuses = values.get("status", nothing)
            dates = [at for at, status in zip(dates, statuses, strict=True) if status not in (None, "open")]
        latest = max(filter(None, dates), default=None)  # type: ignore[type-var]
        if isinstance(latest, datetime) and latest > context.now:
            raise _Doubt
    kind = context.kind
    if kind is RecordKind.ACTIVITIES:
        named = zip(
            values.get("lead_external_id", nothing),
            values.get("lead_email", nothing),
            values.get("visitor_id", nothing),
            strict=True,
        )
        if not all(by_id or by_email or by_visitor for by_id, by_email, by_visitor in named):
            raise _Doubt
    elif kind is RecordKind.LEADS:
        for date_field, reason_field in PAIRED_STAGE_FIELDS:
            pairs = zip(values.get(date_field, nothing), values.get(reason_field, nothing), strict=True)
            if any((at is None) != (reason is None) for at, reason in pairs):
                raise _Doubt
    elif kind is RecordKind.OPPORTUNITIES:
        closes = zip(values.get("status", nothing), values.get("closed_at", nothing), strict=True)
        if any(status in ("won", "lost") and closed_at is None for status, closed_at in closes):
            raise _Doubt


def _attribute_dicts(
    attribute_columns: list[tuple[str, list[AttributeValue | None]]], count: int
) -> list[dict[str, AttributeValue]]:
    """Each row's attributes; a later column with the same attribute name wins, as in the row parser."""
    if not attribute_columns:
        return [{} for _ in range(count)]
    names = [name for name, _ in attribute_columns]
    rows = zip(*(column for _, column in attribute_columns), strict=True)
    return [
        {name: value for name, value in zip(names, row, strict=True) if value is not None} for row in rows
    ]


def _records(
    context: ParseContext,
    lines: list[int],
    values: dict[str, Values],
    attributes: list[dict[str, AttributeValue]],
) -> list[CanonicalRecord]:
    count = len(lines)
    fields: dict[str, Sequence[object]] = dict(values)
    if context.kind is RecordKind.LEADS:
        stages = {name: fields.pop(name) for name in STAGE_NAMES.intersection(values)}
        fields["stages"] = _instances(StageDates, stages, count)
    elif context.kind is RecordKind.OPPORTUNITIES:
        statuses = [
            OpportunityOutcome.OPEN if status is None else OpportunityOutcome(str(status))
            for status in values.get("status", [None] * count)
        ]
        fields["status"] = statuses
        if "closed_at" in values:
            # A CRM's close date on an open deal is the expected close, not a close.
            closes = zip(statuses, values["closed_at"], strict=True)
            fields["closed_at"] = [None if s is OpportunityOutcome.OPEN else at for s, at in closes]
    fields["line"] = lines
    if context.kind not in KINDS_WITHOUT_ATTRIBUTES:
        fields["attributes"] = attributes
    return _instances(RECORD_CLASSES[context.kind], fields, count)


def _instances(cls: type[Any], fields: dict[str, Sequence[object]], count: int) -> list[Any]:
    """``count`` instances of the dataclass, built positionally from its fields' columns; an absent
    column or an empty cell takes the field's default, as building it by keyword would."""
    arguments: list[Sequence[object]] = []
    for field in dataclasses.fields(cls):
        given = fields.get(field.name)
        if field.default_factory is not dataclasses.MISSING:
            arguments.append(given if given is not None else [field.default_factory() for _ in range(count)])
        elif given is None:
            arguments.append(list(repeat(field.default, count)))
        elif field.default is not dataclasses.MISSING and field.default is not None:
            default = field.default
            arguments.append([default if value is None else value for value in given])
        else:
            arguments.append(given)
    return list(map(cls, *arguments))
