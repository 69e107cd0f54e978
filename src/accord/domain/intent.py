"""Intent at instants: each evaluation instant (lead, at) scored from that lead's signals in the window
before it, decayed, capped per signal and in total. Bulk scoring (one instant per lead, at now) and the
backtest (an instant per signal) share it; the live path calls the same two numpy functions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from accord.domain.playbook.schema import Intent

MILLIPOINTS_PER_POINT = 1000
MAX_SCORE = 100
MAX_MILLIPOINTS = MAX_SCORE * MILLIPOINTS_PER_POINT
MICROSECONDS_PER_DAY = 86_400_000_000
# Search keys pack (lead, time) into one int64: lead rank times a stride, plus microseconds.
KEY_LIMIT = 2**62
# Instant-signal pairs held at once: ~6 arrays of 8 bytes each, so about 400 MB per block.
PAIRS_PER_BLOCK = 8_000_000

Int64s = npt.NDArray[np.int64]


def decayed_millipoints(points: Int64s, age_us: Int64s, half_life_days: float) -> Int64s:
    """Each signal's points halved every half-life, rounded to whole millipoints (shared by all paths)."""
    half_lives = age_us.astype(np.float64) / (half_life_days * MICROSECONDS_PER_DAY)
    return np.rint(points * MILLIPOINTS_PER_POINT * np.exp2(-half_lives)).astype(np.int64)


def in_window(age_us: Int64s, window_days: int) -> npt.NDArray[np.bool_]:
    """An activity counts from the moment it happened until window_days later (future ones never)."""
    return (age_us >= 0) & (age_us < window_days * MICROSECONDS_PER_DAY)


@dataclass(frozen=True)
class _Signals:
    """A playbook's signal activities sorted by (lead, time), kinds as codes into ``intent.signals``."""

    lead_id: Int64s
    code: npt.NDArray[np.int16]
    t_us: Int64s


@dataclass(frozen=True)
class _Rules:
    points: Int64s
    cap_millipoints: Int64s  # -1: no cap
    is_hand_raiser: npt.NDArray[np.bool_]


def intent_at_instants(intent: Intent, instants: pl.DataFrame, activities: pl.DataFrame) -> pl.DataFrame:
    """``instants`` has lead_id and at (UTC); ``activities`` has lead_id, kind and occurred_at (UTC).

    Returns intent_millipoints (Int64) and is_hand_raiser, one row per instant in instants' order: the
    signals with 0 <= at - occurred_at < window, each decayed to whole millipoints, summed per kind,
    each kind capped at its max, the total capped at 100 points — the rule score_lead applies."""
    signals = _signals_of(intent, activities)
    lead_id = instants["lead_id"].cast(pl.Int64).to_numpy()
    at_us = instants["at"].dt.convert_time_zone("UTC").dt.epoch("us").to_numpy()
    order = np.argsort(lead_id, kind="stable")
    millipoints, is_hand_raiser = _sorted_intent(intent, signals, lead_id[order], at_us[order])
    result_millipoints = np.empty_like(millipoints)
    result_millipoints[order] = millipoints
    result_hand_raiser = np.empty_like(is_hand_raiser)
    result_hand_raiser[order] = is_hand_raiser
    return pl.DataFrame(
        {
            "intent_millipoints": pl.Series(result_millipoints, dtype=pl.Int64),
            "is_hand_raiser": pl.Series(result_hand_raiser, dtype=pl.Boolean),
        }
    )


def _signals_of(intent: Intent, activities: pl.DataFrame) -> _Signals:
    codes = {kind: code for code, kind in enumerate(intent.signals)}
    kind = pl.col("kind").cast(pl.String)
    frame = (
        activities.lazy()
        .filter(kind.is_in(list(codes)))
        .select(
            pl.col("lead_id").cast(pl.Int64),
            kind.replace_strict(codes, return_dtype=pl.Int16).alias("code"),
            pl.col("occurred_at").dt.convert_time_zone("UTC").dt.epoch("us").alias("t_us"),
        )
        .sort("lead_id", "t_us")
        .collect()
    )
    return _Signals(frame["lead_id"].to_numpy(), frame["code"].to_numpy(), frame["t_us"].to_numpy())


def _rules_of(intent: Intent) -> _Rules:
    signals = list(intent.signals.values())
    return _Rules(
        points=np.array([s.points for s in signals], dtype=np.int64),
        cap_millipoints=np.array(
            [-1 if s.max is None else s.max * MILLIPOINTS_PER_POINT for s in signals], dtype=np.int64
        ),
        is_hand_raiser=np.array([s.hand_raiser for s in signals], dtype=np.bool_),
    )


def _sorted_intent(
    intent: Intent, signals: _Signals, lead_id: Int64s, at_us: Int64s
) -> tuple[Int64s, npt.NDArray[np.bool_]]:
    """Intent for instants sorted by lead: find each instant's window as a slice of the sorted
    signals, then score the (instant, signal) pairs block by block."""
    millipoints = np.zeros(len(lead_id), dtype=np.int64)
    is_hand_raiser = np.zeros(len(lead_id), dtype=np.bool_)
    if len(lead_id) == 0 or len(signals.t_us) == 0:
        return millipoints, is_hand_raiser
    leads = np.unique(lead_id)
    signals, signal_rank = _of_leads(signals, leads)
    window_us = intent.window_days * MICROSECONDS_PER_DAY
    low, high = _window_slices(signals, signal_rank, np.searchsorted(leads, lead_id), at_us, window_us)
    counts = high - low
    pairs_before = np.concatenate([[0], np.cumsum(counts)])
    rules = _rules_of(intent)
    start = 0
    while start < len(lead_id):
        stop = int(np.searchsorted(pairs_before, pairs_before[start] + PAIRS_PER_BLOCK, side="right")) - 1
        stop = min(max(stop, start + 1), len(lead_id))
        block = slice(start, stop)
        millipoints[block], is_hand_raiser[block] = _score_pairs(
            intent, rules, signals, low[block], counts[block], at_us[block]
        )
        start = stop
    return millipoints, is_hand_raiser


def _of_leads(signals: _Signals, leads: Int64s) -> tuple[_Signals, Int64s]:
    """The signals of these (sorted, unique) leads, and each one's lead rank in ``leads``."""
    position = np.minimum(np.searchsorted(leads, signals.lead_id), len(leads) - 1)
    keep = leads[position] == signals.lead_id
    kept = _Signals(signals.lead_id[keep], signals.code[keep], signals.t_us[keep])
    return kept, position[keep]


def _window_slices(
    signals: _Signals, signal_rank: Int64s, instant_rank: Int64s, at_us: Int64s, window_us: int
) -> tuple[Int64s, Int64s]:
    """For each instant, the signals [low, high) of its lead with at - window < occurred_at <= at."""
    if len(signal_rank) == 0:
        return np.zeros(len(instant_rank), dtype=np.int64), np.zeros(len(instant_rank), dtype=np.int64)
    origin_us = min(int(signals.t_us.min()), int(at_us.min()) - window_us)
    stride = max(int(signals.t_us.max()), int(at_us.max())) - origin_us + 1
    leads_per_chunk = max(1, KEY_LIMIT // stride)
    low = np.empty(len(instant_rank), dtype=np.int64)
    high = np.empty(len(instant_rank), dtype=np.int64)
    for first_rank in range(0, int(instant_rank[-1]) + 1, leads_per_chunk):
        ranks = np.array([first_rank, first_rank + leads_per_chunk])
        s0, s1 = np.searchsorted(signal_rank, ranks)
        i0, i1 = np.searchsorted(instant_rank, ranks)
        keys = (signal_rank[s0:s1] - first_rank) * stride + (signals.t_us[s0:s1] - origin_us)
        instant_keys = (instant_rank[i0:i1] - first_rank) * stride + (at_us[i0:i1] - origin_us)
        high[i0:i1] = s0 + np.searchsorted(keys, instant_keys, side="right")
        low[i0:i1] = s0 + np.searchsorted(keys, instant_keys - window_us, side="right")
    return low, high


def _score_pairs(
    intent: Intent, rules: _Rules, signals: _Signals, low: Int64s, counts: Int64s, at_us: Int64s
) -> tuple[Int64s, npt.NDArray[np.bool_]]:
    instant_count = len(counts)
    pair_instant = np.repeat(np.arange(instant_count), counts)
    first_pair = np.cumsum(counts) - counts
    pair_signal = np.repeat(low - first_pair, counts) + np.arange(len(pair_instant))
    code = signals.code[pair_signal]
    age_us = at_us[pair_instant] - signals.t_us[pair_signal]
    contribution = decayed_millipoints(rules.points[code], age_us, intent.half_life_days)
    # Sums of whole millipoints stay far below 2**53, so float64 bincount sums are exact.
    is_capped = rules.cap_millipoints[code] >= 0
    total = np.bincount(
        pair_instant[~is_capped], weights=contribution[~is_capped], minlength=instant_count
    ).astype(np.float64)
    for capped_code in np.flatnonzero(rules.cap_millipoints >= 0):
        mask = code == capped_code
        subtotal = np.bincount(pair_instant[mask], weights=contribution[mask], minlength=instant_count)
        total += np.minimum(subtotal, rules.cap_millipoints[capped_code])
    raised = np.bincount(pair_instant, weights=rules.is_hand_raiser[code], minlength=instant_count) > 0
    return np.clip(total, 0, MAX_MILLIPOINTS).astype(np.int64), raised
