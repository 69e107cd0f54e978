"""Turning one cell's text into a typed value (dates, numbers, booleans) under the formats a file or
its mapping declares. Each converter returns the value or raises ValueError with a reason for a person."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

TRUE_WORDS = frozenset({"true", "yes", "y", "1", "t"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "f"})


class AttributeType(StrEnum):
    """What a mapping may declare a custom attribute column to be; undeclared ones stay text."""

    TEXT = "text"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"


@dataclass(frozen=True)
class ParseFormats:
    """How to read a file's dates and numbers. The defaults read ISO 8601 and '.' decimals."""

    # strptime formats tried, in order, after ISO 8601 (e.g. "%d/%m/%Y").
    date_formats: tuple[str, ...] = ()
    decimal_separator: str = "."
    thousands_separator: str = ""
    # The zone of date-times written without one; UTC unless a mapping says otherwise.
    timezone: str = "UTC"
    attribute_types: Mapping[str, AttributeType] = field(default_factory=dict)

    def zone(self) -> tzinfo:
        if self.timezone == "UTC":
            return UTC
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.timezone!r}") from exc


DEFAULT_FORMATS = ParseFormats()


def storable_text(text: str) -> str:
    """The text unchanged, or ValueError when no database could store it as written."""
    if "\x00" in text:
        raise ValueError("contains a NUL character (U+0000), which cannot be stored")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("contains an unpaired surrogate; expected valid Unicode text") from exc
    return text


def parse_datetime(text: str, formats: ParseFormats) -> datetime:
    """An aware UTC date-time. A date alone is midnight; a time without a zone is in formats.timezone."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as iso_error:
        parsed = _strptime(text, formats, iso_error)
    if parsed.tzinfo is UTC:
        return parsed
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=formats.zone())
    return parsed.astimezone(UTC)


def _strptime(text: str, formats: ParseFormats, iso_error: ValueError) -> datetime:
    reasons = []
    for date_format in formats.date_formats:
        try:
            return datetime.strptime(text, date_format)  # noqa: DTZ007 - the zone is applied by the caller
        except ValueError as exc:
            reasons.append(str(exc))
    detail = _date_reason(str(iso_error), reasons)
    expected = " or ".join(("ISO 8601 (2026-03-31 or 2026-03-31T14:05:00Z)", *formats.date_formats))
    raise ValueError(f"not a valid date{detail}; expected {expected}")


def _date_reason(iso_reason: str, strptime_reasons: list[str]) -> str:
    for reason in (iso_reason, *strptime_reasons):
        if "out of range" in reason or "must be in" in reason:
            return f" ({reason})"
    return ""


def parse_decimal(text: str, formats: ParseFormats) -> Decimal:
    normalised = text.replace(" ", "").replace("\u00a0", "")
    if formats.thousands_separator:
        normalised = normalised.replace(formats.thousands_separator, "")
    if formats.decimal_separator != ".":
        if "." in normalised:
            raise ValueError(f"not a number (the decimal separator is {formats.decimal_separator!r})")
        normalised = normalised.replace(formats.decimal_separator, ".")
    try:
        number = Decimal(normalised)
    except InvalidOperation as exc:
        raise ValueError("not a number") from exc
    if not number.is_finite():
        raise ValueError("not a finite number")
    return number


def parse_int(text: str, formats: ParseFormats) -> int:
    number = parse_decimal(text, formats)
    if number != number.to_integral_value():
        raise ValueError("not a whole number")
    return int(number)


def parse_bool(text: str) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError("not a yes/no value; expected true/false, yes/no or 1/0")


def parse_attribute(text: str, declared: AttributeType, formats: ParseFormats) -> str | int | float | bool:
    if declared is AttributeType.INT:
        return parse_int(text, formats)
    if declared is AttributeType.FLOAT:
        return float(parse_decimal(text, formats))
    if declared is AttributeType.BOOL:
        return parse_bool(text)
    return text


_NOT_NAME = re.compile(r"\W+")


def attribute_name(column: str) -> str:
    """A column header as an attribute name the playbook can use: 'Company Size' -> company_size."""
    return _NOT_NAME.sub("_", column.strip().lower()).strip("_") or column.strip()
