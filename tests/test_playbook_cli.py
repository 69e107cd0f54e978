"""``accord playbook`` as a user runs it: validate, propose, sign, activate, show, diff, history."""

from pathlib import Path

import pytest

from tests.cli_runner import accord_env, run_accord
from tests.factories import example_playbook_text


@pytest.fixture
def workspace(tmp_path: Path) -> dict[str, str]:
    env = accord_env(tmp_path / "ws")
    for email, role in (
        ("ann@acme.test", "admin"),
        ("maria@acme.test", "marketing"),
        ("sam@acme.test", "sales_leader"),
    ):
        created = run_accord(
            "user", "create", email, "--role", role, "--password", "a-long-passphrase-1", env=env
        )
        assert created.returncode == 0, created.stderr
    return env


def test_validate_lists_every_problem_with_line_and_field(tmp_path: Path, workspace: dict[str, str]) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        example_playbook_text()
        .replace("half_life_days", "half_lfe_days")
        .replace("lead.seniority", "lead.senority")
    )
    result = run_accord("playbook", "validate", str(broken), env=workspace)
    assert result.returncode == 65
    assert "Traceback" not in result.stderr
    assert "has 3 problems" in result.stderr
    assert (
        "intent.half_lfe_days: unknown field 'half_lfe_days'; did you mean 'half_life_days'?" in result.stderr
    )
    assert (
        "fit[2].when: no lead has the attribute 'lead.senority'; did you mean 'lead.seniority'?"
        in result.stderr
    )


def test_the_whole_sign_off_from_the_command_line(tmp_path: Path, workspace: dict[str, str]) -> None:
    draft = tmp_path / "playbook.yaml"
    draft.write_text(example_playbook_text())
    steps = [
        ("playbook", "validate", str(draft)),
        ("playbook", "propose", str(draft), "--as", "ann@acme.test", "--at", "2026-01-31"),
        ("playbook", "sign", "1", "--as", "maria@acme.test", "--at", "2026-02-01"),
        ("playbook", "sign", "1", "--as", "sam@acme.test", "--at", "2026-02-02"),
        ("playbook", "activate", "1", "--as", "ann@acme.test", "--at", "2026-02-02"),
    ]
    for step in steps:
        result = run_accord(*step, env=workspace)
        assert result.returncode == 0, (step, result.stderr)
    shown = run_accord("playbook", "show", "--at", "2026-06-01", env=workspace)
    assert "Version 1: Acme revenue playbook (active)" in shown.stdout
    assert "signed for marketing by maria@acme.test at 2026-02-01 00:00" in shown.stdout
    assert "REVIEW DUE: 2026-05-02" in shown.stdout

    draft.write_text(example_playbook_text().replace('mql: "fit >= 60', 'mql: "fit >= 70'))
    assert (
        run_accord("playbook", "diff", "1", str(draft), env=workspace).stdout == "MQL fit threshold 60 → 70\n"
    )
    run_accord("playbook", "propose", str(draft), "--as", "maria@acme.test", env=workspace)
    assert "v2    draft" in run_accord("playbook", "history", env=workspace).stdout


def test_a_non_owner_cannot_sign(tmp_path: Path, workspace: dict[str, str]) -> None:
    draft = tmp_path / "playbook.yaml"
    draft.write_text(example_playbook_text())
    run_accord("playbook", "propose", str(draft), "--as", "ann@acme.test", env=workspace)
    result = run_accord("playbook", "sign", "1", "--as", "ann@acme.test", env=workspace)
    assert result.returncode == 77
    assert "only the owners named in version 1 can sign it" in result.stderr
    unknown = run_accord("playbook", "sign", "1", "--as", "nobody@acme.test", env=workspace)
    assert unknown.returncode == 66
