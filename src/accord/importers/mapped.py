"""Imports through a mapping file: the primary file streams once per kind it produces, joined files are
held in memory keyed by their join key, and each output row is parsed as a canonical row."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from accord.importers.canonical import RecordKind, RowError
from accord.importers.columns import LOAD_ORDER, columns_of
from accord.importers.encoding import ImportFileError
from accord.importers.mapping import (
    ColumnValue,
    Constant,
    Expression,
    FirstOf,
    Join,
    Output,
    Template,
    load_mapping,
    resolve_mapping,
)
from accord.importers.parsing import parse_records
from accord.importers.reading import SourceFile, SourceRow, read_source_file

if TYPE_CHECKING:
    from accord.importers.plan import ImportPlan

JoinedRows = dict[str, dict[str, str]]


def plan_mapped_import(
    kind: RecordKind, path: Path, mapping_path: Path, *, now: datetime, join_paths: dict[str, Path]
) -> ImportPlan:
    from accord.importers.plan import ImportPlan, RecordStream

    mapping = load_mapping(resolve_mapping(mapping_path))
    if kind not in mapping.outputs:
        produced = ", ".join(sorted(mapping.outputs)) or "nothing"
        raise ImportFileError(f"{mapping.path.name} maps {path.name} to {produced}, not to {kind}")
    joins = {
        alias: replace(join, file=join_paths.get(alias, join.file)) for alias, join in mapping.joins.items()
    }
    joined = {alias: _load_join(join) for alias, join in joins.items()}
    kinds = [k for k in LOAD_ORDER if k in mapping.outputs]
    sources = [read_source_file(path) for _ in kinds]
    for output in mapping.outputs.values():
        _check_columns(output, sources[0], joins)
    streams = []
    for index, (output_kind, source) in enumerate(zip(kinds, sources, strict=True)):
        output = mapping.outputs[output_kind]
        rows = _mapped_rows(output, source, joined, joins, pass_reader_errors=index == 0)
        formats = replace(mapping.formats, attribute_types=output.attribute_types)
        records = parse_records(output_kind, rows, source_name=source.name, now=now, formats=formats)
        streams.append(RecordStream(output_kind, source.name, records))
    joined_bytes = sum(join.file.stat().st_size for join in joins.values())
    return ImportPlan(
        streams,
        total_bytes=sum(source.size_bytes for source in sources) + joined_bytes,
        bytes_read=lambda: joined_bytes + sum(source.bytes_read() for source in sources),
    )


def _load_join(join: Join) -> JoinedRows:
    """The joined file in memory, keyed; a key written twice makes the join ambiguous, so it is refused."""
    source = read_source_file(join.file)
    if source.format == "csv" and join.key not in source.columns:
        raise ImportFileError(f"{source.name}: missing join key column {join.key!r}")
    rows: JoinedRows = {}
    lines: dict[str, int] = {}
    for row in source.rows():
        if isinstance(row, RowError):
            raise ImportFileError(f"{source.name}: {row}")
        key = row.values.get(join.key, "").strip()
        if key in rows:
            raise ImportFileError(
                f"{source.name}: join key {join.key} {key!r} on line {row.line} "
                f"was already on line {lines[key]}"
            )
        rows[key], lines[key] = row.values, row.line
    return rows


def _column_refs(expression: Expression) -> Iterator[ColumnValue]:
    if isinstance(expression, ColumnValue):
        yield expression
    elif isinstance(expression, Template):
        yield from (part for part in expression.parts if isinstance(part, ColumnValue))
    elif isinstance(expression, FirstOf):
        for option in expression.options:
            yield from _column_refs(option)


def _check_columns(output: Output, primary: SourceFile, joins: dict[str, Join]) -> None:
    """Every column a mapping reads must be in the file's header, unless marked optional."""
    if primary.format != "csv":
        return
    headers = {alias: read_source_file(join.file).columns for alias, join in joins.items()}
    needed = {join.on for join in joins.values()}
    for expression in output.columns.values():
        for ref in _column_refs(expression):
            columns = headers.get(ref.source, ()) if ref.source else primary.columns
            if not ref.is_optional and ref.column not in columns:
                name = joins[ref.source].file.name if ref.source else primary.name
                raise ImportFileError(f"{name}: missing column {ref.column!r} that the mapping reads")
    for column in needed - set(primary.columns):
        raise ImportFileError(f"{primary.name}: missing column {column!r} that the mapping joins on")


def _mapped_rows(
    output: Output,
    source: SourceFile,
    joined: dict[str, JoinedRows],
    joins: dict[str, Join],
    *,
    pass_reader_errors: bool,
) -> Iterator[SourceRow | RowError]:
    used = {ref.column for expr in output.columns.values() for ref in _column_refs(expr) if not ref.source}
    seen_ids: set[str] = set()
    id_column = "email" if output.kind is RecordKind.USERS else "external_id"
    for row in source.rows():
        if isinstance(row, RowError):
            if pass_reader_errors:
                yield row
            continue
        matches = {
            alias: joined[alias].get(row.values.get(join.on, "").strip(), {}) for alias, join in joins.items()
        }
        if output.requires and not matches[output.requires]:
            continue
        values = {name: _evaluate(expr, row.values, matches) for name, expr in output.columns.items()}
        if any(not values.get(name) for name in output.when_present):
            continue
        if output.is_distinct:
            if values.get(id_column, "") in seen_ids:
                continue
            seen_ids.add(values.get(id_column, ""))
        if output.unmapped_as_attributes:
            known = columns_of(output.kind)
            extra = {
                c: v for c, v in row.values.items() if c not in used and c not in values and c not in known
            }
            values.update(extra)
        yield SourceRow(row.line, values)


def _evaluate(expression: Expression, primary: dict[str, str], matches: dict[str, dict[str, str]]) -> str:
    if isinstance(expression, Constant):
        return expression.value
    if isinstance(expression, Template):
        filled = "".join(
            part if isinstance(part, str) else _evaluate(part, primary, matches) for part in expression.parts
        )
        return _translate(filled.strip(), expression)
    if isinstance(expression, FirstOf):
        return next(
            (value for option in expression.options if (value := _evaluate(option, primary, matches))), ""
        )
    values = matches[expression.source] if expression.source else primary
    return _translate(values.get(expression.column, "").strip(), expression)


def _translate(raw: str, expression: ColumnValue | Template) -> str:
    if not raw:
        return expression.default
    if expression.value_map or expression.otherwise is not None:
        fallback = raw if expression.otherwise is None else expression.otherwise
        return expression.value_map.get(raw.lower(), fallback)
    return raw
