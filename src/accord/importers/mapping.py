"""Mapping files (YAML): how a foreign export becomes canonical columns of one or more kinds. Loading
validates the whole file and reports every problem with its line, as playbooks do."""

from __future__ import annotations

import difflib
import string
from dataclasses import dataclass, field
from pathlib import Path

from accord.domain.playbook.source import (
    FieldPath,
    PlaybookInvalid,
    SourceDocument,
    SourceIssue,
    format_path,
    read_source,
)
from accord.errors import InvalidInput
from accord.importers.canonical import RecordKind
from accord.importers.values import AttributeType, ParseFormats

PRESETS_DIR = Path(__file__).parent / "presets"
TOP_KEYS = ("version", "input", "joins", "outputs")
INPUT_KEYS = ("date_formats", "decimal_separator", "thousands_separator", "timezone")
JOIN_KEYS = ("file", "key", "primary_column")
OUTPUT_KEYS = ("columns", "requires", "distinct", "when_present", "unmapped", "attribute_types")
COLUMN_KEYS = ("column", "from", "map", "otherwise", "default", "optional")
EXPRESSION_KEYS = ("column", "constant", "template", "first_of")


@dataclass(frozen=True)
class ColumnValue:
    """A source column's value, optionally translated through a value map (matched ignoring case)."""

    column: str
    source: str = ""  # a join alias, or "" for the primary file
    value_map: dict[str, str] = field(default_factory=dict)
    otherwise: str | None = None  # for a non-blank value the map lacks; None keeps it as written
    default: str = ""  # for a blank value
    is_optional: bool = False  # a column the file may lack (then blank)


@dataclass(frozen=True)
class Constant:
    value: str


@dataclass(frozen=True)
class Template:
    """Text with {Column} or {alias:column} placeholders, filled by plain substitution, then
    translated like a column (map, otherwise, default) so several columns can decide one value."""

    parts: tuple[str | ColumnValue, ...]
    value_map: dict[str, str] = field(default_factory=dict)
    otherwise: str | None = None
    default: str = ""


@dataclass(frozen=True)
class FirstOf:
    """The first of several expressions whose value is not blank."""

    options: tuple[Expression, ...]


Expression = ColumnValue | Constant | Template | FirstOf


@dataclass(frozen=True)
class Join:
    alias: str
    file: Path
    key: str  # the column of the joined file
    on: str  # the column of the primary file


@dataclass(frozen=True)
class Output:
    kind: RecordKind
    columns: dict[str, Expression]
    requires: str = ""  # a join alias: only rows with a match produce a record
    is_distinct: bool = False  # one record per id; later rows with the same id are skipped
    when_present: tuple[str, ...] = ()
    unmapped_as_attributes: bool = False
    attribute_types: dict[str, AttributeType] = field(default_factory=dict)


@dataclass(frozen=True)
class Mapping:
    path: Path
    formats: ParseFormats
    joins: dict[str, Join]
    outputs: dict[RecordKind, Output]


class MappingInvalid(InvalidInput):
    """A mapping file that cannot be used, with every problem found."""

    code = "mapping_invalid"

    def __init__(self, issues: list[SourceIssue], *, source_name: str) -> None:
        issues = sorted(issues, key=lambda issue: (issue.line or 0, issue.path))
        listed = "\n".join(f"  {source_name}: {issue}" for issue in issues)
        plural = "s" if len(issues) != 1 else ""
        super().__init__(f"{source_name} has {len(issues)} problem{plural}:\n{listed}")
        self.issues = issues


def preset_names() -> list[str]:
    return sorted(path.stem.replace("_", "-") for path in PRESETS_DIR.glob("*.yaml"))


def resolve_mapping(name_or_path: str | Path) -> Path:
    """A mapping file's path, or the shipped preset of that name (e.g. 'hubspot-contacts')."""
    path = Path(name_or_path)
    if path.exists():
        return path
    preset = PRESETS_DIR / f"{str(name_or_path).replace('-', '_')}.yaml"
    if preset.exists() and path.parent == Path("."):
        return preset
    raise InvalidInput(f"no mapping file {str(name_or_path)!r}; presets are {', '.join(preset_names())}")


def load_mapping(path: Path) -> Mapping:
    try:
        document = read_source(path.read_text(encoding="utf-8"))
    except PlaybookInvalid as exc:
        raise MappingInvalid(exc.issues, source_name=path.name) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read mapping {path}: {exc}") from exc
    reader = _Reader(document)
    mapping = reader.mapping(path)
    if reader.issues:
        raise MappingInvalid(reader.issues, source_name=path.name)
    return mapping


class _Reader:
    """Reads the YAML document into a Mapping, collecting every issue instead of stopping at one."""

    def __init__(self, document: SourceDocument) -> None:
        self.document = document
        self.issues: list[SourceIssue] = []
        self.join_aliases: set[str] = set()

    def problem(self, path: FieldPath, message: str) -> None:
        self.issues.append(SourceIssue(self.document.line_of(path), format_path(path), message))

    def table(self, value: object, path: FieldPath, allowed: tuple[str, ...]) -> dict[str, object]:
        if not isinstance(value, dict):
            self.problem(path, "expected a mapping of keys to values")
            return {}
        for key in value:
            if key not in allowed:
                hint = difflib.get_close_matches(key, allowed, n=1)
                suggestion = f"; did you mean {hint[0]!r}?" if hint else f"; expected {', '.join(allowed)}"
                self.problem((*path, key), f"unknown key {key!r}{suggestion}")
        return value

    def text(self, value: object, path: FieldPath) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str | int | float):
            return str(value)
        self.problem(path, "expected a single value")
        return ""

    def mapping(self, path: Path) -> Mapping:
        top = self.table(self.document.data, (), TOP_KEYS)
        if top.get("version", 1) != 1:
            self.problem(("version",), "unknown version; this Accord reads mapping version 1")
        formats = self.formats(top.get("input", {}))
        joins = self.joins(top.get("joins", {}), path.parent)
        outputs = self.outputs(top.get("outputs"))
        return Mapping(path, formats, joins, outputs)

    def formats(self, value: object) -> ParseFormats:
        table = self.table(value, ("input",), INPUT_KEYS)
        raw_formats = table.get("date_formats", [])
        if isinstance(raw_formats, str):
            raw_formats = [raw_formats]
        if not isinstance(raw_formats, list):
            self.problem(("input", "date_formats"), "expected a list of strptime formats")
            raw_formats = []
        date_formats = tuple(
            self.text(item, ("input", "date_formats", i)) for i, item in enumerate(raw_formats)
        )
        formats = ParseFormats(
            date_formats=date_formats,
            decimal_separator=self.text(table.get("decimal_separator", "."), ("input", "decimal_separator")),
            thousands_separator=self.text(
                table.get("thousands_separator", ""), ("input", "thousands_separator")
            ),
            timezone=self.text(table.get("timezone", "UTC"), ("input", "timezone")),
        )
        try:
            formats.zone()
        except ValueError as exc:
            self.problem(("input", "timezone"), str(exc))
        return formats

    def joins(self, value: object, base: Path) -> dict[str, Join]:
        joins: dict[str, Join] = {}
        for alias, spec in self.table(
            value, ("joins",), tuple(value) if isinstance(value, dict) else ()
        ).items():
            table = self.table(spec, ("joins", alias), JOIN_KEYS)
            for key in JOIN_KEYS:
                if key not in table:
                    self.problem(("joins", alias), f"{key!r} is required")
            file = self.text(table.get("file", ""), ("joins", alias, "file"))
            key = self.text(table.get("key", ""), ("joins", alias, "key"))
            on = self.text(table.get("primary_column", ""), ("joins", alias, "primary_column"))
            joins[alias] = Join(alias, base / file, key, on)
        self.join_aliases = set(joins)
        return joins

    def outputs(self, value: object) -> dict[RecordKind, Output]:
        if value is None:
            self.problem((), "'outputs' is required: which kinds of records this file produces")
            return {}
        kinds = tuple(kind.value for kind in RecordKind)
        outputs: dict[RecordKind, Output] = {}
        for name, spec in self.table(value, ("outputs",), kinds).items():
            if name in kinds:
                outputs[RecordKind(name)] = self.output(RecordKind(name), spec)
        return outputs

    def output(self, kind: RecordKind, spec: object) -> Output:
        path: FieldPath = ("outputs", kind.value)
        table = self.table(spec, path, OUTPUT_KEYS)
        raw_columns = table.get("columns")
        if not isinstance(raw_columns, dict) or not raw_columns:
            self.problem(path, "'columns' is required: each output column and where its value comes from")
            raw_columns = {}
        columns = {
            name: self.expression(expr, (*path, "columns", name)) for name, expr in raw_columns.items()
        }
        requires = self.text(table.get("requires", ""), (*path, "requires"))
        if requires and requires not in self.join_aliases:
            self.problem((*path, "requires"), f"no join named {requires!r} under 'joins'")
        unmapped = table.get("unmapped", "ignore")
        if unmapped not in ("ignore", "attributes"):
            self.problem((*path, "unmapped"), "expected 'ignore' or 'attributes'")
        return Output(
            kind,
            columns,
            requires=requires,
            is_distinct=table.get("distinct", False) is True,
            when_present=tuple(self.names(table.get("when_present", []), (*path, "when_present"))),
            unmapped_as_attributes=unmapped == "attributes",
            attribute_types=self.attribute_types(
                table.get("attribute_types", {}), (*path, "attribute_types")
            ),
        )

    def names(self, value: object, path: FieldPath) -> list[str]:
        if not isinstance(value, list):
            self.problem(path, "expected a list of output column names")
            return []
        return [self.text(item, (*path, index)) for index, item in enumerate(value)]

    def attribute_types(self, value: object, path: FieldPath) -> dict[str, AttributeType]:
        types: dict[str, AttributeType] = {}
        allowed = tuple(kind.value for kind in AttributeType)
        for name, declared in self.table(
            value, path, tuple(value) if isinstance(value, dict) else ()
        ).items():
            if isinstance(declared, str) and declared in allowed:
                types[name] = AttributeType(declared)
            else:
                self.problem((*path, name), f"unknown type {declared!r}; expected {', '.join(allowed)}")
        return types

    def expression(self, value: object, path: FieldPath) -> Expression:
        if isinstance(value, str):
            return ColumnValue(value)
        table = self.table(value, path, (*EXPRESSION_KEYS, *COLUMN_KEYS))
        chosen = [key for key in EXPRESSION_KEYS if key in table]
        if len(chosen) != 1:
            self.problem(path, "expected exactly one of column, constant, template or first_of")
            return Constant("")
        if "constant" in table:
            return Constant(self.text(table["constant"], (*path, "constant")))
        if "template" in table:
            parts = self.template(self.text(table["template"], (*path, "template")), (*path, "template"))
            value_map, otherwise, default = self.translation(table, path)
            return Template(parts, value_map, otherwise, default)
        if "first_of" in table:
            options = table["first_of"]
            if not isinstance(options, list) or not options:
                self.problem((*path, "first_of"), "expected a list of expressions")
                return Constant("")
            return FirstOf(
                tuple(self.expression(item, (*path, "first_of", i)) for i, item in enumerate(options))
            )
        return self.column(table, path)

    def column(self, table: dict[str, object], path: FieldPath) -> ColumnValue:
        source = self.text(table.get("from", ""), (*path, "from"))
        if source and source not in self.join_aliases:
            self.problem((*path, "from"), f"no join named {source!r} under 'joins'")
        value_map, otherwise, default = self.translation(table, path)
        return ColumnValue(
            column=self.text(table["column"], (*path, "column")),
            source=source,
            value_map=value_map,
            otherwise=otherwise,
            default=default,
            is_optional=table.get("optional", False) is True,
        )

    def translation(
        self, table: dict[str, object], path: FieldPath
    ) -> tuple[dict[str, str], str | None, str]:
        raw_map = table.get("map", {})
        keys = tuple(raw_map) if isinstance(raw_map, dict) else ()
        value_map = {
            self.text(key, (*path, "map")).lower(): self.text(item, (*path, "map", str(key)))
            for key, item in self.table(raw_map, (*path, "map"), keys).items()
        }
        otherwise = table.get("otherwise")
        return (
            value_map,
            None if otherwise is None else self.text(otherwise, (*path, "otherwise")),
            self.text(table.get("default", ""), (*path, "default")),
        )

    def template(self, text: str, path: FieldPath) -> tuple[str | ColumnValue, ...]:
        parts: list[str | ColumnValue] = []
        try:
            parsed = list(string.Formatter().parse(text))
        except ValueError as exc:
            self.problem(path, f"not a valid template: {exc}")
            return ()
        for literal, name, spec, _conversion in parsed:
            if literal:
                parts.append(literal)
            if name is None:
                continue
            # str.format reads "{deals:seller_id}" as a field with a format spec; here it is alias:column.
            if spec and name in self.join_aliases:
                parts.append(ColumnValue(spec, source=name))
            elif name or spec:
                parts.append(ColumnValue(f"{name}:{spec}" if spec else name))
            else:
                self.problem(path, "an empty {} in a template; name a column inside the braces")
        return tuple(parts)
