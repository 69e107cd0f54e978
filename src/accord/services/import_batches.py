"""What every kind's import shares: one batch's context and counts, insert-or-update by key with the
change history, the user and catalog look-ups. One query per look-up per batch, never one per row."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Generic, TypeVar

from django.db import models

from accord.domain.criteria import AttributeType
from accord.importers.canonical import AttributeValue, RowError
from accord.models import CatalogEntry, CatalogEntryKind, ImportRun, RecordChange, User

M = TypeVar("M", bound=models.Model)
JsonValue = str | int | float | bool | None | dict[str, object] | list[object]
INSERTED, UPDATED, UNCHANGED = "inserted", "updated", "unchanged"
# Money and revenue are stored with two decimals; comparing unrounded input would "update" every run.
CENTS = Decimal("0.01")


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

    def __init__(self, model: type[M], entity: str, batch: Batch) -> None:
        self.model = model
        self.entity = entity
        self.batch = batch
        self.new: list[M] = []
        self.dirty: dict[int, M] = {}
        self.changed_fields: set[str] = set()
        self.changes: dict[str, dict[str, dict[str, JsonValue]]] = {}
        self.outcome: dict[str, str] = {}

    def apply(
        self, key: str, instance: M | None, values: dict[str, object], *, created: Mapping[str, object]
    ) -> M:
        """Create from ``values`` and ``created`` when ``instance`` is None, else update what differs."""
        if instance is None:
            made = self.model(**values, **created)
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

    def note_change(self, key: str, fields: dict[str, tuple[object, object]]) -> None:
        """Record old → new for fields of an existing row; a row inserted in this batch has no history."""
        if self.outcome.get(key) == INSERTED:
            return
        self.outcome[key] = UPDATED
        recorded = self.changes.setdefault(key, {})
        for name, (old, new) in fields.items():
            old_json = recorded[name]["old"] if name in recorded else as_json(old)
            recorded[name] = {"old": old_json, "new": as_json(new)}

    def save(self) -> None:
        """Write the batch's new and changed rows (new rows get their ids)."""
        self.model._default_manager.bulk_create(self.new)
        if self.dirty and self.changed_fields:
            self.model._default_manager.bulk_update(list(self.dirty.values()), sorted(self.changed_fields))

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


def users_by_email(emails: Iterable[str]) -> dict[str, int]:
    wanted = {email.strip().lower() for email in emails if email.strip()}
    if not wanted:
        return {}
    return dict(User.objects.filter(email__in=wanted).values_list("email", "id"))


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
    """Add the attributes or activity kinds (name → value type, '' for kinds) the catalog lacks."""
    if not names:
        return
    known = set(CatalogEntry.objects.filter(kind=kind, name__in=names).values_list("name", flat=True))
    CatalogEntry.objects.bulk_create(
        [CatalogEntry(kind=kind, name=name, value_type=names[name]) for name in sorted(set(names) - known)],
        ignore_conflicts=True,
    )


def attribute_types(attributes: Iterable[dict[str, AttributeValue]]) -> dict[str, str]:
    types: dict[str, str] = {}
    for row in attributes:
        for name, value in row.items():
            types.setdefault(name, value_type(value).value)
    return types
