"""The bulk path: a criterion compiled to one polars expression over a frame whose columns are named
by the criterion's names. Mirrors row.py rule for rule; a property test holds the two equal.
``now`` is one moment for every row, or a per-row expression (a backtest replays each row's instant)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import reduce

import polars as pl

from accord.domain.criteria.errors import CriterionValueError
from accord.domain.criteria.nodes import (
    Anchor,
    And,
    Between,
    Comparison,
    Condition,
    Criterion,
    Literal,
    Membership,
    Name,
    Not,
    Operand,
    Or,
    Presence,
    RelativeTime,
    TextMatch,
    TextOp,
    Truth,
)
from accord.domain.criteria.values import BLANK_CHARACTERS, CompareOp, Kind, as_utc, comparison_kind

# ``now`` as one aware datetime, or a per-row expression of aware datetimes.
Now = datetime | pl.Expr

RESULT_COLUMN = "__criterion__"
NORMALISED_COLUMN = "__normalised__"
NON_BLANK = f"[^{BLANK_CHARACTERS}]"
UNKNOWN = pl.lit(None, dtype=pl.Boolean)
LITERAL_DTYPES: dict[Kind, pl.DataType] = {
    Kind.NUMBER: pl.Float64(),
    Kind.TEXT: pl.String(),
    Kind.BOOLEAN: pl.Boolean(),
    Kind.DATE: pl.Date(),
    Kind.DATETIME: pl.Datetime("us", "UTC"),
}
COMPARE: dict[CompareOp, Callable[[pl.Expr, pl.Expr], pl.Expr]] = {
    CompareOp.EQ: lambda left, right: left == right,
    CompareOp.NE: lambda left, right: left != right,
    CompareOp.LT: lambda left, right: left < right,
    CompareOp.LE: lambda left, right: left <= right,
    CompareOp.GT: lambda left, right: left > right,
    CompareOp.GE: lambda left, right: left >= right,
}


@dataclass(frozen=True)
class Typed:
    """A normalised column expression and its kind; kind None means every value is missing."""

    expr: pl.Expr
    kind: Kind | None


@dataclass(frozen=True)
class ColumnPredicate:
    """``predicate(frame, now)``: a boolean Series, True where the row passes (never null).

    ``now`` may be an expression such as ``pl.col("at")``: each row is then checked at its own moment,
    ``now - 1 month`` in calendar months per row, exactly as the row evaluator does at that moment."""

    criterion: Criterion

    def __call__(
        self, frame: pl.DataFrame, now: Now, *, normalised: frozenset[str] = frozenset()
    ) -> pl.Series:
        expr = self.expression(frame.schema, now, normalised=normalised).alias(RESULT_COLUMN)
        # with_columns, not select: a criterion on literals alone must still give one value per row.
        return frame.lazy().with_columns(expr).select(RESULT_COLUMN).collect().to_series()

    def expression(
        self, schema: Mapping[str, pl.DataType], now: Now, *, normalised: frozenset[str] = frozenset()
    ) -> pl.Expr:
        """The criterion as one expression, to evaluate many criteria in one pass over a frame.
        ``normalised`` names text columns the frame already holds as with_normalised_text left them."""
        moment = as_utc(now, "now") if isinstance(now, datetime) else now.dt.convert_time_zone("UTC")
        return _Columns(schema, moment, normalised).condition(self.criterion.root).fill_null(False)


def compile_columns(criterion: Criterion) -> ColumnPredicate:
    return ColumnPredicate(criterion)


def with_normalised_text(frame: pl.DataFrame, names: Iterable[str]) -> tuple[pl.DataFrame, frozenset[str]]:
    """``frame`` with its text columns among ``names`` normalised once, as ``column`` normalises them
    for each criterion (lower-cased, blank as missing), and the names it normalised: many criteria on
    one column then share the work. A categorical column is normalised per distinct value, then mapped."""
    text = sorted(name for name in set(names) if name in frame.schema and _is_text(frame.schema[name]))
    replacements = []
    for name in text:
        normalised = column(name, frame.schema[name]).expr
        if isinstance(frame.schema[name], pl.String):
            replacements.append(normalised.alias(name))
            continue
        distinct = frame.select(pl.col(name).unique()).with_columns(normalised.alias(NORMALISED_COLUMN))
        replacements.append(
            pl.col(name)
            .replace_strict(distinct[name], distinct[NORMALISED_COLUMN], default=None, return_dtype=pl.String)
            .alias(name)
        )
    return frame.with_columns(replacements), frozenset(text)


def _is_text(dtype: pl.DataType) -> bool:
    return isinstance(dtype, pl.String | pl.Categorical | pl.Enum)


@dataclass(frozen=True)
class _Columns:
    schema: Mapping[str, pl.DataType]
    now: Now
    normalised: frozenset[str] = frozenset()

    def condition(self, condition: Condition) -> pl.Expr:
        if isinstance(condition, And):
            return reduce(lambda left, right: left & right, map(self.condition, condition.items))
        if isinstance(condition, Or):
            return reduce(lambda left, right: left | right, map(self.condition, condition.items))
        if isinstance(condition, Not):
            return ~self.condition(condition.inner)
        return self.leaf(condition)

    def leaf(self, condition: Condition) -> pl.Expr:
        if isinstance(condition, Comparison):
            return compare(condition.op, self.operand(condition.left), self.operand(condition.right))
        if isinstance(condition, Between):
            value = self.operand(condition.operand)
            low = compare(CompareOp.GE, value, self.operand(condition.low))
            return low & compare(CompareOp.LE, value, self.operand(condition.high))
        if isinstance(condition, Membership):
            return membership(condition, self.operand(condition.operand))
        if isinstance(condition, TextMatch):
            return text_match(condition, self.operand(condition.operand))
        if isinstance(condition, Presence):
            return presence(condition, self.operand(condition.operand))
        assert isinstance(condition, Truth)
        value = self.operand(condition.operand)
        return value.expr if value.kind is Kind.BOOLEAN else UNKNOWN

    def operand(self, operand: Operand) -> Typed:
        if isinstance(operand, Name):
            if operand.name not in self.schema:
                raise CriterionValueError(f"no value was given for '{operand.name}'")
            if operand.name in self.normalised:
                return Typed(pl.col(operand.name), Kind.TEXT)
            return column(operand.name, self.schema[operand.name])
        if isinstance(operand, Literal):
            return literal(operand.kind, operand.value)
        if isinstance(self.now, datetime):
            return literal(operand.kind, operand.resolve(self.now))
        return Typed(relative_to(operand, self.now), operand.kind)


def column(name: str, dtype: pl.DataType) -> Typed:
    """A column normalised as row.py normalises a value: numbers to Float64 with NaN as missing,
    text lower-cased with blank as missing, datetimes in UTC."""
    expr = pl.col(name)
    if dtype.is_numeric():
        return Typed(expr.cast(pl.Float64).fill_nan(None), Kind.NUMBER)
    if _is_text(dtype):
        text = expr.cast(pl.String)
        return Typed(pl.when(text.str.contains(NON_BLANK)).then(text.str.to_lowercase()), Kind.TEXT)
    if isinstance(dtype, pl.Boolean):
        return Typed(expr, Kind.BOOLEAN)
    if isinstance(dtype, pl.Date):
        return Typed(expr, Kind.DATE)
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is None:
            raise CriterionValueError(f"'{name}' holds datetimes without a time zone; store them in UTC")
        return Typed(expr.dt.convert_time_zone("UTC"), Kind.DATETIME)
    if isinstance(dtype, pl.Null):
        return Typed(expr, None)
    raise CriterionValueError(f"'{name}' is a {dtype} column, which criteria cannot compare")


def relative_to(relative: RelativeTime, now: pl.Expr) -> pl.Expr:
    """``RelativeTime.resolve`` per row: polars' calendar offset clamps to the month's end as
    values.add_months does (31 January + 1 month = 28/29 February)."""
    start = now.dt.cast_time_unit("us")
    if relative.anchor is Anchor.TODAY:
        start = start.dt.date()
    if relative.amount == 0:
        return start
    if relative.unit in {"month", "year"}:
        months = relative.amount * (12 if relative.unit == "year" else 1)
        return start.dt.offset_by(f"{months}mo")
    hours = {"hour": 1, "day": 24, "week": 24 * 7}[relative.unit]
    if relative.anchor is Anchor.TODAY:  # the grammar moves today by whole days only
        return start.dt.offset_by(f"{hours * relative.amount // 24}d")
    return start + pl.duration(hours=hours * relative.amount)


def literal(kind: Kind, value: object) -> Typed:
    normalised = value.lower() if isinstance(value, str) else value
    return Typed(pl.lit(normalised, dtype=LITERAL_DTYPES[kind]), kind)


def compare(op: CompareOp, left: Typed, right: Typed) -> pl.Expr:
    if left.kind is None or right.kind is None:
        return UNKNOWN
    kind = comparison_kind(op, left.kind, right.kind)
    if kind is None:
        return UNKNOWN
    if kind is Kind.DATE:
        return COMPARE[op](as_date(left), as_date(right))
    return COMPARE[op](left.expr, right.expr)


def as_date(value: Typed) -> pl.Expr:
    return value.expr.dt.date() if value.kind is Kind.DATETIME else value.expr


def membership(condition: Membership, value: Typed) -> pl.Expr:
    found = _found_in(condition.items, value)
    return ~found if condition.is_negated else found


def _found_in(items: tuple[Literal, ...], value: Typed) -> pl.Expr:
    item_kind = items[0].kind
    if value.kind is None or comparison_kind(CompareOp.EQ, value.kind, item_kind) is None:
        return UNKNOWN
    if value.kind is item_kind and item_kind in {Kind.NUMBER, Kind.TEXT}:
        values = [item.value.lower() if isinstance(item.value, str) else item.value for item in items]
        return value.expr.is_in(pl.Series(values, dtype=LITERAL_DTYPES[item_kind]).implode())
    # Dates and booleans: few items, and equality already handles the date-against-datetime rule.
    equalities = (compare(CompareOp.EQ, value, literal(item.kind, item.value)) for item in items)
    return reduce(lambda left, right: left | right, equalities)


def text_match(condition: TextMatch, value: Typed) -> pl.Expr:
    if value.kind is not Kind.TEXT:
        return UNKNOWN
    pattern = condition.pattern.lower()
    if condition.op is TextOp.CONTAINS:
        return value.expr.str.contains(pattern, literal=True)
    if condition.op is TextOp.STARTS_WITH:
        return value.expr.str.starts_with(pattern)
    return value.expr.str.ends_with(pattern)


def presence(condition: Presence, value: Typed) -> pl.Expr:
    is_missing = pl.lit(True) if value.kind is None else value.expr.is_null()
    return ~is_missing if condition.is_negated else is_missing
