"""A workspace is one folder holding an Accord installation's state: its SQLite database (unless
ACCORD_DATABASE_URL names PostgreSQL) and its secret key. Resolved and checked before Django starts,
so that a bad folder or URL is one clear line, not a traceback."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from accord.errors import ConfigurationError

DEFAULT_WORKSPACE = Path("~/.accord/workspace")
SQLITE_FILE_NAME = "accord.sqlite3"
SECRET_KEY_FILE_NAME = "secret_key"
POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql")


@dataclass(frozen=True)
class Workspace:
    path: Path

    @property
    def sqlite_path(self) -> Path:
        return self.path / SQLITE_FILE_NAME


def open_workspace(raw_path: str | None) -> Workspace:
    """Create the folder if needed and prove it is writable."""
    path = Path(raw_path).expanduser() if raw_path else DEFAULT_WORKSPACE.expanduser()
    path = path.absolute()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigurationError(f"workspace {path}: cannot create the folder ({exc.strerror})") from exc
    if not path.is_dir():
        raise ConfigurationError(f"workspace {path}: exists but is not a folder")
    probe = path / ".write-probe"
    try:
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise ConfigurationError(f"workspace {path}: folder is not writable ({exc.strerror})") from exc
    return Workspace(path=path)


def read_or_create_secret_key(workspace: Workspace) -> str:
    key_file = workspace.path / SECRET_KEY_FILE_NAME
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(50)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def database_settings(workspace: Workspace, database_url: str | None) -> dict[str, Any]:
    """Django's DATABASES['default'] for this workspace: SQLite in WAL mode, or the PostgreSQL URL."""
    if not database_url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(workspace.sqlite_path),
            "OPTIONS": {
                # WAL lets the web server read while an import writes; NORMAL is durable across
                # application crashes, and IMMEDIATE avoids lock-upgrade deadlocks between writers.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # Keep each server thread's connection between requests, as for PostgreSQL: opening one
            # (and running the PRAGMAs above) cost ~1.3 ms a request and halved the API's throughput
            # on requests that only read (bench/bench_http.py: 389 → 812 req/s).
            "CONN_MAX_AGE": 60,
            "TEST": {"NAME": None},
        }
    return postgres_settings(database_url)


def postgres_settings(database_url: str) -> dict[str, Any]:
    import dj_database_url

    parts = urlsplit(database_url)
    expected = "expected postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
    if parts.scheme not in POSTGRES_SCHEMES:
        raise ConfigurationError(
            f"ACCORD_DATABASE_URL: unsupported scheme {parts.scheme or '(none)'!r}; {expected}"
        )
    try:
        port = parts.port
    except ValueError as exc:
        raise ConfigurationError(f"ACCORD_DATABASE_URL: the port is not a number; {expected}") from exc
    if not parts.hostname and not parts.path.strip("/"):
        raise ConfigurationError(f"ACCORD_DATABASE_URL: names no host and no database; {expected}")
    if not parts.path.strip("/"):
        raise ConfigurationError(f"ACCORD_DATABASE_URL: names no database; {expected}")
    config: dict[str, Any] = dict(dj_database_url.parse(database_url, conn_max_age=60))
    config["ENGINE"] = "django.db.backends.postgresql"
    if port is not None:
        config["PORT"] = port
    config.setdefault("OPTIONS", {})["connect_timeout"] = 5
    return config
