"""Bringing a workspace's database to the current schema, and proving it can be reached."""

from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

from accord.errors import DatabaseUnavailable


def check_database_reachable() -> None:
    """Open a connection once, turning a driver error into one line a user can act on."""
    try:
        connection.ensure_connection()
    except DatabaseError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DatabaseUnavailable(f"cannot open the database ({connection.vendor}): {first_line}") from exc


def has_pending_migrations() -> bool:
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def prepare_database() -> bool:
    """Create or upgrade the schema. Returns True when migrations were applied."""
    check_database_reachable()
    if not has_pending_migrations():
        return False
    call_command("migrate", interactive=False, verbosity=0, stdout=StringIO())
    return True


STARTER_PLAYBOOK = Path(__file__).resolve().parent.parent / "starter" / "playbook.yaml"


def write_starter_playbook(folder: Path) -> Path | None:
    """Copy the starter playbook into a new workspace for its owners to edit; never overwrite one."""
    target = folder / "playbook.yaml"
    if target.exists():
        return None
    target.write_text(STARTER_PLAYBOOK.read_text(encoding="utf-8"), encoding="utf-8")
    return target
