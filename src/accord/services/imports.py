"""Running an import: canonical record streams applied batch by batch, each batch in one transaction.

A bad row is rejected and reported, never blocking the others. A failure inside a batch rolls back that
batch only; earlier batches stay committed and the same import can be re-run (it is idempotent by
external id, so what was loaded reports unchanged). A dry run does everything, then rolls it all back."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

from django.db import DatabaseError, transaction

from accord.domain.safe_csv import safe_csv_cell
from accord.errors import ImportInterrupted
from accord.importers.canonical import CanonicalRecord, RecordKind, RowError
from accord.models import ImportRun, ImportStatus
from accord.services.import_accounts import SpendImport, apply_accounts, apply_users
from accord.services.import_activities import apply_activities
from accord.services.import_batches import Batch, BatchCounts
from accord.services.import_leads import LeadImport
from accord.services.import_opportunities import apply_opportunities

# Rows per transaction: large enough that a batch's fixed cost (its look-ups, the run's counters, the
# commit: about 10 ms) is small per row, small enough that a failed batch loses little work and one
# batch's records fit easily in memory (about 5 MB).
DEFAULT_BATCH_ROWS = 5_000
REJECTS_HEADER = ("line", "field", "value", "reason", "source")


class RecordStreamLike(Protocol):
    @property
    def kind(self) -> RecordKind: ...

    @property
    def source_name(self) -> str: ...

    @property
    def records(self) -> Iterator[CanonicalRecord | RowError]: ...


Applier = Callable[[list[Any], Batch], None]


@dataclass(frozen=True)
class Rejection:
    source_name: str
    error: RowError


@dataclass
class StreamSummary:
    kind: RecordKind
    source_name: str
    counts: BatchCounts = field(default_factory=BatchCounts)


@dataclass
class ImportReport:
    is_dry_run: bool
    streams: list[StreamSummary] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    rejects_path: Path | None = None


def appliers() -> dict[RecordKind, Applier]:
    return {
        RecordKind.ACCOUNTS: apply_accounts,
        RecordKind.USERS: apply_users,
        RecordKind.LEADS: LeadImport().apply,
        RecordKind.ACTIVITIES: apply_activities,
        RecordKind.OPPORTUNITIES: apply_opportunities,
        RecordKind.SPEND: SpendImport().apply,
    }


def run_import(
    streams: Sequence[RecordStreamLike],
    *,
    now: datetime,
    is_dry_run: bool = False,
    rejects_path: Path | None = None,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    on_batch: Callable[[], None] | None = None,
) -> ImportReport:
    """Apply ``streams`` in order and return the counts; rejected rows go to ``rejects_path`` (CSV).

    Raises ImportInterrupted when a batch fails: that batch is rolled back, earlier ones are kept."""
    report = ImportReport(is_dry_run=is_dry_run)
    try:
        if is_dry_run:
            with transaction.atomic():
                apply_streams(streams, report, now, batch_rows, on_batch)
                transaction.set_rollback(True)
        else:
            apply_streams(streams, report, now, batch_rows, on_batch)
    finally:
        if rejects_path is not None and report.rejections:
            write_rejects(rejects_path, report.rejections)
            report.rejects_path = rejects_path
    return report


def apply_streams(
    streams: Sequence[RecordStreamLike],
    report: ImportReport,
    now: datetime,
    batch_rows: int,
    on_batch: Callable[[], None] | None,
) -> None:
    by_kind = appliers()
    for stream in streams:
        summary = StreamSummary(stream.kind, stream.source_name)
        report.streams.append(summary)
        run = ImportRun.objects.create(
            kind=stream.kind.value,
            source_name=stream.source_name,
            started_at=now,
            is_dry_run=report.is_dry_run,
        )
        for number, chunk in enumerate(chunks(stream.records, batch_rows), start=1):
            batch = Batch(run, now)
            try:
                apply_batch(chunk, by_kind[stream.kind], batch)
            except DatabaseError as exc:
                ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.FAILED, finished_at=now)
                lines = [item.line for item in chunk]
                raise ImportInterrupted(
                    f"{stream.source_name}: batch {number} (lines {min(lines)}–{max(lines)}) failed and was "
                    f"rolled back: {exc}. Earlier batches are saved; run the same import again to finish."
                ) from exc
            summary.counts.add(batch.counts)
            report.rejections.extend(Rejection(stream.source_name, error) for error in batch.rejections)
            if on_batch is not None:
                on_batch()
        ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.COMPLETED, finished_at=now)


def apply_batch(chunk: list[CanonicalRecord | RowError], applier: Applier, batch: Batch) -> None:
    """One transaction: the rows, the run's counts, the history and warnings, or nothing at all."""
    for item in chunk:
        if isinstance(item, RowError):
            batch.rejections.append(item)
            batch.counts.rejected += 1
    records = [item for item in chunk if not isinstance(item, RowError)]
    with transaction.atomic():
        if records:
            applier(records, batch)
        counts = batch.counts
        run = batch.run
        for name in counts.__dataclass_fields__:
            setattr(run, name, getattr(run, name) + getattr(counts, name))
        run.save(update_fields=list(counts.__dataclass_fields__))


def chunks(
    items: Iterable[CanonicalRecord | RowError], size: int
) -> Iterator[list[CanonicalRecord | RowError]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def write_rejects(path: Path, rejections: list[Rejection]) -> None:
    """The rejected rows as CSV; every cell made safe to open in a spreadsheet."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REJECTS_HEADER)
        for rejection in sorted(rejections, key=lambda r: (r.source_name, r.error.line)):
            error = rejection.error
            cells = (error.line, error.field, error.value, error.reason, rejection.source_name)
            writer.writerow([safe_csv_cell(cell) for cell in cells])
