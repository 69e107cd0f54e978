"""``accord import`` and ``accord data`` as a user runs them: a child process, real files."""

from pathlib import Path

from tests.cli_runner import accord_env, run_accord

LEADS = """external_id,created_at,email,first_name,last_name
l1,2026-01-05,ann@acme.test,Ann,=cmd()
l2,not a date,bob@acme.test,Bob,Lee
"""


def test_import_reports_counts_writes_rejects_and_a_rerun_is_unchanged(tmp_path: Path) -> None:
    env = accord_env(tmp_path / "ws")
    source = tmp_path / "leads.csv"
    source.write_text(LEADS, encoding="utf-8")
    dry = run_accord("import", "leads", str(source), "--dry-run", "--at", "2026-06-01", env=env)
    assert dry.returncode == 0, dry.stderr
    assert "Dry run: nothing was written" in dry.stdout
    first = run_accord("import", "leads", str(source), "--at", "2026-06-01", env=env)
    assert first.returncode == 0, first.stderr
    row = next(line for line in first.stdout.splitlines() if line.startswith("leads"))
    assert row.split()[1:5] == ["1", "0", "0", "1"]
    rejects = (tmp_path / "leads.csv.rejected.csv").read_text(encoding="utf-8")
    assert rejects.splitlines()[0] == "line,field,value,reason,source"
    assert rejects.splitlines()[1].startswith("3,created_at,not a date,")
    again = run_accord("import", "leads", str(source), "--at", "2026-06-01", env=env)
    assert next(line for line in again.stdout.splitlines() if line.startswith("leads")).split()[1:4] == [
        "0",
        "0",
        "1",
    ]
    listed = run_accord("data", "unmatched", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "1 leads without an account." in listed.stdout


def test_a_missing_mapping_preset_is_a_usage_error(tmp_path: Path) -> None:
    source = tmp_path / "leads.csv"
    source.write_text(LEADS, encoding="utf-8")
    result = run_accord("import", "leads", str(source), "--mapping", "nope", env=accord_env(tmp_path / "ws"))
    assert result.returncode == 2
    assert "neither a file nor a preset" in result.stderr
