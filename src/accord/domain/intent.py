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
    order = _lead_order(lead_id)
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


def _lead_order(lead_id: Int64s) -> Int64s:
    """Positions that group instants by lead, stably. Instants usually arrive grouped, or as a few
    grouped runs, which the stable (run-merging) sort handles in about one pass."""
    if bool(np.all(np.diff(lead_id) >= 0)):
        return np.arange(len(lead_id))
    return np.argsort(lead_id, kind="stable")


def _distinct_sorted(lead_id: Int64s) -> Int64s:
    """The distinct values of an array already sorted: one pass, where np.unique would sort again."""
    is_new = np.ones(len(lead_id), dtype=np.bool_)
    is_new[1:] = lead_id[1:] != lead_id[:-1]
    return lead_id[is_new]


def _signals_of(intent: Intent, activities: pl.DataFrame) -> _Signals:
    codes = {kind: code for code, kind in enumerate(intent.signals)}
    frame = (
        activities.lazy()
        .select(
            pl.col("lead_id").cast(pl.Int64),
            pl.col("kind").replace_strict(codes, default=-1, return_dtype=pl.Int16).alias("code"),
            pl.col("occurred_at").dt.convert_time_zone("UTC").dt.epoch("us").alias("t_us"),
        )
        .filter(pl.col("code") >= 0)
        .collect()
    )
    lead_id, code, t_us = frame["lead_id"].to_numpy(), frame["code"].to_numpy(), frame["t_us"].to_numpy()
    if not is_sorted_by_lead_and_time(lead_id, t_us):
        ordered = frame.sort("lead_id", "t_us")
        lead_id, code, t_us = (ordered[name].to_numpy() for name in ("lead_id", "code", "t_us"))
    return _Signals(lead_id, code, t_us)


def is_sorted_by_lead_and_time(lead_id: Int64s, t_us: Int64s) -> bool:
    """Reads arrive sorted (the database returns activities in its (lead, time) index order): then
    the sort, the costliest step at 20M rows, is skipped."""
    lead_step = np.diff(lead_id)
    return bool(np.all((lead_step > 0) | ((lead_step == 0) & (np.diff(t_us) >= 0))))


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
    leads = _distinct_sorted(lead_id)
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


def intent_upper_bounds(intent: Intent, instants: pl.DataFrame, activities: pl.DataFrame) -> pl.DataFrame:
    """A cheap upper bound of intent_at_instants' intent_millipoints, and its exact is_hand_raiser.

    Decay is factored as 2**(t_j/h) summed over the window (prefix sums from each lead's first
    signal), times 2**(-at/h): one pass over the signals instead of one per (instant, signal) pair.
    Each term of the exact sum is rounded by at most half a millipoint and the float error is far
    below one, so the bound adds both; per-signal caps only lower the exact sum."""
    signals = _signals_of(intent, activities)
    lead_id = instants["lead_id"].cast(pl.Int64).to_numpy()
    at_us = instants["at"].dt.convert_time_zone("UTC").dt.epoch("us").to_numpy()
    order = _lead_order(lead_id)
    upper, is_hand_raiser = _sorted_upper(intent, signals, lead_id[order], at_us[order])
    result_upper = np.empty_like(upper)
    result_upper[order] = upper
    result_hand_raiser = np.empty_like(is_hand_raiser)
    result_hand_raiser[order] = is_hand_raiser
    return pl.DataFrame(
        {
            "intent_millipoints": pl.Series(result_upper, dtype=pl.Int64),
            "is_hand_raiser": pl.Series(result_hand_raiser, dtype=pl.Boolean),
        }
    )


# Beyond this many half-lives between a lead's first signal and an instant, 2**x overflows float64's
# comfortable range; the bound then falls back to undecayed points.
MAX_FACTORED_HALF_LIVES = 900


def _sorted_upper(
    intent: Intent, signals: _Signals, lead_id: Int64s, at_us: Int64s
) -> tuple[Int64s, npt.NDArray[np.bool_]]:
    if len(lead_id) == 0 or len(signals.t_us) == 0:
        return np.zeros(len(lead_id), dtype=np.int64), np.zeros(len(lead_id), dtype=np.bool_)
    leads = _distinct_sorted(lead_id)
    signals, signal_rank = _of_leads(signals, leads)
    if len(signal_rank) == 0:
        return np.zeros(len(lead_id), dtype=np.int64), np.zeros(len(lead_id), dtype=np.bool_)
    instant_rank = np.searchsorted(leads, lead_id)
    window_us = intent.window_days * MICROSECONDS_PER_DAY
    low, high = _window_slices(signals, signal_rank, instant_rank, at_us, window_us)
    rules = _rules_of(intent)
    hand_raisers = np.concatenate([[0], np.cumsum(rules.is_hand_raiser[signals.code])])
    is_hand_raiser = (hand_raisers[high] - hand_raisers[low]) > 0
    points = rules.points[signals.code] * MILLIPOINTS_PER_POINT
    half_life_us = intent.half_life_days * MICROSECONDS_PER_DAY
    # Each lead's origin is its first signal (signals are sorted by lead, then time).
    is_first = np.ones(len(signal_rank), dtype=np.bool_)
    is_first[1:] = signal_rank[1:] != signal_rank[:-1]
    origin_us = signals.t_us[is_first][np.cumsum(is_first) - 1]
    has_window = high > low
    # An instant with signals in its window comes after its lead's first signal.
    since_origin = np.where(has_window, at_us - origin_us[np.minimum(low, len(origin_us) - 1)], 0)
    since_origin_half_lives = since_origin.astype(np.float64) / half_life_us
    signal_half_lives = (signals.t_us - origin_us).astype(np.float64) / half_life_us
    if max(float(since_origin_half_lives.max()), float(signal_half_lives.max())) < MAX_FACTORED_HALF_LIVES:
        grown = np.concatenate([[0.0], np.cumsum(points * np.exp2(signal_half_lives))])
        decayed = (grown[high] - grown[low]) * np.exp2(-since_origin_half_lives)
    else:
        undecayed = np.concatenate([[0], np.cumsum(points)])
        decayed = (undecayed[high] - undecayed[low]).astype(np.float64)
    upper = np.floor(decayed + 0.5 * (high - low) + 1.0)
    return np.clip(upper, 0, MAX_MILLIPOINTS).astype(np.int64), is_hand_raiser
