"""Load benchmark: generate the synthetic company, bulk-load it through accord.services.bulk_load into a
fresh migrated database, and load the same rows into an identical fresh schema with raw executemany
(SQLite) or raw psycopg COPY (PostgreSQL) in the same run. Reports rows/s and the ratio loader/raw.

    python bench/bench_load.py --leads 100000 --database sqlite
    python bench/bench_load.py --leads 100000 --database postgresql --server postgresql://postgres@127.0.0.1:5432
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from throwaway_workspaces import bench_workspace, create_postgres_database

AS_OF = datetime(2026, 11, 22, tzinfo=UTC)
SEED = 7
BATCH_ROWS = 50_000
COMMIT = "(commit)"


@dataclass(frozen=True)
class TableTiming:
    table: str
    rows: int
    loader_s: float
    raw_s: float


@dataclass(frozen=True)
class BenchResult:
    database: str
    leads: int
    rows: int
    generate_s: float
    loader_s: float
    raw_s: float
    tables: list[TableTiming]

    @property
    def ratio(self) -> float:
        """Throughput of the loader over throughput of the raw baseline (1.0 = as fast as raw)."""
        return self.raw_s / self.loader_s


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
    return parser.parse_args()


def main() -> None:
    arguments = parse_arguments()
    names = (f"accord_bench_{os.getpid()}_loader", f"accord_bench_{os.getpid()}_raw")
    with bench_workspace(arguments.database, arguments.server, names, prefix="accord-bench-") as workspace:
        result = run(arguments, workspace, names)
    report(result, arguments.json)


def run(arguments: argparse.Namespace, workspace: Path, names: tuple[str, str]) -> BenchResult:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    django.setup()
    from django.db import connection

    from accord.services.workspace_setup import prepare_database
    from accord.synthetic import generate_company

    prepare_database()
    raw_target = clone_empty_schema(arguments, workspace, names)
    started = time.perf_counter()
    company = generate_company(leads=arguments.leads, seed=SEED, as_of=AS_OF)
    generate_s = time.perf_counter() - started
    print(f"generated {arguments.leads:,} leads in {generate_s:.1f} s", file=sys.stderr)
    loader_s = load_with_loader(company)
    connection.close()
    raw_s = load_raw(company, arguments.database, raw_target)
    tables = [
        TableTiming(table.name, table.row_count, loader_s[table.name], raw_s[table.name])
        for table in company.tables
    ] + [TableTiming(COMMIT, 0, loader_s[COMMIT], raw_s[COMMIT])]
    return BenchResult(
        database=arguments.database,
        leads=arguments.leads,
        rows=sum(t.rows for t in tables),
        generate_s=generate_s,
        loader_s=sum(loader_s.values()),
        raw_s=sum(raw_s.values()),
        tables=tables,
    )


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


def load_with_loader(company: object) -> dict[str, float]:
    """The loader as the demo uses it: all tables in one transaction (teams and users refer to each other)."""
    from django.db import transaction

    from accord.services.bulk_load import bulk_load
    from accord.services.demo import MODEL_BY_TABLE

    seconds: dict[str, float] = {}
    with transaction.atomic():
        for table in company.tables:  # type: ignore[attr-defined]
            started = time.perf_counter()
            bulk_load(MODEL_BY_TABLE[table.name], table, batch_rows=BATCH_ROWS)
            seconds[table.name] = time.perf_counter() - started
            log("loader", table.name, table.row_count, seconds[table.name])
        started = time.perf_counter()
    seconds[COMMIT] = time.perf_counter() - started
    return seconds


def log(side: str, table: str, rows: int, seconds: float) -> None:
    print(f"  {side:<6} {table:<24} {rows:>11,} rows {seconds:7.1f} s", file=sys.stderr, flush=True)


def raw_batches(model: object, table: object) -> Iterator[tuple[str, list[str], list[tuple[object, ...]]]]:
    """The same rows the loader inserts, as plain tuples in Django's stored form (built outside the
    timer: the baseline measures only the database's side)."""
    from accord.domain.columnar import ColumnTable
    from accord.services.bulk_load import convert_column, default_columns

    meta = model._meta  # type: ignore[attr-defined]
    by_attname = {field.attname: field for field in meta.concrete_fields}
    columns = {meta.get_field(name).attname: column for name, column in table.columns.items()}  # type: ignore[attr-defined]
    columns.update(default_columns(model, set(columns), table.row_count))  # type: ignore[arg-type, attr-defined]
    fields = [by_attname[attname] for attname in columns]
    for batch in ColumnTable(table.name, columns).batches(BATCH_ROWS):  # type: ignore[attr-defined]
        converted = [convert_column(field, batch.columns[field.attname], for_copy=False) for field in fields]
        yield meta.db_table, [field.column for field in fields], list(zip(*converted, strict=True))


def load_raw(company: object, database: str, target: str) -> dict[str, float]:
    from accord.services.demo import MODEL_BY_TABLE

    seconds: dict[str, float] = {}
    if database == "sqlite":
        db = sqlite3.connect(target, isolation_level=None)
        db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")
        db.execute("BEGIN IMMEDIATE")
        for table in company.tables:  # type: ignore[attr-defined]
            seconds[table.name] = 0.0
            for db_table, column_names, rows in raw_batches(MODEL_BY_TABLE[table.name], table):
                placeholders = ", ".join("?" * len(column_names))
                sql = f'INSERT INTO "{db_table}" ({", ".join(column_names)}) VALUES ({placeholders})'  # noqa: S608
                started = time.perf_counter()
                db.executemany(sql, rows)
                seconds[table.name] += time.perf_counter() - started
            log("raw", table.name, table.row_count, seconds[table.name])
        started = time.perf_counter()
        db.execute("COMMIT")
        seconds[COMMIT] = time.perf_counter() - started
        db.close()
        return seconds
    import psycopg

    with psycopg.connect(target) as db:
        db.execute("SET TIME ZONE 'UTC'")
        for table in company.tables:  # type: ignore[attr-defined]
            seconds[table.name] = 0.0
            for db_table, column_names, rows in raw_batches(MODEL_BY_TABLE[table.name], table):
                statement = f'COPY "{db_table}" ({", ".join(column_names)}) FROM STDIN'
                started = time.perf_counter()
                with db.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[arg-type]
                    for row in rows:
                        copy.write_row(row)
                seconds[table.name] += time.perf_counter() - started
            log("raw", table.name, table.row_count, seconds[table.name])
        started = time.perf_counter()
        db.commit()
        seconds[COMMIT] = time.perf_counter() - started
    return seconds


def report(result: BenchResult, json_path: Path | None) -> None:
    print(f"\n{result.database}, {result.leads:,} leads, {result.rows:,} rows ({platform.python_version()})")
    print(f"generate  {result.generate_s:8.1f} s  {result.rows / result.generate_s:12,.0f} rows/s")
    print(f"loader    {result.loader_s:8.1f} s  {result.rows / result.loader_s:12,.0f} rows/s")
    print(f"raw       {result.raw_s:8.1f} s  {result.rows / result.raw_s:12,.0f} rows/s")
    print(f"ratio loader/raw (throughput): {result.ratio:.2f}")
    if json_path is not None:
        payload = asdict(result) | {"ratio": result.ratio}
        json_path.write_text(json.dumps(payload, indent=2))


if __name__ == "__main__":
    main()
