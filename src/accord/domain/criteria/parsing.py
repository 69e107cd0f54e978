"""Criterion text to a tree of nodes. Lark does the parsing; this module turns its tree into nodes,
checks what the grammar cannot (one kind per list, real dates, bounds in order) and words the errors."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime

from lark import Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from accord.domain.criteria.errors import CriterionSyntaxError
from accord.domain.criteria.grammar import DATE_PATTERN, DATETIME_PATTERN, NUMBER_PATTERN, PARSER
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
from accord.domain.criteria.syntax_messages import describe_unexpected
from accord.domain.criteria.values import BLANK_CHARACTERS, CompareOp, Kind, Scalar

COMPARE_OPS = {
    "EQ": CompareOp.EQ,
    "NE": CompareOp.NE,
    "LT": CompareOp.LT,
    "LE": CompareOp.LE,
    "GT": CompareOp.GT,
    "GE": CompareOp.GE,
    "BEFORE": CompareOp.LT,
    "AFTER": CompareOp.GT,
}
TEXT_OPS = {"CONTAINS": TextOp.CONTAINS, "STARTS": TextOp.STARTS_WITH, "ENDS": TextOp.ENDS_WITH}
UNITS_FOR_TODAY = frozenset({"day", "week", "month", "year"})
# Far enough for any business rule, near enough that now ± amount stays inside the calendar.
MAX_RELATIVE_AMOUNT = 100_000


def parse_criterion(text: str) -> Criterion:
    """Parse one criterion; raises CriterionSyntaxError naming the column and what was expected."""
    try:
        tree = PARSER.parse(text)
    except UnexpectedInput as error:
        raise _syntax_error(text, error) from None
    return Criterion(text=text, root=_Builder(text).condition(tree.children[0]))


def _syntax_error(text: str, error: UnexpectedInput) -> CriterionSyntaxError:
    if isinstance(error, UnexpectedToken) and error.token.type == "$END":
        column = len(text.rstrip()) + 1
    else:
        column = error.column if isinstance(error.column, int) and error.column > 0 else len(text) + 1
    if isinstance(error, UnexpectedCharacters):
        expected = set(error.allowed or ())
    elif isinstance(error, UnexpectedToken):
        expected = set(error.expected)
    else:
        expected = set()
    return CriterionSyntaxError(text, column, describe_unexpected(text, column, expected))


class _Builder:
    """Builds nodes from lark's tree; ``text`` is kept for the error messages."""

    def __init__(self, text: str) -> None:
        self.text = text

    def fail(self, column: int, reason: str) -> CriterionSyntaxError:
        return CriterionSyntaxError(self.text, column, reason)

    def condition(self, tree: Tree[Token] | Token) -> Condition:
        assert isinstance(tree, Tree)
        rule = str(tree.data)
        column = tree.meta.column
        if rule in {"or_", "and_"}:
            items = (self.condition(tree.children[0]), self.condition(tree.children[2]))
            return self._flatten(Or if rule == "or_" else And, items, column)
        if rule == "not_":
            return Not(self.condition(tree.children[1]), column)
        if rule == "predicate":
            return self.condition(tree.children[1])
        return self.leaf(rule, [child for child in tree.children], column)

    def _flatten(self, kind: type[And] | type[Or], items: tuple[Condition, ...], column: int) -> And | Or:
        flat: list[Condition] = []
        for item in items:
            if isinstance(item, And | Or) and type(item) is kind:
                flat.extend(item.items)
            else:
                flat.append(item)
        return kind(tuple(flat), column)

    def leaf(self, rule: str, children: list[Tree[Token] | Token], column: int) -> Condition:
        if rule == "comparison":
            op_tree = children[1]
            assert isinstance(op_tree, Tree)
            op = COMPARE_OPS[_token(op_tree.children[0]).type]
            return Comparison(self.operand(children[0]), op, self.operand(children[2]), column)
        if rule == "between":
            return self.between(children, column)
        if rule == "membership":
            return self.membership(children, column)
        if rule == "text_match":
            return self.text_match(children, column)
        if rule == "presence":
            is_negated = any(isinstance(child, Token) and child.type == "NOT" for child in children)
            return Presence(self.operand(children[0]), is_negated, column)
        return self.truth(self.operand(children[0]), column)

    def between(self, children: list[Tree[Token] | Token], column: int) -> Between:
        operand, low, high = self.operand(children[0]), self.operand(children[2]), self.operand(children[4])
        if isinstance(low, Literal) and isinstance(high, Literal) and low.kind is high.kind:
            if low.kind is not Kind.BOOLEAN and _ordering_key(low) > _ordering_key(high):
                raise self.fail(low.column, f"the lower bound {low} is above the upper bound {high}")
        return Between(operand, low, high, column)

    def membership(self, children: list[Tree[Token] | Token], column: int) -> Membership:
        is_negated = _token(children[1]).type == "NOT"
        items = tuple(
            self.item(child) for child in children if isinstance(child, Tree) and child.data == "item"
        )
        first = items[0]
        for item in items[1:]:
            if item.kind is not first.kind:
                reason = f"a list holds values of one kind: {first} is {_kind_words(first.kind)}"
                raise self.fail(item.column, f"{reason}, but {item} is {_kind_words(item.kind)}")
        return Membership(self.operand(children[0]), items, is_negated, column)

    def item(self, tree: Tree[Token]) -> Literal:
        token = _token(tree.children[0])
        if token.type == "STRING":
            return Literal(self.text_literal(token), _column(token))
        return Literal(self.word(token), _column(token))

    def word(self, token: Token) -> Scalar:
        """A bare list word: a number, date, datetime or true/false if it reads as one, else text."""
        word = str(token.value)
        if re.fullmatch(NUMBER_PATTERN, word):
            return self.number(token)
        if re.fullmatch(DATETIME_PATTERN, word):
            return self.moment(token)
        if re.fullmatch(DATE_PATTERN, word):
            return self.date(token)
        if word.lower() in {"true", "false"}:
            return word.lower() == "true"
        return word

    def text_match(self, children: list[Tree[Token] | Token], column: int) -> TextMatch:
        op_tree = children[1]
        assert isinstance(op_tree, Tree)
        pattern = _token(children[2])
        if len(pattern.value) == 2:
            raise self.fail(
                _column(pattern), "the text to look for is empty; put some text between the quotes"
            )
        op = TEXT_OPS[_token(op_tree.children[0]).type]
        return TextMatch(self.operand(children[0]), op, pattern.value[1:-1], column)

    def truth(self, operand: Operand, column: int) -> Truth:
        if isinstance(operand, Name) or (isinstance(operand, Literal) and operand.kind is Kind.BOOLEAN):
            return Truth(operand, column)
        end = column + len(str(operand))
        reason = f"{operand} on its own is not a condition; expected an operator such as = or < after it"
        raise self.fail(end if end <= len(self.text) else column, reason)

    def operand(self, tree: Tree[Token] | Token) -> Operand:
        assert isinstance(tree, Tree)
        token = _token(tree.children[0])
        if tree.data == "name":
            return Name(str(token.value), _column(token))
        if tree.data == "relative":
            return self.relative(tree.children, _column(token))
        return Literal(self.literal(token), _column(token))

    def literal(self, token: Token) -> Scalar:
        kind = token.type
        if kind == "NUMBER":
            return self.number(token)
        if kind == "STRING":
            return self.text_literal(token)
        if kind == "DATE":
            return self.date(token)
        if kind == "DATETIME":
            return self.moment(token)
        return kind == "TRUE"

    def text_literal(self, token: Token) -> str:
        text = str(token.value[1:-1])
        if not text.strip(BLANK_CHARACTERS):
            reason = "empty text counts as missing and never matches; use 'is missing' to test for it"
            raise self.fail(_column(token), reason)
        return text

    def number(self, token: Token) -> float:
        number = float(token.value)
        if math.isinf(number):
            raise self.fail(_column(token), f"{token.value} is too large a number")
        return number

    def date(self, token: Token) -> date:
        try:
            return date.fromisoformat(token.value)
        except ValueError:
            raise self.fail(_column(token), f"{token.value} is not a real date (year-month-day)") from None

    def moment(self, token: Token) -> datetime:
        try:
            moment = datetime.fromisoformat(str(token.value).upper())
        except ValueError:
            raise self.fail(_column(token), f"{token.value} is not a real date and time") from None
        if moment.tzinfo is None:
            reason = f"{token.value} has no time zone; add Z for UTC or an offset such as +01:00"
            raise self.fail(_column(token), reason)
        return moment.astimezone(UTC)

    def relative(self, children: list[Tree[Token] | Token], column: int) -> RelativeTime:
        anchor = Anchor(_token(children[0]).value.lower())
        if len(children) == 1:
            return RelativeTime(anchor, column=column)
        sign, amount, unit = (_token(child) for child in children[1:])
        if not re.fullmatch(r"\d+", amount.value) or int(amount.value) > MAX_RELATIVE_AMOUNT:
            raise self.fail(_column(amount), f"expected a whole number of {unit.value} up to 100000")
        unit_name = unit.value.lower().removesuffix("s")
        if anchor is Anchor.TODAY and unit_name not in UNITS_FOR_TODAY:
            raise self.fail(_column(unit), "today is a date; move it by days, weeks, months or years")
        signed = int(amount.value) * (-1 if sign.type == "MINUS" else 1)
        return RelativeTime(anchor, signed, unit_name, column)


def _token(node: Tree[Token] | Token) -> Token:
    assert isinstance(node, Token)
    return node


def _column(token: Token) -> int:
    return token.column if isinstance(token.column, int) else 0


def _ordering_key(literal: Literal) -> tuple[float, str, date]:
    """A key that orders two literals of one kind the way the evaluators do (text ignores case)."""
    value = literal.value
    if isinstance(value, float):
        return value, "", date.min
    if isinstance(value, str):
        return 0.0, value.lower(), date.min
    if isinstance(value, datetime):
        return value.timestamp(), "", date.min
    assert isinstance(value, date)
    return 0.0, "", value


def _kind_words(kind: Kind) -> str:
    return {
        Kind.NUMBER: "a number",
        Kind.TEXT: "text",
        Kind.BOOLEAN: "true/false",
        Kind.DATE: "a date",
        Kind.DATETIME: "a date and time",
    }[kind]
