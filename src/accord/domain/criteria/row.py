"""The live path: a criterion evaluated for one lead's values, in three-valued logic (True, False or
None for unknown); only True passes. Mirrors columns.py rule for rule."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from accord.domain.criteria.errors import CriterionValueError
from accord.domain.criteria.nodes import (
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
    TextMatch,
    TextOp,
    Truth,
)
from accord.domain.criteria.values import (
    CompareOp,
    Kind,
    Normalized,
    Scalar,
    as_date,
    as_utc,
    comparison_kind,
    normalize,
)

Truth3 = bool | None

COMPARE: dict[CompareOp, Callable[[Scalar, Scalar], bool]] = {
    CompareOp.EQ: lambda left, right: left == right,
    CompareOp.NE: lambda left, right: left != right,
    CompareOp.LT: lambda left, right: left < right,  # type: ignore[operator]
    CompareOp.LE: lambda left, right: left <= right,  # type: ignore[operator]
    CompareOp.GT: lambda left, right: left > right,  # type: ignore[operator]
    CompareOp.GE: lambda left, right: left >= right,  # type: ignore[operator]
}


@dataclass(frozen=True)
class RowPredicate:
    """``predicate(values, now)``: whether one lead passes. ``values`` maps every referenced name to
    its value (None when missing); a name without an entry is an error, not a missing value."""

    criterion: Criterion

    def __call__(self, values: Mapping[str, object], now: datetime) -> bool:
        return truth_of(self.criterion.root, _Row(values, as_utc(now, "now"))) is True


def compile_row(criterion: Criterion) -> RowPredicate:
    return RowPredicate(criterion)


@dataclass(frozen=True)
class _Row:
    values: Mapping[str, object]
    now: datetime

    def operand(self, operand: Operand) -> Normalized | None:
        if isinstance(operand, Name):
            if operand.name not in self.values:
                raise CriterionValueError(f"no value was given for '{operand.name}'")
            return normalize(operand.name, self.values[operand.name])
        if isinstance(operand, Literal):
            return normalize("a literal", operand.value)
        return operand.kind, operand.resolve(self.now)


def truth_of(condition: Condition, row: _Row) -> Truth3:
    if isinstance(condition, And):
        return all3(truth_of(item, row) for item in condition.items)
    if isinstance(condition, Or):
        return any3(truth_of(item, row) for item in condition.items)
    if isinstance(condition, Not):
        return not3(truth_of(condition.inner, row))
    return leaf_truth(condition, row)


def leaf_truth(condition: Condition, row: _Row) -> Truth3:
    if isinstance(condition, Comparison):
        return compare(condition.op, row.operand(condition.left), row.operand(condition.right))
    if isinstance(condition, Between):
        value = row.operand(condition.operand)
        low = compare(CompareOp.GE, value, row.operand(condition.low))
        return all3((low, compare(CompareOp.LE, value, row.operand(condition.high))))
    if isinstance(condition, Membership):
        return membership(condition, row.operand(condition.operand))
    if isinstance(condition, TextMatch):
        return text_match(condition, row.operand(condition.operand))
    if isinstance(condition, Presence):
        return (row.operand(condition.operand) is None) is not condition.is_negated
    assert isinstance(condition, Truth)
    value = row.operand(condition.operand)
    return value[1] if value is not None and value[0] is Kind.BOOLEAN else None  # type: ignore[return-value]


def compare(op: CompareOp, left: Normalized | None, right: Normalized | None) -> Truth3:
    if left is None or right is None:
        return None
    kind = comparison_kind(op, left[0], right[0])
    if kind is None:
        return None
    if kind is Kind.DATE:
        return COMPARE[op](as_date(*left), as_date(*right))
    return COMPARE[op](left[1], right[1])


def membership(condition: Membership, value: Normalized | None) -> Truth3:
    found = any3(
        compare(CompareOp.EQ, value, (item.kind, _normalized_item(item))) for item in condition.items
    )
    return not3(found) if condition.is_negated else found


def _normalized_item(item: Literal) -> Scalar:
    return item.value.lower() if isinstance(item.value, str) else item.value


def text_match(condition: TextMatch, value: Normalized | None) -> Truth3:
    if value is None or value[0] is not Kind.TEXT:
        return None
    text, pattern = str(value[1]), condition.pattern.lower()
    if condition.op is TextOp.CONTAINS:
        return pattern in text
    return text.startswith(pattern) if condition.op is TextOp.STARTS_WITH else text.endswith(pattern)


def all3(truths: Iterable[Truth3]) -> Truth3:
    """Kleene 'and': false wins, then unknown."""
    result: Truth3 = True
    for truth in truths:
        if truth is False:
            return False
        if truth is None:
            result = None
    return result


def any3(truths: Iterable[Truth3]) -> Truth3:
    """Kleene 'or': true wins, then unknown."""
    result: Truth3 = False
    for truth in truths:
        if truth is True:
            return True
        if truth is None:
            result = None
    return result


def not3(truth: Truth3) -> Truth3:
    return None if truth is None else not truth
