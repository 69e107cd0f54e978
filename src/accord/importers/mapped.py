"""Imports through a mapping file: a foreign export (and files joined to it) → canonical streams."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from accord.importers.canonical import RecordKind
from accord.importers.encoding import ImportFileError

if TYPE_CHECKING:
    from accord.importers.plan import ImportPlan


def plan_mapped_import(
    kind: RecordKind, path: Path, mapping_path: Path, *, now: datetime, join_paths: dict[str, Path]
) -> ImportPlan:
    raise ImportFileError(f"{mapping_path.name}: mapping files are not supported yet")
