"""Duplicate keys in a stream: the compact hashed runs give exactly what a dict of every key gives,
across block boundaries and merges, in input order."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.importers import seen_keys
from accord.importers.canonical import ActivityRecord, CanonicalRecord, RowError
from accord.importers.seen_keys import SeenKeys

AT = datetime(2026, 1, 1, tzinfo=UTC)


def identity(record: CanonicalRecord) -> tuple[str, str]:
    assert isinstance(record, ActivityRecord)
    return "external_id", record.external_id


def expected(items: list[str | None]) -> list[tuple[int, str]]:
    """What the old dict of every key gave: (line, 'ok' | 'error' | 'duplicate of N')."""
    first_line_of: dict[str, int] = {}
    out: list[tuple[int, str]] = []
    for line, key in enumerate(items, start=2):
        if key is None:
            out.append((line, "error"))
            continue
        first = first_line_of.setdefault(key, line)
        out.append((line, "ok" if first == line else f"duplicate of {first}"))
    return out


def run(items: list[str | None]) -> list[tuple[int, str]]:
    seen = SeenKeys(identity)
    out: list[CanonicalRecord | RowError] = []
    for line, key in enumerate(items, start=2):
        item: CanonicalRecord | RowError = (
            RowError(line, "kind", "", "bad")
            if key is None
            else ActivityRecord(line=line, external_id=key, kind="call", occurred_at=AT)
        )
        if seen.add_all([item]):
            out.extend(seen.flush())
    out.extend(seen.flush())
    described: list[tuple[int, str]] = []
    for item in out:
        if isinstance(item, ActivityRecord):
            described.append((item.line, "ok"))
        elif isinstance(item, RowError) and item.reason.startswith("duplicate external_id"):
            described.append((item.line, f"duplicate of {item.reason.rsplit(' ', 1)[1]}"))
        else:
            described.append((item.line, "error"))
    return described


@pytest.mark.parametrize("block", [1, 2, 3, 7])
@settings(max_examples=60, deadline=None)
@given(items=st.lists(st.one_of(st.none(), st.sampled_from("abcdefghij")), max_size=60))
def test_same_outcome_as_a_dict_of_every_key(block: int, items: list[str | None]) -> None:
    original = (seen_keys.PENDING_KEYS, seen_keys.FIRST_BLOCK_KEYS, seen_keys.MAX_RUN_KEYS)
    # Small blocks and a small run limit: many blocks, merges and unmerged runs in a short stream.
    seen_keys.PENDING_KEYS, seen_keys.FIRST_BLOCK_KEYS, seen_keys.MAX_RUN_KEYS = 2 * block, block, 4 * block
    try:
        assert run(items) == expected(items)
    finally:
        seen_keys.PENDING_KEYS, seen_keys.FIRST_BLOCK_KEYS, seen_keys.MAX_RUN_KEYS = original


def test_many_distinct_keys_and_a_late_repeat() -> None:
    items: list[str | None] = [f"act-{n}" for n in range(100_000)] + ["act-17", "act-99999"]
    result = run(items)
    assert result[-2:] == [(100_002, "duplicate of 19"), (100_003, "duplicate of 100001")]
    assert all(outcome == "ok" for _, outcome in result[:-2])


def test_runs_past_the_limit_move_to_disk_and_repeats_are_still_found_there() -> None:
    original = (seen_keys.PENDING_KEYS, seen_keys.FIRST_BLOCK_KEYS, seen_keys.MAX_RUN_KEYS)
    seen_keys.PENDING_KEYS, seen_keys.FIRST_BLOCK_KEYS, seen_keys.MAX_RUN_KEYS = 500, 500, 2_000
    try:
        seen = SeenKeys(identity)
        for start in range(0, 50_000, 500):
            block: list[CanonicalRecord | RowError] = [
                ActivityRecord(line=n + 2, external_id=f"act-{n}", kind="call", occurred_at=AT)
                for n in range(start, start + 500)
            ]
            if seen.add_all(block):
                list(seen.flush())
        in_memory = [len(run.digests) for run in seen._runs if run.mapped is None]
        on_disk = [len(run.digests) for run in seen._runs if run.mapped is not None]
        assert sum(in_memory) < 2_000, "memory holds less than one limit's worth of keys"
        assert sum(on_disk) + sum(in_memory) == 50_000 and len(on_disk) >= 20
        repeats: list[CanonicalRecord | RowError] = [
            ActivityRecord(line=50_002, external_id="act-17", kind="call", occurred_at=AT),
            ActivityRecord(line=50_003, external_id="act-49999", kind="call", occurred_at=AT),
        ]
        seen.add_all(repeats)
        reasons = [item.reason for item in seen.flush() if isinstance(item, RowError)]
        assert reasons == [
            "duplicate external_id: first seen on line 19",
            "duplicate external_id: first seen on line 50001",
        ]
    finally:
        seen_keys.PENDING_KEYS, seen_keys.FIRST_BLOCK_KEYS, seen_keys.MAX_RUN_KEYS = original
