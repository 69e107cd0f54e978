"""HTTP ingestion benchmark: `accord serve` (waitress, as users run it) on a free loopback port, driven
by wrk from another process. Measures single activity events and batches of activities (requests/s,
records/s, p50/p99 latency), checks that every request succeeded and every event is in the database,
and reports each as a ratio of baselines served by the same server in the same run: a static file, and
an API request with an unknown key (the whole stack and the key lookup, nothing written).

    apt-get install wrk
    python bench/bench_http.py --database sqlite
    python bench/bench_http.py --database postgresql --server postgresql://postgres@127.0.0.1:5432
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

from throwaway_workspaces import create_postgres_database, drop_postgres_database

BENCH_DIR = Path(__file__).resolve().parent
LUA_SCRIPT = BENCH_DIR / "bench_http.lua"
PG_DATABASE = "accord_bench_http"
STATIC_PATH = "/static/accord/favicon.svg"
LEAD_PREFIX = "bench-lead-"
# Seconds to wait for `accord serve` to migrate nothing and answer (it binds before it serves).
SERVER_START_TIMEOUT_S = 60.0
# Per-request timeout given to wrk: SQLite batches queue behind one writer, so seconds are possible.
WRK_TIMEOUT_S = 30
BASELINES = ("static", "unknown_key")


@dataclass(frozen=True)
class Run:
    database: str
    mode: str
    connections: int
    records_per_request: int
    seconds: float
    requests: int
    ok: int
    bad: int
    socket_errors: int
    p50_ms: float
    p99_ms: float
    stored: int | None
    first_bad: str

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.seconds

    @property
    def records_per_s(self) -> float:
        return self.requests_per_s * self.records_per_request


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--server", default="postgresql://postgres@127.0.0.1:5432", help="PostgreSQL server URL"
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--connections", default="8,32", help="connections for single events and baselines")
    parser.add_argument("--batch-connections", default="2,8", help="connections for batches")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--leads", type=int, default=1_000, help="leads the activities are spread over")
    parser.add_argument(
        "--kind",
        default="page_view",
        help="activity kind sent: a built-in one, or a custom one (the catalog records it once)",
    )
    parser.add_argument("--wrk", default=shutil.which("wrk") or "wrk")
    parser.add_argument("--json", type=Path, help="also write the runs as JSON to this file")
    # Internal: the Django-side steps, run in a child process with the workspace's environment.
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--count", metavar="PREFIX", help=argparse.SUPPRESS)
    return parser.parse_args()


# --- Django side (child processes: settings are read once per process) ---


def start_django() -> None:
    from accord.cli.bootstrap import start_django as start

    start(os.environ["ACCORD_HOME"])


def prepare(lead_count: int) -> None:
    """Migrate, make an admin, an API key and the leads, through the services; print the token."""
    start_django()
    from datetime import UTC, datetime

    from accord.importers.canonical import LeadRecord
    from accord.services.api_keys import create_api_key
    from accord.services.ingestion import ingest_leads
    from accord.services.users import create_user
    from accord.services.workspace_setup import prepare_database

    now = datetime.now(UTC)
    created_at = datetime(2026, 1, 1, tzinfo=UTC)
    prepare_database()
    admin = create_user(email="bench-admin@example.com", role="admin", full_name="Bench Admin")
    _, token = create_api_key(name="bench_http", created_by=admin, now=now)
    leads = [
        LeadRecord(
            line=i,
            external_id=f"{LEAD_PREFIX}{i}",
            created_at=created_at,
            email=f"lead{i}@example.com",
            source="website",
        )
        for i in range(lead_count)
    ]
    for start in range(0, lead_count, 500):
        ingest_leads(leads[start : start + 500], source_name="bench_http", now=now)
    print(json.dumps({"token": token}))


def count(prefix: str) -> None:
    """Print the activities stored under ``prefix`` and the activities held (no lead found)."""
    start_django()
    from accord.models import Activity, PendingActivity

    stored = Activity.objects.filter(external_id__startswith=prefix).count()
    held = PendingActivity.objects.filter(external_id__startswith=prefix).count()
    print(json.dumps({"stored": stored, "held": held}))


# --- Driver side ---


def django_step(env: dict[str, str], *arguments: str) -> dict[str, object]:
    output = subprocess.run(
        [sys.executable, __file__, *arguments], env=env, check=True, capture_output=True, text=True
    )
    result: dict[str, object] = json.loads(output.stdout.strip().splitlines()[-1])
    return result


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """`accord serve` exactly as a user starts it, in its own process."""
    command = [sys.executable, "-c", "from accord.cli.main import main; main()"]
    command += ["serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"accord serve exited with {server.returncode}: {log.read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{STATIC_PATH}", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError(f"accord serve did not answer within {SERVER_START_TIMEOUT_S} s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def drive(
    arguments: argparse.Namespace,
    *,
    port: int,
    token: str,
    mode: str,
    connections: int,
    run_id: str,
    scratch: Path,
) -> dict[str, object]:
    out = scratch / f"{run_id}.json"
    records = arguments.batch_size if mode == "batch" else 1
    env = {
        **os.environ,
        "BENCH_MODE": mode,
        "BENCH_TOKEN": token,
        "BENCH_RUN_ID": run_id,
        "BENCH_LEADS": str(arguments.leads),
        "BENCH_BATCH": str(records),
        "BENCH_KIND": arguments.kind,
        "BENCH_STATIC_PATH": STATIC_PATH,
        "BENCH_OUT": str(out),
    }
    # One wrk thread: the generator shares the two cores with the server, so it should cost little.
    command = [
        arguments.wrk,
        "-t1",
        f"-c{connections}",
        f"-d{arguments.duration}s",
        f"--timeout={WRK_TIMEOUT_S}s",
    ]
    command += ["-s", str(LUA_SCRIPT), f"http://127.0.0.1:{port}/"]
    subprocess.run(command, env=env, check=True, capture_output=True)
    summary: dict[str, object] = json.loads(out.read_text())
    return summary


def measure(arguments: argparse.Namespace, database: str, scratch: Path) -> list[Run]:
    workspace = scratch / f"workspace-{database}"
    env = {**os.environ, "ACCORD_HOME": str(workspace)}
    env.pop("ACCORD_DATABASE_URL", None)
    if database == "postgresql":
        create_postgres_database(arguments.server, PG_DATABASE)
        env["ACCORD_DATABASE_URL"] = f"{arguments.server}/{PG_DATABASE}"
    try:
        token = str(django_step(env, "--prepare", "--leads", str(arguments.leads))["token"])
        port = free_port()
        server = start_server(env, port, scratch / f"serve-{database}.log")
        try:
            plan = [(mode, c) for c in parse_counts(arguments.connections) for mode in (*BASELINES, "single")]
            plan += [("batch", c) for c in parse_counts(arguments.batch_connections)]
            runs = []
            for number, (mode, connections) in enumerate(plan):
                run_id = f"b{os.getpid()}{database[0]}{number}"
                summary = drive(
                    arguments,
                    port=port,
                    token=token,
                    mode=mode,
                    connections=connections,
                    run_id=run_id,
                    scratch=scratch,
                )
                run = to_run(arguments, database, mode, connections, summary, env, run_id)
                check(run, int(str(summary["sent"])))
                print(describe(run), flush=True)
                runs.append(run)
        finally:
            stop_server(server)
    finally:
        if database == "postgresql":
            drop_postgres_database(arguments.server, PG_DATABASE)
    return runs


def to_run(
    arguments: argparse.Namespace,
    database: str,
    mode: str,
    connections: int,
    summary: dict[str, object],
    env: dict[str, str],
    run_id: str,
) -> Run:
    records = arguments.batch_size if mode == "batch" else 1
    latency = summary["latency_us"]
    errors = summary["socket_errors"]
    assert isinstance(latency, dict) and isinstance(errors, dict)
    stored = None
    if mode in ("single", "batch"):
        counts = django_step(env, "--count", f"{run_id}-")
        if counts["held"] != 0:
            raise AssertionError(f"{counts['held']} activities were held: their leads were not found")
        stored = int(str(counts["stored"]))
    return Run(
        database=database,
        mode=mode,
        connections=connections,
        records_per_request=records,
        seconds=int(str(summary["duration_us"])) / 1e6,
        requests=int(str(summary["completed"])),
        ok=int(str(summary["ok"])),
        bad=int(str(summary["bad"])),
        socket_errors=sum(int(value) for value in errors.values()),
        p50_ms=latency["p50"] / 1000,
        p99_ms=latency["p99"] / 1000,
        stored=stored,
        first_bad=str(summary["first_bad"]),
    )


def check(run: Run, sent: int) -> None:
    """Zero errors, and every acknowledged event stored: requests still in flight when wrk stopped may
    have been stored without their answer being counted, so stored lies between the two."""
    if run.bad or run.socket_errors:
        raise AssertionError(f"errors: {describe(run)}")
    if (
        run.stored is not None
        and not run.ok * run.records_per_request <= run.stored <= sent * run.records_per_request
    ):
        raise AssertionError(
            f"{run.stored} stored, {run.ok} requests acknowledged, {sent} sent: {describe(run)}"
        )


def parse_counts(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def describe(run: Run) -> str:
    line = (
        f"{run.database:<10} {run.mode:<11} c={run.connections:<3} {run.requests_per_s:9.1f} req/s "
        f"{run.records_per_s:10.1f} rec/s  p50 {run.p50_ms:8.2f} ms  p99 {run.p99_ms:8.2f} ms  "
        f"ok {run.ok}  bad {run.bad}  socket errors {run.socket_errors}"
    )
    if run.stored is not None:
        line += f"  stored {run.stored}"
    if run.first_bad:
        line += f"  first bad: {run.first_bad}"
    return line


def table(runs: list[Run]) -> str:
    """Markdown: each run with its throughput as a ratio of the same database's and concurrency's
    baselines (for batches, of the baselines at the highest concurrency measured)."""
    rows = [
        "| database | request | connections | requests/s | records/s | p50 ms | p99 ms | stored "
        "| / static | / unknown key |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        same = [b for b in runs if b.database == run.database and b.mode in BASELINES]
        at = [b for b in same if b.connections == run.connections] or [
            b for b in same if b.connections == max(x.connections for x in same)
        ]
        base = {b.mode: b for b in at}
        ratios = [
            f"{run.requests_per_s / base[mode].requests_per_s:.2f}" if mode in base else ""
            for mode in BASELINES
        ]
        stored = f"{run.stored:,}" if run.stored is not None else ""
        rows.append(
            f"| {run.database} | {run.mode} | {run.connections} | {run.requests_per_s:,.0f} "
            f"| {run.records_per_s:,.0f} | {run.p50_ms:.1f} | {run.p99_ms:.1f} | {stored} "
            f"| {ratios[0]} | {ratios[1]} |"
        )
    return "\n".join(rows)


def main() -> None:
    arguments = parse_arguments()
    if arguments.prepare:
        prepare(arguments.leads)
        return
    if arguments.count:
        count(arguments.count)
        return
    databases = ["sqlite", "postgresql"] if arguments.database == "both" else [arguments.database]
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, wrk {arguments.wrk}", flush=True)
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="accord-bench-http-") as scratch:
        for database in databases:
            runs += measure(arguments, database, Path(scratch))
    print()
    print(table(runs))
    if arguments.json:
        arguments.json.write_text(json.dumps([asdict(run) for run in runs], indent=2))


if __name__ == "__main__":
    main()
