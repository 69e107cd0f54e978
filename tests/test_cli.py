"""The ``accord`` command at its edge: workspaces, bad configuration, serving. Child processes, real files."""

import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.cli_runner import ACCORD_COMMAND, accord_env, free_port, run_accord


def assert_one_line_error(result: object, exit_code: int, fragment: str) -> None:
    stderr = result.stderr  # type: ignore[attr-defined]
    assert result.returncode == exit_code, stderr  # type: ignore[attr-defined]
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("accord: error: ")
    assert fragment in lines[0]


def test_init_creates_a_migrated_sqlite_workspace_in_wal_mode(tmp_path: Path) -> None:
    import sqlite3

    workspace = tmp_path / "acme"
    result = run_accord("init", str(workspace), env=accord_env())
    assert result.returncode == 0, result.stderr
    database = workspace / "accord.sqlite3"
    with sqlite3.connect(database) as connection:
        journal_mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert journal_mode == "wal"
    assert {
        "accord_lead",
        "accord_activity",
        "accord_lifecycletransition",
        "accord_playbookversion",
    } <= tables
    assert (workspace / "secret_key").stat().st_mode & 0o077 == 0, "the secret key is readable by others"


def test_init_ships_a_starter_playbook_that_validates(tmp_path: Path) -> None:
    workspace = tmp_path / "acme"
    assert run_accord("init", str(workspace), env=accord_env()).returncode == 0
    starter = workspace / "playbook.yaml"
    result = run_accord("playbook", "validate", str(starter), env=accord_env(workspace))
    assert result.returncode == 0, result.stderr
    assert "is valid" in result.stdout
    starter.write_text("edited by the owners")
    assert run_accord("init", str(workspace), env=accord_env()).returncode == 0
    assert starter.read_text() == "edited by the owners", "init overwrote an edited playbook"


def test_a_second_init_keeps_the_data(tmp_path: Path) -> None:
    env = accord_env(tmp_path / "ws")
    assert run_accord("init", str(tmp_path / "ws"), env=env).returncode == 0
    created = run_accord(
        "user", "create", "ann@acme.test", "--role", "admin", "--password", "a-long-passphrase-1", env=env
    )
    assert created.returncode == 0, created.stderr
    assert run_accord("init", str(tmp_path / "ws"), env=env).returncode == 0
    again = run_accord(
        "user", "create", "ann@acme.test", "--role", "admin", "--password", "a-long-passphrase-1", env=env
    )
    assert_one_line_error(again, 65, "already exists")


def test_user_create_refuses_an_unknown_role_and_a_weak_password(tmp_path: Path) -> None:
    env = accord_env(tmp_path)
    weak = run_accord("user", "create", "bob@acme.test", "--role", "sdr", "--password", "123", env=env)
    assert_one_line_error(weak, 65, "password")
    unknown = run_accord("user", "create", "bob@acme.test", "--role", "king", "--password", "x" * 12, env=env)
    assert unknown.returncode == 2
    assert "'king' is not one of" in unknown.stderr


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("mysql://root@localhost/accord", "unsupported scheme 'mysql'"),
        ("postgresql://postgres@127.0.0.1:notaport/accord", "port is not a number"),
        ("postgresql://postgres@127.0.0.1:5432", "names no database"),
        ("not a url at all", "unsupported scheme"),
    ],
)
def test_a_malformed_database_url_is_a_configuration_error(tmp_path: Path, url: str, fragment: str) -> None:
    result = run_accord("init", str(tmp_path), env=accord_env(ACCORD_DATABASE_URL=url))
    assert_one_line_error(result, 78, fragment)


def test_an_unreachable_database_is_one_clear_line(tmp_path: Path) -> None:
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/accord"
    result = run_accord("init", str(tmp_path), env=accord_env(ACCORD_DATABASE_URL=url))
    assert_one_line_error(result, 69, "cannot open the database (postgresql)")


def test_a_workspace_inside_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    result = run_accord("init", str(tmp_path / "a-file" / "workspace"), env=accord_env())
    assert_one_line_error(result, 78, "cannot create the folder (Not a directory)")


def test_a_workspace_that_is_a_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    result = run_accord("init", str(tmp_path / "a-file"), env=accord_env())
    assert result.returncode == 2
    assert "is a file" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_read_only_workspace_is_refused(tmp_path: Path) -> None:
    # /proc is read-only even for root, so this holds whoever runs the tests.
    result = run_accord("init", "/proc/accord-workspace", env=accord_env())
    assert_one_line_error(result, 78, "workspace /proc/accord-workspace: cannot create the folder")


def test_serve_answers_http_and_a_second_server_on_the_port_is_refused(tmp_path: Path) -> None:
    import subprocess

    env = accord_env(tmp_path)
    port = free_port()
    server = subprocess.Popen(
        [*ACCORD_COMMAND, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # The root redirects an anonymous visitor to the login form.
        login_page = wait_for_http(f"http://127.0.0.1:{port}/", timeout_s=60)
        assert 'type="password"' in login_page
        second = run_accord("serve", "--port", str(port), env=env)
        assert_one_line_error(second, 75, f"cannot serve on 127.0.0.1:{port}")
    finally:
        server.terminate()
        server.communicate(timeout=30)


def wait_for_http(url: str, timeout_s: float) -> str:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback only)
                return str(response.read().decode())
        except urllib.error.HTTPError:
            raise
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_a_port_held_by_another_program_is_refused(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = run_accord("serve", "--port", str(port), env=accord_env(tmp_path))
    assert_one_line_error(result, 75, "choose another --port")
