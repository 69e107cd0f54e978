"""Values as the criteria language sees them: five kinds, how a Python value becomes one, which kinds
compare with which, and calendar arithmetic for ``now - 3 months``. Shared by both evaluators."""

from __future__ import annotations

import calendar
import math
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import Enum

from accord.domain.criteria.errors import CriterionValueError


class Kind(Enum):
    NUMBER = "number"
    TEXT = "text"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"


class CompareOp(Enum):
    EQ = "="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="


EQUALITY_OPS = frozenset({CompareOp.EQ, CompareOp.NE})
TEMPORAL_KINDS = frozenset({Kind.DATE, Kind.DATETIME})
# Text that is empty or only these characters counts as missing; an explicit set, because Python's
# str.isspace and Rust's trim disagree on a few control characters.
BLANK_CHARACTERS = " \t\r\n\f\v"

Scalar = float | str | bool | date | datetime
Normalized = tuple[Kind, Scalar]


def comparison_kind(op: CompareOp, left: Kind, right: Kind) -> Kind | None:
    """The kind both sides are compared as, or None when they do not compare (the result is unknown).

    A calendar date against a datetime compares dates, the datetime taken at its UTC date; booleans
    only compare for equality."""
    if left in TEMPORAL_KINDS and right in TEMPORAL_KINDS:
        return Kind.DATETIME if left is right is Kind.DATETIME else Kind.DATE
    if left is not right:
        return None
    if left is Kind.BOOLEAN and op not in EQUALITY_OPS:
        return None
    return left


def normalize(name: str, value: object) -> Normalized | None:
    """One attribute value as (kind, comparable value), or None when missing.

    Numbers become floats (both evaluators compare in double precision), NaN and blank text are
    missing, text is lower-cased (comparisons ignore case) and datetimes move to UTC."""
    if value is None:
        return None
    if isinstance(value, bool):
        return Kind.BOOLEAN, value
    if isinstance(value, int | float | Decimal):
        return _normalize_number(value)
    if isinstance(value, str):
        return None if not value.strip(BLANK_CHARACTERS) else (Kind.TEXT, value.lower())
    if isinstance(value, datetime):
        return Kind.DATETIME, as_utc(value, f"the value of '{name}'")
    if isinstance(value, date):
        return Kind.DATE, value
    raise CriterionValueError(f"'{name}' holds a {type(value).__name__}, which criteria cannot compare")


def _normalize_number(value: int | float | Decimal) -> Normalized | None:
    if isinstance(value, Decimal) and value.is_nan():
        return None
    number = float(value)
    return None if math.isnan(number) else (Kind.NUMBER, number)


def as_utc(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise CriterionValueError(f"{what} is a datetime without a time zone; give an aware datetime")
    return moment.astimezone(UTC)


def as_date(kind: Kind, value: Scalar) -> Scalar:
    """A temporal value as a calendar date: a datetime is taken at its UTC date."""
    return value.date() if kind is Kind.DATETIME and isinstance(value, datetime) else value


def add_months(moment: date, months: int) -> date:
    """Calendar months, the day clamped to the month's end (31 January + 1 month = 28/29 February).
    Works for dates and datetimes alike, keeping the time of day."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def shift(moment: date, amount: int, unit: str) -> date:
    """``moment`` moved by ``amount`` units (hour, day, week, month or year); ``amount`` may be negative."""
    if unit == "month":
        return add_months(moment, amount)
    if unit == "year":
        return add_months(moment, 12 * amount)
    hours = {"hour": 1, "day": 24, "week": 24 * 7}[unit]
    return moment + timedelta(hours=hours * amount)
