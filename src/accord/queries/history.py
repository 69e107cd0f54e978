"""History for backtests as polars frames: leads with the attributes criteria read, signal activities
and lifecycle outcomes, read set-based through the DB-API cursor (in the caller's transaction)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import polars as pl
from django.db import connection
from django.db.models import Field

from accord.domain.backtest import History
from accord.domain.criteria import AttributeType
from accord.domain.lifecycle import Stage
from accord.domain.playbook.catalog import AttributeCatalog
from accord.models import Account, Activity, Lead, LifecycleTransition

# Rows fetched per round trip: large enough to amortise the call, small enough to bound memory.
FETCH_ROWS = 100_000
UTC_DATETIME = pl.Datetime("us", "UTC")
# Stages that are reached only through sql (DESIGN §3): a lead in any of them reached sql.
SQL_OR_LATER = (Stage.SQL, Stage.OPPORTUNITY, Stage.CUSTOMER, Stage.CLOSED_LOST)
LEAD_FIELDS = ("email", "first_name", "last_name", "title", "seniority", "source", "campaign", "created_at")
ACCOUNT_FIELDS = ("name", "domain", "industry", "employees", "annual_revenue", "country", "created_at")
DERIVED = {"lead.email_domain": "lead.email", "lead.source_group": "lead.source"}
POLARS_TYPES: dict[AttributeType, pl.DataType] = {
    AttributeType.NUMBER: pl.Float64(),
    AttributeType.TEXT: pl.String(),
    AttributeType.BOOLEAN: pl.Boolean(),
    AttributeType.DATETIME: UTC_DATETIME,
}


@dataclass(frozen=True)
class _Column:
    """One selected value: its SQL (fixed text from model metadata), bound parameters, and type."""

    name: str
    sql: str
    params: tuple[str, ...]
    attribute_type: AttributeType
    is_custom: bool = False


def load_history(names: Iterable[str], catalog: AttributeCatalog, signal_kinds: Iterable[str]) -> History:
    """Every lead with the named attributes (criteria names such as ``account.employees``), the
    activities of ``signal_kinds``, and whether each lead ever reached sql or won."""
    return History(
        leads=_leads(sorted(set(names)), catalog),
        activities=_activities(sorted(set(signal_kinds))),
        outcomes=_outcomes(),
    )


def _leads(names: Sequence[str], catalog: AttributeCatalog) -> pl.DataFrame:
    wanted = sorted({DERIVED.get(name, name) for name in names} - {"lead.created_at"})
    columns = [
        _Column("lead_id", f"l.{_column(Lead, 'id')}", (), AttributeType.NUMBER),
        _Column("created_at", _datetime_sql(f"l.{_column(Lead, 'created_at')}"), (), AttributeType.DATETIME),
        *(_attribute(name, catalog) for name in wanted),
    ]
    sql = (
        # Identifiers from model metadata and fixed text only; values are bound.
        f"SELECT {', '.join(column.sql for column in columns)} FROM {Lead._meta.db_table} l "  # noqa: S608
        f"LEFT JOIN {Account._meta.db_table} a ON a.{_column(Account, 'id')} = l.{_column(Lead, 'account')}"
    )
    params = [param for column in columns for param in column.params]
    schema = {column.name: _fetched_type(column) for column in columns}
    frame = _fetch(sql + f" ORDER BY l.{_column(Lead, 'id')}", params, schema)
    frame = frame.with_columns(*(_typed(column) for column in columns)).with_columns(
        pl.col("lead_id").cast(pl.Int64), pl.col("created_at").alias("lead.created_at")
    )
    if "lead.email_domain" in names:
        domain = pl.col("lead.email").str.split("@").list.last().str.to_lowercase()
        frame = frame.with_columns(domain.alias("lead.email_domain"))
    return frame


def _attribute(name: str, catalog: AttributeCatalog) -> _Column:
    prefix, _, field = name.partition(".")
    model, alias, fields = (Lead, "l", LEAD_FIELDS) if prefix == "lead" else (Account, "a", ACCOUNT_FIELDS)
    attribute_type = catalog.attributes.get(name, AttributeType.TEXT)
    if field in fields:
        sql = f"{alias}.{_column(model, field)}"
        if attribute_type is AttributeType.DATETIME:
            sql = _datetime_sql(sql)
        return _Column(name, sql, (), attribute_type)
    # A custom attribute, as JSON text; its key is bound, never formatted into the SQL.
    attributes = f"{alias}.{_column(model, 'attributes')}"
    if connection.vendor == "postgresql":
        return _Column(name, f"({attributes} ->> %s)", (field,), attribute_type, is_custom=True)
    path = f'$."{field}"'
    return _Column(
        name, f"CAST(json_extract({attributes}, %s) AS TEXT)", (path,), attribute_type, is_custom=True
    )


def _column(model: type[Lead | Account | Activity | LifecycleTransition], field: str) -> str:
    concrete = model._meta.get_field(field)
    assert isinstance(concrete, Field)
    return str(connection.ops.quote_name(concrete.column))


def _datetime_sql(expression: str) -> str:
    """Datetimes as microseconds since the epoch (PostgreSQL) or as stored UTC text (SQLite): either
    is read far faster than one Python datetime per value."""
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(EPOCH FROM {expression}) * 1000000 AS BIGINT)"
    return f"CAST({expression} AS TEXT)"


def _fetched_type(column: _Column) -> pl.DataType:
    if column.is_custom:
        return pl.String()
    if column.attribute_type is AttributeType.DATETIME:
        return pl.Int64() if connection.vendor == "postgresql" else pl.String()
    if column.attribute_type is AttributeType.NUMBER:
        return pl.Float64()
    return pl.String()


def _typed(column: _Column) -> pl.Expr:
    value = pl.col(column.name)
    if column.attribute_type is AttributeType.DATETIME:
        if column.is_custom:
            typed = value.str.to_datetime(time_unit="us", strict=False).dt.convert_time_zone("UTC")
        else:
            typed = _stored_datetime(value)
    elif column.attribute_type is AttributeType.BOOLEAN:
        flags = {"true": True, "1": True, "false": False, "0": False}
        typed = value.str.to_lowercase().replace_strict(flags, default=None, return_dtype=pl.Boolean)
    else:
        typed = value.cast(POLARS_TYPES[column.attribute_type], strict=False)
    return typed.alias(column.name)


def _stored_datetime(value: pl.Expr) -> pl.Expr:
    if connection.vendor == "postgresql":
        return pl.from_epoch(value, time_unit="us").dt.replace_time_zone("UTC")
    # SQLite holds Django's datetimes as UTC text, with or without microseconds.
    return value.str.slice(0, 26).str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_zone="UTC", time_unit="us")


def _activities(signal_kinds: Sequence[str]) -> pl.DataFrame:
    occurred_at = _Column("occurred_at", "", (), AttributeType.DATETIME)
    schema = {"lead_id": pl.Int64(), "kind": pl.String(), "occurred_at": _fetched_type(occurred_at)}
    if not signal_kinds:
        return pl.DataFrame(schema={**schema, "occurred_at": UTC_DATETIME})
    placeholders = ", ".join(["%s"] * len(signal_kinds))
    kind = _column(Activity, "kind")
    sql = (
        f"SELECT {_column(Activity, 'lead')}, {kind}, "  # noqa: S608
        f"{_datetime_sql(_column(Activity, 'occurred_at'))} FROM {Activity._meta.db_table} "
        f"WHERE {kind} IN ({placeholders}) "
        # The (lead, time) index returns them in the order the scorer needs, which spares it a sort.
        f"ORDER BY {_column(Activity, 'lead')}, {_column(Activity, 'occurred_at')}"
    )
    frame = _fetch(sql, list(signal_kinds), schema)
    return frame.with_columns(pl.col("kind").cast(pl.Categorical), _typed(occurred_at))


def _outcomes() -> pl.DataFrame:
    """Per lead that reached sql or later: whether it did (always) and whether it was won."""
    stage, lead = _column(LifecycleTransition, "to_stage"), _column(LifecycleTransition, "lead")
    placeholders = ", ".join(["%s"] * len(SQL_OR_LATER))
    sql = (
        f"SELECT {lead}, MAX(CASE WHEN {stage} = %s THEN 1 ELSE 0 END) "  # noqa: S608
        f"FROM {LifecycleTransition._meta.db_table} WHERE {stage} IN ({placeholders}) GROUP BY {lead}"
    )
    params = [Stage.CUSTOMER.value, *(s.value for s in SQL_OR_LATER)]
    frame = _fetch(sql, params, {"lead_id": pl.Int64(), "won": pl.Int64()})
    return frame.select(
        "lead_id", pl.lit(True).alias("has_reached_sql"), (pl.col("won") == 1).alias("has_won")
    )


def _fetch(sql: str, params: Sequence[str], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        parts = [pl.DataFrame(rows, schema=schema, orient="row", strict=False) for rows in _batches(cursor)]
    return pl.concat(parts) if parts else pl.DataFrame(schema=schema)


def _batches(cursor: object) -> Iterator[list[tuple[object, ...]]]:
    while rows := cursor.fetchmany(FETCH_ROWS):  # type: ignore[attr-defined]
        yield rows
