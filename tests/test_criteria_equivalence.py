"""Property: for random criteria and random rows, the row evaluator (live path) and the column
evaluator (bulk path) give the same answer on every row, and criterion text reads back unchanged."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.domain.criteria import compile_columns, compile_row, parse_criterion, with_normalised_text
from accord.domain.criteria.nodes import (
    Anchor,
    And,
    Between,
    Comparison,
    Condition,
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
from accord.domain.criteria.values import CompareOp, Kind

NOWS = (
    datetime(2024, 6, 15, 12, 30, tzinfo=UTC),
    datetime(2024, 3, 31, 0, 0, tzinfo=UTC),
    datetime(2023, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
)
# Value pools overlap the literal pools, so boundaries (equal values, ±1 µs, midnight) come up often.
NUMBERS = (-1.0, 0.0, 0.5, 1.0, 50.0, 60.0, 1000.0, 1e16)
TEXTS = ("acme", "ACME", "Acme Inc", "vp sales", "VP", "École", "école", "ΣΑΣ", "σας", "straße", "gmail.com")
DATES = (date(2019, 12, 31), date(2020, 1, 1), date(2024, 5, 15), date(2024, 6, 15), date(2024, 2, 29))
DATETIMES = (
    datetime(2020, 1, 1, tzinfo=UTC),
    datetime(2024, 5, 16, 12, 30, tzinfo=UTC),
    datetime(2024, 6, 15, 12, 30, tzinfo=UTC),
    datetime(2024, 6, 15, 12, 29, 59, 999_999, tzinfo=UTC),
    datetime(2024, 2, 29, 23, 59, tzinfo=UTC),
)
COLUMNS: dict[str, tuple[Kind, pl.DataType, tuple[object, ...]]] = {
    "n": (Kind.NUMBER, pl.Float64(), (None, float("nan"), -0.0, float("inf"), 59.999, *NUMBERS)),
    "i": (Kind.NUMBER, pl.Int64(), (None, -1, 0, 1, 50, 60, 1000, 2**53 + 1)),
    "t": (Kind.TEXT, pl.String(), (None, "", " \t", *TEXTS)),
    "c": (Kind.TEXT, pl.Categorical(), (None, "Acme", "acme", "VP Sales", "École")),
    "b": (Kind.BOOLEAN, pl.Boolean(), (None, True, False)),
    "d": (Kind.DATE, pl.Date(), (None, *DATES)),
    "dt": (Kind.DATETIME, pl.Datetime("us", "UTC"), (None, *DATETIMES)),
}
LITERALS: dict[Kind, tuple[object, ...]] = {
    Kind.NUMBER: NUMBERS,
    Kind.TEXT: TEXTS,
    Kind.BOOLEAN: (True, False),
    Kind.DATE: DATES,
    Kind.DATETIME: DATETIMES,
}
RELATIVE = (
    RelativeTime(Anchor.NOW),
    RelativeTime(Anchor.TODAY),
    RelativeTime(Anchor.NOW, -30, "day"),
    RelativeTime(Anchor.TODAY, -1, "month"),
    RelativeTime(Anchor.NOW, -24, "hour"),
    RelativeTime(Anchor.NOW, 1, "year"),
    RelativeTime(Anchor.TODAY, 2, "week"),
    RelativeTime(Anchor.NOW, 1, "month"),
)


def names_of(*kinds: Kind) -> list[str]:
    return [name for name, (kind, _, _) in COLUMNS.items() if kind in kinds]


def operand_of(kind: Kind) -> st.SearchStrategy[Operand]:
    """A name or literal of ``kind`` (dates and datetimes mix, as they compare with each other)."""
    kinds = (Kind.DATE, Kind.DATETIME) if kind in {Kind.DATE, Kind.DATETIME} else (kind,)
    names = st.sampled_from(names_of(*kinds)).map(Name)
    literals = st.sampled_from([value for k in kinds for value in LITERALS[k]]).map(Literal)
    if kind in {Kind.DATE, Kind.DATETIME}:
        return st.one_of(names, literals, st.sampled_from(RELATIVE))
    return st.one_of(names, literals)  # type: ignore[arg-type]


@st.composite
def comparison(draw: st.DrawFn) -> Condition:
    kind = draw(st.sampled_from(list(Kind)))
    ops = [CompareOp.EQ, CompareOp.NE] if kind is Kind.BOOLEAN else list(CompareOp)
    left = Name(draw(st.sampled_from(names_of(kind))))
    right = draw(operand_of(kind))
    if draw(st.booleans()):
        left, right = right, left  # type: ignore[assignment]
    return Comparison(left, draw(st.sampled_from(ops)), right)


@st.composite
def mismatched(draw: st.DrawFn) -> Condition:
    """A comparison the type check would refuse: at run time it is unknown in both evaluators."""
    name = draw(st.sampled_from(list(COLUMNS)))
    kind = COLUMNS[name][0]
    other = draw(st.sampled_from([k for k in (Kind.NUMBER, Kind.TEXT, Kind.BOOLEAN) if k is not kind]))
    return Comparison(
        Name(name), draw(st.sampled_from(list(CompareOp))), Literal(draw(st.sampled_from(LITERALS[other])))
    )


@st.composite
def between(draw: st.DrawFn) -> Condition:
    kind = draw(st.sampled_from([Kind.NUMBER, Kind.TEXT, Kind.DATE, Kind.DATETIME]))
    low, high = sorted(draw(st.lists(st.sampled_from(LITERALS[kind]), min_size=2, max_size=2)), key=_order)
    name = draw(
        st.sampled_from(
            names_of(*((Kind.DATE, Kind.DATETIME) if kind in {Kind.DATE, Kind.DATETIME} else (kind,)))
        )
    )
    return Between(Name(name), Literal(low), Literal(high))  # type: ignore[arg-type]


def _order(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


@st.composite
def membership(draw: st.DrawFn) -> Condition:
    kind = draw(st.sampled_from(list(Kind)))
    items = draw(st.lists(st.sampled_from(LITERALS[kind]), min_size=1, max_size=3))
    name_kinds = (Kind.DATE, Kind.DATETIME) if kind in {Kind.DATE, Kind.DATETIME} else (kind,)
    name = draw(st.sampled_from(names_of(*name_kinds)))
    return Membership(Name(name), tuple(Literal(item) for item in items), draw(st.booleans()))  # type: ignore[arg-type]


@st.composite
def text_match(draw: st.DrawFn) -> Condition:
    pattern = draw(st.sampled_from(("a", "ACME", "inc", "vp", "É", "σ", "ss", ".com")))
    return TextMatch(
        Name(draw(st.sampled_from(names_of(Kind.TEXT, Kind.NUMBER)))),
        draw(st.sampled_from(list(TextOp))),
        pattern,
    )


LEAVES: st.SearchStrategy[Condition] = st.one_of(
    comparison(),
    comparison(),
    between(),
    membership(),
    text_match(),
    mismatched(),
    st.sampled_from(list(COLUMNS)).flatmap(
        lambda name: st.booleans().map(lambda neg: Presence(Name(name), neg))
    ),
    st.sampled_from([Truth(Name("b")), Truth(Name("t")), Truth(Literal(True))]),
)
CONDITIONS: st.SearchStrategy[Condition] = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        inner.map(Not),
        st.lists(inner, min_size=2, max_size=3).map(lambda items: And(tuple(items))),
        st.lists(inner, min_size=2, max_size=3).map(lambda items: Or(tuple(items))),
    ),
    max_leaves=8,
)
ROWS = st.lists(
    st.fixed_dictionaries({name: st.sampled_from(pool) for name, (_, _, pool) in COLUMNS.items()}),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=200,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(condition=CONDITIONS, rows=ROWS, now=st.sampled_from(NOWS))
def test_row_and_column_evaluators_agree(
    condition: Condition, rows: list[dict[str, object]], now: datetime
) -> None:
    text = str(condition)
    criterion = parse_criterion(text)
    assert str(criterion) == text
    frame = pl.DataFrame(rows, schema={name: dtype for name, (_, dtype, _) in COLUMNS.items()})
    by_row = [compile_row(criterion)(row, now) for row in rows]
    by_column = compile_columns(criterion)(frame, now).to_list()
    assert by_row == by_column, text
    # Text columns normalised once per frame (as bulk scoring does), then read as they are.
    prepared, normalised = with_normalised_text(frame, criterion.references())
    assert compile_columns(criterion)(prepared, now, normalised=normalised).to_list() == by_row, text


@settings(
    max_examples=200,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(condition=CONDITIONS, rows=ROWS, data=st.data())
def test_row_and_column_evaluators_agree_with_now_per_row(
    condition: Condition, rows: list[dict[str, object]], data: st.DataObject
) -> None:
    """A backtest checks each row at its own instant: row(now=the row's instant) equals
    columns(now=the instant column), month ends and leap days included."""
    text = str(condition)
    criterion = parse_criterion(text)
    instants = data.draw(st.lists(st.sampled_from(NOWS + DATETIMES), min_size=len(rows), max_size=len(rows)))
    schema = {name: dtype for name, (_, dtype, _) in COLUMNS.items()}
    frame = pl.DataFrame(rows, schema=schema).with_columns(
        pl.Series("at", instants, dtype=pl.Datetime("us", "UTC"))
    )
    by_row = [compile_row(criterion)(row, at) for row, at in zip(rows, instants, strict=True)]
    by_column = compile_columns(criterion)(frame, pl.col("at")).to_list()
    assert by_row == by_column, text


@pytest.mark.parametrize("relative", RELATIVE, ids=str)
@pytest.mark.parametrize("op", list(CompareOp), ids=lambda op: op.value)
def test_relative_times_per_row_on_every_instant_and_value(relative: RelativeTime, op: CompareOp) -> None:
    """Exhaustive over the pools: every instant against every date and datetime value."""
    instants = [*NOWS, *DATETIMES, datetime(2024, 1, 31, 8, tzinfo=UTC), datetime(2024, 2, 29, tzinfo=UTC)]
    rows = [
        {"dt": value, "d": day, "at": at}
        for at in instants
        for value in COLUMNS["dt"][2]
        for day in COLUMNS["d"][2]
    ]
    frame = pl.DataFrame(
        rows, schema={"dt": pl.Datetime("us", "UTC"), "d": pl.Date(), "at": pl.Datetime("us", "UTC")}
    )
    for name in ("dt", "d"):
        criterion = parse_criterion(str(Comparison(Name(name), op, relative)))
        by_row = [compile_row(criterion)(row, row["at"]) for row in rows]  # type: ignore[arg-type]
        assert by_row == compile_columns(criterion)(frame, pl.col("at")).to_list(), str(criterion)


def test_relative_pool_reads_back() -> None:
    for relative in RELATIVE:
        criterion = parse_criterion(f"dt > {relative}")
        assert isinstance(criterion.root, Comparison) and criterion.root.right == relative
