"""What sales does with MQLs: touches with skewed response times, dispositions along the lifecycle
table, opportunities through their stages. Conversion is logistic in fit and intent, plus noise, so a
learned scorer has something real to find."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from accord.domain.lifecycle import Stage, TransitionActor
from accord.synthetic import catalog as cat
from accord.synthetic.behaviour import Qualification
from accord.synthetic.people import SECONDS_PER_DAY, Firmographics, People, Staff

HOUR_S = 3600
STAGES = tuple(Stage)
ACTOR_KINDS = (TransitionActor.RULE.value, TransitionActor.PERSON.value)
RULE, PERSON = 0, 1
TRANSITION_REASONS = tuple(
    dict.fromkeys(
        ("", "hand_raiser", "intent", "nurture", "nurture_timer", *cat.REJECTION_REASONS, *cat.LOSS_REASONS)
    )
)
# Sales behaviour; medians and spreads chosen so that most MQLs are touched within hours, a tail waits
# days (SLA breaches), and some are never touched.
NEVER_TOUCHED_SHARE = 0.06
RESPONSE_MEDIAN_S, RESPONSE_SIGMA = 2.5 * HOUR_S, 1.7
DISPOSITION_MEDIAN_S = 1.5 * SECONDS_PER_DAY
SAL_TO_SQL_MEDIAN_S = 5 * SECONDS_PER_DAY
SQL_TO_OPPORTUNITY_MEDIAN_S = 4 * SECONDS_PER_DAY
SALES_CYCLE_MEDIAN_S = 40 * SECONDS_PER_DAY
RECYCLE_MEDIAN_S = 30 * SECONDS_PER_DAY
FOLLOW_UP_GAP_MEDIAN_S = 1.2 * SECONDS_PER_DAY
REJECTION_WEIGHTS = np.array([0.20, 0.15, 0.01, 0.08, 0.30, 0.07, 0.19])  # order of REJECTION_REASONS


@dataclass
class TransitionLog:
    """Transition rows collected step by step; ``lead`` is a 0-based lead index."""

    parts: list[tuple[np.ndarray, ...]] = field(default_factory=list)

    def add(
        self,
        lead: np.ndarray,
        from_stage: Stage,
        to_stage: Stage,
        at_s: np.ndarray,
        actor_kind: int,
        actor: np.ndarray,
        reason: np.ndarray | str,
    ) -> None:
        n = len(lead)
        reason_code = (
            np.full(n, TRANSITION_REASONS.index(reason))
            if isinstance(reason, str)
            else reason.astype(np.int64)
        )
        self.parts.append(
            (
                lead,
                np.full(n, STAGES.index(from_stage), dtype=np.int8),
                np.full(n, STAGES.index(to_stage), dtype=np.int8),
                at_s,
                np.full(n, actor_kind, dtype=np.int8),
                actor,
                reason_code,
            )
        )

    def columns(self) -> tuple[np.ndarray, ...]:
        joined = [np.concatenate(column) for column in zip(*self.parts, strict=True)]
        order = np.lexsort((joined[3], joined[0]))
        return tuple(column[order] for column in joined)


@dataclass(frozen=True)
class Touches:
    lead: np.ndarray
    kind: np.ndarray  # index into TOUCH_KINDS
    at_s: np.ndarray
    actor: np.ndarray
    detail: np.ndarray  # index into touch_detail_labels()


@dataclass(frozen=True)
class Deals:
    """Opportunities (index = id - 1) and their stage changes."""

    lead: np.ndarray
    account: np.ndarray
    owner: np.ndarray
    created_at_s: np.ndarray
    closed_at_s: np.ndarray  # -1 while open
    status: np.ndarray  # 0 open, 1 won, 2 lost
    stage: np.ndarray  # index into OPPORTUNITY_STAGES + (won, lost)
    amount: np.ndarray
    loss_reason: np.ndarray  # index into ("", *LOSS_REASONS)
    competitor: np.ndarray  # index into ("", *COMPETITORS)
    change_opportunity: np.ndarray
    change_from: np.ndarray  # index into ("", *stage names)
    change_to: np.ndarray
    change_at_s: np.ndarray


@dataclass(frozen=True)
class Funnel:
    transitions: tuple[np.ndarray, ...]  # lead, from, to, at_s, actor_kind, actor, reason
    touches: Touches
    deals: Deals
    owner: np.ndarray  # per lead: SDR user id, 0 for none


def sigmoid(x: np.ndarray) -> np.ndarray:
    probability: np.ndarray = 1.0 / (1.0 + np.exp(-x))
    return probability


def delay_s(rng: np.random.Generator, median_s: float, sigma: float, size: int) -> np.ndarray:
    return (median_s * np.exp(rng.normal(0.0, sigma, size))).astype(np.int64) + 60


def quality(
    rng: np.random.Generator, fit: np.ndarray, intent: np.ndarray, is_hand_raiser: np.ndarray
) -> np.ndarray:
    """The latent log-odds that drive every conversion step: logistic in fit and intent, with noise."""
    log_odds: np.ndarray = (
        -0.3
        + 3.2 * (fit - 65.0) / 35.0
        + 1.6 * (np.minimum(intent, 100.0) - 55.0) / 45.0
        + 0.7 * is_hand_raiser
        + rng.normal(0.0, 0.8, len(fit))
    )
    return log_odds


def pick_reasons(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """A categorical draw per row of unnormalised weights; returns TRANSITION_REASONS codes."""
    cumulative = np.cumsum(weights, axis=1)
    draw = rng.random(len(weights)) * cumulative[:, -1]
    choice = np.minimum((cumulative < draw[:, None]).sum(axis=1), len(cat.REJECTION_REASONS) - 1)
    codes: np.ndarray = np.array([TRANSITION_REASONS.index(r) for r in cat.REJECTION_REASONS])[choice]
    return codes


def rejection_weights(n: int, allowed: tuple[str, ...]) -> np.ndarray:
    mask = np.array([reason in allowed for reason in cat.REJECTION_REASONS])
    return np.tile(REJECTION_WEIGHTS * mask, (n, 1))


def run_funnel(
    rng: np.random.Generator,
    mql: Qualification,
    people: People,
    accounts: Firmographics,
    fit: np.ndarray,
    staff: Staff,
    as_of_s: int,
) -> Funnel:
    log = TransitionLog()
    lead = mql.lead
    sdr = staff.sdr_ids[rng.integers(0, len(staff.sdr_ids), len(lead))]
    no_one = np.zeros(len(lead), dtype=np.int64)
    reason = np.where(
        mql.is_hand_raiser, TRANSITION_REASONS.index("hand_raiser"), TRANSITION_REASONS.index("intent")
    )
    log.add(lead, Stage.LEAD, Stage.MQL, mql.mql_at_s, RULE, no_one, reason)
    q = quality(rng, fit[lead], mql.intent_at_mql, mql.is_hand_raiser)

    first_touch_s = mql.mql_at_s + delay_s(rng, RESPONSE_MEDIAN_S, RESPONSE_SIGMA, len(lead))
    is_touched = (rng.random(len(lead)) >= NEVER_TOUCHED_SHARE) & (first_touch_s <= as_of_s)
    disposition_s = first_touch_s + delay_s(rng, DISPOSITION_MEDIAN_S, 1.0, len(lead))
    decided = is_touched & (disposition_s <= as_of_s)
    is_accepted = rng.random(len(lead)) < sigmoid(q + 0.8)
    ends_s = np.where(decided & ~is_accepted, disposition_s, as_of_s)
    touches = make_touches(
        rng, lead[is_touched], first_touch_s[is_touched], sdr[is_touched], ends_s[is_touched], as_of_s
    )

    # MQL dispositions: rejected with a reason, recycled to nurture, accepted (SAL) or straight to SQL.
    refused = np.flatnonzero(decided & ~is_accepted)
    to_nurture = rng.random(len(refused)) < 0.15
    weights = rejection_weights(len(refused), cat.REJECTION_REASONS)
    weights[:, cat.REJECTION_REASONS.index("not_icp")] += (fit[lead[refused]] < 55) * 0.6
    is_student = people.seniority[lead[refused]] == cat.SENIORITIES.index("student")
    weights[:, cat.REJECTION_REASONS.index("student")] += is_student * 4.0
    rejected = refused[~to_nurture]
    log.add(
        lead[rejected],
        Stage.MQL,
        Stage.REJECTED,
        disposition_s[rejected],
        PERSON,
        sdr[rejected],
        pick_reasons(rng, weights[~to_nurture]),
    )
    nurtured = refused[to_nurture]
    log.add(
        lead[nurtured], Stage.MQL, Stage.RECYCLED, disposition_s[nurtured], PERSON, sdr[nurtured], "nurture"
    )

    accepted = np.flatnonzero(decided & is_accepted)
    via_sal = rng.random(len(accepted)) < 0.7
    sal = accepted[via_sal]
    log.add(lead[sal], Stage.MQL, Stage.SAL, disposition_s[sal], PERSON, sdr[sal], "")
    direct = accepted[~via_sal]
    log.add(lead[direct], Stage.MQL, Stage.SQL, disposition_s[direct], PERSON, sdr[direct], "")

    sql_at_s = np.full(len(lead), -1, dtype=np.int64)
    sql_at_s[direct] = disposition_s[direct]
    next_s = disposition_s[sal] + delay_s(rng, SAL_TO_SQL_MEDIAN_S, 0.8, len(sal))
    sal_moves = sal[next_s <= as_of_s]
    next_s = next_s[next_s <= as_of_s]
    is_qualified = rng.random(len(sal_moves)) < sigmoid(q[sal_moves] + 0.2)
    qualified = sal_moves[is_qualified]
    sql_at_s[qualified] = next_s[is_qualified]
    log.add(lead[qualified], Stage.SAL, Stage.SQL, next_s[is_qualified], PERSON, sdr[qualified], "")
    dropped = sal_moves[~is_qualified]
    late_reasons = ("no_budget", "not_now", "no_response", "competitor")
    log.add(
        lead[dropped],
        Stage.SAL,
        Stage.REJECTED,
        next_s[~is_qualified],
        PERSON,
        sdr[dropped],
        pick_reasons(rng, rejection_weights(len(dropped), late_reasons)),
    )

    sqls = np.flatnonzero(sql_at_s >= 0)
    next_s = sql_at_s[sqls] + delay_s(rng, SQL_TO_OPPORTUNITY_MEDIAN_S, 0.7, len(sqls))
    sql_moves = sqls[next_s <= as_of_s]
    next_s = next_s[next_s <= as_of_s]
    is_opportunity = rng.random(len(sql_moves)) < sigmoid(q[sql_moves] + 1.0)
    opened = sql_moves[is_opportunity]
    ae = staff.ae_ids[people.account[lead[opened]] % len(staff.ae_ids)]
    log.add(lead[opened], Stage.SQL, Stage.OPPORTUNITY, next_s[is_opportunity], PERSON, ae, "")
    stalled = sql_moves[~is_opportunity]
    log.add(
        lead[stalled],
        Stage.SQL,
        Stage.REJECTED,
        next_s[~is_opportunity],
        PERSON,
        sdr[stalled],
        pick_reasons(rng, rejection_weights(len(stalled), ("no_budget", "not_now"))),
    )

    deals = make_deals(rng, lead[opened], next_s[is_opportunity], q[opened], ae, people, accounts, as_of_s)
    closed = deals.status > 0
    outcome = np.where(
        deals.status[closed] == 1, STAGES.index(Stage.CUSTOMER), STAGES.index(Stage.CLOSED_LOST)
    )
    loss_codes = np.array([TRANSITION_REASONS.index(r) for r in ("", *cat.LOSS_REASONS)])[
        deals.loss_reason[closed]
    ]
    add_rows(
        log,
        deals.lead[closed],
        Stage.OPPORTUNITY,
        outcome,
        deals.closed_at_s[closed],
        deals.owner[closed],
        loss_codes,
    )

    recycle_later(rng, log, as_of_s)
    owner = np.zeros(len(people.account), dtype=np.int64)
    owner[lead] = sdr
    return Funnel(log.columns(), touches, deals, owner)


def add_rows(
    log: TransitionLog,
    lead: np.ndarray,
    from_stage: Stage,
    to_codes: np.ndarray,
    at_s: np.ndarray,
    actor: np.ndarray,
    reason_codes: np.ndarray,
) -> None:
    """Like TransitionLog.add, for rows whose target stage varies (won or lost)."""
    for to_stage in (Stage.CUSTOMER, Stage.CLOSED_LOST):
        rows = to_codes == STAGES.index(to_stage)
        log.add(lead[rows], from_stage, to_stage, at_s[rows], PERSON, actor[rows], reason_codes[rows])


def recycle_later(rng: np.random.Generator, log: TransitionLog, as_of_s: int) -> None:
    """Rejected and lost leads re-enter nurture after a while (rejected/closed_lost -> recycled), and
    every recycled lead goes back to lead a minute later, by rule."""
    lead, _, to, at_s, _, _, reason = log.columns()
    recyclable = {
        TRANSITION_REASONS.index(r) for r in ("not_now", "no_response", "no_budget", *cat.LOSS_REASONS)
    }
    for stage, share in ((Stage.REJECTED, 0.35), (Stage.CLOSED_LOST, 0.25)):
        rows = np.flatnonzero((to == STAGES.index(stage)) & np.isin(reason, list(recyclable)))
        rows = rows[rng.random(len(rows)) < share]
        when = at_s[rows] + delay_s(
            rng, RECYCLE_MEDIAN_S * (2 if stage == Stage.CLOSED_LOST else 1), 0.4, len(rows)
        )
        due = when <= as_of_s
        none = np.zeros(int(due.sum()), dtype=np.int64)
        log.add(lead[rows][due], stage, Stage.RECYCLED, when[due], RULE, none, "nurture_timer")
    lead, _, to, at_s, _, _, _ = log.columns()
    rows = np.flatnonzero((to == STAGES.index(Stage.RECYCLED)) & (at_s + 60 <= as_of_s))
    log.add(
        lead[rows],
        Stage.RECYCLED,
        Stage.LEAD,
        at_s[rows] + 60,
        RULE,
        np.zeros(len(rows), dtype=np.int64),
        "nurture_timer",
    )


def touch_detail_labels() -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    labels: list[str] = []
    offsets, counts = [], []
    for kind in cat.TOUCH_KINDS:
        offsets.append(len(labels))
        counts.append(len(cat.TOUCH_DETAILS[kind]))
        labels.extend(cat.TOUCH_DETAILS[kind])
    return tuple(labels), np.array(offsets), np.array(counts)


def make_touches(
    rng: np.random.Generator,
    touched_lead: np.ndarray,
    first_at_s: np.ndarray,
    sdr: np.ndarray,
    ends_s: np.ndarray,
    as_of_s: int,
) -> Touches:
    """A first touch, then a few follow-ups a day or so apart, until the disposition or as_of."""
    counts = 1 + rng.poisson(1.6, len(first_at_s))
    owner_index = np.repeat(np.arange(len(first_at_s)), counts)
    starts = np.cumsum(counts) - counts
    gaps = delay_s(rng, FOLLOW_UP_GAP_MEDIAN_S, 0.8, len(owner_index))
    gaps[starts] = 0
    cumulative = np.cumsum(gaps)
    offset_s = cumulative - np.repeat(cumulative[starts], counts)
    at_s = first_at_s[owner_index] + offset_s
    is_first = np.zeros(len(at_s), dtype=bool)
    is_first[starts] = True
    keep = (at_s <= np.minimum(ends_s[owner_index], as_of_s)) | is_first
    draw = rng.random(len(at_s))
    kind = np.where(draw < 0.5, 0, np.where(draw < 0.88, 1, 2))
    kind[starts] = np.where(draw[starts] < 0.55, 0, 1)
    _, offsets, detail_counts = touch_detail_labels()
    detail = offsets[kind] + rng.integers(0, 1 << 30, len(kind)) % detail_counts[kind]
    return Touches(
        lead=touched_lead[owner_index][keep],
        kind=kind[keep].astype(np.int8),
        at_s=at_s[keep],
        actor=sdr[owner_index][keep],
        detail=detail[keep].astype(np.int16),
    )


def make_deals(
    rng: np.random.Generator,
    lead: np.ndarray,
    created_at_s: np.ndarray,
    q: np.ndarray,
    owner: np.ndarray,
    people: People,
    accounts: Firmographics,
    as_of_s: int,
) -> Deals:
    n = len(lead)
    account = people.account[lead]
    size_factor = (np.maximum(accounts.employees[account], 5) / 100.0) ** 0.45
    amount = np.round(np.exp(rng.normal(np.log(9_000.0), 0.6, n)) * size_factor, -2) + 500.0
    cycle_s = delay_s(rng, SALES_CYCLE_MEDIAN_S, 0.6, n)
    close_s = created_at_s + cycle_s
    is_won = rng.random(n) < sigmoid(q - 1.6)
    is_closed = close_s <= as_of_s
    status = np.where(is_closed, np.where(is_won, 1, 2), 0)
    lost_at_stage = rng.choice(3, size=n, p=[0.45, 0.35, 0.20])
    reached = np.where(status == 2, lost_at_stage + 1, 3)
    stage_at_s = created_at_s[:, None] + (cycle_s[:, None] * np.array([0.0, 0.3, 0.65])).astype(np.int64)
    entered = (np.arange(3)[None, :] < reached[:, None]) & (stage_at_s <= as_of_s)
    current = entered.sum(axis=1) - 1
    stage = np.where(status == 1, 3, np.where(status == 2, 4, current))
    loss_reason = np.where(status == 2, 1 + rng.integers(0, len(cat.LOSS_REASONS), n), 0)
    has_competitor = (loss_reason == 1 + cat.LOSS_REASONS.index("competitor")) | (rng.random(n) < 0.3)
    competitor = np.where(has_competitor, 1 + rng.integers(0, len(cat.COMPETITORS), n), 0)
    opp, step = np.nonzero(entered)
    change_from = np.where(step == 0, 0, step)  # "" for the first stage, else the previous stage
    closing = np.flatnonzero(status > 0)
    return Deals(
        lead=lead,
        account=account,
        owner=owner,
        created_at_s=created_at_s,
        closed_at_s=np.where(is_closed, close_s, -1),
        status=status,
        stage=stage,
        amount=amount,
        loss_reason=loss_reason,
        competitor=competitor,
        change_opportunity=np.concatenate([opp, closing]),
        change_from=np.concatenate([change_from, 1 + current[closing]]),
        change_to=np.concatenate([step + 1, 1 + stage[closing]]),
        change_at_s=np.concatenate([stage_at_s[opp, step], close_s[closing]]),
    )
