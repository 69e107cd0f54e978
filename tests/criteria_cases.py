"""Shared helpers for the criteria tests: a fixed set of typed names, and evaluation through both the
row and the column evaluator (which must agree)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

import polars as pl

from accord.domain.criteria import compile_columns, compile_row, parse_criterion

NOW = datetime(2024, 6, 15, 12, 30, tzinfo=UTC)

SCHEMA: dict[str, pl.DataType] = {
    "n": pl.Float64(),
    "i": pl.Int64(),
    "dec": pl.Decimal(12, 2),
    "t": pl.String(),
    "cat": pl.Categorical(),
    "b": pl.Boolean(),
    "d": pl.Date(),
    "dt": pl.Datetime("us", "UTC"),
    "lead.email_domain": pl.String(),
    "account.employees": pl.Int64(),
}


def frame_of(
    rows: Sequence[Mapping[str, object]], schema: Mapping[str, pl.DataType] = SCHEMA
) -> pl.DataFrame:
    full = [{name: row.get(name) for name in schema} for row in rows]
    return pl.DataFrame(full, schema=dict(schema))


def evaluate_rows(text: str, rows: Sequence[Mapping[str, object]], now: datetime = NOW) -> list[bool]:
    """Both evaluators on every row; fails the test if they disagree anywhere."""
    criterion = parse_criterion(text)
    row_results = [compile_row(criterion)({name: row.get(name) for name in SCHEMA}, now) for row in rows]
    column_results = compile_columns(criterion)(frame_of(rows), now).to_list()
    assert row_results == column_results, f"{text}: rows {row_results} != columns {column_results}"
    return row_results


def evaluate(text: str, now: datetime = NOW, **values: object) -> bool:
    return evaluate_rows(text, [values], now)[0]
