"""What every kind's import shares: one batch's context and counts, insert-or-update by key with the
change history, the user and catalog look-ups. One query per look-up per batch, never one per row."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from operator import itemgetter
from typing import Generic, TypeVar, cast

from django.db import connection, models

from accord.domain.criteria import AttributeType
from accord.importers.canonical import AttributeValue, RowError
from accord.models import CatalogEntry, CatalogEntryKind, ImportRun, RecordChange, User
from accord.services.bulk_load import append_rows
from accord.services.catalog_memory import COMMITTED_CATALOG

M = TypeVar("M", bound=models.Model)
# A row by attribute name, for models loaded in bulk without an instance per row (Upsert.apply_row).
Row = dict[str, object]
JsonValue = str | int | float | bool | None | dict[str, object] | list[object]
INSERTED, UPDATED, UNCHANGED = "inserted", "updated", "unchanged"
# Money and revenue are stored with two decimals; comparing unrounded input would "update" every run.
CENTS = Decimal("0.01")
# Bound parameters per query on SQLite: Django's own limit for the backend (features.max_query_params).
SQLITE_KEYS_PER_QUERY = 999


@dataclass
class BatchCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    held: int = 0
    attached: int = 0
    warnings: int = 0

    def add(self, other: BatchCounts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Batch:
    """One batch of one stream, applied in one transaction."""

    run: ImportRun
    now: datetime
    counts: BatchCounts = field(default_factory=BatchCounts)
    rejections: list[RowError] = field(default_factory=list)

    def reject(self, line: int, field_name: str, value: object, reason: str) -> None:
        self.rejections.append(RowError(line, field_name, "" if value is None else str(value), reason))
        self.counts.rejected += 1


def as_json(value: object) -> JsonValue:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool | dict | list):
        return value
    return str(value)


def money(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENTS)


class Upsert(Generic[M]):
    """Insert-or-update of one model by a text key within a batch. Each row's outcome is kept so that a
    later step (history, visitors) can still turn an unchanged row into an updated one."""

    def __init__(self, model: type[M], entity: str, batch: Batch, *, key_field: str = "") -> None:
        """``key_field``: a unique text field that holds each new row's key; when given, new rows are
        inserted as plain rows and their ids read back by key, which is several times faster than
        bulk_create (bench/RESULTS.md, "Import")."""
        self.model = model
        self.entity = entity
        self.batch = batch
        self.key_field = key_field
        self.attnames = frozenset(field.attname for field in model._meta.concrete_fields)
        self.new: list[M] = []
        self.dirty: dict[int, M] = {}
        self.new_rows: list[Row] = []
        self.dirty_rows: dict[int, Row] = {}
        self.changed_fields: set[str] = set()
        self.changes: dict[str, dict[str, dict[str, JsonValue]]] = {}
        self.outcome: dict[str, str] = {}

    def apply(
        self, key: str, instance: M | None, values: dict[str, object], *, created: Mapping[str, object]
    ) -> M:
        """Create from ``values`` and ``created`` when ``instance`` is None, else update what differs."""
        if instance is None:
            made = self.make(values, created)
            self.new.append(made)
            self.outcome[key] = INSERTED
            return made
        differing = {name: value for name, value in values.items() if getattr(instance, name) != value}
        if not differing:
            self.outcome.setdefault(key, UNCHANGED)
            return instance
        self.note_change(key, {name: (getattr(instance, name), value) for name, value in differing.items()})
        for name, value in differing.items():
            setattr(instance, name, value)
        self.changed_fields.update(differing)
        if instance.pk is not None:
            self.dirty[instance.pk] = instance
        return instance

    def apply_row(
        self, key: str, row: Row | None, values: dict[str, object], *, created: Mapping[str, object]
    ) -> Row:
        """As ``apply``, for a row held as a dict by attribute name (with "id" once stored) instead of a
        model instance: building an instance per row cost more than inserting it (bench/RESULTS.md,
        "Import"). New rows need ``key_field``; the dict returned is the row, changed in place."""
        if row is None:
            made = {**values, **created}
            self.new_rows.append(made)
            self.outcome[key] = INSERTED
            return made
        differing = {name: value for name, value in values.items() if row[name] != value}
        if not differing:
            self.outcome.setdefault(key, UNCHANGED)
            return row
        self.note_change(key, {name: (row[name], value) for name, value in differing.items()})
        row.update(differing)
        self.changed_fields.update(differing)
        stored_id = row.get("id")
        if stored_id is not None:
            self.dirty_rows[cast("int", stored_id)] = row
        return row

    def make(self, values: dict[str, object], created: Mapping[str, object]) -> M:
        """A new instance. Given every value by attribute name, it is built from positional values,
        Django's fast path (the keyword path cost more than the insert; bench/RESULTS.md, "Import")."""
        given = {**values, **created}
        fields = self.model._meta.concrete_fields
        if not all(name in self.attnames for name in given):
            return self.model(**given)
        return self.model(
            *(given[field.attname] if field.attname in given else field.get_default() for field in fields)
        )

    def note_change(self, key: str, fields: dict[str, tuple[object, object]]) -> None:
        """Record old → new for fields of an existing row; a row inserted in this batch has no history."""
        if self.outcome.get(key) == INSERTED:
            return
        self.outcome[key] = UPDATED
        recorded = self.changes.setdefault(key, {})
        for name, (old, new) in fields.items():
            old_json = recorded[name]["old"] if name in recorded else as_json(old)
            recorded[name] = {"old": old_json, "new": as_json(new)}

    def save(self, *, with_new_ids: bool = True) -> None:
        """Write the batch's new and changed rows. New rows get their ids, but for new dict rows only
        ``with_new_ids`` (reading them back is a query per 999 rows on SQLite)."""
        if self.key_field and self.new:
            self.insert_new()
        else:
            self.model._default_manager.bulk_create(self.new)
        if self.new_rows:
            self.insert_new_rows(with_ids=with_new_ids)
        if self.dirty and self.changed_fields:
            self.model._default_manager.bulk_update(list(self.dirty.values()), sorted(self.changed_fields))
        if self.dirty_rows and self.changed_fields:
            instances = [self.model(**row) for row in self.dirty_rows.values()]
            self.model._default_manager.bulk_update(instances, sorted(self.changed_fields))

    def insert_new(self) -> None:
        fields = [field for field in self.model._meta.concrete_fields if not field.primary_key]
        rows = [tuple(getattr(made, field.attname) for field in fields) for made in self.new]
        append_rows(self.model, [field.name for field in fields], rows)
        keys = [getattr(made, self.key_field) for made in self.new]
        ids = stored_ids(self.model, self.key_field, keys)
        for made, key in zip(self.new, keys, strict=True):
            made.pk = ids[key]
            made._state.adding = False
            made._state.db = self.model._default_manager.db

    def insert_new_rows(self, *, with_ids: bool) -> None:
        """Insert the new dict rows, a field the values do not give taking its default; ids by key."""
        fields = [field for field in self.model._meta.concrete_fields if not field.primary_key]
        for row in self.new_rows:
            if len(row) < len(fields):
                for field in fields:
                    if field.attname not in row:
                        row[field.attname] = field.get_default()
        take = itemgetter(*(field.attname for field in fields))
        append_rows(self.model, [field.name for field in fields], list(map(take, self.new_rows)))
        if not with_ids:
            return
        keys = [cast("str", row[self.key_field]) for row in self.new_rows]
        ids = stored_ids(self.model, self.key_field, keys)
        for row, key in zip(self.new_rows, keys, strict=True):
            row["id"] = ids[key]

    def finish(self) -> None:
        """Write the change history and add the rows' outcomes to the batch counts."""
        self.save_history()
        self.count()

    def save_history(self) -> None:
        RecordChange.objects.bulk_create(
            RecordChange(
                entity=self.entity,
                external_id=key,
                changes=changes,
                import_run=self.batch.run,
                changed_at=self.batch.now,
            )
            for key, changes in self.changes.items()
        )

    def count(self) -> None:
        for outcome in self.outcome.values():
            setattr(self.batch.counts, outcome, getattr(self.batch.counts, outcome) + 1)


def stored_keys(model: type[models.Model], field_name: str, keys: Collection[str]) -> set[str]:
    """Which of ``keys`` the model's table already has in ``field_name``: one query, bound parameters.

    Written in SQL because the ORM's IN lookup prepares each of a batch's 2,000 values through the
    field, which cost more than the query (bench/RESULTS.md, "Import")."""
    return set(stored_ids(model, field_name, keys))


def stored_ids(model: type[models.Model], field_name: str, keys: Collection[str]) -> dict[str, int]:
    """The id of each of ``keys`` the model's table has in ``field_name`` (a unique field)."""
    if not keys:
        return {}
    quote = connection.ops.quote_name
    column = quote(str(model._meta.get_field(field_name).column))  # type: ignore[union-attr]
    table = quote(model._meta.db_table)
    primary_key = quote(str(model._meta.pk.column))
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One index probe per key, whatever the table's statistics: "column = ANY(keys)" was planned as
            # a scan of the whole table while it had none (a fresh table filled by an import), and a join
            # with the keys is planned as a hash join; a scalar subquery per key is neither.
            sql = (
                f"SELECT wanted.key, (SELECT {primary_key} FROM {table} WHERE {column} = wanted.key) "  # noqa: S608
                "FROM unnest(%s::text[]) AS wanted(key)"
            )
            cursor.execute(sql, [list(keys)])
            found.update((key, found_id) for key, found_id in cursor.fetchall() if found_id is not None)
            return found
        ordered = list(keys)
        for start in range(0, len(ordered), SQLITE_KEYS_PER_QUERY):
            part = ordered[start : start + SQLITE_KEYS_PER_QUERY]
            placeholders = ", ".join(["%s"] * len(part))
            sql = f"SELECT {column}, {primary_key} FROM {table} WHERE {column} IN ({placeholders})"  # noqa: S608
            cursor.execute(sql, part)
            found.update(cursor.fetchall())
    return found


def users_by_email(emails: Iterable[str]) -> dict[str, int]:
    wanted = {email.strip().lower() for email in emails if email.strip()}
    return stored_ids(User, "email", wanted)


def resolve_user(batch: Batch, users: dict[str, int], email: str, line: int, field_name: str) -> int | None:
    """The user's id; raises UnknownReference (after rejecting the row) when the e-mail names nobody."""
    if not email.strip():
        return None
    user_id = users.get(email.strip().lower())
    if user_id is None:
        batch.reject(line, field_name, email, "no user has this e-mail; import users first")
        raise UnknownReference(email)
    return user_id


class UnknownReference(Exception):
    """Internal: the row was rejected for naming something that does not exist; skip it."""


def value_type(value: AttributeValue) -> AttributeType:
    if isinstance(value, bool):
        return AttributeType.BOOLEAN
    if isinstance(value, int | float):
        return AttributeType.NUMBER
    return AttributeType.TEXT


def record_catalog_entries(kind: CatalogEntryKind, names: dict[str, str]) -> None:
    """Add the attributes or activity kinds (name → value type, '' for kinds) the catalog lacks. Names
    this process has seen committed are not asked again (services.catalog_memory): a request bringing
    only known names costs no query here."""
    wanted = COMMITTED_CATALOG.unknown(kind, names.keys()) if names else set()
    if not wanted:
        return
    known = set(CatalogEntry.objects.filter(kind=kind, name__in=wanted).values_list("name", flat=True))
    CatalogEntry.objects.bulk_create(
        [CatalogEntry(kind=kind, name=name, value_type=names[name]) for name in sorted(wanted - known)],
        ignore_conflicts=True,
    )
    COMMITTED_CATALOG.remember_on_commit(kind, wanted)


def attribute_types(attributes: Iterable[dict[str, AttributeValue]]) -> dict[str, str]:
    types: dict[str, str] = {}
    for row in attributes:
        for name, value in row.items():
            types.setdefault(name, value_type(value).value)
    return types
