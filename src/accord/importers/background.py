"""Reading and parsing a large import file in a second process while this one writes to the database.

An import is two halves of about equal cost: reading and parsing the file, and applying the records
(look-ups and inserts). On a machine with two cores they can run at once: a forked child iterates the
plan's lazy streams and sends the records in order, pickled, through a pipe; the importing process
applies them. Messages keep the stream order, so the importing process sees exactly the records it
would have parsed itself. A small file is parsed in place: starting a process would cost more.

The child never touches the database: it only reads the file. It is forked after the plan was made
(so file-level errors were already raised here) and stopped when the import ends, fails or is
interrupted; an error it meets while reading (bytes the encoding cannot read) is raised here."""

from __future__ import annotations

import fcntl
import multiprocessing
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from accord.importers.canonical import CanonicalRecord, RecordKind, RowError
from accord.importers.encoding import ImportFileError
from accord.importers.plan import ImportPlan, RecordStream, plan_import

# Files smaller than this are parsed in the importing process (a second process pays off only for
# files that take seconds).
BACKGROUND_MIN_BYTES = 8 * 1024 * 1024
# Records per message: about 80 KB of activities.
MESSAGE_RECORDS = 1_000
# The pipe between the processes holds this much, so the child can parse ahead while the importing
# process writes a batch (Linux's default of 64 KB is less than one message). Linux allows up to
# /proc/sys/fs/pipe-max-size (1 MiB by default) without privileges.
PIPE_BYTES = 1024 * 1024
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
    receiving, sending = context.Pipe(duplex=False)
    _enlarge(sending)
    child = context.Process(
        target=_send_records, args=(plan, sending), name="accord-import-parser", daemon=True
    )
    child.start()
    sending.close()  # the child's copy stays open; the importing process only receives
    try:
        yield _Receiver(plan, child, receiving).plan()
    finally:
        _stop(child, receiving)


def _enlarge(connection: Connection) -> None:
    """Best effort: a larger pipe buffer only lets the child run further ahead."""
    try:
        fcntl.fcntl(connection.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (OSError, AttributeError):
        pass


def _send_records(plan: ImportPlan, sending: Connection) -> None:
    """In the child: every stream's items in order, then an end message (or the error met). Each
    message is pickled here, in the one thread, not by a queue's feeder thread competing for the GIL."""
    try:
        for index, stream in enumerate(plan.streams):
            iterator = iter(stream.records)
            while items := list(islice(iterator, MESSAGE_RECORDS)):
                _send(sending, _Message(index, items, plan.bytes_read()))
        _send(sending, _Message(-1, [], plan.total_bytes))
    except Exception as exc:  # noqa: BLE001 - any failure is handed to the importing process to raise
        _send(sending, _Message(-1, [], plan.bytes_read(), _picklable(exc)))


def _send(sending: Connection, message: _Message) -> None:
    sending.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))


def _picklable(exc: Exception) -> Exception:
    if isinstance(exc, ImportFileError):
        return ImportFileError(str(exc))
    return ImportFileError(f"reading the file failed: {type(exc).__name__}: {exc}")


class _Receiver:
    """The importing process's side: streams that read the child's messages in order."""

    def __init__(self, sent: ImportPlan, child: BaseProcess, receiving: Connection) -> None:
        self.sent = sent
        self.child = child
        self.receiving = receiving
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
        while not self.receiving.poll(ALIVE_CHECK_SECONDS):
            if not self.child.is_alive():
                raise self.stopped()
        try:
            message: _Message = pickle.loads(self.receiving.recv_bytes())  # noqa: S301 - our own child
        except EOFError:
            raise self.stopped() from None
        if message.stream == -1 and message.error is None:
            self.bytes_read = message.bytes_read
        return message

    def stopped(self) -> ImportFileError:
        self.child.join(timeout=1)
        return ImportFileError(
            f"the process reading the file stopped unexpectedly (exit code {self.child.exitcode})"
        )


def _stop(child: BaseProcess, receiving: Connection) -> None:
    if child.is_alive():
        child.terminate()
    child.join(timeout=10)
    receiving.close()
