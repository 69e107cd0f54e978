"""Intent at instants: each evaluation instant (lead, at) scored from that lead's signals in the window
before it, decayed, capped per signal and in total. Bulk scoring (one instant per lead, at now) and the
backtest (an instant per signal) share it; the live path calls the same two numpy functions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from accord.domain.playbook.schema import Intent

MILLIPOINTS_PER_POINT = 1000
MAX_SCORE = 100
MAX_MILLIPOINTS = MAX_SCORE * MILLIPOINTS_PER_POINT
MICROSECONDS_PER_DAY = 86_400_000_000
# Search keys pack (lead, time) into one int64: lead id less the block's first, times a stride, plus
# microseconds.
KEY_LIMIT = 2**62
# The kernels run block by block of whole leads so that every temporary is a few MB that the allocator
# reuses: on this machine (a Firecracker VM) touching fresh memory costs about 2.5 ms per MB, measured
# at 0.4 s for one new 21M-element array against 0.02 s for a reused one, which made 20M-row passes
# cost ten times their arithmetic. Instants per block, and instant-signal pairs per block (~6 arrays
# of 8 bytes each, about 50 MB).
INSTANTS_PER_BLOCK = 1 << 20
PAIRS_PER_BLOCK = 1_000_000

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
    return _per_instant(intent, instants, activities, _block_intent)


def intent_upper_bounds(intent: Intent, instants: pl.DataFrame, activities: pl.DataFrame) -> pl.DataFrame:
    """A cheap upper bound of intent_at_instants' intent_millipoints, and its exact is_hand_raiser.

    Decay is factored as 2**(t_j/h) summed over the window (prefix sums from each lead's first
    signal), times 2**(-at/h): one pass over the signals instead of one per (instant, signal) pair.
    Each term of the exact sum is rounded by at most half a millipoint and the float error is far
    below one, so the bound adds both; per-signal caps only lower the exact sum."""
    return _per_instant(intent, instants, activities, _block_upper)


@dataclass(frozen=True)
class _Block:
    """Whole leads' instants (sorted by lead) and their signals (sorted by lead, then time), with the
    window of each instant as a slice [low, high) of the block's signals."""

    signals: _Signals
    at_us: Int64s
    low: Int64s
    high: Int64s


BlockKernel = Callable[[Intent, _Rules, _Block], tuple[Int64s, npt.NDArray[np.bool_]]]


def _per_instant(
    intent: Intent, instants: pl.DataFrame, activities: pl.DataFrame, kernel: BlockKernel
) -> pl.DataFrame:
    """The kernel's result for each instant, in instants' order, block by block of whole leads."""
    lead_id = instants["lead_id"].cast(pl.Int64).to_numpy()
    at_us = instants["at"].dt.convert_time_zone("UTC").dt.epoch("us").to_numpy()
    millipoints = np.zeros(len(lead_id), dtype=np.int64)
    is_hand_raiser = np.zeros(len(lead_id), dtype=np.bool_)
    if len(lead_id):
        window_us = intent.window_days * MICROSECONDS_PER_DAY
        # Only signals inside some instant's window can count: at - window < occurred_at <= at.
        signals = _signals_of(intent, activities, int(at_us.min()) - window_us, int(at_us.max()))
        order = _lead_order(lead_id)
        sorted_lead_id = lead_id if order is None else lead_id[order]
        sorted_at_us = at_us if order is None else at_us[order]
        rules = _rules_of(intent)
        for instant_slice, block in _blocks(signals, sorted_lead_id, sorted_at_us, window_us):
            block_millipoints, block_hand_raiser = kernel(intent, rules, block)
            target = instant_slice if order is None else order[instant_slice]
            millipoints[target] = block_millipoints
            is_hand_raiser[target] = block_hand_raiser
    return pl.DataFrame(
        {
            "intent_millipoints": pl.Series(millipoints, dtype=pl.Int64),
            "is_hand_raiser": pl.Series(is_hand_raiser, dtype=pl.Boolean),
        }
    )


def _lead_order(lead_id: Int64s) -> Int64s | None:
    """Positions that group instants by lead, stably; None when they already are. Instants usually
    arrive grouped, or as a few grouped runs, which the stable (run-merging) sort handles in about
    one pass."""
    if bool(np.all(lead_id[1:] >= lead_id[:-1])):
        return None
    return np.argsort(lead_id, kind="stable")


def _signals_of(intent: Intent, activities: pl.DataFrame, after_us: int, until_us: int) -> _Signals:
    """The signals with after_us < occurred_at <= until_us, sorted by (lead, time)."""
    codes = {kind: code for code, kind in enumerate(intent.signals)}
    frame = (
        activities.lazy()
        .select(
            pl.col("lead_id").cast(pl.Int64),
            pl.col("kind"),
            pl.col("occurred_at").dt.convert_time_zone("UTC").dt.epoch("us").alias("t_us"),
        )
        .filter((pl.col("t_us") > after_us) & (pl.col("t_us") <= until_us))
        .select(
            "lead_id",
            pl.col("kind").replace_strict(codes, default=-1, return_dtype=pl.Int16).alias("code"),
            "t_us",
        )
        .filter(pl.col("code") >= 0)
        .collect()
    )
    if not is_sorted_by_lead_and_time(frame):
        frame = frame.sort("lead_id", "t_us")
    return _Signals(frame["lead_id"].to_numpy(), frame["code"].to_numpy(), frame["t_us"].to_numpy())


def is_sorted_by_lead_and_time(frame: pl.DataFrame) -> bool:
    """Reads arrive sorted (the database returns activities in its (lead, time) index order): then
    the sort, the costliest step at 20M rows, is skipped."""
    lead_step = pl.col("lead_id").diff()
    in_order = (lead_step > 0) | ((lead_step == 0) & (pl.col("t_us").diff() >= 0))
    return bool(frame.select(in_order.all()).item())


def _rules_of(intent: Intent) -> _Rules:
    signals = list(intent.signals.values())
    return _Rules(
        points=np.array([s.points for s in signals], dtype=np.int64),
        cap_millipoints=np.array(
            [-1 if s.max is None else s.max * MILLIPOINTS_PER_POINT for s in signals], dtype=np.int64
        ),
        is_hand_raiser=np.array([s.hand_raiser for s in signals], dtype=np.bool_),
    )


def _blocks(
    signals: _Signals, lead_id: Int64s, at_us: Int64s, window_us: int
) -> Iterator[tuple[slice, _Block]]:
    """Blocks of whole leads (instants sorted by lead): at most INSTANTS_PER_BLOCK instants unless
    one lead has more, and lead ids close enough that (lead id - the block's first) * stride +
    microseconds fits a search key. Each instant's window is found by two searches of those keys."""
    if len(signals.t_us) == 0:
        return
    origin_us = min(int(signals.t_us.min()), int(at_us.min()) - window_us)
    stride = max(int(signals.t_us.max()), int(at_us.max())) - origin_us + 1
    leads_per_key = max(1, KEY_LIMIT // stride)
    start = 0
    while start < len(lead_id):
        first = int(lead_id[start])
        stop = min(
            start + INSTANTS_PER_BLOCK,
            int(np.searchsorted(lead_id, first + leads_per_key, side="left")),
        )
        if stop < len(lead_id):  # back to the start of the lead cut in two, or past a lead that big
            boundary = int(np.searchsorted(lead_id, lead_id[stop], side="left"))
            stop = boundary if boundary > start else int(np.searchsorted(lead_id, first, side="right"))
        s0 = int(np.searchsorted(signals.lead_id, first, side="left"))
        s1 = int(np.searchsorted(signals.lead_id, lead_id[stop - 1], side="right"))
        block_signals = _Signals(signals.lead_id[s0:s1], signals.code[s0:s1], signals.t_us[s0:s1])
        keys = (block_signals.lead_id - first) * stride + (block_signals.t_us - origin_us)
        instant_keys = (lead_id[start:stop] - first) * stride + (at_us[start:stop] - origin_us)
        high = np.searchsorted(keys, instant_keys, side="right")
        low = np.searchsorted(keys, instant_keys - window_us, side="right")
        yield slice(start, stop), _Block(block_signals, at_us[start:stop], low, high)
        start = stop


def _block_intent(intent: Intent, rules: _Rules, block: _Block) -> tuple[Int64s, npt.NDArray[np.bool_]]:
    """Exact intent: the (instant, signal) pairs of each window scored, PAIRS_PER_BLOCK at a time."""
    instant_count = len(block.at_us)
    millipoints = np.zeros(instant_count, dtype=np.int64)
    is_hand_raiser = np.zeros(instant_count, dtype=np.bool_)
    counts = block.high - block.low
    pairs_before = np.concatenate([[0], np.cumsum(counts)])
    start = 0
    while start < instant_count:
        stop = int(np.searchsorted(pairs_before, pairs_before[start] + PAIRS_PER_BLOCK, side="right")) - 1
        stop = min(max(stop, start + 1), instant_count)
        part = slice(start, stop)
        millipoints[part], is_hand_raiser[part] = _score_pairs(
            intent, rules, block.signals, block.low[part], counts[part], block.at_us[part]
        )
        start = stop
    return millipoints, is_hand_raiser


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


# Beyond this many half-lives between a lead's first signal and an instant, 2**x overflows float64's
# comfortable range; the bound then falls back to undecayed points.
MAX_FACTORED_HALF_LIVES = 900


def _block_upper(intent: Intent, rules: _Rules, block: _Block) -> tuple[Int64s, npt.NDArray[np.bool_]]:
    signals, low, high = block.signals, block.low, block.high
    if len(signals.t_us) == 0:
        return np.zeros(len(low), dtype=np.int64), np.zeros(len(low), dtype=np.bool_)
    hand_raisers = np.concatenate([[0], np.cumsum(rules.is_hand_raiser[signals.code])])
    is_hand_raiser = (hand_raisers[high] - hand_raisers[low]) > 0
    points = rules.points[signals.code] * MILLIPOINTS_PER_POINT
    half_life_us = intent.half_life_days * MICROSECONDS_PER_DAY
    # Each lead's origin is its first signal (signals are sorted by lead, then time).
    is_first = np.ones(len(signals.lead_id), dtype=np.bool_)
    is_first[1:] = signals.lead_id[1:] != signals.lead_id[:-1]
    origin_us = signals.t_us[is_first][np.cumsum(is_first) - 1]
    has_window = high > low
    # An instant with signals in its window comes after its lead's first signal.
    since_origin = np.where(has_window, block.at_us - origin_us[np.minimum(low, len(origin_us) - 1)], 0)
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
