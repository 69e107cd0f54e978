"""File → canonical rows + row errors. No database access."""

from accord.importers.canonical import RecordKind, RowError
from accord.importers.encoding import ImportFileError
from accord.importers.parsing import parse_records
from accord.importers.plan import ImportPlan, RecordStream, plan_import
from accord.importers.reading import SourceFile, SourceRow, read_source_file
from accord.importers.values import ParseFormats

__all__ = [
    "ImportFileError",
    "ImportPlan",
    "ParseFormats",
    "RecordKind",
    "RecordStream",
    "RowError",
    "SourceFile",
    "SourceRow",
    "parse_records",
    "plan_import",
    "read_source_file",
]
