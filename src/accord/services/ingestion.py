"""Records that arrive one request at a time (the HTTP API): the same appliers as a file import, but all
or nothing. A request is one transaction; if any record is refused, nothing of it is stored."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from django.db import connection, models, transaction
from django.db.models import Q

from accord.errors import RecordProblem, RecordsRejected
from accord.importers.canonical import ActivityRecord, LeadRecord, RecordKind
from accord.models import Activity, ImportRun, ImportStatus, Lead, PendingActivity, RecordChange
from accord.services.import_activities import apply_activities
from accord.services.import_batches import Batch, BatchCounts, stored_ids
from accord.services.import_leads import LeadImport, normal_email

R = TypeVar("R", LeadRecord, ActivityRecord)


class Outcome(StrEnum):
    INSERTED = "inserted"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    HELD = "held"


@dataclass(frozen=True)
class RecordOutcome:
    """What happened to the record at ``position`` (its ``line``): the stored row's id, or None when held."""

    position: int
    external_id: str
    outcome: Outcome
    id: int | None


@dataclass(frozen=True)
class IngestionResult:
    outcomes: list[RecordOutcome]
    counts: BatchCounts

    @property
    def has_new_records(self) -> bool:
        return any(o.outcome in (Outcome.INSERTED, Outcome.HELD) for o in self.outcomes)


def ingest_leads(records: Sequence[LeadRecord], *, source_name: str, now: datetime) -> IngestionResult:
    """Insert or update leads by external id (or e-mail), as a file import would, in one transaction.

    Held activities naming these leads are attached. Raises RecordsRejected, storing nothing, when any
    record is refused."""
    ids = {record.external_id for record in records}
    emails = {email for record in records if (email := normal_email(record.email))}
    matching = Q(external_id__in=ids) | Q(email__in=emails)
    # One record's outcome is told by the batch counts; only a batch needs to know what existed before.
    known_before = (
        set(Lead.objects.filter(matching).values_list("id", flat=True)) if len(records) > 1 else set()
    )

    def outcomes(run: ImportRun, counts: BatchCounts) -> list[RecordOutcome]:
        stored = Lead.objects.filter(matching).values_list("id", "external_id", "email")
        by_id = {external_id: pk for pk, external_id, _ in stored}
        by_email = {email: (pk, external_id) for pk, external_id, email in stored if email}
        changed = (
            set(RecordChange.objects.filter(import_run=run).values_list("external_id", flat=True))
            if counts.updated and len(records) > 1
            else set()
        )
        result = []
        for record in records:
            email = normal_email(record.email)
            pk, key = (
                by_email[email] if email in by_email else (by_id[record.external_id], record.external_id)
            )
            if len(records) == 1:
                outcome = _single_outcome(counts)
            elif pk not in known_before:
                outcome = Outcome.INSERTED
            else:
                outcome = Outcome.UPDATED if key in changed else Outcome.UNCHANGED
            result.append(RecordOutcome(record.line, record.external_id, outcome, pk))
        return result

    return _ingest(RecordKind.LEADS, records, LeadImport().apply, outcomes, source_name, now)


def ingest_activities(
    records: Sequence[ActivityRecord], *, source_name: str, now: datetime
) -> IngestionResult:
    """Append activities; one whose lead is not known yet is held until the lead arrives. A repeat of
    the same activity is unchanged; a different one under a known id refuses the request."""
    ids = {record.external_id for record in records}
    # One record's outcome is told by the batch counts; only a batch needs to know what existed before.
    logged_before = (
        set(Activity.objects.filter(external_id__in=ids).values_list("external_id", flat=True))
        if len(records) > 1
        else set()
    )

    def outcomes(run: ImportRun, counts: BatchCounts) -> list[RecordOutcome]:
        if len(records) == 1 and counts.held:
            return [RecordOutcome(records[0].line, records[0].external_id, Outcome.HELD, None)]
        logged = stored_ids(Activity, "external_id", ids)
        held_now = (
            set(
                PendingActivity.objects.filter(external_id__in=ids, import_run=run).values_list(
                    "external_id", flat=True
                )
            )
            if counts.held
            else set()
        )
        result = []
        for record in records:
            key = record.external_id
            if len(records) == 1:
                outcome = _single_outcome(counts)
            elif key in held_now:
                outcome = Outcome.HELD
            elif key in logged and key not in logged_before:
                outcome = Outcome.INSERTED
            else:
                outcome = Outcome.UNCHANGED
            result.append(RecordOutcome(record.line, key, outcome, logged.get(key)))
        return result

    return _ingest(RecordKind.ACTIVITIES, records, apply_activities, outcomes, source_name, now)


def _single_outcome(counts: BatchCounts) -> Outcome:
    """The outcome of a request's only record, from its batch's counts (activities it attached, counted
    as attached, are not its own outcome)."""
    if counts.held:
        return Outcome.HELD
    if counts.inserted:
        return Outcome.INSERTED
    return Outcome.UPDATED if counts.updated else Outcome.UNCHANGED


class RequestBatch(Batch):
    """A batch whose import run is inserted when a row first refers to it (a held activity, a record
    change, a warning) and otherwise once, with its final counts, by ``record_run``: most requests
    write their run in one INSERT instead of an INSERT and an UPDATE."""

    def __init__(self, kind: RecordKind, source_name: str, now: datetime) -> None:
        super().__init__(
            ImportRun(kind=kind.value, source_name=source_name, started_at=now, finished_at=now), now
        )

    @property
    def run(self) -> ImportRun:
        if self._run.pk is None:
            insert_run(self._run)
        return self._run

    @run.setter
    def run(self, run: ImportRun) -> None:
        self._run = run

    def record_run(self) -> ImportRun:
        """Store the run, completed, with the batch's counts."""
        run = self._run
        for name in RUN_COUNTS:
            setattr(run, name, getattr(self.counts, name))
        run.status = ImportStatus.COMPLETED
        if run.pk is None:
            insert_run(run)
        else:
            run.save(update_fields=[*RUN_COUNTS, "status"])
        return run


RUN_COUNTS = tuple(BatchCounts.__dataclass_fields__)


def insert_run(run: ImportRun) -> None:
    """Insert a new run and give it its id: the same row as ``run.save()``, in SQL, because every API
    request writes one and the ORM's save machinery cost several times the INSERT (bench/RESULTS.md,
    "HTTP ingestion"). Values are prepared by each field, as the ORM prepares them."""
    if not connection.features.can_return_columns_from_insert:  # SQLite before 3.35
        run.save(force_insert=True)
        return
    fields = run_insert_fields()
    values = [field.get_db_prep_save(getattr(run, field.attname), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(run_insert_sql(connection.vendor), values)
        (run.pk,) = cursor.fetchone()
    run._state.adding = False
    run._state.db = connection.alias


@functools.cache
def run_insert_fields() -> tuple[models.Field, ...]:  # type: ignore[type-arg]
    return tuple(field for field in ImportRun._meta.concrete_fields if not field.primary_key)


@functools.cache
def run_insert_sql(vendor: str) -> str:
    """INSERT … RETURNING the id; names come from the model, values are bound."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in run_insert_fields())
    placeholders = ", ".join(["%s"] * len(run_insert_fields()))
    primary_key = quote(ImportRun._meta.pk.column)
    table = quote(ImportRun._meta.db_table)
    return f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) RETURNING {primary_key}"  # noqa: S608


def _ingest(
    kind: RecordKind,
    records: Sequence[R],
    apply: Callable[[list[R], Batch], None],
    outcomes: Callable[[ImportRun, BatchCounts], list[RecordOutcome]],
    source_name: str,
    now: datetime,
) -> IngestionResult:
    with transaction.atomic():
        batch = RequestBatch(kind, source_name, now)
        apply(list(records), batch)
        if batch.rejections:
            # Raising out of the atomic block rolls back every row this request wrote, the run included.
            problems = [RecordProblem(e.line, e.field, e.value, e.reason) for e in batch.rejections]
            raise RecordsRejected(
                f"{len(problems)} of {len(records)} {kind} refused; nothing was stored", problems
            )
        run = batch.record_run()
        return IngestionResult(outcomes(run, batch.counts), batch.counts)
