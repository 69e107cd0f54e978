"""From playbook text to a typed, checked Playbook: YAML → located plain values → schema v1 → meaning.

Every problem is collected, not just the first, each with its line, its field and what was expected."""

from __future__ import annotations

import hashlib
import itertools
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from accord.domain.criteria import (
    AttributeType,
    Criterion,
    check_types,
    compile_row,
    parse_criterion,
    suggest_name,
)
from accord.domain.metric_names import METRIC_NAMES
from accord.domain.playbook.catalog import SCORE_VARIABLES, AttributeCatalog
from accord.domain.playbook.schema import PlaybookV1
from accord.domain.playbook.source import (
    FieldPath,
    PlaybookInvalid,
    SourceDocument,
    SourceIssue,
    format_path,
    read_source,
)
from accord.errors import InvalidInput

# Any fixed instant works: the satisfiability probe only varies the score variables.
_PROBE_TIME = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Playbook:
    """A validated playbook with its criteria parsed, ready to compile for the live or bulk path."""

    definition: PlaybookV1
    source_text: str
    sha256: str
    fit_criteria: tuple[Criterion, ...]
    disqualify_criteria: tuple[Criterion, ...]
    mql_criterion: Criterion


def load_playbook(text: str, catalog: AttributeCatalog, *, source_name: str = "playbook") -> Playbook:
    """Validate playbook text against schema v1 and the workspace's catalog; raise PlaybookInvalid."""
    document = read_source(text)
    if not isinstance(document.data, dict):
        raise PlaybookInvalid(
            [SourceIssue(1, "", "expected a mapping of playbook keys (name, owners, fit, …)")],
            source_name=source_name,
        )
    try:
        definition = PlaybookV1.model_validate(document.data)
    except ValidationError as exc:
        issues = [_schema_issue(error, document) for error in exc.errors()]
        issues += _criteria_issues_in_raw(document, catalog)
        raise PlaybookInvalid(issues, source_name=source_name) from exc
    checker = _MeaningChecker(definition, document, catalog)
    playbook = checker.check(text)
    if checker.issues:
        raise PlaybookInvalid(checker.issues, source_name=source_name)
    assert playbook is not None
    return playbook


def _criteria_issues_in_raw(document: SourceDocument, catalog: AttributeCatalog) -> list[SourceIssue]:
    """Check the criteria that are readable even when the schema failed, so every problem shows at once."""
    assert isinstance(document.data, dict)
    checker = _IssueCollector(document)
    attributes = dict(catalog.attributes)
    for section in ("fit", "disqualify"):
        rules = document.data.get(section)
        for index, rule in enumerate(rules if isinstance(rules, list) else []):
            if isinstance(rule, dict) and isinstance(rule.get("when"), str):
                checker.criterion(rule["when"], (section, index, "when"), attributes)
    if isinstance(document.data.get("mql"), str):
        checker.criterion(document.data["mql"], ("mql",), {**attributes, **SCORE_VARIABLES})
    intent = document.data.get("intent")
    signals = intent.get("signals") if isinstance(intent, dict) else None
    checker.signal_names(list(signals) if isinstance(signals, dict) else [], catalog.activity_kinds)
    return checker.issues


class _IssueCollector:
    """Collects located issues, and checks one criterion against the names it may use."""

    def __init__(self, document: SourceDocument) -> None:
        self.document = document
        self.issues: list[SourceIssue] = []

    def report(self, path: FieldPath, message: str) -> None:
        self.issues.append(SourceIssue(self.document.line_of(path), format_path(path), message))

    def criterion(self, text: str, path: FieldPath, known: Mapping[str, AttributeType]) -> Criterion | None:
        try:
            parsed = parse_criterion(text)
        except InvalidInput as exc:
            self.report(path, exc.message)
            return None
        for name in sorted(parsed.references()):
            if name in SCORE_VARIABLES and name not in known:
                self.report(
                    path,
                    f"cyclic definition: {name!r} is computed from the fit and disqualify rules, "
                    "so those rules cannot use it",
                )
                return None
            if name not in known:
                self.report(path, _unknown_name_message(name, known))
                return None
        try:
            check_types(parsed, known)
        except InvalidInput as exc:
            self.report(path, exc.message)
            return None
        return parsed

    def signal_names(self, names: list[str], activity_kinds: frozenset[str]) -> None:
        for name in names:
            if name not in activity_kinds:
                hint = _did_you_mean(name, activity_kinds)
                self.report(
                    ("intent", "signals", name),
                    f"unknown signal {name!r}: no activity of that kind exists{hint}",
                )


class _MeaningChecker(_IssueCollector):
    """Checks what the schema cannot: criteria, names that must exist, definitions that cannot hold."""

    def __init__(self, definition: PlaybookV1, document: SourceDocument, catalog: AttributeCatalog) -> None:
        super().__init__(document)
        self.definition = definition
        self.catalog = catalog

    def check(self, text: str) -> Playbook | None:
        attributes = dict(self.catalog.attributes)
        fit = [
            self.criterion(rule.when, ("fit", i, "when"), attributes)
            for i, rule in enumerate(self.definition.fit)
        ]
        disqualify = [
            self.criterion(rule.when, ("disqualify", i, "when"), attributes)
            for i, rule in enumerate(self.definition.disqualify)
        ]
        mql = self.criterion(self.definition.mql, ("mql",), {**attributes, **SCORE_VARIABLES})
        self.signal_names(list(self.definition.intent.signals), self.catalog.activity_kinds)
        self.check_metric_names()
        self.check_reachability(mql)
        if self.issues or mql is None or None in fit or None in disqualify:
            return None
        return Playbook(
            definition=self.definition,
            source_text=text,
            sha256=hashlib.sha256(text.encode()).hexdigest(),
            fit_criteria=tuple(c for c in fit if c is not None),
            disqualify_criteria=tuple(c for c in disqualify if c is not None),
            mql_criterion=mql,
        )

    def check_metric_names(self) -> None:
        for metric in self.definition.thresholds:
            if metric not in METRIC_NAMES:
                self.report(
                    ("thresholds", metric), f"unknown metric {metric!r}{_did_you_mean(metric, METRIC_NAMES)}"
                )
        for index, target in enumerate(self.definition.targets):
            if target.metric not in METRIC_NAMES:
                hint = _did_you_mean(target.metric, METRIC_NAMES)
                self.report(("targets", index, "metric"), f"unknown metric {target.metric!r}{hint}")

    def check_reachability(self, mql: Criterion | None) -> None:
        """Contradictions between sections: a rule or clause no lead could ever satisfy."""
        max_fit = self.definition.max_fit
        min_fit = self.definition.sla.marketing.min_fit
        if min_fit is not None and min_fit > max_fit:
            self.report(
                ("sla", "marketing", "min_fit"),
                f"min_fit {min_fit} is above the highest fit any lead can reach ({max_fit}, the sum of "
                "positive fit points): every MQL would breach it",
            )
        has_hand_raiser = any(signal.hand_raiser for signal in self.definition.intent.signals.values())
        if mql is None:
            return
        if "hand_raiser" in mql.references() and not has_hand_raiser:
            self.report(("mql",), "uses hand_raiser, but no intent signal is marked hand_raiser: true")
        if mql.references() <= set(SCORE_VARIABLES) and not _can_pass(mql, max_fit, has_hand_raiser):
            self.report(
                ("mql",),
                f"contradiction: the MQL rule can never pass; fit rules add up to at most {max_fit} points "
                "and intent to at most 100",
            )


def _can_pass(mql: Criterion, max_fit: int, has_hand_raiser: bool) -> bool:
    """Try every reachable fit and intent (whole points) with and without a hand-raiser, highest first,
    since a satisfiable rule almost always passes at the top."""
    predicate = compile_row(mql)
    hand_raiser_values = (True, False) if has_hand_raiser else (False,)
    fits, intents = range(max_fit, -1, -1), range(100, -1, -1)
    for fit, intent, hand_raiser in itertools.product(fits, intents, hand_raiser_values):
        if predicate({"fit": fit, "intent": intent, "hand_raiser": hand_raiser}, _PROBE_TIME):
            return True
    return False


def _unknown_name_message(name: str, known: Mapping[str, AttributeType]) -> str:
    if "." in name:
        owner = name.split(".", 1)[0]
        subject = "lead" if owner == "lead" else "account" if owner == "account" else None
        if subject is None:
            return f"unknown name {name!r}: attributes start with lead. or account."
        return f"no {subject} has the attribute {name!r}{_did_you_mean(name, known)}"
    return f"unknown name {name!r}{_did_you_mean(name, known)}"


def _did_you_mean(name: str, known: typing.Iterable[str]) -> str:
    suggestion = suggest_name(name, list(known))
    return f"; did you mean {suggestion!r}?" if suggestion else ""


# --- translating pydantic's errors into a reader's terms ------------------------------------------

_TYPE_WORDS = {
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "string_type": "text",
    "dict_type": "a mapping of keys to values",
    "model_type": "a mapping of keys to values",
    "model_attributes_type": "a mapping of keys to values",
    "list_type": "a list",
}


def _schema_issue(error: ErrorDetails, document: SourceDocument) -> SourceIssue:
    path: FieldPath = tuple(part for part in error["loc"] if part != "[key]")
    return SourceIssue(document.line_of(path), format_path(path), _schema_message(error, path))


def _schema_message(error: ErrorDetails, path: FieldPath) -> str:
    kind = error["type"]
    got = error.get("input")
    context = error.get("ctx", {})
    if kind == "extra_forbidden":
        allowed = _allowed_keys(path[:-1])
        hint = _did_you_mean(str(path[-1]), allowed)
        return f"unknown field {path[-1]!r}{hint}" + (
            f" (expected one of: {', '.join(allowed)})" if not hint else ""
        )
    if kind == "missing":
        return "required field is missing"
    if kind in _TYPE_WORDS:
        return f"expected {_TYPE_WORDS[kind]}, got {_shown(got)}"
    if kind == "literal_error":
        return f"expected one of {context.get('expected', '')}, got {_shown(got)}"
    if kind == "string_pattern_mismatch":
        if "@" in str(context.get("pattern", "")):
            return f"expected an e-mail address, got {_shown(got)}"
        return f"expected a lower-case name of letters, digits and _ (like paid_search), got {_shown(got)}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        symbol = {"greater_than_equal": "≥", "greater_than": ">", "less_than_equal": "≤", "less_than": "<"}[
            kind
        ]
        bound = next(iter(context.values()), "")
        return f"expected a number {symbol} {bound}, got {_shown(got)}"
    if kind == "too_short":
        return f"expected at least {context.get('min_length', 1)} item(s), got none"
    if kind == "string_too_short":
        return "expected text, got an empty value"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    return str(error["msg"])


def _shown(value: object) -> str:
    if value is None:
        return "nothing"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _allowed_keys(path: FieldPath) -> list[str]:
    model = _model_at(path)
    return sorted(model.model_fields) if model is not None else []


def _model_at(path: FieldPath) -> type[BaseModel] | None:
    """The schema class that describes the mapping at a path, following lists and dicts."""
    current: object = PlaybookV1
    for part in path:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return None
            current = field.annotation
        elif typing.get_origin(current) in (list, dict):
            current = typing.get_args(current)[-1]
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: object) -> object:
    """Strip Annotated[...] and Optional so the underlying model, list or dict type shows."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            annotation = members[0]
        else:
            return annotation
