"""Fit and intent scores (DESIGN §2, §4) and the MQL decision, with an explanation of every point.

Two paths, one rule: ``score_lead`` for one lead (the live path) and ``score_leads`` over columns (the
bulk path). Criteria are compiled once per playbook for each path; signal decay is one numpy function
both paths call, in whole millipoints, so that sums are exact integers and the paths agree exactly."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import numpy as np
import numpy.typing as npt
import polars as pl

from accord.domain.criteria import ColumnPredicate, RowPredicate, compile_columns, compile_row
from accord.domain.playbook.schema import Intent
from accord.domain.playbook.validation import Playbook

MILLIPOINTS_PER_POINT = 1000
MAX_SCORE = 100
MICROSECONDS_PER_DAY = 86_400_000_000
ONE_MICROSECOND = timedelta(microseconds=1)


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


def decayed_millipoints(
    points: npt.NDArray[np.int64], age_us: npt.NDArray[np.int64], half_life_days: float
) -> npt.NDArray[np.int64]:
    """Each signal's points halved every half-life, rounded to whole millipoints (shared by both paths)."""
    half_lives = age_us.astype(np.float64) / (half_life_days * MICROSECONDS_PER_DAY)
    return np.rint(points * MILLIPOINTS_PER_POINT * np.exp2(-half_lives)).astype(np.int64)


def in_window(age_us: npt.NDArray[np.int64], window_days: int) -> npt.NDArray[np.bool_]:
    """An activity counts from the moment it happened until window_days later (future ones never)."""
    return (age_us >= 0) & (age_us < window_days * MICROSECONDS_PER_DAY)


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
    """Score every lead at once.

    ``leads`` has a ``lead_id`` column and one column per attribute the criteria use (named as in the
    criteria, e.g. ``account.employees``); ``activities`` has ``lead_id``, ``kind`` and ``occurred_at``
    (UTC). Returns lead_id, fit, intent, is_hand_raiser, disqualified_by and is_mql, in leads' order."""
    definition = compiled.playbook.definition
    fit_points = pl.sum_horizontal(
        [
            pl.when(predicate(leads, now)).then(rule.points).otherwise(0)
            for rule, predicate in zip(definition.fit, compiled.fit_columns, strict=True)
        ]
    )
    scored = leads.select(
        pl.col("lead_id"), fit_points.clip(0, MAX_SCORE).cast(pl.Int64).alias("fit")
    ).with_columns(_disqualified_by(compiled, leads, now))
    intent = _intent_of_all(definition.intent, activities, now)
    scored = scored.join(intent, on="lead_id", how="left", maintain_order="left").with_columns(
        pl.col("intent_millipoints").fill_null(0),
        pl.col("is_hand_raiser").fill_null(False),
    )
    # numpy divides exactly as Python does; polars may multiply by the reciprocal, one ulp apart.
    intent_points = scored["intent_millipoints"].to_numpy() / MILLIPOINTS_PER_POINT
    scored = scored.with_columns(pl.Series("intent", intent_points, dtype=pl.Float64))
    frame = pl.concat(
        [leads, scored.select("fit", "intent", pl.col("is_hand_raiser").alias("hand_raiser"))],
        how="horizontal",
    )
    passes = compiled.mql_columns(frame, now).fill_null(False)
    return scored.select(
        "lead_id",
        "fit",
        "intent",
        "is_hand_raiser",
        "disqualified_by",
        (pl.col("disqualified_by").is_null() & passes).alias("is_mql"),
    )


def _disqualified_by(compiled: CompiledPlaybook, leads: pl.DataFrame, now: datetime) -> pl.Expr:
    """The reason of the first disqualifier that holds, as the live path takes the first one."""
    reason: pl.Expr = pl.lit(None, dtype=pl.String)
    pairs = list(zip(compiled.playbook.definition.disqualify, compiled.disqualify_columns, strict=True))
    for rule, predicate in reversed(pairs):
        reason = pl.when(predicate(leads, now)).then(pl.lit(rule.reason)).otherwise(reason)
    return reason.alias("disqualified_by")


def _intent_of_all(intent: Intent, activities: pl.DataFrame, now: datetime) -> pl.DataFrame:
    kinds = list(intent.signals)
    age_us = (pl.lit(now) - pl.col("occurred_at")).dt.total_microseconds().cast(pl.Int64).alias("age_us")
    counted = activities.filter(pl.col("kind").is_in(kinds)).with_columns(age_us)
    counted = counted.filter(pl.Series(in_window(counted["age_us"].to_numpy(), intent.window_days)))
    points = counted["kind"].replace_strict(
        {k: s.points for k, s in intent.signals.items()}, return_dtype=pl.Int64
    )
    contribution = decayed_millipoints(points.to_numpy(), counted["age_us"].to_numpy(), intent.half_life_days)
    counted = counted.with_columns(pl.Series("millipoints", contribution))
    caps = {k: (s.max * MILLIPOINTS_PER_POINT if s.max else None) for k, s in intent.signals.items()}
    hand_raisers = [k for k, s in intent.signals.items() if s.hand_raiser]
    per_signal = counted.group_by("lead_id", "kind").agg(pl.col("millipoints").sum())
    cap = pl.col("kind").replace_strict(caps, default=None, return_dtype=pl.Int64)
    per_signal = per_signal.with_columns(
        pl.when(cap.is_null()).then(pl.col("millipoints")).otherwise(pl.min_horizontal("millipoints", cap))
    )
    return per_signal.group_by("lead_id").agg(
        pl.col("millipoints").sum().clip(0, MAX_SCORE * MILLIPOINTS_PER_POINT).alias("intent_millipoints"),
        pl.col("kind").is_in(hand_raisers).any().alias("is_hand_raiser"),
    )
