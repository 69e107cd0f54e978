"""Duplicate keys within one record stream, in memory that stays small for files of millions of rows.

A dict of every key to its first line held each key's text: about 125 bytes a row (measured), 2.5 GB for a
file of 20 million activities. Here each key is kept as its 64-bit hash and its first line (12 bytes a row),
in sorted numpy runs merged like a binary counter up to a size limit. A run that reached the limit is
written to a temporary file (12 MB each) and searched through a memory map whose pages are handed back
to the system after each search, so the process holds at most one limit's worth of runs in memory
whatever the file's size; the rest sits in the page cache and on disk (240 MB at 20 million rows).
Records wait in a bounded buffer so that the runs are searched once per block, not once per row;
output order is input order.

Trade-off: two different keys with the same 64-bit hash would make the later row a (false) duplicate.
For n keys in one file that happens with probability about n² / 2⁶⁵: 1 in 90,000 for a file of
20 million rows, 1 in 4·10⁹ for 100,000; the rejected row names the line it was taken to repeat, so
such a rejection can be checked."""

from __future__ import annotations

import mmap
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from accord.importers.canonical import CanonicalRecord, RowError

# Distinct keys waiting in a dict before they are merged into the sorted runs; the records of those
# rows wait with them (about 1 KiB each: 16 MiB at most, whatever the file's size).
PENDING_KEYS = 16_384
# The first block is small and each next one twice the size, up to PENDING_KEYS, so that the first
# records come out after a few hundred rows have been read, not thousands.
FIRST_BLOCK_KEYS = 256
# Runs stop merging at this size (12 MiB), so a merge never copies more than that at once; a run of
# at least half of it is moved to disk. A file of 20 million rows keeps about 25 runs on disk, each
# searched once per block.
MAX_RUN_KEYS = 1024 * 1024


@dataclass(frozen=True)
class _Repeat:
    """A row whose key an earlier row of the same pending block already had."""

    line: int
    key_field: str
    key: str
    digest: int


@dataclass(frozen=True)
class _Run:
    digests: np.ndarray  # int64, sorted
    lines: np.ndarray  # uint32, the first line of each digest
    # For a run on disk: the map its arrays view, whose pages are released after each search.
    mapped: mmap.mmap | None = None

    def release(self) -> None:
        if self.mapped is not None:
            self.mapped.madvise(mmap.MADV_DONTNEED)


def _on_disk(run: _Run) -> _Run:
    """The run written to an unnamed temporary file (gone when closed) and read back through a map."""
    with tempfile.TemporaryFile(prefix="accord-seen-keys-") as handle:
        run.digests.tofile(handle)
        run.lines.tofile(handle)
        handle.flush()
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    count = len(run.digests)
    digests = np.frombuffer(mapped, dtype=np.int64, count=count)
    lines = np.frombuffer(mapped, dtype=np.uint32, count=count, offset=8 * count)
    return _Run(digests, lines, mapped)


class SeenKeys:
    """Feed it the stream's items in order with ``add_all``; when it says the buffer is full, and at
    the end, ``flush`` gives them back in the same order, every row that repeats an earlier
    row's key (as ``identity`` gives it) turned into a RowError naming the first line."""

    def __init__(self, identity: Callable[[CanonicalRecord], tuple[str, str]]) -> None:
        self._identity = identity
        self._pending: dict[int, int] = {}  # digest → first line, not merged yet
        self._buffer: list[CanonicalRecord | RowError | _Repeat] = []
        self._digests: list[int | None] = []  # per buffered item; None for a RowError
        self._runs: list[_Run] = []
        self._block_size = FIRST_BLOCK_KEYS

    def add_all(self, items: list[CanonicalRecord | RowError]) -> bool:
        """Buffer a parsed block, records and errors in order; True when the buffer is full."""
        identity, pending = self._identity, self._pending
        buffer, digests = self._buffer, self._digests
        for item in items:
            if isinstance(item, RowError):
                buffer.append(item)
                digests.append(None)
                continue
            key_field, key = identity(item)
            digest = hash(key)
            if digest in pending:
                buffer.append(_Repeat(item.line, key_field, key, digest))
            else:
                pending[digest] = item.line
                buffer.append(item)
            digests.append(digest)
        return len(buffer) >= self._block_size

    def flush(self) -> Iterator[CanonicalRecord | RowError]:
        """Everything buffered, in input order, with repeats resolved; the pending keys become a run."""
        if not self._buffer:
            return
        pending = self._pending
        digests = np.fromiter(pending.keys(), dtype=np.int64, count=len(pending))
        lines = np.fromiter(pending.values(), dtype=np.uint32, count=len(pending))
        earlier, is_new = self._search(digests)
        buffer, buffer_digests = self._buffer, self._digests
        self._buffer, self._digests, self._pending = [], [], {}
        self._block_size = min(2 * self._block_size, PENDING_KEYS)
        self._store(digests[is_new], lines[is_new])
        for item, digest in zip(buffer, buffer_digests, strict=True):
            if isinstance(item, _Repeat):
                first = earlier.get(item.digest, pending[item.digest])
                yield _duplicate(item.line, item.key_field, item.key, first)
            elif digest is not None and earlier and digest in earlier and not isinstance(item, RowError):
                key_field, key = self._identity(item)
                yield _duplicate(pending[digest], key_field, key, earlier[digest])
            else:
                yield item

    def _search(self, digests: np.ndarray) -> tuple[dict[int, int], np.ndarray]:
        """The digests some earlier block had (digest → its first line), and a mask of the others."""
        earlier: dict[int, int] = {}
        is_new = np.ones(len(digests), dtype=bool)
        # Sorted needles touch each run's pages in order, once.
        order = np.argsort(digests)
        needles = digests[order]
        for run in self._runs:
            positions = np.minimum(np.searchsorted(run.digests, needles), len(run.digests) - 1)
            hits = run.digests[positions] == needles
            if hits.any():
                is_new[order[hits]] = False
                found = zip(needles[hits].tolist(), run.lines[positions[hits]].tolist(), strict=True)
                earlier.update(found)
            run.release()
        return earlier, is_new

    def _store(self, digests: np.ndarray, lines: np.ndarray) -> None:
        if not len(digests):
            return
        order = np.argsort(digests)
        self._runs.append(_Run(digests[order], lines[order]))
        # Merge while the last run is at least half the size of the one before: O(log n) runs, and
        # each key is copied O(log n) times in all.
        while (
            len(self._runs) >= 2
            and 2 * len(self._runs[-1].digests) >= len(self._runs[-2].digests)
            and len(self._runs[-1].digests) + len(self._runs[-2].digests) <= MAX_RUN_KEYS
        ):
            newer, older = self._runs.pop(), self._runs.pop()
            positions = np.searchsorted(older.digests, newer.digests)
            self._runs.append(
                _Run(
                    np.insert(older.digests, positions, newer.digests),
                    np.insert(older.lines, positions, newer.lines),
                )
            )
        if len(self._runs[-1].digests) >= MAX_RUN_KEYS // 2:
            self._runs[-1] = _on_disk(self._runs[-1])


def _duplicate(line: int, key_field: str, key: str, first: int) -> RowError:
    return RowError(line, key_field, key, f"duplicate {key_field}: first seen on line {first}")
