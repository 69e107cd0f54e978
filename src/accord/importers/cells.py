"""One cell's text → its typed value by canonical column, and what a stream's parse shares (the
kind's columns, the formats, now, the values already checked). Used by the row-at-a-time parser and
by the column-wise one (accord.importers.parsing, accord.importers.columnwise)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TypeVar

from accord.importers.canonical import RecordKind
from accord.importers.columns import STAGE_COLUMNS, Column, ColumnType, columns_of
from accord.importers.values import (
    ParseFormats,
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


@dataclass(frozen=True)
class ParseContext:
    kind: RecordKind
    formats: ParseFormats
    now: datetime
    known: dict[str, Column]  # the kind's columns by name, looked up once per stream, not per row
    order: dict[str, int]  # each known column's position, to report a row's errors in column order
    required: tuple[str, ...]
    dated: tuple[str, ...]  # the columns that hold a date-time, checked against now
    # (column, text) → value for columns with few distinct values (activity kinds, statuses,
    # currencies), so that each distinct value is checked once per stream, not once per row.
    checked: dict[tuple[str, str], str]
    # Unknown column → its attribute name (the same few headers on every row).
    attribute_names: dict[str, str]


def parse_context(kind: RecordKind, formats: ParseFormats, now: datetime) -> ParseContext:
    known = columns_of(kind)
    dated = tuple(c.name for c in known.values() if c.type in (ColumnType.DATETIME, ColumnType.MONTH))
    required = tuple(c.name for c in known.values() if c.is_required)
    order = {name: index for index, name in enumerate(known)}
    return ParseContext(kind, formats, now, known, order, required, dated, {}, {})


def is_storable(text: str) -> bool:
    if "\x00" in text:
        return False
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def convert_cell(column: Column, text: str, context: ParseContext, *, known_storable: bool = False) -> Typed:
    """A non-empty cell's value by its column's type."""
    if len(text) > column.max_chars:
        raise ValueError(f"field longer than {column.max_chars} characters ({len(text)})")
    if not known_storable:
        storable_text(text)
    kind = column.type
    if kind is ColumnType.DATETIME:
        return parse_datetime(text, context.formats)
    if kind is ColumnType.MONTH:
        return month_start(text, context.formats)
    if kind is ColumnType.DECIMAL:
        return not_negative(parse_decimal(text, context.formats))
    if kind is ColumnType.INT:
        return not_negative(parse_int(text, context.formats))
    return checked_text(column, text)


def checked_text(column: Column, text: str) -> str:
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


def not_negative(number: N) -> N:
    if number < 0:
        raise ValueError("must not be negative")
    return number


def month_start(text: str, formats: ParseFormats) -> datetime:
    candidate = f"{text}-01" if re.fullmatch(r"\d{4}-\d{2}", text) else text
    moment = parse_datetime(candidate, formats)
    return datetime(moment.year, moment.month, 1, tzinfo=UTC)
