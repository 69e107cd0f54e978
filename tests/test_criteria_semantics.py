"""Each operator of the criteria language, with missing values, case and boundaries; every case runs
through both evaluators, which must agree."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import polars as pl
import pytest

from accord.domain.criteria import (
    CriterionValueError,
    compile_columns,
    compile_row,
    parse_criterion,
)
from accord.errors import InvalidInput
from tests.criteria_cases import NOW, evaluate, evaluate_rows

MISSING = None


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("n = 5", {"n": 5.0}, True),
        ("n = 5", {"n": 5.5}, False),
        ("i = 5.0", {"i": 5}, True),
        ("n != 5", {"n": 4.0}, True),
        ("n != 5", {"n": MISSING}, False),
        ("n < 5", {"n": 4.999}, True),
        ("n <= 5", {"n": 5.0}, True),
        ("n > 5", {"n": 5.0}, False),
        ("n >= 5", {"n": 5.0}, True),
        ("n > -1.5", {"n": -1.0}, True),
        ("n < 1_000_000", {"n": 999_999.0}, True),
        ("n > 1e3", {"n": 1001.0}, True),
        ("dec >= 1.25", {"dec": Decimal("1.25")}, True),
        ("n = 0", {"n": -0.0}, True),
        ("n > 1000", {"n": float("inf")}, True),
        ("n = 5", {"n": MISSING}, False),
        ("n = 5", {"n": float("nan")}, False),
        ("n is missing", {"n": float("nan")}, True),
        ("n = n", {"n": 3.0}, True),
        ("n < i", {"n": 3.0, "i": 4}, True),
    ],
)
def test_number_comparisons(text: str, values: dict[str, object], expected: bool) -> None:
    assert evaluate(text, **values) is expected


@pytest.mark.parametrize(
    ("text", "t", "expected"),
    [
        ("t = 'Acme'", "ACME", True),
        ("t = 'acme'", "Acme Inc", False),
        ("t != 'acme'", "ACME", False),
        ("t < 'm'", "Acme", True),
        ("t > 'm'", "Zeta", True),
        ("t contains 'STUDENT'", "Graduate student", True),
        ("t contains 'student'", "Teacher", False),
        ("t starts with 'vp'", "VP Sales", True),
        ("t starts with 'sales'", "VP Sales", False),
        ("t ends with 'sales'", "VP SALES", True),
        ("t = 'Straße'", "STRASSE", False),
        ("t = 'École'", "ÉCOLE", True),
        ("t = 'x'", "", False),
        ("t is missing", "", True),
        ("t is missing", " \t", True),
        ("t is not missing", "a", True),
        ("t contains 'a'", MISSING, False),
        ("not t contains 'a'", MISSING, False),
    ],
)
def test_text_is_case_insensitive_and_blank_is_missing(text: str, t: str | None, expected: bool) -> None:
    assert evaluate(text, t=t) is expected


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("lead.email_domain in [gmail.com, yahoo.com]", {"lead.email_domain": "Gmail.COM"}, True),
        ("lead.email_domain in [gmail.com, yahoo.com]", {"lead.email_domain": "acme.test"}, False),
        ("lead.email_domain in [gmail.com, yahoo.com]", {"lead.email_domain": MISSING}, False),
        ("lead.email_domain not in [gmail.com]", {"lead.email_domain": "acme.test"}, True),
        ("lead.email_domain not in [gmail.com]", {"lead.email_domain": MISSING}, False),
        ("t in ['mid-market', \"Enterprise\"]", {"t": "enterprise"}, True),
        ("i in [1, 2, 3]", {"i": 2}, True),
        ("n in [1, 2.5]", {"n": 2.5}, True),
        ("cat in [software, fintech]", {"cat": "FinTech"}, True),
        ("b in [true]", {"b": True}, True),
        ("d in [2024-01-01, 2024-02-01]", {"d": date(2024, 2, 1)}, True),
        ("dt in [2024-02-01]", {"dt": datetime(2024, 2, 1, 23, 59, tzinfo=UTC)}, True),
        ("t in [1, 2]", {"t": "1"}, False),
        ("t not in [1, 2]", {"t": "1"}, False),
    ],
)
def test_membership(text: str, values: dict[str, object], expected: bool) -> None:
    assert evaluate(text, **values) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(49, False), (50, True), (1000, True), (1001, False), (MISSING, False)],
)
def test_between_includes_both_ends(value: int | None, expected: bool) -> None:
    assert evaluate("account.employees between 50 and 1000", **{"account.employees": value}) is expected


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("b", {"b": True}, True),
        ("b", {"b": False}, False),
        ("b", {"b": MISSING}, False),
        ("not b", {"b": MISSING}, False),
        ("not b", {"b": False}, True),
        ("b = true", {"b": True}, True),
        ("b != true", {"b": False}, True),
        ("b < true", {"b": False}, False),  # booleans do not order: unknown
        ("true", {}, True),
        ("false", {}, False),
        ("t", {"t": "yes"}, False),  # text is not a truth value: unknown
    ],
)
def test_booleans(text: str, values: dict[str, object], expected: bool) -> None:
    assert evaluate(text, **values) is expected


# Kleene logic: unknown (n missing) and false = false; unknown or true = true; not unknown = unknown.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("n > 1 and false", False),
        ("n > 1 and true", False),
        ("n > 1 or true", True),
        ("n > 1 or false", False),
        ("not (n > 1)", False),
        ("not (n > 1 and false)", True),
        ("not (n > 1 or true)", False),
        ("not not (n > 1)", False),
        ("n is missing", True),
        ("n is not missing", False),
        ("not n is missing", False),
        ("n > 1 or n <= 1", False),
    ],
)
def test_missing_values_follow_three_valued_logic(text: str, expected: bool) -> None:
    assert evaluate(text, n=MISSING) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("a or b and c", True), ("(a or b) and c", False), ("not a and c", False), ("not (a and c)", True)],
)
def test_precedence_not_before_and_before_or(text: str, expected: bool) -> None:
    values = {"a": True, "b": True, "c": False}
    criterion = parse_criterion(text)
    frame = pl.DataFrame([values])
    assert compile_row(criterion)(values, NOW) is expected
    assert compile_columns(criterion)(frame, NOW).to_list() == [expected]


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("dt >= now - 30 days", {"dt": NOW - timedelta(days=30)}, True),
        ("dt >= now - 30 days", {"dt": NOW - timedelta(days=30, microseconds=1)}, False),
        ("dt >= now - 2 weeks", {"dt": NOW - timedelta(days=14)}, True),
        ("dt > now - 24 hours", {"dt": NOW - timedelta(hours=23)}, True),
        ("dt < now + 1 day", {"dt": NOW}, True),
        ("dt >= now - 1 month", {"dt": datetime(2024, 5, 15, 12, 30, tzinfo=UTC)}, True),
        ("dt >= now - 1 month", {"dt": datetime(2024, 5, 15, 12, 29, tzinfo=UTC)}, False),
        ("dt >= now - 1 year", {"dt": datetime(2023, 6, 15, 12, 30, tzinfo=UTC)}, True),
        ("d = today", {"d": date(2024, 6, 15)}, True),
        ("d = today - 1 day", {"d": date(2024, 6, 14)}, True),
        ("d before 2020-01-01", {"d": date(2019, 12, 31)}, True),
        ("d before 2020-01-01", {"d": date(2020, 1, 1)}, False),
        ("d after 2020-01-01", {"d": date(2020, 1, 2)}, True),
        # A datetime against a date compares its UTC date: all of 31 January is "between".
        ("dt between 2024-01-01 and 2024-01-31", {"dt": datetime(2024, 1, 31, 23, 59, tzinfo=UTC)}, True),
        ("dt = 2024-01-31", {"dt": datetime(2024, 2, 1, 0, 30, tzinfo=timezone(timedelta(hours=1)))}, True),
        ("dt > 2024-01-31T23:00:00+01:00", {"dt": datetime(2024, 1, 31, 22, 30, tzinfo=UTC)}, True),
        ("d < now", {"d": date(2024, 6, 14)}, True),
        ("d < now", {"d": date(2024, 6, 15)}, False),
        ("d = dt", {"d": date(2024, 6, 15), "dt": NOW}, True),
        ("dt >= now - 30 days", {"dt": MISSING}, False),
        ("dt > 5", {"dt": NOW}, False),
    ],
)
def test_dates_and_relative_times(text: str, values: dict[str, object], expected: bool) -> None:
    assert evaluate(text, **values) is expected


def test_months_clamp_to_the_end_of_the_month() -> None:
    now = datetime(2024, 3, 31, 8, tzinfo=UTC)
    assert evaluate("d = today - 1 month", now, d=date(2024, 2, 29))
    assert evaluate("dt = now + 11 months", now, dt=datetime(2025, 2, 28, 8, tzinfo=UTC))


def test_comparing_different_kinds_is_unknown() -> None:
    assert evaluate_rows("t = 5 or t != 5", [{"t": "5"}, {"t": MISSING}]) == [False, False]
    assert evaluate_rows("n = '5' or b = 1", [{"n": 5.0, "b": True}]) == [False]


def test_the_same_rows_give_the_same_answers_in_bulk() -> None:
    rows = [{"n": value} for value in (None, float("nan"), 1.0, 59.999, 60.0, 61.0)]
    assert evaluate_rows("n >= 60 or n is missing", rows) == [True, True, False, False, True, True]


def test_a_criterion_on_literals_alone_gives_one_answer_per_row() -> None:
    assert evaluate_rows("1 < 2 and 'a' = 'A'", [{}, {}, {}]) == [True, True, True]


def test_a_name_without_a_value_is_an_error_in_both_evaluators() -> None:
    criterion = parse_criterion("unknown_name > 1")
    with pytest.raises(CriterionValueError, match="unknown_name"):
        compile_row(criterion)({}, NOW)
    with pytest.raises(CriterionValueError, match="unknown_name"):
        compile_columns(criterion)(pl.DataFrame({"other": [1]}), NOW)


def test_naive_datetimes_are_refused() -> None:
    criterion = parse_criterion("dt > now - 1 day")
    naive = datetime(2024, 1, 1)  # noqa: DTZ001 - the point of the test
    with pytest.raises(InvalidInput, match="time zone"):
        compile_row(criterion)({"dt": naive}, NOW)
    with pytest.raises(InvalidInput, match="time zone"):
        compile_row(criterion)({"dt": NOW}, naive)
    with pytest.raises(InvalidInput, match="time zone"):
        compile_columns(criterion)(pl.DataFrame({"dt": [naive]}), NOW)


def test_values_of_unsupported_types_are_refused() -> None:
    criterion = parse_criterion("x = 1")
    with pytest.raises(CriterionValueError, match="list"):
        compile_row(criterion)({"x": [1]}, NOW)
    with pytest.raises(CriterionValueError, match="x"):
        compile_columns(criterion)(pl.DataFrame({"x": [[1]]}), NOW)


def test_an_all_missing_column_is_missing_everywhere() -> None:
    frame = pl.DataFrame({"x": [None, None]})
    criterion = parse_criterion("x = 1 or x is missing")
    assert compile_columns(criterion)(frame, NOW).to_list() == [True, True]
    assert compile_row(criterion)({"x": None}, NOW) is True


def test_many_criteria_combine_into_one_pass() -> None:
    frame = pl.DataFrame({"n": [1.0, 70.0], "t": ["a", "B"]})
    predicates = [compile_columns(parse_criterion(text)) for text in ("n > 60", "t in [b]")]
    result = frame.select(
        *(predicate.expression(frame.schema, NOW).alias(f"c{k}") for k, predicate in enumerate(predicates))
    )
    assert result.rows() == [(False, False), (True, True)]
