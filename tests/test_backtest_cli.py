"""``accord playbook backtest`` and ``audit`` as a user runs them, on a small generated demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.services.demo import STARTER_PLAYBOOK_PATH
from tests.cli_runner import accord_env, run_accord

PERIOD = ("--from", "2026-01-01", "--to", "2026-06-30")


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    env = accord_env(tmp_path_factory.mktemp("backtest") / "ws")
    made = run_accord("demo", "--leads", "300", "--as-of", "2026-06-30", "--no-serve", env=env)
    assert made.returncode == 0, made.stderr
    return env


@pytest.fixture(scope="module")
def stricter(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("drafts") / "sales.yaml"
    path.write_text(STARTER_PLAYBOOK_PATH.read_text().replace('mql: "fit >= 40', 'mql: "fit >= 70'))
    return path


def test_backtest_json_against_the_active_version(demo_env: dict[str, str], stricter: Path) -> None:
    result = run_accord("playbook", "backtest", str(stricter), *PERIOD, "--format", "json", env=demo_env)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["playbook"] == str(stricter)
    assert [month["month"] for month in document["mqls_by_month"]] == [f"2026-0{m}" for m in range(1, 7)]
    mqls = document["mqls"]
    assert mqls["leads"] == sum(month["mqls"] for month in document["mqls_by_month"])
    assert mqls["mql_to_sql"]["denominator"] == mqls["leads"]
    versus = document["versus"]
    assert versus["playbook"] == "version 1"
    assert versus["gained"]["leads"] == 0 and versus["lost"]["leads"] > 0
    assert mqls["leads"] == versus["mqls"] - versus["lost"]["leads"]


def test_backtest_table_lists_the_lost_leads(demo_env: dict[str, str], stricter: Path) -> None:
    result = run_accord("playbook", "backtest", str(stricter), *PERIOD, "--list", "lost", env=demo_env)
    assert result.returncode == 0, result.stderr
    assert "MQL→SQL:" in result.stdout and "Against version 1" in result.stdout
    lost_line = next(line for line in result.stdout.splitlines() if line.strip().startswith("lost "))
    lost_count = int(lost_line.split()[1].replace(",", ""))
    listed = [line for line in result.stdout.splitlines() if "demo-lead-" in line]
    assert len(listed) == lost_count > 0


def test_audit_matrix_as_json_and_as_a_table(demo_env: dict[str, str], stricter: Path) -> None:
    as_json = run_accord("playbook", "audit", "1", str(stricter), *PERIOD, "--format", "json", env=demo_env)
    assert as_json.returncode == 0, as_json.stderr
    cells = json.loads(as_json.stdout)["cells"]
    assert cells["only_b"]["leads"] == 0  # the stricter rule passes nothing the starter does not
    assert cells["both"]["leads"] > 0 and cells["only_a"]["leads"] > 0
    assert sum(cell["leads"] for cell in cells.values()) == 300  # all leads were created by the end
    table = run_accord("playbook", "audit", "1", str(stricter), *PERIOD, "--list", "only_a", env=demo_env)
    assert table.returncode == 0, table.stderr
    assert [line.split()[0] for line in table.stdout.splitlines()[2:6]] == ["both", "only", "only", "neither"]
    assert sum("demo-lead-" in line for line in table.stdout.splitlines()) == cells["only_a"]["leads"]


def test_bad_input_is_one_line_and_an_exit_code(demo_env: dict[str, str]) -> None:
    backwards = run_accord(
        "playbook", "backtest", "1", "--from", "2026-06-01", "--to", "2026-01-01", env=demo_env
    )
    assert backwards.returncode == 65 and "Traceback" not in backwards.stderr
    assert "end after it starts" in backwards.stderr
    no_version = run_accord("playbook", "backtest", "1", *PERIOD, "--against", "9", env=demo_env)
    assert no_version.returncode == 66 and "version 9 does not exist" in no_version.stderr
    nothing_to_compare = run_accord("playbook", "backtest", "1", *PERIOD, "--list", "gained", env=demo_env)
    assert nothing_to_compare.returncode == 2 and "--against" in nothing_to_compare.stderr
