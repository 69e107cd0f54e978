"""The catalog names (activity kinds, attribute names) this process knows to be committed, so that an
import or an API request does not ask the catalog again for a name it has seen: one query per request
saved (bench/RESULTS.md, "HTTP ingestion"). Catalog entries are never deleted, so a name seen committed
stays true; names are remembered only when the transaction that found or added them commits, so a dry
run or a refused batch, which roll back, leave nothing remembered."""

from __future__ import annotations

import threading
from collections.abc import Collection
from typing import Any

from django.db import connection, transaction
from django.db.models.signals import post_migrate

# Names remembered per database and catalog kind. A workspace has tens to hundreds of kinds and
# attributes; the bound only keeps a client sending ever-new attribute names from growing memory
# without end (beyond it, those names are asked of the catalog each time, as before).
MAX_REMEMBERED_NAMES = 10_000

DatabaseKey = tuple[str, str, str, str, str]


class CommittedCatalogNames:
    """Per database and kind, the names known to be in the committed catalog. Thread-safe."""

    def __init__(self, *, max_names: int) -> None:
        self.max_names = max_names
        self.lock = threading.Lock()
        self.names: dict[tuple[DatabaseKey, str], set[str]] = {}

    def unknown(self, kind: str, names: Collection[str]) -> set[str]:
        """Those of ``names`` not known to be in the committed catalog of the current database."""
        known = self.names.get((database_key(), kind))
        if not known:
            return set(names)
        with self.lock:
            return set(names) - known

    def remember_on_commit(self, kind: str, names: Collection[str]) -> None:
        """Remember ``names`` (found in or added to the catalog) once the current transaction commits;
        at once outside a transaction. Forgotten with the transaction if it rolls back."""
        key = (database_key(), kind)
        remembered = frozenset(names)
        transaction.on_commit(lambda: self.remember(key, remembered))

    def remember(self, key: tuple[DatabaseKey, str], names: Collection[str]) -> None:
        with self.lock:
            known = self.names.setdefault(key, set())
            room = self.max_names - len(known)
            if room >= len(names):
                known.update(names)
            elif room > 0:
                known.update(sorted(set(names) - known)[:room])

    def forget(self) -> None:
        with self.lock:
            self.names.clear()


def database_key() -> DatabaseKey:
    """Which database the default connection points at: a process may open several in turn (tests)."""
    settings = connection.settings_dict
    return (
        connection.alias,
        connection.vendor,
        str(settings.get("NAME") or ""),
        str(settings.get("HOST") or ""),
        str(settings.get("PORT") or ""),
    )


COMMITTED_CATALOG = CommittedCatalogNames(max_names=MAX_REMEMBERED_NAMES)


def forget_on_migrate(**_: Any) -> None:
    """A flush (which tests run between transactional tests) or a migration may empty the catalog."""
    COMMITTED_CATALOG.forget()


post_migrate.connect(forget_on_migrate, dispatch_uid="accord.services.catalog_memory")
