"""What the import service calls: a file (and its mapping) → record streams in load order, with the
byte counts for a progress bar. Nothing is read until a stream is iterated."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from accord.importers.canonical import CanonicalRecord, RecordKind, RowError
from accord.importers.columns import COLUMNS, KINDS_WITHOUT_ATTRIBUTES, required_columns
from accord.importers.encoding import ImportFileError
from accord.importers.parsing import parse_records
from accord.importers.reading import SourceFile, read_source_file


@dataclass(frozen=True)
class RecordStream:
    kind: RecordKind
    source_name: str
    records: Iterator[CanonicalRecord | RowError]


@dataclass(frozen=True)
class ImportPlan:
    streams: list[RecordStream]  # in load order: users, accounts, leads, opportunities, activities, spend
    total_bytes: int  # size of the files read, for a progress bar
    bytes_read: Callable[[], int]  # bytes consumed so far


def plan_import(
    kind: RecordKind,
    path: Path,
    *,
    mapping_path: Path | None = None,
    now: datetime,
    join_paths: dict[str, Path] | None = None,
) -> ImportPlan:
    """Check the file (and mapping) up front — file-level problems raise ImportFileError or
    MappingInvalid here — and return lazy streams of records and row errors."""
    if mapping_path is not None:
        from accord.importers.mapped import plan_mapped_import

        return plan_mapped_import(kind, path, mapping_path, now=now, join_paths=join_paths or {})
    source = read_source_file(path)
    check_canonical_header(kind, source)
    records = parse_records(kind, source.rows(), source_name=source.name, now=now)
    return ImportPlan([RecordStream(kind, source.name, records)], source.size_bytes, source.bytes_read)


def check_canonical_header(kind: RecordKind, source: SourceFile) -> None:
    """A CSV header must have every required column (JSON lines are checked row by row)."""
    if source.format != "csv":
        return
    missing = [name for name in required_columns(kind) if name not in source.columns]
    if missing:
        raise ImportFileError(
            f"{source.name}: missing required column {', '.join(repr(name) for name in missing)} "
            f"for {kind}; the header has {', '.join(source.columns)}"
        )
    if kind in KINDS_WITHOUT_ATTRIBUTES:
        known = {column.name for column in COLUMNS[kind]}
        unknown = [name for name in source.columns if name not in known]
        if unknown:
            raise ImportFileError(
                f"{source.name}: unknown column {', '.join(repr(n) for n in unknown)}; {kind} files have "
                f"only {', '.join(sorted(known))}"
            )
