"""Fit and intent scores (DESIGN §2, §4) and the MQL decision, with an explanation of every point.

Two paths, one rule: ``score_lead`` for one lead (the live path) and ``score_leads`` over columns (the
bulk path). Criteria are compiled once per playbook for each path; signal decay is one numpy function
both paths call, in whole millipoints, so that sums are exact integers and the paths agree exactly."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import numpy as np
import polars as pl

from accord.domain.criteria import (
    ColumnPredicate,
    RowPredicate,
    compile_columns,
    compile_row,
    with_normalised_text,
)
from accord.domain.intent import (
    MAX_SCORE,
    MILLIPOINTS_PER_POINT,
    decayed_millipoints,
    in_window,
    intent_at_instants,
)
from accord.domain.playbook.schema import Intent
from accord.domain.playbook.validation import Playbook

ONE_MICROSECOND = timedelta(microseconds=1)
# Any moment will do for criteria that do not read now: their outcome is the same at every instant.
TIMELESS = datetime(2000, 1, 1, tzinfo=UTC)
AT = "at"


class ReasonKind(StrEnum):
    FIT_RULE = "fit_rule"
    SIGNAL = "signal"
    DISQUALIFIER = "disqualifier"


@dataclass(frozen=True)
class ScoreReason:
    """One contribution to a score: which rule or signal, how many points, and when (for signals)."""

    kind: ReasonKind
    label: str
    points: float
    occurred_at: datetime | None = None


@dataclass(frozen=True)
class LeadScore:
    fit: int
    intent: float
    is_hand_raiser: bool
    disqualified_by: str | None
    is_mql: bool
    reasons: tuple[ScoreReason, ...]


@dataclass(frozen=True)
class ActivityFact:
    kind: str
    occurred_at: datetime


@dataclass(frozen=True)
class CompiledPlaybook:
    """A playbook's criteria compiled once for the live path and once for the bulk path."""

    playbook: Playbook
    fit_rows: tuple[RowPredicate, ...]
    fit_columns: tuple[ColumnPredicate, ...]
    disqualify_rows: tuple[RowPredicate, ...]
    disqualify_columns: tuple[ColumnPredicate, ...]
    mql_row: RowPredicate
    mql_columns: ColumnPredicate


def compile_playbook(playbook: Playbook) -> CompiledPlaybook:
    return CompiledPlaybook(
        playbook=playbook,
        fit_rows=tuple(compile_row(c) for c in playbook.fit_criteria),
        fit_columns=tuple(compile_columns(c) for c in playbook.fit_criteria),
        disqualify_rows=tuple(compile_row(c) for c in playbook.disqualify_criteria),
        disqualify_columns=tuple(compile_columns(c) for c in playbook.disqualify_criteria),
        mql_row=compile_row(playbook.mql_criterion),
        mql_columns=compile_columns(playbook.mql_criterion),
    )


# --- the live path: one lead ---------------------------------------------------------------------


def score_lead(
    compiled: CompiledPlaybook,
    values: Mapping[str, object],
    activities: Sequence[ActivityFact],
    now: datetime,
) -> LeadScore:
    """Score one lead from its attribute values and activities as of ``now``."""
    definition = compiled.playbook.definition
    reasons: list[ScoreReason] = []
    fit_points = 0
    for rule, predicate in zip(definition.fit, compiled.fit_rows, strict=True):
        if predicate(values, now):
            fit_points += rule.points
            reasons.append(ScoreReason(ReasonKind.FIT_RULE, rule.label or rule.when, rule.points))
    fit = min(MAX_SCORE, max(0, fit_points))
    intent_millipoints, is_hand_raiser, signal_reasons = _intent_of_one(definition.intent, activities, now)
    reasons.extend(signal_reasons)
    disqualified_by = next(
        (
            rule.reason
            for rule, predicate in zip(definition.disqualify, compiled.disqualify_rows, strict=True)
            if predicate(values, now)
        ),
        None,
    )
    if disqualified_by is not None:
        reasons.append(ScoreReason(ReasonKind.DISQUALIFIER, disqualified_by, 0))
    intent = intent_millipoints / MILLIPOINTS_PER_POINT
    scored = {**values, "fit": fit, "intent": intent, "hand_raiser": is_hand_raiser}
    is_mql = disqualified_by is None and compiled.mql_row(scored, now)
    return LeadScore(fit, intent, is_hand_raiser, disqualified_by, is_mql, tuple(reasons))


def _intent_of_one(
    intent: Intent, activities: Sequence[ActivityFact], now: datetime
) -> tuple[int, bool, list[ScoreReason]]:
    counted = [activity for activity in activities if activity.kind in intent.signals]
    if not counted:
        return 0, False, []
    # Ages in whole microseconds: exact integers, the same in both paths.
    age_us = np.array([(now - a.occurred_at) // ONE_MICROSECOND for a in counted], dtype=np.int64)
    points = np.array([intent.signals[a.kind].points for a in counted], dtype=np.int64)
    live = in_window(age_us, intent.window_days)
    millipoints = decayed_millipoints(points, age_us, intent.half_life_days)
    per_signal: dict[str, int] = defaultdict(int)
    reasons: list[ScoreReason] = []
    is_hand_raiser = False
    for activity, is_live, contribution in zip(counted, live.tolist(), millipoints.tolist(), strict=True):
        if not is_live:
            continue
        per_signal[activity.kind] += contribution
        is_hand_raiser = is_hand_raiser or intent.signals[activity.kind].hand_raiser
        reasons.append(
            ScoreReason(
                ReasonKind.SIGNAL, activity.kind, contribution / MILLIPOINTS_PER_POINT, activity.occurred_at
            )
        )
    total = sum(_capped(intent, kind, subtotal) for kind, subtotal in per_signal.items())
    return min(total, MAX_SCORE * MILLIPOINTS_PER_POINT), is_hand_raiser, reasons


def _capped(intent: Intent, kind: str, millipoints: int) -> int:
    cap = intent.signals[kind].max
    return millipoints if cap is None else min(millipoints, cap * MILLIPOINTS_PER_POINT)


# --- the bulk path: all leads as columns ----------------------------------------------------------


def score_leads(
    compiled: CompiledPlaybook, leads: pl.DataFrame, activities: pl.DataFrame, now: datetime
) -> pl.DataFrame:
    """Score every lead at once: score_at_instants with one instant per lead, at ``now``.

    ``leads`` has a ``lead_id`` column and one column per attribute the criteria use (named as in the
    criteria, e.g. ``account.employees``); ``activities`` has ``lead_id``, ``kind`` and ``occurred_at``
    (UTC). Returns lead_id, fit, intent, is_hand_raiser, disqualified_by and is_mql, in leads' order."""
    instants = leads.select(pl.col("lead_id"), pl.lit(now, dtype=pl.Datetime("us", "UTC")).alias(AT))
    return score_at_instants(compiled, leads, instants, activities).drop(AT)


def score_at_instants(
    compiled: CompiledPlaybook, leads: pl.DataFrame, instants: pl.DataFrame, activities: pl.DataFrame
) -> pl.DataFrame:
    """Score each instant (lead_id, at) as score_lead would score that lead at that moment.

    Criteria that read ``now`` are checked per instant (now = at); the others once per lead. Returns
    lead_id, at, fit, intent, is_hand_raiser, disqualified_by and is_mql, in instants' order."""
    intent = intent_at_instants(compiled.playbook.definition.intent, instants, activities)
    return score_with_intent(compiled, leads, instants, intent)


def score_with_intent(
    compiled: CompiledPlaybook, leads: pl.DataFrame, instants: pl.DataFrame, intent: pl.DataFrame
) -> pl.DataFrame:
    """score_at_instants with intent given per instant (intent_millipoints, is_hand_raiser): the exact
    intent, or an upper bound when a backtest only screens instants that cannot pass."""
    return with_mql(compiled, leads, fit_and_disqualifier(compiled, leads, instants), intent)


def reads_now(compiled: CompiledPlaybook) -> bool:
    """Whether any fit rule, disqualifier or the MQL rule reads now: when none does, a lead's fit,
    disqualifier and MQL rule (given intent) come out the same at every instant."""
    criteria = (
        *compiled.playbook.fit_criteria,
        *compiled.playbook.disqualify_criteria,
        compiled.playbook.mql_criterion,
    )
    return any(criterion.reads_now for criterion in criteria)


def fit_and_disqualifier(
    compiled: CompiledPlaybook, leads: pl.DataFrame, instants: pl.DataFrame
) -> pl.DataFrame:
    """lead_id, at, fit and disqualified_by (the first disqualifier that holds) of each instant."""
    definition = compiled.playbook.definition
    fit_rules = [(rule.when, rule.points) for rule in definition.fit]
    fit_points = pl.sum_horizontal(
        [
            pl.when(passes).then(points).otherwise(0)
            for (_, points), passes in zip(fit_rules, _checks(compiled.fit_columns, "fit"), strict=True)
        ]
    )
    disqualified_by: pl.Expr = pl.lit(None, dtype=pl.String)
    disqualifiers = list(zip(definition.disqualify, _checks(compiled.disqualify_columns, "dq"), strict=True))
    # The reason of the first disqualifier that holds, as the live path takes the first one.
    for rule, passes in reversed(disqualifiers):
        disqualified_by = pl.when(passes).then(pl.lit(rule.reason)).otherwise(disqualified_by)
    return _with_checks(compiled, leads, instants).select(
        pl.col("lead_id"),
        pl.col(AT),
        fit_points.clip(0, MAX_SCORE).cast(pl.Int64).alias("fit"),
        disqualified_by.alias("disqualified_by"),
    )


def with_mql(
    compiled: CompiledPlaybook, leads: pl.DataFrame, scored: pl.DataFrame, intent: pl.DataFrame
) -> pl.DataFrame:
    """fit_and_disqualifier's instants with intent (in points), is_hand_raiser and is_mql."""
    # numpy divides exactly as Python does; polars may multiply by the reciprocal, one ulp apart.
    intent_points = intent["intent_millipoints"].to_numpy() / MILLIPOINTS_PER_POINT
    scored = scored.with_columns(
        pl.Series("intent", intent_points, dtype=pl.Float64), intent["is_hand_raiser"]
    )
    return scored.with_columns(
        (pl.col("disqualified_by").is_null() & _mql_passes(compiled, leads, scored)).alias("is_mql")
    )


def _checks(predicates: tuple[ColumnPredicate, ...], prefix: str) -> list[pl.Expr]:
    return [pl.col(f"__{prefix}_{index}") for index in range(len(predicates))]


def _with_checks(compiled: CompiledPlaybook, leads: pl.DataFrame, instants: pl.DataFrame) -> pl.DataFrame:
    """Instants with one boolean column per fit rule and disqualifier: the rules that do not read now
    checked once per lead and joined, the others checked at each instant."""
    named = [
        *((f"__fit_{i}", p) for i, p in enumerate(compiled.fit_columns)),
        *((f"__dq_{i}", p) for i, p in enumerate(compiled.disqualify_columns)),
    ]
    timeless = [(name, p) for name, p in named if not p.criterion.reads_now]
    timed = [(name, p) for name, p in named if p.criterion.reads_now]
    # Text columns are lower-cased once per frame, not once per criterion that reads them.
    prepared, normalised = with_normalised_text(leads, _references(timeless))
    per_lead = prepared.select(
        pl.col("lead_id"),
        *(p.expression(prepared.schema, TIMELESS, normalised=normalised).alias(name) for name, p in timeless),
    )
    frame = _joined(instants, per_lead)
    if timed:
        references = sorted(_references(timed))
        attributes, normalised = with_normalised_text(leads.select("lead_id", *references), references)
        frame = _joined(frame, attributes)
        frame = frame.with_columns(
            p.expression(frame.schema, pl.col(AT), normalised=normalised).alias(name) for name, p in timed
        )
    return frame


def _references(named: list[tuple[str, ColumnPredicate]]) -> set[str]:
    return set().union(*(p.criterion.references() for _, p in named))


def _joined(instants: pl.DataFrame, per_lead: pl.DataFrame) -> pl.DataFrame:
    if per_lead.width == 1:
        return instants
    if instants["lead_id"].equals(per_lead["lead_id"]):  # one instant per lead, in the leads' order
        return instants.hstack(per_lead.drop("lead_id"))
    return instants.join(per_lead, on="lead_id", how="left", maintain_order="left")


def _mql_passes(compiled: CompiledPlaybook, leads: pl.DataFrame, scored: pl.DataFrame) -> pl.Series:
    attributes = sorted(compiled.mql_columns.criterion.references() - {"fit", "intent", "hand_raiser"})
    frame = scored.select("lead_id", AT, "fit", "intent", pl.col("is_hand_raiser").alias("hand_raiser"))
    if attributes:
        frame = _joined(frame, leads.select("lead_id", *attributes))
    return compiled.mql_columns(frame, pl.col(AT)).fill_null(False)
