"""Throwaway workspaces and PostgreSQL databases for the benchmarks: created fresh (optionally from a
template) and removed at the end. Names are the bench's own, passed as identifiers, never formatted in."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def bench_workspace(
    database: str, server: str, names: tuple[str, str], *, prefix: str, folder: Path | None = None
) -> Iterator[Path]:
    """A fresh workspace (and, for PostgreSQL, the database names[0]) set in this process's environment;
    the workspace and both databases (names[1] is the raw side's) are removed afterwards."""
    workspace = Path(tempfile.mkdtemp(prefix=prefix, dir=folder))
    os.environ["ACCORD_HOME"] = str(workspace)
    if database == "postgresql":
        create_postgres_database(server, names[0])
        os.environ["ACCORD_DATABASE_URL"] = f"{server}/{names[0]}"
    try:
        yield workspace
    finally:
        if database == "postgresql":
            for name in names:
                drop_postgres_database(server, name)
        shutil.rmtree(workspace, ignore_errors=True)


def create_postgres_database(server: str, name: str, template: str | None = None) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        admin.execute(statement)


def drop_postgres_database(server: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
