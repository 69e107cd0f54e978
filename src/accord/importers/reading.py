"""Streaming an import file (CSV in any common dialect, or JSON lines) as rows of text with their line
numbers. Only a sample of the start is read up front; rows are read one at a time after that."""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from accord.importers.canonical import RowError
from accord.importers.encoding import SAMPLE_BYTES, ImportFileError, detect_encoding

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
DELIMITERS = ",;\t|"
# The csv module refuses fields over 128 KiB by default and stops the whole file; a long field is a
# row error instead (see parsing), so the reader must get past fields far larger than any real value.
READER_FIELD_LIMIT = 512 * 1024 * 1024
# How many rows between updates of the bytes-read counter (a seek per row would be wasted work).
PROGRESS_EVERY_ROWS = 1000

FileFormat = Literal["csv", "jsonl"]


@dataclass(slots=True)
class SourceRow:
    """One input row: its physical line in the file (the header is line 1) and its cells as text."""

    line: int
    values: dict[str, str]


class _Progress:
    def __init__(self) -> None:
        self.bytes_read = 0


@dataclass(frozen=True)
class SourceFile:
    """An opened-for-reading import file. ``rows()`` streams it again from the start on each call."""

    path: Path
    format: FileFormat
    encoding: str
    delimiter: str
    # The header of a CSV file; empty for JSON lines, whose keys may differ from row to row.
    columns: tuple[str, ...]
    size_bytes: int
    _progress: _Progress

    @property
    def name(self) -> str:
        return self.path.name

    def bytes_read(self) -> int:
        return self._progress.bytes_read

    def rows(self) -> Iterator[SourceRow | RowError]:
        if self.format == "jsonl":
            return _jsonl_rows(self)
        return _csv_rows(self)


def read_source_file(path: Path) -> SourceFile:
    """Check the file can be read (exists, text, known format, header) and describe how to stream it."""
    file_format = _format_of(path)
    try:
        with path.open("rb") as handle:
            sample = handle.read(SAMPLE_BYTES)
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise ImportFileError(f"{path} does not exist") from exc
    except IsADirectoryError as exc:
        raise ImportFileError(f"{path} is a folder; expected a CSV or JSON lines file") from exc
    encoding = detect_encoding(path, sample)
    text = _decode_sample(path, sample, encoding, is_whole_file=len(sample) == size)
    if file_format == "jsonl":
        return SourceFile(path, "jsonl", encoding, "", (), size, _Progress())
    delimiter = _delimiter(text, "\t" if path.suffix.lower() == ".tsv" else ",")
    header = _header(path, text, delimiter)
    return SourceFile(path, "csv", encoding, delimiter, header, size, _Progress())


def _format_of(path: Path) -> FileFormat:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in CSV_SUFFIXES:
        return "csv"
    raise ImportFileError(
        f"{path.name}: unknown file type {suffix or '(none)'!r}; expected .csv, .tsv, .txt, .jsonl or .ndjson"
    )


def _decode_sample(path: Path, sample: bytes, encoding: str, *, is_whole_file: bool) -> str:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        return decoder.decode(sample, final=is_whole_file)
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path.name} is not valid {encoding} text: {exc.reason}") from exc


def _delimiter(sample_text: str, default: str) -> str:
    """The candidate that splits the header into the most fields; csv.Sniffer breaks a tie between
    several, and a one-column header keeps the file type's default."""
    first_line = _first_record_text(sample_text)
    counts = {d: len(next(csv.reader([first_line], delimiter=d), [])) for d in DELIMITERS}
    best = max(counts.values())
    winners = [d for d, count in counts.items() if count == best]
    if len(winners) == 1:
        return winners[0]
    if best <= 1:
        return default
    try:
        sniffed = csv.Sniffer().sniff(sample_text, delimiters="".join(winners)).delimiter
    except csv.Error:
        return default
    return sniffed if sniffed in winners else default


def _first_record_text(sample_text: str) -> str:
    """The header record's text, which may span lines when a quoted name holds a newline."""
    reader = csv.reader(io.StringIO(sample_text))
    try:
        next(reader)
    except (StopIteration, csv.Error):
        return sample_text.splitlines()[0] if sample_text else ""
    return "\n".join(sample_text.splitlines()[: reader.line_num])


def _header(path: Path, sample_text: str, delimiter: str) -> tuple[str, ...]:
    csv.field_size_limit(max(csv.field_size_limit(), READER_FIELD_LIMIT))
    reader = csv.reader(io.StringIO(sample_text, newline=""), delimiter=delimiter)
    header = next((row for row in reader if row), [])
    names = tuple(name.strip() for name in header)
    if not names:
        raise ImportFileError(f"{path.name} has no header row; expected column names on line 1")
    blank = [str(index + 1) for index, name in enumerate(names) if not name]
    if blank:
        raise ImportFileError(f"{path.name}: header column {', '.join(blank)} has no name")
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ImportFileError(f"{path.name}: the header names column {name!r} twice")
        seen.add(name)
    return names


def _open_text(source: SourceFile) -> tuple[BinaryIO, io.TextIOWrapper]:
    raw = source.path.open("rb")
    return raw, io.TextIOWrapper(raw, encoding=source.encoding, newline="")


def _csv_rows(source: SourceFile) -> Iterator[SourceRow | RowError]:
    """One generator over the whole file (no layers per row: this runs millions of times)."""
    csv.field_size_limit(max(csv.field_size_limit(), READER_FIELD_LIMIT))
    columns, width = source.columns, len(source.columns)
    raw, text = _open_text(source)
    with raw, text:
        reader = csv.reader(text, delimiter=source.delimiter)
        tell = _tracker(source, raw)
        start = 1  # the physical line the next record starts on
        header_seen = False
        count = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise ImportFileError(f"{source.name}: not readable as CSV: {exc}") from exc
            except UnicodeDecodeError as exc:
                raise _undecodable(source, reader.line_num + 1, exc) from exc
            line, start = start, reader.line_num + 1
            if len(cells) == width and header_seen:
                yield SourceRow(line, dict(zip(columns, cells, strict=True)))
            elif not cells:
                continue
            elif not header_seen:
                header_seen = True
            else:
                yield _width_error(source, line, cells)
            count += 1
            if not count % PROGRESS_EVERY_ROWS:
                tell()
        tell(final=True)


def _undecodable(source: SourceFile, line: int, exc: UnicodeDecodeError) -> ImportFileError:
    """Text is decoded a block at a time, so the line is where the block with the bad bytes starts."""
    return ImportFileError(
        f"{source.name}, near line {line}: not valid {source.encoding} text ({exc.reason}); "
        "save the file as UTF-8"
    )


def _lines(source: SourceFile, text: io.TextIOWrapper) -> Iterator[str]:
    """Lines of the file; a byte sequence the encoding cannot read ends the file with a located error."""
    line_number = 0
    while True:
        try:
            line = text.readline()
        except UnicodeDecodeError as exc:
            raise _undecodable(source, line_number + 1, exc) from exc
        if not line:
            return
        line_number += 1
        yield line


def _width_error(source: SourceFile, line: int, cells: list[str]) -> RowError:
    return RowError(
        line,
        "",
        source.delimiter.join(cells)[:200],
        f"row has {len(cells)} fields; the header has {len(source.columns)}",
    )


def _tracker(source: SourceFile, raw: BinaryIO) -> Callable[..., None]:
    def tell(*, final: bool = False) -> None:
        source._progress.bytes_read = source.size_bytes if final else raw.tell()

    return tell


def _jsonl_rows(source: SourceFile) -> Iterator[SourceRow | RowError]:
    raw, text = _open_text(source)
    with raw, text:
        tell = _tracker(source, raw)
        for line, content in enumerate(_lines(source, text), 1):
            if line % PROGRESS_EVERY_ROWS == 0:
                tell()
            if content.strip():
                yield _json_row(line, content)
        tell(final=True)


def _json_row(line: int, content: str) -> SourceRow | RowError:
    try:
        # Numbers keep the digits as written (no float rounding): they are parsed later, by column.
        data = json.loads(content, parse_float=str, parse_int=str)
    except json.JSONDecodeError as exc:
        return RowError(line, "", content.strip()[:200], f"not valid JSON: {exc.msg}")
    if not isinstance(data, dict):
        return RowError(line, "", content.strip()[:200], "expected a JSON object per line")
    values: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, dict | list):
            return RowError(line, key, json.dumps(value)[:200], "nested objects and lists are not supported")
        values[key.strip()] = _json_text(value)
    return SourceRow(line, values)


def _json_text(value: object) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)
