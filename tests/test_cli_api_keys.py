"""``accord api-key create | list | revoke`` as a user runs them: child processes, a real workspace."""

import hashlib
import sqlite3
from pathlib import Path

import pytest

from tests.cli_runner import accord_env, run_accord
from tests.test_cli import assert_one_line_error

ADMIN = "ria@acme.test"
PASSWORD = "a-long-passphrase-1"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    folder = tmp_path / "ws"
    env = accord_env(folder)
    assert run_accord("init", str(folder), env=env).returncode == 0
    for email, role in ((ADMIN, "admin"), ("sam@acme.test", "sdr")):
        made = run_accord("user", "create", email, "--role", role, "--password", PASSWORD, env=env)
        assert made.returncode == 0, made.stderr
    return folder


def stored_keys(workspace: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(workspace / "accord.sqlite3") as connection:
        return connection.execute(
            "SELECT id, name, prefix, secret_sha256, revoked_at FROM accord_apikey ORDER BY id"
        ).fetchall()


def test_a_key_is_made_with_its_token_shown_once_listed_and_revoked(workspace: Path) -> None:
    env = accord_env(workspace)
    assert "No API keys yet" in run_accord("api-key", "list", env=env).stdout

    made = run_accord("api-key", "create", "website forms", "--as", ADMIN, env=env)
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    assert made.stdout == token + "\n", "stdout is the token alone, for scripts"
    assert token.startswith("acc_") and len(token) > 40
    assert "shown only this once" in made.stderr and "does not store it" in made.stderr
    [(key_id, name, prefix, digest, revoked_at)] = stored_keys(workspace)
    assert (name, prefix, revoked_at) == ("website forms", token[:12], None)
    assert digest == hashlib.sha256(token.encode()).hexdigest()
    assert f"Created API key {key_id} 'website forms' (prefix {prefix})" in made.stderr
    second = run_accord("api-key", "create", "crm sync", "--as", ADMIN, env=env).stdout.strip()

    listed = run_accord("api-key", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    header, *rows = listed.stdout.splitlines()
    assert header.split()[:2] == ["id", "prefix"] and "last used" in header and "revoked" in header
    assert [row.split()[1] for row in rows] == [second[:12], prefix], "newest first"
    assert rows[1].split()[0] == str(key_id)
    assert "never" in rows[1] and ADMIN in rows[1] and rows[1].endswith("website forms")
    assert token not in listed.stdout and token[12:] not in listed.stdout

    revoked = run_accord("api-key", "revoke", prefix, "--as", ADMIN, env=env)
    assert revoked.returncode == 0, revoked.stderr
    assert f"Revoked API key {key_id} 'website forms' ({prefix})" in revoked.stdout
    assert stored_keys(workspace)[0][4] is not None
    again = run_accord("api-key", "revoke", str(key_id), "--as", ADMIN, env=env)
    assert again.returncode == 0, again.stderr
    assert "was already revoked on" in again.stdout
    listed_after = run_accord("api-key", "list", env=env).stdout.splitlines()
    assert listed_after[2].split()[5] != "-" and listed_after[1].split()[5] == "-"


def test_mistakes_are_one_line_errors_with_their_exit_codes(workspace: Path) -> None:
    env = accord_env(workspace)
    not_admin = run_accord("api-key", "create", "mine", "--as", "sam@acme.test", env=env)
    assert_one_line_error(not_admin, 77, "only admins manage API keys")
    nobody = run_accord("api-key", "create", "x", "--as", "who@acme.test", env=env)
    assert_one_line_error(nobody, 66, "no user")
    assert_one_line_error(run_accord("api-key", "create", " ", "--as", ADMIN, env=env), 65, "name")
    unknown_id = run_accord("api-key", "revoke", "42", "--as", ADMIN, env=env)
    assert_one_line_error(unknown_id, 66, "no API key has id 42")
    unknown_prefix = run_accord("api-key", "revoke", "acc_nothere", "--as", ADMIN, env=env)
    assert_one_line_error(unknown_prefix, 66, "no API key has prefix 'acc_nothere'")
    assert stored_keys(workspace) == []
    assert run_accord("api-key", "create", "x", env=env).returncode == 2  # --as is required


def test_the_help_says_what_each_command_does() -> None:
    env = accord_env()
    group = run_accord("api-key", "--help", env=env)
    assert group.returncode == 0
    for command in ("create", "list", "revoke"):
        assert command in group.stdout
    assert "shown once" in group.stdout
    assert "ID_OR_PREFIX" in run_accord("api-key", "revoke", "--help", env=env).stdout
    assert "--as EMAIL" in run_accord("api-key", "create", "--help", env=env).stdout
