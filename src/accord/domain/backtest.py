"""Backtest and audit (DESIGN §4): replay playbooks' MQL rules over history to see when each lead would
first have become an MQL, and how the leads a definition passes actually converted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import polars as pl

from accord.domain.criteria import Criterion
from accord.domain.criteria.nodes import And, Comparison, Condition, Literal, Name, Not, Or, operands
from accord.domain.criteria.values import CompareOp
from accord.domain.intent import MAX_MILLIPOINTS, intent_upper_bounds
from accord.domain.scoring import (
    AT,
    TIMELESS,
    CompiledPlaybook,
    fit_and_disqualifier,
    reads_now,
    score_at_instants,
    score_with_intent,
    with_mql,
)
from accord.errors import InvalidInput

UTC_DATETIME = pl.Datetime("us", "UTC")
SOURCE_GROUP = "lead.source_group"
INTENT = "intent"


@dataclass(frozen=True)
class History:
    """What happened, as frames.

    ``leads``: lead_id, created_at (UTC) and one column per attribute the criteria read, named as in
    the criteria (``account.employees``); ``activities``: lead_id, kind, occurred_at (UTC);
    ``outcomes``: lead_id, has_reached_sql, has_won (leads missing from it reached neither)."""

    leads: pl.DataFrame
    activities: pl.DataFrame
    outcomes: pl.DataFrame


@dataclass(frozen=True)
class Period:
    """[start, end): a lead belongs to the period when its (simulated) mql_at falls in it."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise InvalidInput("a backtest period needs aware (UTC) start and end")
        if self.start >= self.end:
            raise InvalidInput(
                f"the period must end after it starts ({self.start:%Y-%m-%d} – {self.end:%Y-%m-%d})"
            )


@dataclass(frozen=True)
class LeadSet:
    count: int
    lead_ids: tuple[int, ...]


@dataclass(frozen=True)
class Rate:
    """numerator / denominator (None when there is no denominator); lead_ids are the numerator's."""

    numerator: int
    denominator: int
    rate: float | None
    lead_ids: tuple[int, ...]


@dataclass(frozen=True)
class Conversion:
    """A set of leads and how they actually converted: ever reached sql, ever won (customer)."""

    leads: LeadSet
    to_sql: Rate
    to_won: Rate


@dataclass(frozen=True)
class MonthCount:
    month: date  # the first day of the calendar month (UTC)
    count: int
    lead_ids: tuple[int, ...]


@dataclass(frozen=True)
class Versus:
    """The draft against a baseline (the active version) on the same period."""

    baseline_mqls: LeadSet
    gained: Conversion  # MQLs of the period under the draft and not under the baseline
    lost: Conversion  # the reverse


@dataclass(frozen=True)
class Backtest:
    period: Period
    mqls: Conversion
    by_month: tuple[MonthCount, ...]
    versus: Versus | None


@dataclass(frozen=True)
class Audit:
    """Two definitions on the same leads (those created before the period's end)."""

    period: Period
    both: Conversion
    only_a: Conversion
    only_b: Conversion
    neither: Conversion


def simulate_mql_dates(
    compiled: CompiledPlaybook, history: History, *, until: datetime, is_exhaustive: bool = False
) -> pl.DataFrame:
    """lead_id and mql_at: the first instant before ``until`` at which the playbook's MQL rule passes.

    Candidate instants are the lead's creation and each of its signal activities: intent only rises
    when a signal happens and decays in between, so a rule that asks for more intent or a hand-raiser
    first passes at one of them. Fit reads the lead's current attributes (their history is not
    recorded). Leads that never pass are absent.

    When the rule can only pass more as intent rises, instants are first screened with an upper
    bound of intent (intent_upper_bounds); each lead's surviving instants are then scored exactly,
    earliest first, until one passes. Otherwise, or when ``is_exhaustive``, every instant is scored
    exactly (the reference the screened path is tested against)."""
    return simulate_many([compiled], history, until=until, is_exhaustive=is_exhaustive)[0]


def simulate_many(
    playbooks: Sequence[CompiledPlaybook], history: History, *, until: datetime, is_exhaustive: bool = False
) -> list[pl.DataFrame]:
    """simulate_mql_dates for each playbook; playbooks with the same intent section share the
    candidate instants and their intent bounds (a draft usually changes the rule, not the signals).

    When no criterion of a screened playbook reads now, its fit and disqualifier are scored once per
    lead, and a lead whose rule fails even at the most intent there is (100 points, with or without
    a hand-raiser) is dropped before any of its instants is looked at: a rule that rises with intent
    fails for it at every instant."""
    screened = [
        (compiled, _with_source_group(history.leads, compiled))
        for compiled in playbooks
        if not is_exhaustive and rises_with_intent(compiled.playbook.mql_criterion)
    ]
    per_lead = {
        id(compiled): _per_lead(compiled, leads) for compiled, leads in screened if not reads_now(compiled)
    }
    screens = _screens(screened, per_lead, history, until)
    results = []
    for compiled in playbooks:
        leads = _with_source_group(history.leads, compiled)
        if is_exhaustive or not rises_with_intent(compiled.playbook.mql_criterion):
            instants = pl.concat(_candidate_instants(compiled, leads, history.activities, until))
            results.append(_first_passing(score_at_instants(compiled, leads, instants, history.activities)))
            continue
        instants, bounds = screens[_intent_key(compiled)]
        lead_scores = per_lead.get(id(compiled))
        if lead_scores is None:
            scored = score_with_intent(compiled, leads, instants, bounds)
        else:
            scored = with_mql(compiled, leads, _at_instants(lead_scores, instants), bounds)
        candidates = instants.filter(scored["is_mql"])
        results.append(_first_verified(compiled, leads, candidates, history.activities))
    return results


def _intent_key(compiled: CompiledPlaybook) -> str:
    return compiled.playbook.definition.intent.model_dump_json()


def _per_lead(compiled: CompiledPlaybook, leads: pl.DataFrame) -> pl.DataFrame:
    """lead_id (sorted), fit, disqualified_by and can_pass of every lead, for a playbook whose criteria
    do not read now (so the moment given is immaterial)."""
    ordered = leads.sort("lead_id")
    moment = pl.lit(TIMELESS, dtype=UTC_DATETIME).alias(AT)
    scores = fit_and_disqualifier(compiled, ordered, ordered.select(pl.col("lead_id").cast(pl.Int64), moment))
    can_pass = [
        with_mql(
            compiled,
            ordered,
            scores,
            pl.DataFrame(
                {
                    "intent_millipoints": pl.repeat(
                        MAX_MILLIPOINTS, scores.height, dtype=pl.Int64, eager=True
                    ),
                    "is_hand_raiser": pl.repeat(is_hand_raiser, scores.height, dtype=pl.Boolean, eager=True),
                }
            ),
        )["is_mql"]
        for is_hand_raiser in (True, False)
    ]
    return scores.drop(AT).with_columns((can_pass[0] | can_pass[1]).alias("can_pass"))


def _screens(
    screened: Sequence[tuple[CompiledPlaybook, pl.DataFrame]],
    per_lead: dict[int, pl.DataFrame],
    history: History,
    until: datetime,
) -> dict[str, tuple[pl.DataFrame, pl.DataFrame]]:
    """Per intent section: the candidate instants, grouped by lead, of the leads any of its playbooks
    can pass, and their intent bounds."""
    screens: dict[str, tuple[pl.DataFrame, pl.DataFrame]] = {}
    keys = {_intent_key(compiled) for compiled, _ in screened}
    for key in keys:
        group = [(compiled, leads) for compiled, leads in screened if _intent_key(compiled) == key]
        compiled, leads = group[0]
        activities = history.activities
        if all(id(member) in per_lead for member, _ in group):
            passing = pl.concat(
                [per_lead[id(member)].filter(pl.col("can_pass"))["lead_id"] for member, _ in group]
            ).unique()
            leads = leads.filter(pl.col("lead_id").is_in(passing.implode()))
            activities = activities.filter(pl.col("lead_id").is_in(passing.implode()))
        instants = pl.concat(_candidate_instants(compiled, leads, activities, until)).sort(
            "lead_id", maintain_order=True
        )
        screens[key] = (
            instants,
            intent_upper_bounds(compiled.playbook.definition.intent, instants, activities),
        )
    return screens


def _at_instants(per_lead: pl.DataFrame, instants: pl.DataFrame) -> pl.DataFrame:
    """Each instant (grouped by lead) with its lead's fit and disqualified_by, gathered by position."""
    lead_id = instants["lead_id"].to_numpy()
    is_new = np.ones(len(lead_id), dtype=np.bool_)
    is_new[1:] = lead_id[1:] != lead_id[:-1]
    starts = np.flatnonzero(is_new)
    run_lengths = np.diff(np.append(starts, len(lead_id)))
    positions = np.repeat(np.searchsorted(per_lead["lead_id"].to_numpy(), lead_id[starts]), run_lengths)
    gathered = per_lead.select("fit", "disqualified_by")[positions]
    return instants.select("lead_id", AT).hstack(gathered)


def _candidate_instants(
    compiled: CompiledPlaybook, leads: pl.DataFrame, activities: pl.DataFrame, until: datetime
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """lead_id and at of each lead's creation, and of its signals, before ``until``."""
    codes = {kind: True for kind in compiled.playbook.definition.intent.signals}
    bound = pl.lit(until, dtype=UTC_DATETIME)
    created = leads.select(
        pl.col("lead_id").cast(pl.Int64), pl.col("created_at").cast(UTC_DATETIME).alias(AT)
    )
    signalled = activities.filter(
        pl.col("kind").replace_strict(codes, default=False, return_dtype=pl.Boolean)
        & (pl.col("occurred_at") < bound)
    ).select(pl.col("lead_id").cast(pl.Int64), pl.col("occurred_at").cast(UTC_DATETIME).alias(AT))
    return created.filter(pl.col(AT) < bound), signalled


def _first_passing(scored: pl.DataFrame) -> pl.DataFrame:
    return (
        scored.lazy()
        .filter(pl.col("is_mql"))
        .group_by("lead_id")
        .agg(pl.col(AT).min().alias("mql_at"))
        .sort("lead_id")
        .collect()
    )


def _first_verified(
    compiled: CompiledPlaybook, leads: pl.DataFrame, candidates: pl.DataFrame, activities: pl.DataFrame
) -> pl.DataFrame:
    """Score each lead's earliest remaining candidate exactly; a lead that passes is done, the others
    move on to their next candidate."""
    passed: list[pl.DataFrame] = []
    remaining = candidates
    while remaining.height:
        earliest = remaining.group_by("lead_id").agg(pl.col(AT).min()).sort("lead_id")
        ids = earliest["lead_id"].implode()
        scored = score_at_instants(
            compiled,
            leads.filter(pl.col("lead_id").is_in(ids)),
            earliest,
            activities.filter(pl.col("lead_id").is_in(ids)),
        )
        passed.append(scored.filter(pl.col("is_mql")).select("lead_id", pl.col(AT).alias("mql_at")))
        failed = scored.filter(~pl.col("is_mql")).select("lead_id", pl.col(AT).alias("checked_at"))
        remaining = (
            remaining.join(failed, on="lead_id").filter(pl.col(AT) > pl.col("checked_at")).drop("checked_at")
        )
    empty = pl.DataFrame(schema={"lead_id": pl.Int64, "mql_at": UTC_DATETIME})
    return pl.concat([empty, *passed]).sort("lead_id")


def rises_with_intent(criterion: Criterion) -> bool:
    """Whether the rule can only go from failing to passing as intent rises, all else equal: intent
    appears only as ``intent >= / > number`` (or ``number <= / < intent``), never under ``not``."""
    return _monotone(criterion.root, is_negated=False)


def _monotone(condition: Condition, *, is_negated: bool) -> bool:
    if isinstance(condition, And | Or):
        return all(_monotone(item, is_negated=is_negated) for item in condition.items)
    if isinstance(condition, Not):
        return _monotone(condition.inner, is_negated=not is_negated)
    reads_intent = any(isinstance(o, Name) and o.name == INTENT for o in operands(condition))
    if not reads_intent:
        return True
    if is_negated or not isinstance(condition, Comparison):
        return False
    rising_left = isinstance(condition.left, Name) and condition.op in {CompareOp.GE, CompareOp.GT}
    rising_right = isinstance(condition.right, Name) and condition.op in {CompareOp.LE, CompareOp.LT}
    other = condition.right if rising_left else condition.left
    return (rising_left or rising_right) and isinstance(other, Literal)


def backtest(
    draft: CompiledPlaybook, history: History, period: Period, *, baseline: CompiledPlaybook | None = None
) -> Backtest:
    """The draft's MQLs of the period (first passing in it: a lead that passed before the start is not
    a new MQL), by month, with their actual conversion, and gained/lost against ``baseline``."""
    mqls = _period_mqls(simulate_mql_dates(draft, history, until=period.end), period)
    versus = None
    if baseline is not None:
        baseline_ids = _period_mqls(simulate_mql_dates(baseline, history, until=period.end), period)[
            "lead_id"
        ]
        draft_ids = mqls["lead_id"]
        versus = Versus(
            baseline_mqls=_lead_set(baseline_ids),
            gained=conversion(draft_ids.filter(~draft_ids.is_in(baseline_ids.implode())), history.outcomes),
            lost=conversion(baseline_ids.filter(~baseline_ids.is_in(draft_ids.implode())), history.outcomes),
        )
    return Backtest(
        period=period,
        mqls=conversion(mqls["lead_id"], history.outcomes),
        by_month=_by_month(mqls, period),
        versus=versus,
    )


def audit(a: CompiledPlaybook, b: CompiledPlaybook, history: History, period: Period) -> Audit:
    """The 2×2 agreement matrix: which leads each definition makes MQLs of the period, and how the
    leads of each cell actually converted. The population is every lead created before the end."""
    dates_a, dates_b = simulate_many([a, b], history, until=period.end)
    passed_a = _period_mqls(dates_a, period)["lead_id"].implode()
    passed_b = _period_mqls(dates_b, period)["lead_id"].implode()
    population = history.leads.filter(pl.col("created_at") < pl.lit(period.end, dtype=UTC_DATETIME))
    cells = population.select(
        pl.col("lead_id").cast(pl.Int64),
        pl.col("lead_id").is_in(passed_a).alias("is_a"),
        pl.col("lead_id").is_in(passed_b).alias("is_b"),
    )

    def cell(is_a: bool, is_b: bool) -> Conversion:
        chosen = cells.filter((pl.col("is_a") == is_a) & (pl.col("is_b") == is_b))["lead_id"]
        return conversion(chosen, history.outcomes)

    return Audit(period, cell(True, True), cell(True, False), cell(False, True), cell(False, False))


def conversion(lead_ids: pl.Series, outcomes: pl.DataFrame) -> Conversion:
    """How these leads actually converted: the share that ever reached sql, and that ever won."""
    ids = lead_ids.cast(pl.Int64).unique().sort()
    reached = outcomes.filter(pl.col("lead_id").is_in(ids.implode()))
    to_sql = reached.filter(pl.col("has_reached_sql"))["lead_id"].cast(pl.Int64).sort()
    to_won = reached.filter(pl.col("has_won"))["lead_id"].cast(pl.Int64).sort()
    return Conversion(_lead_set(ids), _rate(to_sql, len(ids)), _rate(to_won, len(ids)))


def _period_mqls(mql_dates: pl.DataFrame, period: Period) -> pl.DataFrame:
    start, end = pl.lit(period.start, dtype=UTC_DATETIME), pl.lit(period.end, dtype=UTC_DATETIME)
    return mql_dates.filter((pl.col("mql_at") >= start) & (pl.col("mql_at") < end))


def _by_month(mqls: pl.DataFrame, period: Period) -> tuple[MonthCount, ...]:
    months = mqls.group_by(pl.col("mql_at").dt.truncate("1mo").dt.date().alias("month")).agg(
        pl.col("lead_id").sort()
    )
    ids_by_month: dict[date, list[int]] = dict(months.iter_rows())
    return tuple(
        MonthCount(month, len(ids_by_month.get(month, [])), tuple(ids_by_month.get(month, [])))
        for month in _months(period)
    )


def _months(period: Period) -> list[date]:
    """The first day of every calendar month the period touches."""
    last = (period.end - timedelta(microseconds=1)).date().replace(day=1)
    month = period.start.date().replace(day=1)
    months = []
    while month <= last:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def _lead_set(lead_ids: pl.Series) -> LeadSet:
    ids = tuple(lead_ids.cast(pl.Int64).sort().to_list())
    return LeadSet(len(ids), ids)


def _rate(numerator_ids: pl.Series, denominator: int) -> Rate:
    ids = tuple(numerator_ids.to_list())
    return Rate(len(ids), denominator, len(ids) / denominator if denominator else None, ids)


def _with_source_group(leads: pl.DataFrame, compiled: CompiledPlaybook) -> pl.DataFrame:
    """lead.source_group from the playbook's own sources map, when its criteria read it."""
    criteria = (
        *compiled.playbook.fit_criteria,
        *compiled.playbook.disqualify_criteria,
        compiled.playbook.mql_criterion,
    )
    if not any(SOURCE_GROUP in criterion.references() for criterion in criteria):
        return leads
    groups = dict(compiled.playbook.definition.sources)
    return leads.with_columns(
        pl.col("lead.source")
        .cast(pl.String)
        .str.to_lowercase()
        .replace_strict(groups, default=None)
        .alias(SOURCE_GROUP)
    )
