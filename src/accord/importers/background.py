"""Reading and parsing a large import file in a second process while this one writes to the database.

An import is two halves of about equal cost: reading and parsing the file, and applying the records
(look-ups and inserts). On a machine with two cores they can run at once: a forked child iterates the
plan's lazy streams and sends the records in order through a bounded queue; the importing process
applies them. Messages keep the stream order, so the importing process sees exactly the records it
would have parsed itself. A small file is parsed in place: starting a process would cost more.

The child never touches the database: it only reads the file. It is forked after the plan was made
(so file-level errors were already raised here) and stopped when the import ends, fails or is
interrupted; an error it meets while reading (bytes the encoding cannot read) is raised here."""

from __future__ import annotations

import multiprocessing
import queue
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue
from pathlib import Path

from accord.importers.canonical import CanonicalRecord, RecordKind, RowError
from accord.importers.encoding import ImportFileError
from accord.importers.plan import ImportPlan, RecordStream, plan_import

# Files smaller than this are parsed in the importing process (a second process pays off only for
# files that take seconds).
BACKGROUND_MIN_BYTES = 8 * 1024 * 1024
# Records per message, and messages that may wait: enough to keep the writer busy, few enough that
# memory stays bounded when the writer is the slower side.
MESSAGE_RECORDS = 1_000
WAITING_MESSAGES = 16
# How often the importing process, waiting for records, checks that the child is still alive.
ALIVE_CHECK_SECONDS = 1.0

Item = CanonicalRecord | RowError


@dataclass(frozen=True)
class _Message:
    stream: int  # index in the plan's streams; -1 once everything was sent
    items: list[Item]
    bytes_read: int
    error: Exception | None = None


@contextmanager
def planned_import(
    kind: RecordKind,
    path: Path,
    *,
    mapping_path: Path | None = None,
    now: datetime,
    join_paths: dict[str, Path] | None = None,
    min_background_bytes: int = BACKGROUND_MIN_BYTES,
) -> Iterator[ImportPlan]:
    """plan_import (file-level errors raise here), parsed in a second process when the files are at
    least ``min_background_bytes``; the process is stopped when the block ends."""
    plan = plan_import(kind, path, mapping_path=mapping_path, now=now, join_paths=join_paths)
    if plan.total_bytes < min_background_bytes or "fork" not in multiprocessing.get_all_start_methods():
        yield plan
        return
    context = multiprocessing.get_context("fork")
    messages: Queue[_Message] = context.Queue(maxsize=WAITING_MESSAGES)
    child = context.Process(
        target=_send_records, args=(plan, messages), name="accord-import-parser", daemon=True
    )
    child.start()
    try:
        yield _Receiver(plan, child, messages).plan()
    finally:
        _stop(child, messages)


def _send_records(plan: ImportPlan, messages: Queue[_Message]) -> None:
    """In the child: every stream's items in order, then an end message (or the error met)."""
    try:
        for index, stream in enumerate(plan.streams):
            iterator = iter(stream.records)
            while items := list(islice(iterator, MESSAGE_RECORDS)):
                messages.put(_Message(index, items, plan.bytes_read()))
        messages.put(_Message(-1, [], plan.total_bytes))
    except Exception as exc:  # noqa: BLE001 - any failure is handed to the importing process to raise
        messages.put(_Message(-1, [], plan.bytes_read(), _picklable(exc)))


def _picklable(exc: Exception) -> Exception:
    if isinstance(exc, ImportFileError):
        return ImportFileError(str(exc))
    return ImportFileError(f"reading the file failed: {type(exc).__name__}: {exc}")


class _Receiver:
    """The importing process's side: streams that read the child's messages in order."""

    def __init__(self, sent: ImportPlan, child: BaseProcess, messages: Queue[_Message]) -> None:
        self.sent = sent
        self.child = child
        self.messages = messages
        self.bytes_read = 0
        self.held: _Message | None = None  # a message for a later stream, read while finishing one

    def plan(self) -> ImportPlan:
        streams = [
            RecordStream(stream.kind, stream.source_name, self.records(index))
            for index, stream in enumerate(self.sent.streams)
        ]
        return ImportPlan(streams, self.sent.total_bytes, lambda: self.bytes_read)

    def records(self, index: int) -> Iterator[Item]:
        while True:
            message = self.held or self.receive()
            self.held = None
            if message.error is not None:
                raise message.error
            if message.stream != index:
                self.held = message  # the next stream's first records, or the end
                return
            self.bytes_read = message.bytes_read
            yield from message.items

    def receive(self) -> _Message:
        while True:
            try:
                message = self.messages.get(timeout=ALIVE_CHECK_SECONDS)
            except queue.Empty:
                if not self.child.is_alive():
                    raise ImportFileError(
                        f"the process reading the file stopped unexpectedly (exit code {self.child.exitcode})"
                    ) from None
                continue
            if message.stream == -1 and message.error is None:
                self.bytes_read = message.bytes_read
            return message


def _stop(child: BaseProcess, messages: Queue[_Message]) -> None:
    if child.is_alive():
        child.terminate()
    child.join(timeout=10)
    messages.close()
    messages.cancel_join_thread()
