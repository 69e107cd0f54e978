"""Parsing criteria: what each form reads as, names referenced, and syntax errors that point at the
right column and say what was expected."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from accord.domain.criteria import (
    AttributeType,
    CriterionSyntaxError,
    CriterionTypeError,
    check_types,
    parse_criterion,
    suggest_name,
)
from accord.domain.criteria.nodes import (
    Anchor,
    And,
    Between,
    Comparison,
    Literal,
    Membership,
    Name,
    Not,
    Or,
    Presence,
    RelativeTime,
    TextMatch,
    TextOp,
    Truth,
)
from accord.domain.criteria.values import CompareOp


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("fit >= 60", Comparison(Name("fit"), CompareOp.GE, Literal(60.0))),
        ("x = -1.5", Comparison(Name("x"), CompareOp.EQ, Literal(-1.5))),
        ("x != 'a b'", Comparison(Name("x"), CompareOp.NE, Literal("a b"))),
        ('x = "O\'Brien"', Comparison(Name("x"), CompareOp.EQ, Literal("O'Brien"))),
        ("x before 2020-01-01", Comparison(Name("x"), CompareOp.LT, Literal(date(2020, 1, 1)))),
        (
            "x after 2020-01-01T09:30Z",
            Comparison(Name("x"), CompareOp.GT, Literal(datetime(2020, 1, 1, 9, 30, tzinfo=UTC))),
        ),
        ("x > now - 30 days", Comparison(Name("x"), CompareOp.GT, RelativeTime(Anchor.NOW, -30, "day"))),
        ("x < today + 2 Weeks", Comparison(Name("x"), CompareOp.LT, RelativeTime(Anchor.TODAY, 2, "week"))),
        ("x >= now-3months", Comparison(Name("x"), CompareOp.GE, RelativeTime(Anchor.NOW, -3, "month"))),
        (
            "account.employees between 50 and 1000",
            Between(Name("account.employees"), Literal(50.0), Literal(1000.0)),
        ),
        (
            "account.industry in [software, fintech]",
            Membership(Name("account.industry"), (Literal("software"), Literal("fintech"))),
        ),
        (
            "lead.email_domain not in [gmail.com, 'yahoo.com',]",
            Membership(
                Name("lead.email_domain"), (Literal("gmail.com"), Literal("yahoo.com")), is_negated=True
            ),
        ),
        ("x in [1, -2, 3.5]", Membership(Name("x"), (Literal(1.0), Literal(-2.0), Literal(3.5)))),
        ("x in [2024-01-01]", Membership(Name("x"), (Literal(date(2024, 1, 1)),))),
        ("x in [true, FALSE]", Membership(Name("x"), (Literal(True), Literal(False)))),
        (
            "x in [mid-market, now, and]",
            Membership(Name("x"), (Literal("mid-market"), Literal("now"), Literal("and"))),
        ),
        ("not lead.title contains 'student'", Not(TextMatch(Name("lead.title"), TextOp.CONTAINS, "student"))),
        ("t starts with 'vp'", TextMatch(Name("t"), TextOp.STARTS_WITH, "vp")),
        ("t ENDS WITH 'inc'", TextMatch(Name("t"), TextOp.ENDS_WITH, "inc")),
        ("lead.region is missing", Presence(Name("lead.region"))),
        ("lead.region is not missing", Presence(Name("lead.region"), is_negated=True)),
        ("hand_raiser", Truth(Name("hand_raiser"))),
        ("true", Truth(Literal(True))),
        ("a or b and c", Or((Truth(Name("a")), And((Truth(Name("b")), Truth(Name("c"))))))),
        ("(a or b) and c", And((Or((Truth(Name("a")), Truth(Name("b")))), Truth(Name("c"))))),
        ("not a and b", And((Not(Truth(Name("a"))), Truth(Name("b"))))),
        ("a and b and c", And((Truth(Name("a")), Truth(Name("b")), Truth(Name("c"))))),
        ("a AND android", And((Truth(Name("a")), Truth(Name("android"))))),
        (
            "days > 3 and lead.in = 1",
            And(
                (
                    Comparison(Name("days"), CompareOp.GT, Literal(3.0)),
                    Comparison(Name("lead.in"), CompareOp.EQ, Literal(1.0)),
                )
            ),
        ),
    ],
)
def test_parse(text: str, tree: object) -> None:
    criterion = parse_criterion(text)
    assert criterion.root == tree
    assert parse_criterion(str(criterion)).root == tree  # the canonical text reads back the same


def test_references_are_every_name_read() -> None:
    criterion = parse_criterion(
        "fit >= 60 and (hand_raiser or intent >= 40) and account.x in [a, b] and now > d"
    )
    assert criterion.references() == frozenset({"fit", "hand_raiser", "intent", "account.x", "d"})


@pytest.mark.parametrize(
    ("text", "column", "reason"),
    [
        ("account.employees between and 1000", 27, "expected a value after 'between', found 'and'"),
        ("account.employees between 50", 29, "ends too early: expected 'and' after '50'"),
        ("fit 60", 5, "expected an operator such as =, !=, <, >=, in, between, contains"),
        ("fit >=", 7, "ends too early: expected a value after '>='"),
        ("x in []", 7, "expected a value after '['"),
        ("x in [a b]", 9, "expected ']' to close the list or ','"),
        ("x in [1, a]", 10, "a list holds values of one kind: 1 is a number, but 'a' is text"),
        ("(a or b", 8, "expected ')' to close the bracket"),
        ("x contains student", 12, "expected quoted text after 'contains'"),
        ("x starts 'a'", 10, "expected 'with' after 'starts'"),
        ("x is", 5, "expected 'not' or 'missing' after 'is'"),
        ("x >= now - 30", 14, "expected a unit of time"),
        ("x > now - 1.5 days", 11, "whole number"),
        ("x > today - 3 hours", 15, "today is a date"),
        ("5", 1, "5 on its own is not a condition"),
        ("x between 10 and 5", 11, "the lower bound 10 is above the upper bound 5"),
        ("x = 2020-02-30", 5, "2020-02-30 is not a real date"),
        ("x > 2020-01-01T10:00", 5, "has no time zone"),
        ("x = 'abc", 5, "no closing quote"),
        ("x = ''", 5, "empty text counts as missing"),
        ("x % 3", 3, "found '%'"),
        ("x = 1e999", 5, "too large"),
        ("", 1, "expected a value at the start"),
        ("a and", 6, "expected a value after 'and'"),
    ],
)
def test_syntax_errors_point_at_the_column_and_say_what_was_expected(
    text: str, column: int, reason: str
) -> None:
    with pytest.raises(CriterionSyntaxError) as caught:
        parse_criterion(text)
    error = caught.value
    assert (error.column, error.code) == (column, "criterion_syntax")
    assert reason in error.reason
    caret_line = error.message.splitlines()[-1]
    assert caret_line.index("^") - 2 == column - 1
    assert f"(column {column})" in error.message


def test_suggest_name() -> None:
    known = ["lead.title", "lead.seniority", "account.industry"]
    assert suggest_name("lead.titel", known) == "lead.title"
    assert suggest_name("acount.industry", known) == "account.industry"
    assert suggest_name("revenue", known) is None


TYPES = {
    "fit": AttributeType.NUMBER,
    "lead.title": AttributeType.TEXT,
    "hand_raiser": AttributeType.BOOLEAN,
    "lead.created_at": AttributeType.DATETIME,
}


@pytest.mark.parametrize(
    "text",
    [
        "fit >= 60 and (hand_raiser or fit < 10)",
        "lead.title contains 'vp' and lead.title in [a, b]",
        "lead.created_at >= now - 30 days and lead.created_at before 2024-01-01",
        "lead.created_at between today - 1 month and now",
        "hand_raiser = true and lead.title is missing",
    ],
)
def test_well_typed_criteria_pass_the_check(text: str) -> None:
    check_types(parse_criterion(text), TYPES)


@pytest.mark.parametrize(
    ("text", "column", "reason"),
    [
        ("lead.titel = 'vp'", 1, "'lead.titel' is not a known attribute; did you mean 'lead.title'?"),
        ("lead.title = webinar", 14, "to compare with the text 'webinar', put it in quotes"),
        ("fit >= 'high'", 8, "'fit' is a number, but 'high' is text"),
        ("lead.title = 5", 14, "'lead.title' is text, but 5 is a number; quote it"),
        ("lead.title in [1, 2]", 16, "is text, but 1 is a number"),
        ("fit contains 'x'", 1, "'contains' works on text, but 'fit' is a number"),
        ("fit", 1, "a condition on its own must be true/false, but 'fit' is a number"),
        ("hand_raiser > false", 1, "true/false values compare only with = or !="),
        ("lead.created_at > 5", 19, "is a date, but 5 is a number"),
        ("fit between 1 and now", 19, "'fit' is a number, but now is a date"),
    ],
)
def test_type_errors_name_the_attribute_and_what_was_expected(text: str, column: int, reason: str) -> None:
    with pytest.raises(CriterionTypeError) as caught:
        check_types(parse_criterion(text), TYPES)
    assert reason in caught.value.reason
    assert caught.value.column == column


def test_unknown_name_error_carries_the_suggestion() -> None:
    with pytest.raises(CriterionTypeError) as caught:
        check_types(parse_criterion("fitt > 1"), TYPES)
    assert (caught.value.name, caught.value.suggestion) == ("fitt", "fit")
