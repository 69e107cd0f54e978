"""Checks a criterion against the types of the names it reads, so a playbook is refused at sign-off
rather than passing nobody at run time. Uses the same comparison table as both evaluators."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from enum import Enum

from accord.domain.criteria.errors import CriterionTypeError
from accord.domain.criteria.nodes import (
    And,
    Between,
    Comparison,
    Condition,
    Criterion,
    Membership,
    Name,
    Not,
    Operand,
    Or,
    Presence,
    TextMatch,
    Truth,
    operands,
)
from accord.domain.criteria.values import CompareOp, Kind, comparison_kind


class AttributeType(Enum):
    """The type of an attribute or variable; DATETIME covers calendar dates too."""

    NUMBER = "number"
    TEXT = "text"
    BOOLEAN = "boolean"
    DATETIME = "datetime"


KIND_OF_TYPE = {
    AttributeType.NUMBER: Kind.NUMBER,
    AttributeType.TEXT: Kind.TEXT,
    AttributeType.BOOLEAN: Kind.BOOLEAN,
    AttributeType.DATETIME: Kind.DATETIME,
}
KIND_WORDS = {
    Kind.NUMBER: "a number",
    Kind.TEXT: "text",
    Kind.BOOLEAN: "true/false",
    Kind.DATE: "a date",
    Kind.DATETIME: "a date",
}
# difflib's similarity ratio below which a name is too different to suggest; 0.6 is difflib's default.
SUGGESTION_CUTOFF = 0.6


def suggest_name(name: str, known: Iterable[str]) -> str | None:
    """The known name closest to a misspelt one, or None when nothing is close."""
    matches = difflib.get_close_matches(name, sorted(known), n=1, cutoff=SUGGESTION_CUTOFF)
    return matches[0] if matches else None


def check_types(criterion: Criterion, types: Mapping[str, AttributeType]) -> None:
    """Raise CriterionTypeError for the first unknown name or comparison of values that never compare
    (at run time such a comparison would be unknown, so the criterion could never pass through it)."""
    checker = _Checker(criterion.text, types)
    for operand in operands(criterion.root):
        checker.kind(operand)
    checker.condition(criterion.root)


class _Checker:
    def __init__(self, text: str, types: Mapping[str, AttributeType]) -> None:
        self.text = text
        self.types = types

    def fail(self, column: int, reason: str) -> CriterionTypeError:
        return CriterionTypeError(self.text, column, reason)

    def kind(self, operand: Operand) -> Kind:
        if not isinstance(operand, Name):
            return operand.kind
        if operand.name not in self.types:
            raise self.unknown(operand)
        return KIND_OF_TYPE[self.types[operand.name]]

    def unknown(self, operand: Name) -> CriterionTypeError:
        suggestion = suggest_name(operand.name, self.types)
        reason = f"'{operand.name}' is not a known attribute"
        if suggestion is not None:
            reason += f"; did you mean '{suggestion}'?"
        elif "." not in operand.name:
            reason += f"; to compare with the text '{operand.name}', put it in quotes"
        error = CriterionTypeError(
            self.text, operand.column, reason, name=operand.name, suggestion=suggestion
        )
        return error

    def condition(self, condition: Condition) -> None:
        if isinstance(condition, And | Or):
            for item in condition.items:
                self.condition(item)
        elif isinstance(condition, Not):
            self.condition(condition.inner)
        elif isinstance(condition, Comparison):
            self.comparable(condition.op, condition.left, condition.right)
        elif isinstance(condition, Between):
            self.comparable(CompareOp.GE, condition.operand, condition.low)
            self.comparable(CompareOp.LE, condition.operand, condition.high)
        else:
            self.leaf(condition)

    def leaf(self, condition: Membership | TextMatch | Presence | Truth) -> None:
        if isinstance(condition, Membership):
            self.comparable(CompareOp.EQ, condition.operand, condition.items[0])
        elif isinstance(condition, TextMatch):
            self.expect(condition.operand, Kind.TEXT, f"'{condition.op.value}' works on text")
        elif isinstance(condition, Truth):
            self.expect(condition.operand, Kind.BOOLEAN, "a condition on its own must be true/false")

    def expect(self, operand: Operand, kind: Kind, rule: str) -> None:
        actual = self.kind(operand)
        if actual is not kind:
            raise self.fail(operand.column, f"{rule}, but {_describe(operand)} is {KIND_WORDS[actual]}")

    def comparable(self, op: CompareOp, left: Operand, right: Operand) -> None:
        left_kind, right_kind = self.kind(left), self.kind(right)
        if comparison_kind(op, left_kind, right_kind) is not None:
            return
        if left_kind is right_kind is Kind.BOOLEAN:
            reason = f"true/false values compare only with = or !=, not '{op.value}'"
            raise self.fail(left.column, reason)
        left_words, right_words = KIND_WORDS[left_kind], KIND_WORDS[right_kind]
        reason = f"{_describe(left)} is {left_words}, but {_describe(right)} is {right_words}"
        hint = "; quote it to compare as text" if right_kind is Kind.NUMBER and left_kind is Kind.TEXT else ""
        raise self.fail(right.column, reason + hint)


def _describe(operand: Operand) -> str:
    return f"'{operand.name}'" if isinstance(operand, Name) else str(operand)
