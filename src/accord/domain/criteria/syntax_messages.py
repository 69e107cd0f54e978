"""Plain words for a syntax error: what the parser expected, and after what."""

from __future__ import annotations

import re
from collections.abc import Iterable

VALUE_TERMINALS = frozenset({"NAME", "NUMBER", "DATE", "DATETIME", "TRUE", "FALSE", "NOW", "TODAY", "WORD"})
OPERATOR_TERMINALS = frozenset(
    {
        "EQ",
        "NE",
        "LT",
        "LE",
        "GT",
        "GE",
        "BEFORE",
        "AFTER",
        "BETWEEN",
        "IN",
        "CONTAINS",
        "STARTS",
        "ENDS",
        "IS",
    }
)
OPERATOR_WORDS = "an operator such as =, !=, <, >=, in, between, contains, starts with or is missing"
OTHER_WORDS = {
    "STRING": "quoted text",
    "LSQB": "a list in brackets, like [a, b]",
    "RSQB": "']' to close the list",
    "RPAR": "')' to close the bracket",
    "LPAR": "'('",
    "COMMA": "','",
    "AND": "'and'",
    "OR": "'or'",
    "NOT": "'not'",
    "WITH": "'with'",
    "MISSING": "'missing'",
    "IN": "'in'",
    "UNIT": "a unit of time (hours, days, weeks, months or years)",
    "PLUS": "'+'",
    "MINUS": "'-'",
    "$END": "the end of the criterion",
}
# The last lexeme before a position: quoted text, a word or number, or a run of symbols.
PREVIOUS_LEXEME = re.compile(r"""('[^']*'|"[^"]*"|[\w.:+-]+|[^\s\w'"]+)$""")


def describe_unexpected(text: str, column: int, expected: Iterable[str]) -> str:
    """e.g. "expected a value after 'between'" or "expected 'and' after '50', found 'or'"."""
    wanted = _expected_words(set(expected))
    before = text[: column - 1].rstrip()
    found = text[column - 1 :].strip()
    where = f"after '{_previous(before)}'" if before else "at the start"
    if found[:1] in {"'", '"'} and found[0] not in found[1:]:
        return f"this text has no closing quote {where}"
    if not found:
        return f"the criterion ends too early: expected {wanted} {where}"
    return f"expected {wanted} {where}, found '{_first_lexeme(found)}'"


def _expected_words(expected: set[str]) -> str:
    has_value = bool(expected & VALUE_TERMINALS) or ("STRING" in expected and "LSQB" not in expected)
    if expected & OPERATOR_TERMINALS - {"IN"} or {"IN", "NOT"} <= expected and "IS" in expected:
        return OPERATOR_WORDS
    if has_value and expected - {"STRING"} & VALUE_TERMINALS:
        return "a value"
    if expected - {"AND", "OR", "$END"}:
        expected -= {"AND", "OR", "$END"}
    words = [OTHER_WORDS[name] for name in sorted(expected, key=_order) if name in OTHER_WORDS]
    if not words:
        return "something else"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _order(name: str) -> int:
    order = list(OTHER_WORDS)
    return order.index(name) if name in order else len(order)


def _previous(before: str) -> str:
    match = PREVIOUS_LEXEME.search(before)
    return match.group(1) if match else before[-1:]


def _first_lexeme(found: str) -> str:
    match = re.match(r"""'[^']*'?|"[^"]*"?|[\w.:+-]+|[^\s\w'"]""", found)
    return match.group(0) if match else found[:1]
