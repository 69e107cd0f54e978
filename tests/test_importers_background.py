"""Parsing in a second process: the importing process receives exactly the records and errors it would
have parsed itself, in order and stream by stream; an error met while reading is raised in the
importing process; the second process is gone when the import ends, even early."""

from __future__ import annotations

import multiprocessing
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from accord.importers import ImportFileError, RecordKind, plan_import
from accord.importers.background import planned_import
from accord.importers.canonical import CanonicalRecord, RowError

DOCS = Path(__file__).resolve().parents[1] / "docs" / "imports.md"
NOW = datetime(2026, 4, 1, tzinfo=UTC)


def activities_file(folder: Path, rows: int) -> Path:
    lines = ["external_id,kind,occurred_at,lead_external_id,detail,Campaign"]
    for n in range(rows):
        at = "2026-02-30" if n % 997 == 5 else f"2026-01-{n % 28 + 1:02d}T10:00:00Z"  # a few bad dates
        lines.append(f"act-{n % 2900},page_view,{at},lead-{n // 20},/pricing,spring")  # and repeats
    path = folder / "activities.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def in_place(
    kind: RecordKind, path: Path, mapping: Path | None = None
) -> list[list[CanonicalRecord | RowError]]:
    return [list(stream.records) for stream in plan_import(kind, path, mapping_path=mapping, now=NOW).streams]


def test_a_file_parsed_in_the_background_gives_the_same_records_and_errors(tmp_path: Path) -> None:
    path = activities_file(tmp_path, 3_000)
    with planned_import(RecordKind.ACTIVITIES, path, now=NOW, min_background_bytes=0) as plan:
        received = [list(stream.records) for stream in plan.streams]
        assert plan.bytes_read() == plan.total_bytes == path.stat().st_size
    expected = in_place(RecordKind.ACTIVITIES, path)
    assert received == expected
    errors = [item for item in expected[0] if isinstance(item, RowError)]
    assert any(error.reason.startswith("duplicate external_id") for error in errors)
    assert any(error.field == "occurred_at" for error in errors)
    assert multiprocessing.active_children() == []


def test_several_streams_from_one_mapped_file_arrive_stream_by_stream(tmp_path: Path) -> None:
    split_example = re.findall(r"```yaml\n(.*?)```", DOCS.read_text(), re.S)[1]
    mapping = tmp_path / "m.yaml"
    mapping.write_text(split_example, encoding="utf-8")
    header = (
        "Contact ID,Created,Work Email,Email,First name,Last name,Company,Company Domain,Source,MQL date,"
        "Disqualified date,Disqualification reason,Score"
    )
    rows = [
        f"C{n},2026-01-02,,p{n}@co{n % 40}.io,Ann,A,Co {n % 40},co{n % 40}.io,Google Ads,,,,{n}"
        for n in range(2_500)
    ]
    path = tmp_path / "contacts.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    with planned_import(
        RecordKind.LEADS, path, mapping_path=mapping, now=NOW, min_background_bytes=0
    ) as plan:
        received = [(stream.kind, list(stream.records)) for stream in plan.streams]
    expected = in_place(RecordKind.LEADS, path, mapping)
    assert [kind for kind, _ in received] == [RecordKind.ACCOUNTS, RecordKind.LEADS]
    assert [records for _, records in received] == expected
    assert [len(records) for records in expected] == [40, 2_500]


def test_an_unreadable_byte_met_by_the_child_is_raised_in_the_importing_process(tmp_path: Path) -> None:
    path = activities_file(tmp_path, 12_000)
    with path.open("ab") as handle:
        handle.write(b"act-x,page_view,2026-01-01,lead-1,caf\xe9\n")
    with (
        planned_import(RecordKind.ACTIVITIES, path, now=NOW, min_background_bytes=0) as plan,
        pytest.raises(ImportFileError, match=r"activities\.csv, near line \d+: not valid utf-8 text"),
    ):
        for stream in plan.streams:
            list(stream.records)
    assert multiprocessing.active_children() == []


def test_the_child_is_stopped_when_the_import_stops_early(tmp_path: Path) -> None:
    path = activities_file(tmp_path, 60_000)  # more than the pipe holds: the child waits to send
    with planned_import(RecordKind.ACTIVITIES, path, now=NOW, min_background_bytes=0) as plan:
        first = next(iter(plan.streams[0].records))
        assert multiprocessing.active_children() != []
    assert isinstance(first, CanonicalRecord.__args__)  # type: ignore[attr-defined]
    assert multiprocessing.active_children() == []


def test_a_small_file_is_parsed_in_place(tmp_path: Path) -> None:
    path = activities_file(tmp_path, 100)
    with planned_import(RecordKind.ACTIVITIES, path, now=NOW) as plan:
        assert multiprocessing.active_children() == []
        assert [list(stream.records) for stream in plan.streams] == in_place(RecordKind.ACTIVITIES, path)
