"""What changed between two playbook versions, in the words a person signs off on:
"MQL fit threshold 60 → 70", "signal webinar_attended added, 10 points"."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from pydantic import BaseModel

from accord.domain.playbook.schema import (
    Disqualifier,
    FitRule,
    Intent,
    IntentSignal,
    PlaybookV1,
    SqlQualification,
    Target,
    ThresholdBand,
)

# A comparison of a name with a number inside a criterion: `fit >= 60`, `account.employees > 50`.
_NUMERIC_COMPARISON = re.compile(r"([A-Za-z_][\w.]*)\s*(>=|<=|!=|=|>|<)\s*(-?\d+(?:\.\d+)?)")


def describe_changes(old: PlaybookV1, new: PlaybookV1) -> list[str]:
    """One line per change, grouped by section in the order of the playbook."""
    changes: list[str] = []
    for section, describe in _SECTIONS:
        changes.extend(describe(getattr(old, section), getattr(new, section), section))
    return changes


def _scalar(old: object, new: object, label: str) -> list[str]:
    return [] if old == new else [f"{label} {_shown(old)} → {_shown(new)}"]


def _criterion(old: str, new: str, label: str) -> list[str]:
    """Threshold changes when only numbers moved; the whole rule otherwise."""
    if old == new:
        return []
    old_skeleton, new_skeleton = (_NUMERIC_COMPARISON.sub(r"\1 \2 #", text) for text in (old, new))
    if " ".join(old_skeleton.split()) == " ".join(new_skeleton.split()):
        moved = [
            f"{label.upper() if label == 'mql' else label} {name} threshold {a} → {b}"
            for (name, _, a), (_, _, b) in zip(
                _NUMERIC_COMPARISON.findall(old), _NUMERIC_COMPARISON.findall(new), strict=True
            )
            if a != b
        ]
        if moved:
            return moved
    return [f"{label.upper() if label == 'mql' else label} rule {old!r} → {new!r}"]


def _fit_rules(old: Sequence[FitRule], new: Sequence[FitRule], _: str) -> list[str]:
    before = {rule.when: rule for rule in old}
    after = {rule.when: rule for rule in new}
    changes = [
        f"fit rule {when!r} added, {rule.points} points" for when, rule in after.items() if when not in before
    ]
    changes += [f"fit rule {when!r} removed" for when in before if when not in after]
    for when in [key for key in before if key in after]:
        changes += _scalar(before[when].points, after[when].points, f"fit rule {when!r}: points")
    return changes


def _disqualifiers(old: Sequence[Disqualifier], new: Sequence[Disqualifier], _: str) -> list[str]:
    before = {rule.when: rule.reason for rule in old}
    after = {rule.when: rule.reason for rule in new}
    changes = [
        f"disqualifier {when!r} added ({reason})" for when, reason in after.items() if when not in before
    ]
    changes += [f"disqualifier {when!r} removed" for when in before if when not in after]
    for when in [key for key in before if key in after]:
        changes += _scalar(before[when], after[when], f"disqualifier {when!r}: reason")
    return changes


def _intent(old: Intent, new: Intent, _: str) -> list[str]:
    changes = _scalar(old.window_days, new.window_days, "intent window_days")
    changes += _scalar(old.half_life_days, new.half_life_days, "intent half_life_days")
    return changes + _signals(old.signals, new.signals)


def _signals(old: Mapping[str, IntentSignal], new: Mapping[str, IntentSignal]) -> list[str]:
    changes: list[str] = []
    for name, signal in new.items():
        if name not in old:
            extras = (f", max {signal.max}" if signal.max else "") + (
                ", hand-raiser" if signal.hand_raiser else ""
            )
            changes.append(f"signal {name} added, {signal.points} points{extras}")
    changes += [f"signal {name} removed" for name in old if name not in new]
    for name in [key for key in old if key in new]:
        for attribute in ("points", "max", "hand_raiser"):
            changes += _scalar(
                getattr(old[name], attribute), getattr(new[name], attribute), f"signal {name} {attribute}"
            )
    return changes


def _names(singular: str) -> Callable[[Sequence[str], Sequence[str], str], list[str]]:
    def describe(old: Sequence[str], new: Sequence[str], _: str) -> list[str]:
        changes = [f"{singular} {name!r} added" for name in new if name not in old]
        return changes + [f"{singular} {name!r} removed" for name in old if name not in new]

    return describe


def _sql(old: SqlQualification, new: SqlQualification, _: str) -> list[str]:
    changes = _names("SQL checklist item")(old.checklist, new.checklist, "")
    return changes + _scalar(old.at_least, new.at_least, "SQL checklist at_least")


def _mapping(singular: str) -> Callable[[Mapping[str, object], Mapping[str, object], str], list[str]]:
    def describe(old: Mapping[str, object], new: Mapping[str, object], _: str) -> list[str]:
        changes = [
            f"{singular} {key} added ({_shown(value)})" for key, value in new.items() if key not in old
        ]
        changes += [f"{singular} {key} removed" for key in old if key not in new]
        for key in [key for key in old if key in new]:
            changes += _scalar(old[key], new[key], f"{singular} {key}")
        return changes

    return describe


def _nested(old: object, new: object, label: str) -> list[str]:
    """Field by field through nested sections such as sla and owners."""
    if not isinstance(old, BaseModel) or not isinstance(new, BaseModel):
        return _scalar(old, new, label)
    changes: list[str] = []
    for name in type(old).model_fields:
        changes += _nested(getattr(old, name), getattr(new, name), f"{label}.{name}")
    return changes


def _dumped(old: object, new: object, label: str) -> list[str]:
    return _scalar(_plain(old), _plain(new), label)


def _plain(value: object) -> object:
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    dump = getattr(value, "model_dump", None)
    return dump(exclude_defaults=True) if dump else value


def _thresholds(
    old: Mapping[str, list[ThresholdBand]], new: Mapping[str, list[ThresholdBand]], _: str
) -> list[str]:
    changes = [f"thresholds for {metric} added" for metric in new if metric not in old]
    changes += [f"thresholds for {metric} removed" for metric in old if metric not in new]
    for metric in [key for key in old if key in new]:
        changes += _dumped(old[metric], new[metric], f"thresholds for {metric}")
    return changes


def _targets(old: Sequence[Target], new: Sequence[Target], _: str) -> list[str]:
    before = {(t.metric, t.per): t.value for t in old}
    after = {(t.metric, t.per): t.value for t in new}
    changes = [
        f"target {m} per {p} added: {_shown(v)}" for (m, p), v in after.items() if (m, p) not in before
    ]
    changes += [f"target {m} per {p} removed" for (m, p) in before if (m, p) not in after]
    for key in [key for key in before if key in after]:
        changes += _scalar(before[key], after[key], f"target {key[0]} per {key[1]}")
    return changes


def _shown(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return value
    return str(_plain(value))


_SECTIONS: list[tuple[str, Callable[..., list[str]]]] = [
    ("name", _scalar),
    ("review_every", _scalar),
    ("owners", _nested),
    ("sources", _mapping("source")),
    ("fit", _fit_rules),
    ("disqualify", _disqualifiers),
    ("intent", _intent),
    ("mql", _criterion),
    ("sql", _sql),
    ("rejection_reasons", _names("rejection reason")),
    ("opportunity_stages", _dumped),
    ("stalled_after_days", _scalar),
    ("sla", _nested),
    ("thresholds", _thresholds),
    ("targets", _targets),
]
