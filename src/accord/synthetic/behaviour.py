"""What leads do: marketing signals over the year, the decayed intent they add up to, and the moment the
MQL rule (fit and hand-raiser or intent) first holds. Everything is column arithmetic, no loop over rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.synthetic import catalog as cat
from accord.synthetic.people import SECONDS_PER_DAY, People

RULE_RUN_EVERY_S = 900  # the MQL rule runs on a schedule, so handoff lags the signal by up to 15 minutes
# Keys are lead * KEY_STRIDE + seconds since start, sortable as one int64; 2**36 s is over 2,000 years.
KEY_STRIDE = 2**36


@dataclass(frozen=True)
class Signals:
    """Marketing signals sorted by lead, then time; ``lead`` is a 0-based lead index."""

    lead: np.ndarray
    kind: np.ndarray
    at_s: np.ndarray
    detail: np.ndarray
    engagement: np.ndarray


@dataclass(frozen=True)
class Qualification:
    """Leads that became MQLs (0-based indices, ascending) and what qualified them."""

    lead: np.ndarray
    mql_at_s: np.ndarray
    intent_at_mql: np.ndarray
    is_hand_raiser: np.ndarray


def signal_detail_labels() -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """All detail texts, and per signal kind the offset and count of its own details."""
    labels: list[str] = []
    offsets, counts = [], []
    for kind in cat.SIGNAL_KINDS:
        offsets.append(len(labels))
        counts.append(len(cat.SIGNAL_DETAILS[kind]))
        labels.extend(cat.SIGNAL_DETAILS[kind])
    return tuple(labels), np.array(offsets), np.array(counts)


def segmented_positions(rng: np.random.Generator, counts: np.ndarray) -> np.ndarray:
    """Per group of ``counts[g]`` slots, sorted positions in [0, 1): uniform order statistics drawn as
    normalised exponential spacings, so no sort is needed. The first slot of each group is 0."""
    starts = np.cumsum(counts) - counts
    gaps = rng.exponential(size=int(counts.sum()))
    cumulative = np.cumsum(gaps)
    within = cumulative - np.repeat(cumulative[starts] - gaps[starts], counts)
    del cumulative
    group_total = np.add.reduceat(gaps, starts) + rng.exponential(size=len(counts))
    del gaps
    within /= np.repeat(group_total, counts)
    within[starts] = 0.0
    positions: np.ndarray = within
    return positions


def make_signals(
    rng: np.random.Generator, people: People, mean_signals_per_lead: float, as_of_s: int
) -> Signals:
    lead_count = len(people.account)
    engagement = rng.normal(size=lead_count)
    rate = np.exp(0.5 * engagement)
    rate *= max(mean_signals_per_lead - 1.0, 0.0) / rate.mean()
    counts = 1 + rng.poisson(rate)
    lead = np.repeat(np.arange(lead_count, dtype=np.int32), counts)
    span_s = (as_of_s - people.created_at_s).astype(np.float64)
    at_s = people.created_at_s[lead] + (segmented_positions(rng, counts) * span_s[lead]).astype(np.int64)
    buying_share = 1.0 / (1.0 + np.exp(-(1.3 * engagement - 1.5)))
    is_buying = rng.random(len(lead)) < buying_share[lead]
    draw = rng.random(len(lead))
    kind = np.where(
        is_buying,
        np.searchsorted(np.cumsum(cat.BUYING_MIX) / cat.BUYING_MIX.sum(), draw, side="right"),
        np.searchsorted(np.cumsum(cat.BROWSING_MIX) / cat.BROWSING_MIX.sum(), draw, side="right"),
    )
    kind = np.minimum(kind, len(cat.SIGNAL_KINDS) - 1).astype(np.int8)
    del is_buying, draw
    first_kind = np.array([cat.SIGNAL_KINDS.index(cat.FIRST_SIGNAL_BY_SOURCE[s]) for s in cat.SOURCES])
    kind[np.cumsum(counts) - counts] = first_kind[people.source]
    _, offsets, detail_counts = signal_detail_labels()
    pick = rng.integers(0, 1 << 30, len(lead))
    detail = (offsets[kind] + pick % detail_counts[kind]).astype(np.int16)
    return Signals(lead, kind, at_s, detail, engagement)


def intent_points(signals: Signals, created_at_s: np.ndarray) -> np.ndarray:
    """Intent (0-100) at each signal: points of the lead's signals in the last window, halved every
    half-life. Decay is factored as 2**(t_j/h) summed, times 2**(-t_i/h), measured from the lead's
    creation so the powers stay below 2**27 and a global cumulative sum stays exact to ~0.01 points."""
    half_life_s = cat.INTENT_HALF_LIFE_DAYS * SECONDS_PER_DAY
    window_s = cat.INTENT_WINDOW_DAYS * SECONDS_PER_DAY
    since_created_s = signals.at_s - created_at_s[signals.lead]
    growth = np.exp2(since_created_s / half_life_s)
    cumulative = np.cumsum(cat.SIGNAL_POINTS[signals.kind] * growth)
    key = signals.lead.astype(np.int64) * KEY_STRIDE + since_created_s + window_s
    window_start = np.searchsorted(key, key - window_s, side="left")
    before_window = np.where(window_start > 0, cumulative[np.maximum(window_start - 1, 0)], 0.0)
    intent: np.ndarray = np.minimum((cumulative - before_window) / growth, 100.0)
    return intent


def qualify(
    rng: np.random.Generator, signals: Signals, people: People, fit: np.ndarray, as_of_s: int
) -> Qualification:
    """The first signal at which fit >= MQL_MIN_FIT and (hand-raiser or intent >= MQL_MIN_INTENT), for
    leads without a personal e-mail address (the playbook's disqualify rule)."""
    intent = intent_points(signals, people.created_at_s)
    hand_raiser_codes = [cat.SIGNAL_KINDS.index(kind) for kind in cat.HAND_RAISER_KINDS]
    is_hand_raiser = np.isin(signals.kind, hand_raiser_codes)
    is_fit = (fit >= cat.MQL_MIN_FIT) & ~people.is_personal_email
    qualifying = np.flatnonzero(is_fit[signals.lead] & (is_hand_raiser | (intent >= cat.MQL_MIN_INTENT)))
    lead, first = np.unique(signals.lead[qualifying], return_index=True)
    at_signal = qualifying[first]
    mql_at_s = signals.at_s[at_signal] + rng.integers(60, RULE_RUN_EVERY_S, len(at_signal))
    in_year = mql_at_s <= as_of_s
    return Qualification(
        lead[in_year].astype(np.int64),
        mql_at_s[in_year],
        intent[at_signal][in_year],
        is_hand_raiser[at_signal][in_year],
    )
