"""``accord demo`` as a user runs it: generate once, reuse after, fail fast on a busy port, serve."""

import re
import socket
import sqlite3
import subprocess
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from tests.cli_runner import ACCORD_COMMAND, accord_env, free_port, run_accord
from tests.test_cli import assert_one_line_error, wait_for_http

SMALL_DEMO = ("--leads", "300", "--as-of", "2026-06-30")


def lead_count(workspace: Path) -> int:
    with sqlite3.connect(workspace / "accord.sqlite3") as connection:
        return int(connection.execute("SELECT COUNT(*) FROM accord_lead").fetchone()[0])


def test_the_demo_generates_once_then_reuses_its_workspace(tmp_path: Path) -> None:
    workspace = tmp_path / "demo"
    first = run_accord("demo", "--workspace", str(workspace), "--no-serve", *SMALL_DEMO, env=accord_env())
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Generated demo company: 300 leads")
    for role in ("admin", "marketing", "sales_leader", "sdr", "ae", "viewer"):
        assert f"  {role} " in first.stdout
    second = run_accord(
        "demo", "--workspace", str(workspace), "--no-serve", "--leads", "500", env=accord_env()
    )
    assert second.returncode == 0, second.stderr
    assert second.stdout.startswith("Reusing demo company: 300 leads")
    assert lead_count(workspace) == 300


def test_a_busy_port_fails_before_anything_is_generated(tmp_path: Path) -> None:
    workspace = tmp_path / "demo"
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = run_accord(
            "demo", "--workspace", str(workspace), "--port", str(port), *SMALL_DEMO, env=accord_env()
        )
    assert_one_line_error(result, 75, f"cannot serve on 127.0.0.1:{port}")
    assert lead_count(workspace) == 0


def test_the_demo_serves_and_a_printed_login_works(tmp_path: Path) -> None:
    workspace = tmp_path / "demo"
    port = free_port()
    server = subprocess.Popen(
        [*ACCORD_COMMAND, "demo", "--workspace", str(workspace), "--port", str(port), *SMALL_DEMO],
        env=accord_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/login/", timeout_s=120)
        landing = log_in(f"http://127.0.0.1:{port}", "admin@northwind-demo.test", "demo-admin-pass")
        assert "300 leads" in landing
    finally:
        server.terminate()
        output, errors = server.communicate(timeout=30)
    assert f"Accord is serving on http://localhost:{port}/" in output, errors
    assert "admin@northwind-demo.test" in output


def log_in(base_url: str, email: str, password: str) -> str:
    """Log in through the form as a browser would (cookie, CSRF token) and return the landing page."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    with opener.open(f"{base_url}/login/") as response:
        form = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token, "the login form has no CSRF token"
    fields = {"csrfmiddlewaretoken": token.group(1), "username": email, "password": password}
    request = urllib.request.Request(
        f"{base_url}/login/",
        data=urllib.parse.urlencode(fields).encode(),
        headers={"Referer": f"{base_url}/login/"},
    )
    with opener.open(request) as response:
        assert response.url.endswith("/leads/"), response.url
        return str(response.read().decode())
