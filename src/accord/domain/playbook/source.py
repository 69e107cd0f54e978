"""Reading playbook YAML into plain values while remembering where each value was written.

Validation reports errors by line and field; PyYAML's composed node tree knows the lines, so the
document is built from it rather than from ``yaml.safe_load``. Duplicate keys, which PyYAML would
silently collapse, are errors here."""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from accord.errors import InvalidInput

FieldPath = tuple[str | int, ...]


@dataclass(frozen=True)
class SourceIssue:
    """One problem in a playbook, located for a person reading the file."""

    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else "document"
        field_part = f", {self.path}" if self.path else ""
        return f"{where}{field_part}: {self.message}"


@dataclass
class SourceDocument:
    data: object
    lines: dict[FieldPath, int] = field(default_factory=dict)

    def line_of(self, path: FieldPath) -> int | None:
        """The line of the deepest written node on the path (a missing key reports its parent)."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None


def format_path(path: FieldPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class PlaybookInvalid(InvalidInput):
    """A playbook that cannot be used, with every problem found (not just the first)."""

    code = "playbook_invalid"

    def __init__(self, issues: list[SourceIssue], *, source_name: str = "playbook") -> None:
        issues = sorted(issues, key=lambda issue: (issue.line or 0, issue.path))
        listed = "\n".join(f"  {source_name}: {issue}" for issue in issues)
        plural = "s" if len(issues) != 1 else ""
        super().__init__(f"{source_name} has {len(issues)} problem{plural}:\n{listed}")
        self.issues = issues


def read_source(text: str) -> SourceDocument:
    """Parse YAML text; raise PlaybookInvalid with located issues if it is not well-formed."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise PlaybookInvalid([SourceIssue(line, "", f"not valid YAML: {exc.problem}")]) from exc
    except yaml.YAMLError as exc:
        raise PlaybookInvalid([SourceIssue(None, "", f"not valid YAML: {exc}")]) from exc
    document = SourceDocument(data=None)
    issues: list[SourceIssue] = []
    if root is not None:
        document.data = _build(root, (), document, issues)
    if issues:
        raise PlaybookInvalid(issues)
    return document


def _build(node: yaml.Node, path: FieldPath, document: SourceDocument, issues: list[SourceIssue]) -> object:
    document.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, object] = {}
        for key_node, value_node in node.value:
            key = str(_scalar(key_node))
            if key in mapping:
                issues.append(
                    SourceIssue(key_node.start_mark.line + 1, format_path((*path, key)), "key written twice")
                )
                continue
            mapping[key] = _build(value_node, (*path, key), document, issues)
            document.lines[(*path, key)] = key_node.start_mark.line + 1
        return mapping
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, index), document, issues) for index, item in enumerate(node.value)]
    return _scalar(node)


def _scalar(node: yaml.Node) -> object:
    """A scalar as PyYAML's safe loader would read it (ints, floats, booleans, null, dates, text)."""
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()
