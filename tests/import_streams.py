"""Hand-built canonical record streams for import tests, in place of files."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from accord.importers.canonical import CanonicalRecord, RecordKind, RowError
from accord.services.imports import ImportReport, run_import

IMPORTED_AT = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Stream:
    kind: RecordKind
    items: Sequence[CanonicalRecord | RowError]
    source_name: str = "test.csv"

    @property
    def records(self) -> Iterator[CanonicalRecord | RowError]:
        return iter(self.items)


def load(kind: RecordKind, *items: CanonicalRecord | RowError, **options: object) -> ImportReport:
    return run_import([Stream(kind, items)], now=IMPORTED_AT, **options)  # type: ignore[arg-type]


def counts(report: ImportReport) -> dict[str, int]:
    totals = report.streams[0].counts
    return {name: getattr(totals, name) for name in totals.__dataclass_fields__ if getattr(totals, name)}


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)
