"""Import benchmark: write canonical leads.csv and activities.csv (N leads, 20 activities each), run
`accord import leads` and `accord import activities` on them, each as a child process of the CLI, into
a fresh database, and insert the same rows into an identical fresh schema with raw executemany
(SQLite) or raw psycopg COPY (PostgreSQL) in the same run. Reports rows/s, the ratio import/raw and
the peak resident memory of each import process.

    python bench/bench_import.py --leads 100000 --database sqlite
    python bench/bench_import.py --leads 100000 --database postgresql --server postgresql://postgres@127.0.0.1:5432
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from throwaway_workspaces import bench_workspace, create_postgres_database

AS_OF = datetime(2026, 11, 22, tzinfo=UTC)
SEED = 7
ACTIVITIES_PER_LEAD = 20
# Leads per generated block: the files are written, and the raw rows built, one block at a time.
BLOCK_LEADS = 10_000
# Leads are created over the two years before AS_OF; activities follow their lead's creation.
HISTORY_SECONDS = 2 * 365 * 86_400
FIRST_NAMES = ("ana", "ben", "chloe", "dev", "emma", "farid", "grace", "hugo", "ines", "jon")
LAST_NAMES = ("silva", "smith", "meyer", "khan", "rossi", "dubois", "tanaka", "novak", "lee", "ortiz")
TITLES = ("Head of Marketing", "VP Sales", "CTO", "Analyst", "Director of Operations", "Founder")
SOURCES = ("paid_search", "organic", "webinar", "event", "referral", "outbound", "content")
CAMPAIGNS = ("spring_launch", "q3_webinars", "brand", "retargeting", "partner_push")
# Built-in activity kinds (no catalog entries needed), marketing signals and sales touches.
KINDS = ("page_view", "pricing_page_view", "email_click", "content_download", "form_fill", "call", "email")
KIND_WEIGHTS = (0.45, 0.1, 0.2, 0.1, 0.05, 0.05, 0.05)
SALES_TOUCHES = frozenset({"call", "email", "meeting"})
DETAILS = ("/pricing", "/blog/lead-scoring", "/docs", "ebook: b2b funnel", "/", "follow-up")
LEAD_HEADER = (
    "external_id",
    "created_at",
    "email",
    "first_name",
    "last_name",
    "title",
    "source",
    "campaign",
    "company_name",
)
ACTIVITY_HEADER = ("external_id", "kind", "occurred_at", "lead_external_id", "detail")


@dataclass(frozen=True)
class KindTiming:
    kind: str
    rows: int
    import_s: float
    raw_s: float
    import_peak_rss_mb: float

    @property
    def ratio(self) -> float:
        """Throughput of the import over that of the raw baseline (1.0 = as fast as raw)."""
        return self.raw_s / self.import_s


@dataclass(frozen=True)
class BenchResult:
    database: str
    leads: int
    write_files_s: float
    file_mb: float
    kinds: list[KindTiming]


@dataclass(frozen=True)
class Block:
    """The columns of BLOCK_LEADS leads and their activities, as numpy arrays and text lists."""

    first_lead: int  # 0-based index of the block's first lead
    lead_created_s: np.ndarray  # seconds since the epoch, int64
    lead_pick: np.ndarray  # (leads, 5) small ints choosing names, title, source, campaign
    activity_s: np.ndarray  # (leads * 20) seconds since the epoch
    activity_kind: np.ndarray  # index into KINDS
    activity_detail: np.ndarray  # index into DETAILS

    @property
    def lead_count(self) -> int:
        return len(self.lead_created_s)


def blocks(leads: int) -> Iterator[Block]:
    """The synthetic rows, block by block; the same seed gives the same rows for the files and raw."""
    rng = np.random.default_rng(SEED)
    end_s = int(AS_OF.timestamp()) - 3600
    for first in range(0, leads, BLOCK_LEADS):
        count = min(BLOCK_LEADS, leads - first)
        created = end_s - rng.integers(86_400, HISTORY_SECONDS, count)
        after = rng.random((count, ACTIVITIES_PER_LEAD))
        after.sort(axis=1)
        span = (end_s - created)[:, None]
        occurred = created[:, None] + (after * span).astype(np.int64)
        yield Block(
            first_lead=first,
            lead_created_s=created,
            lead_pick=rng.integers(0, 1000, (count, 5)),
            activity_s=occurred.reshape(-1),
            activity_kind=rng.choice(len(KINDS), count * ACTIVITIES_PER_LEAD, p=KIND_WEIGHTS),
            activity_detail=rng.integers(0, len(DETAILS), count * ACTIVITIES_PER_LEAD),
        )


def lead_texts(block: Block) -> list[tuple[str, ...]]:
    """Leads as they appear in leads.csv, in LEAD_HEADER order."""
    created = np.datetime_as_string(block.lead_created_s.astype("datetime64[s]"), unit="s").tolist()
    rows = []
    for offset, (picks, created_at) in enumerate(zip(block.lead_pick.tolist(), created, strict=True)):
        number = block.first_lead + offset
        first, last = FIRST_NAMES[picks[0] % 10], LAST_NAMES[picks[1] % 10]
        company = number // 4
        rows.append(
            (
                f"lead-{number:08d}",
                f"{created_at}Z",
                f"{first}.{last}.{number}@company{company}.example",
                first.title(),
                last.title(),
                TITLES[picks[2] % len(TITLES)],
                SOURCES[picks[3] % len(SOURCES)],
                CAMPAIGNS[picks[4] % len(CAMPAIGNS)],
                f"Company {company}",
            )
        )
    return rows


def activity_texts(block: Block) -> list[tuple[str, ...]]:
    """Activities as they appear in activities.csv, in ACTIVITY_HEADER order."""
    occurred = np.datetime_as_string(block.activity_s.astype("datetime64[s]"), unit="s").tolist()
    first = block.first_lead * ACTIVITIES_PER_LEAD
    return [
        (
            f"act-{first + index:010d}",
            KINDS[kind],
            f"{at}Z",
            f"lead-{block.first_lead + index // ACTIVITIES_PER_LEAD:08d}",
            DETAILS[detail],
        )
        for index, (kind, at, detail) in enumerate(
            zip(block.activity_kind.tolist(), occurred, block.activity_detail.tolist(), strict=True)
        )
    ]


def write_files(leads: int, folder: Path) -> tuple[Path, Path]:
    """Stream the two canonical CSV files to disk, one block at a time."""
    leads_path, activities_path = folder / "leads.csv", folder / "activities.csv"
    with (
        leads_path.open("w", newline="", encoding="utf-8") as lead_file,
        activities_path.open("w", newline="", encoding="utf-8") as activity_file,
    ):
        lead_writer, activity_writer = csv.writer(lead_file), csv.writer(activity_file)
        lead_writer.writerow(LEAD_HEADER)
        activity_writer.writerow(ACTIVITY_HEADER)
        for block in blocks(leads):
            lead_writer.writerows(lead_texts(block))
            activity_writer.writerows(activity_texts(block))
    return leads_path, activities_path


def stored_times(seconds: np.ndarray, *, for_copy: bool) -> list[str]:
    """Datetimes in the form Django stores them ('YYYY-MM-DD HH:MM:SS', '+00' for PostgreSQL)."""
    texts = np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s")
    suffix = "+00" if for_copy else ""
    return [f"{text[:10]} {text[11:]}{suffix}" for text in texts.tolist()]


def raw_lead_rows(block: Block, *, for_copy: bool) -> list[tuple[object, ...]]:
    """The lead rows the import stores (same columns and values), with ids 1..N in file order."""
    created = stored_times(block.lead_created_s, for_copy=for_copy)
    null: object = "\\N" if for_copy else None
    rows: list[tuple[object, ...]] = []
    for offset, text in enumerate(lead_texts(block)):
        number = block.first_lead + offset
        rows.append(
            (number + 1, text[0], null, text[2], text[3], text[4], text[5], "", text[6], text[7])
            + (text[8], "none", null, "lead", "{}", created[offset])
        )
    return rows


RAW_LEAD_COLUMNS = (
    "id",
    "external_id",
    "account_id",
    "email",
    "first_name",
    "last_name",
    "title",
    "seniority",
    "source",
    "campaign",
    "company_name",
    "matched_account_by",
    "owner_id",
    "stage",
    "attributes",
    "created_at",
)
RAW_ACTIVITY_COLUMNS = (
    "external_id",
    "lead_id",
    "kind",
    "is_sales_touch",
    "occurred_at",
    "actor_id",
    "detail",
    "attributes",
)


def raw_activity_rows(block: Block, *, for_copy: bool) -> list[tuple[object, ...]]:
    occurred = stored_times(block.activity_s, for_copy=for_copy)
    null: object = "\\N" if for_copy else None
    rows: list[tuple[object, ...]] = []
    for index, text in enumerate(activity_texts(block)):
        touch = text[1] in SALES_TOUCHES
        rows.append(
            (
                text[0],
                block.first_lead + index // ACTIVITIES_PER_LEAD + 1,
                text[1],
                ("t" if touch else "f") if for_copy else int(touch),
                occurred[index],
                null,
                text[4],
                "{}",
            )
        )
    return rows


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--server", default="postgresql://postgres@127.0.0.1:5432", help="PostgreSQL server URL"
    )
    parser.add_argument("--json", type=Path, help="also write the result as JSON here")
    parser.add_argument("--folder", type=Path, help="work here (files, SQLite) instead of a temporary folder")
    parser.add_argument(
        "--raw-first",
        action="store_true",
        help="run the raw baseline before the imports (each side otherwise runs after the other's disk "
        "writes and, on PostgreSQL, its autovacuum; running both orders shows how much that moves the ratio)",
    )
    return parser.parse_args()


def main() -> None:
    arguments = parse_arguments()
    if arguments.folder:
        arguments.folder.mkdir(parents=True, exist_ok=True)
    names = (f"accord_bench_import_{os.getpid()}", f"accord_bench_import_{os.getpid()}_raw")
    prefix = "accord-bench-import-"
    with bench_workspace(
        arguments.database, arguments.server, names, prefix=prefix, folder=arguments.folder
    ) as workspace:
        result = run(arguments, workspace, names)
    report(result, arguments.json)


def run(arguments: argparse.Namespace, workspace: Path, names: tuple[str, str]) -> BenchResult:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    django.setup()
    from accord.services.workspace_setup import prepare_database

    prepare_database()
    raw_target = clone_empty_schema(arguments, workspace, names)
    started = time.perf_counter()
    leads_path, activities_path = write_files(arguments.leads, workspace)
    write_files_s = time.perf_counter() - started
    file_mb = (leads_path.stat().st_size + activities_path.stat().st_size) / 1e6
    print(f"wrote {file_mb:,.0f} MB of CSV in {write_files_s:.1f} s", file=sys.stderr, flush=True)
    activities = arguments.leads * ACTIVITIES_PER_LEAD
    if arguments.raw_first:
        raw = load_raw(arguments.leads, arguments.database, raw_target)
    lead_import = import_in_child("leads", leads_path, workspace, arguments.leads)
    activity_import = import_in_child("activities", activities_path, workspace, activities)
    if not arguments.raw_first:
        raw = load_raw(arguments.leads, arguments.database, raw_target)
    return BenchResult(
        database=arguments.database,
        leads=arguments.leads,
        write_files_s=write_files_s,
        file_mb=file_mb,
        kinds=[
            KindTiming("leads", arguments.leads, lead_import[0], raw["leads"], lead_import[1]),
            KindTiming("activities", activities, activity_import[0], raw["activities"], activity_import[1]),
        ],
    )


def import_in_child(kind: str, path: Path, workspace: Path, expected: int) -> tuple[float, float]:
    """`accord import KIND FILE` as a child process: its wall time and peak resident set (MB)."""
    command = [
        str(Path(sys.executable).parent / "accord"),
        "import",
        kind,
        str(path),
        "--workspace",
        str(workspace),
        "--at",
        AS_OF.strftime("%Y-%m-%d"),
    ]
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)  # noqa: S603 - our own CLI
    output = child.stdout.read() if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    print(output, file=sys.stderr, flush=True)
    if child.returncode != 0:
        raise SystemExit(f"accord import {kind} exited {child.returncode}")
    inserted = int(output.splitlines()[1].split()[1].replace(",", ""))
    if inserted != expected:
        raise SystemExit(f"accord import {kind} inserted {inserted:,} rows, expected {expected:,}")
    peak_mb = usage.ru_maxrss / 1024  # KiB on Linux
    log("import", kind, expected, seconds, f"peak {peak_mb:,.0f} MB")
    return seconds, peak_mb


def clone_empty_schema(arguments: argparse.Namespace, workspace: Path, names: tuple[str, str]) -> str:
    """An identical fresh schema for the raw baseline: a copy of the migrated, still empty database."""
    from django.db import connection

    if arguments.database == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
        raw_path = workspace / "raw.sqlite3"
        shutil.copyfile(workspace / "accord.sqlite3", raw_path)
        return str(raw_path)
    connection.close()
    create_postgres_database(arguments.server, names[1], template=names[0])
    return f"{arguments.server}/{names[1]}"


def log(side: str, kind: str, rows: int, seconds: float, extra: str = "") -> None:
    print(
        f"  {side:<6} {kind:<12} {rows:>11,} rows {seconds:7.1f} s {rows / seconds:10,.0f} rows/s {extra}",
        file=sys.stderr,
        flush=True,
    )


def load_raw(leads: int, database: str, target: str) -> dict[str, float]:
    """The same rows into the copy: one transaction per kind, rows built outside the timer."""
    seconds = {"leads": 0.0, "activities": 0.0}
    plan = (
        ("leads", "accord_lead", RAW_LEAD_COLUMNS, raw_lead_rows),
        ("activities", "accord_activity", RAW_ACTIVITY_COLUMNS, raw_activity_rows),
    )
    if database == "sqlite":
        db = sqlite3.connect(target, isolation_level=None)
        db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")
        for kind, table, columns, build in plan:
            sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'  # noqa: S608
            db.execute("BEGIN IMMEDIATE")
            for block in blocks(leads):
                rows = build(block, for_copy=False)
                started = time.perf_counter()
                db.executemany(sql, rows)
                seconds[kind] += time.perf_counter() - started
            started = time.perf_counter()
            db.execute("COMMIT")
            seconds[kind] += time.perf_counter() - started
            log("raw", kind, leads * (1 if kind == "leads" else ACTIVITIES_PER_LEAD), seconds[kind])
        db.close()
        return seconds
    import psycopg

    with psycopg.connect(target) as db:
        db.execute("SET TIME ZONE 'UTC'")
        for kind, table, columns, build in plan:
            statement = f'COPY "{table}" ({", ".join(columns)}) FROM STDIN'
            for block in blocks(leads):
                rows = build(block, for_copy=True)
                body = "".join("\t".join(map(str, row)) + "\n" for row in rows)
                started = time.perf_counter()
                with db.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[arg-type]
                    copy.write(body)
                seconds[kind] += time.perf_counter() - started
            started = time.perf_counter()
            db.commit()
            seconds[kind] += time.perf_counter() - started
            log("raw", kind, leads * (1 if kind == "leads" else ACTIVITIES_PER_LEAD), seconds[kind])
    return seconds


def report(result: BenchResult, json_path: Path | None) -> None:
    print(
        f"\n{result.database}, {result.leads:,} leads, {result.file_mb:,.0f} MB of CSV "
        f"(written in {result.write_files_s:.1f} s), Python {platform.python_version()}"
    )
    header = ("rows", "import s", "raw s", "import/s", "raw/s", "ratio", "peak MB")
    widths = (12, 10, 8, 11, 11, 7, 9)
    print(f"{'kind':<12}" + "".join(f"{name:>{width}}" for name, width in zip(header, widths, strict=True)))
    for kind in result.kinds:
        print(
            f"{kind.kind:<12}{kind.rows:>12,}{kind.import_s:>10.1f}{kind.raw_s:>8.1f}"
            f"{kind.rows / kind.import_s:>11,.0f}{kind.rows / kind.raw_s:>11,.0f}{kind.ratio:>7.2f}"
            f"{kind.import_peak_rss_mb:>9,.0f}"
        )
    if json_path is not None:
        payload = asdict(result) | {"ratios": {kind.kind: kind.ratio for kind in result.kinds}}
        json_path.write_text(json.dumps(payload, indent=2))


if __name__ == "__main__":
    main()
