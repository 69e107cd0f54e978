"""Bulk insert of column tables into a model's table: one mechanism, two backends. SQLite gets
``executemany`` per batch inside a transaction; PostgreSQL gets ``COPY … FROM STDIN`` (psycopg 3).
Values are converted a column at a time to the exact form Django itself stores, so rows read back
through the ORM equal what was loaded."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, cast

import numpy as np
from django.core.exceptions import FieldDoesNotExist
from django.core.management.color import no_style
from django.db import connection, models, transaction

from accord.domain.columnar import Coded, Column, ColumnTable, Numbered
from accord.errors import InvalidInput

DEFAULT_BATCH_ROWS = 50_000
# SQLite's page cache while loading: 256 MiB holds the indexes of a million-lead table, where the
# default 2 MiB makes every random-key index insert a cache miss (2x faster lead loads, bench/RESULTS.md).
SQLITE_LOAD_CACHE_KIB = 262_144
COPY_NULL = "\\N"
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
INTEGER_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
    }
)
EMPTY_JSON_OBJECT = "{}"
TEXT_TYPES = frozenset({"CharField", "TextField", "EmailField", "SlugField", "URLField"})
Values = list[object]


def bulk_load(
    model: type[models.Model],
    table: ColumnTable,
    *,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    on_rows: Callable[[int], None] | None = None,
) -> int:
    """Insert every row of ``table`` into ``model``'s table and return the row count.

    Each batch is one transaction (or part of the caller's). Table and column names come from
    ``model._meta`` only. When ids are given on PostgreSQL, the id sequence is moved past them."""
    fields = resolve_fields(model, table)
    columns = {field.attname: table.columns[name] for name, field in fields.items()}
    columns.update(default_columns(model, set(columns), table.row_count))
    field_by_attname = {field.attname: field for field in model._meta.concrete_fields}
    ordered_fields = [field_by_attname[attname] for attname in columns]
    filled = ColumnTable(table.name, columns)
    is_postgres = connection.vendor == "postgresql"
    with sqlite_load_cache():
        for batch in filled.batches(batch_rows):
            converted = [
                convert_column(field, batch.columns[field.attname], for_copy=is_postgres)
                for field in ordered_fields
            ]
            with transaction.atomic(savepoint=False):
                if is_postgres:
                    copy_rows(model, ordered_fields, converted)
                else:
                    insert_rows(model, ordered_fields, converted)
            if on_rows is not None:
                on_rows(batch.row_count)
    if is_postgres and model._meta.pk is not None and model._meta.pk.attname in columns:
        reset_sequence(model)
    return filled.row_count


@contextmanager
def sqlite_load_cache() -> Iterator[None]:
    """Enlarge SQLite's page cache for the duration of a load, then restore the connection's own."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{int(SQLITE_LOAD_CACHE_KIB)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def resolve_fields(model: type[models.Model], table: ColumnTable) -> dict[str, models.Field]:  # type: ignore[type-arg]
    fields: dict[str, models.Field] = {}  # type: ignore[type-arg]
    for name in table.columns:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist as exc:
            raise InvalidInput(f"table {table.name}: {model.__name__} has no field {name!r}") from exc
        if not isinstance(field, models.Field) or not field.concrete or field.many_to_many:
            raise InvalidInput(f"table {table.name}: {name!r} is not a column of {model.__name__}")
        fields[name] = field
    return fields


def default_columns(model: type[models.Model], given: set[str], row_count: int) -> dict[str, Column]:
    """Constant columns for fields not given: their declared default (or '' for blank text); a field
    with neither that is NOT NULL is an error, since the database would reject every row."""
    filled: dict[str, Column] = {}
    missing: list[str] = []
    for field in model._meta.concrete_fields:
        if field.attname in given or field.primary_key:
            continue
        default = field.default
        if field.has_default() and (not callable(default) or default in (dict, list)):
            filled[field.attname] = Coded(np.zeros(row_count, dtype=np.int8), (field.get_default(),))
        elif field.null:
            continue
        elif field.get_internal_type() in TEXT_TYPES:
            filled[field.attname] = Coded(np.zeros(row_count, dtype=np.int8), ("",))
        else:
            missing.append(field.attname)
    if missing:
        raise InvalidInput(f"{model.__name__}: no values and no default for {', '.join(missing)}")
    return filled


def field_kind(field: models.Field) -> str:  # type: ignore[type-arg]
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    internal = target.get_internal_type()
    if internal in INTEGER_TYPES:
        return "integer"
    if internal in TEXT_TYPES:
        return "text"
    kinds = {
        "BooleanField": "boolean",
        "DateTimeField": "datetime",
        "DecimalField": "decimal",
        "JSONField": "json",
    }
    if internal not in kinds:
        raise InvalidInput(f"bulk load does not handle {internal} ({field.model.__name__}.{field.name})")
    return kinds[internal]


def convert_column(field: models.Field, column: Column, *, for_copy: bool) -> Values:  # type: ignore[type-arg]
    """A column as the values the backend stores: Python values for SQLite, COPY text for PostgreSQL."""
    kind = field_kind(field)
    if isinstance(column, Coded):
        labels = [convert_scalar(field, kind, label, for_copy=for_copy) for label in column.labels]
        return Coded(column.codes, tuple(labels)).values()
    if isinstance(column, Numbered):
        return escape_texts(column.values()) if for_copy else column.values()  # type: ignore[return-value]
    if column.dtype == object:
        return [convert_scalar(field, kind, value, for_copy=for_copy) for value in column.tolist()]
    return convert_array(field, kind, column, for_copy=for_copy)


def convert_array(field: models.Field, kind: str, column: np.ndarray, *, for_copy: bool) -> Values:  # type: ignore[type-arg]
    if kind == "datetime":
        return datetime_texts(column, suffix="+00" if for_copy else "")
    if kind == "boolean":
        if for_copy:
            return np.where(column, "t", "f").tolist()  # type: ignore[no-any-return]
        return column.astype(np.int8).tolist()  # type: ignore[no-any-return]
    if kind == "integer":
        values = column.astype(np.int64).tolist()
        return list(map(str, values)) if for_copy else values
    if kind == "decimal":
        places = field.decimal_places  # type: ignore[attr-defined]
        texts: Values = [
            COPY_NULL if np.isnan(v) else f"{v:.{places}f}" for v in column.astype(np.float64).tolist()
        ]
        return list(texts) if for_copy else [None if t == COPY_NULL else t for t in texts]
    return [convert_scalar(field, kind, value, for_copy=for_copy) for value in column.tolist()]


def datetime_texts(column: np.ndarray, *, suffix: str) -> Values:
    """UTC datetimes as Django writes them: 'YYYY-MM-DD HH:MM:SS', then '.ffffff' only when there are
    microseconds (SQLite compares these strings, so the form must match Django's exactly). NaT is NULL."""
    micro = column.astype("datetime64[us]")
    whole = micro.astype("datetime64[s]")
    texts = np.datetime_as_string(whole, unit="s").astype("S19")
    texts.view(np.uint8).reshape(-1, 19)[:, 10] = ord(" ")
    fraction_us = (micro - whole).astype(np.int64)
    has_fraction = bool(fraction_us.any())
    if suffix and not has_fraction:
        texts = np.char.add(texts, suffix.encode())
    values: Values = texts.astype(str).tolist()
    if has_fraction:
        for index in np.flatnonzero(fraction_us).tolist():
            values[index] = f"{values[index]}.{fraction_us[index]:06d}"
        if suffix:
            values = [f"{value}{suffix}" for value in values]
    for index in np.flatnonzero(np.isnat(micro)).tolist():
        values[index] = COPY_NULL if suffix else None
    return values


def convert_scalar(field: models.Field, kind: str, value: object, *, for_copy: bool) -> object:  # type: ignore[type-arg]
    """One value the way Django's own get_db_prep_save would store it; used once per label or per
    value of an object column."""
    if value is None:
        return COPY_NULL if for_copy else None
    if kind == "json":
        text = json.dumps(value, cls=getattr(field, "encoder", None))
        return text.translate(COPY_ESCAPES) if for_copy else text
    if kind == "datetime":
        if not isinstance(value, datetime) or value.utcoffset() is None:
            raise InvalidInput(f"{field.name}: {value!r} is not an aware datetime")
        utc_naive = value.astimezone(UTC).replace(tzinfo=None)
        return datetime_texts(
            np.array([utc_naive], dtype="datetime64[us]"), suffix="+00" if for_copy else ""
        )[0]
    if kind == "decimal":
        text = f"{Decimal(str(value)):.{field.decimal_places}f}"  # type: ignore[attr-defined]
        return text
    if kind == "boolean":
        return ("t" if value else "f") if for_copy else int(bool(value))
    if kind == "integer":
        return str(int(value)) if for_copy else int(value)  # type: ignore[call-overload]
    return str(value).translate(COPY_ESCAPES) if for_copy else str(value)


def escape_texts(values: list[str]) -> list[str]:
    joined = "".join(values)
    if any(special in joined for special in "\\\t\n\r"):
        return [value.translate(COPY_ESCAPES) for value in values]
    return values


def insert_rows(model: type[models.Model], fields: list[models.Field], columns: list[Values]) -> None:  # type: ignore[type-arg]
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Identifiers come from model._meta and are quoted; values are bound parameters.
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        # An iterator, not a list: sqlite3 consumes rows as it goes, so a batch is never held twice.
        cursor.executemany(sql, cast("Sequence[Sequence[Any]]", zip(*columns, strict=True)))


def copy_rows(model: type[models.Model], fields: list[models.Field], columns: list[Values]) -> None:  # type: ignore[type-arg]
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in fields)
    # Every value is already COPY text (escaped, NULL as \\N): see convert_column.
    body = "\n".join(map("\t".join, zip(*cast(list[list[str]], columns), strict=True))) + "\n"
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN") as copy:
            copy.write(body)


def append_rows(model: type[models.Model], field_names: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert ``rows`` (Python values in ``field_names`` order, as a model instance would hold them)
    into ``model``'s table without building model instances: executemany on SQLite, COPY on
    PostgreSQL. For append-only rows whose ids nobody needs back; values are stored the way Django
    stores them (datetimes in UTC, JSON as Django's encoder writes it)."""
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in field_names]
    columns: list[Sequence[object]] = list(zip(*rows, strict=True))
    is_postgres = connection.vendor == "postgresql"
    for index, field in enumerate(fields):
        convert = stored_value_converter(cast("models.Field", field), for_postgres=is_postgres)  # type: ignore[type-arg]
        if convert is not None:
            columns[index] = [None if value is None else convert(value) for value in columns[index]]
    quote = connection.ops.quote_name
    names = ", ".join(quote(cast("models.Field", field).column) for field in fields)  # type: ignore[type-arg]
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        if is_postgres:
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in zip(*columns, strict=True):
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(fields))
        # Identifiers come from model._meta and are quoted; values are bound parameters.
        sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608
        cursor.executemany(sql, cast("Sequence[Sequence[Any]]", zip(*columns, strict=True)))


def stored_value_converter(
    field: models.Field,  # type: ignore[type-arg]
    *,
    for_postgres: bool,
) -> Callable[[Any], object] | None:
    """How one non-NULL value of ``field`` is turned into what the driver is given; None: as it is."""
    kind = field_kind(field)
    if kind == "json":
        encoder = getattr(field, "encoder", None)
        return lambda value: EMPTY_JSON_OBJECT if value == {} else json.dumps(value, cls=encoder)
    if kind == "datetime" and not for_postgres:
        if connection.timezone != UTC:  # a DATABASES TIME_ZONE: let Django convert
            return connection.ops.adapt_datetimefield_value
        return sqlite_datetime_text
    # A bool needs nothing on SQLite either: sqlite3 binds it as the integer it is.
    return None


def sqlite_datetime_text(value: datetime) -> str:
    """Django's own form on SQLite: naive UTC, str() of the datetime (adapt_datetimefield_value).
    For a UTC datetime that is its isoformat less the '+00:00' (no naive copy is built)."""
    if value.tzinfo is UTC:
        return value.isoformat(" ")[:-6]
    return str(value.astimezone(UTC).replace(tzinfo=None))


def reset_sequence(model: type[models.Model]) -> None:
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(statement)
