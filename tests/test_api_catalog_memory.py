"""The catalog names a process remembers so that API requests stop asking the catalog for activity kinds
and attribute names: remembered only once committed, so a refused request or a dry-run import leaves
both the catalog and the memory as they were."""

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accord.importers.canonical import ActivityRecord, LeadRecord, RecordKind
from accord.models import CatalogEntry, CatalogEntryKind
from accord.services.api_keys import create_api_key
from accord.services.catalog_memory import (
    COMMITTED_CATALOG,
    CommittedCatalogNames,
    database_key,
    forget_on_migrate,
)
from accord.services.import_batches import record_catalog_entries
from tests.factories import make_user
from tests.import_streams import IMPORTED_AT, counts, load

pytestmark = pytest.mark.django_db

KIND = CatalogEntryKind.ACTIVITY_KIND
NEW_KIND = "webinar_replay"


@pytest.fixture(autouse=True)
def forget_catalog_names() -> Iterator[None]:
    COMMITTED_CATALOG.forget()
    yield
    COMMITTED_CATALOG.forget()


@pytest.fixture
def token() -> str:
    admin = make_user(role="admin", is_staff=True, is_superuser=True)
    return create_api_key(name="website forms", created_by=admin, now=timezone.now())[1]


def catalog(kind: CatalogEntryKind = KIND) -> set[str]:
    return set(CatalogEntry.objects.filter(kind=kind).values_list("name", flat=True))


def is_remembered(name: str, kind: CatalogEntryKind = KIND) -> bool:
    return not COMMITTED_CATALOG.unknown(kind, {name})


def activity(n: int, kind: str = NEW_KIND, **overrides: Any) -> ActivityRecord:
    fields: dict[str, Any] = {
        "line": n,
        "external_id": f"a-{n}",
        "kind": kind,
        "occurred_at": IMPORTED_AT - timedelta(days=1),
        "lead_external_id": "l-1",
        **overrides,
    }
    return ActivityRecord(**fields)


def with_lead() -> None:
    load(RecordKind.LEADS, LeadRecord(line=1, external_id="l-1", created_at=IMPORTED_AT - timedelta(days=2)))


def post(client: Client, path: str, body: object, token: str) -> Any:
    return client.post(
        path, json.dumps(body), content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )


def test_a_name_is_remembered_only_when_its_transaction_commits(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with_lead()
    with django_capture_on_commit_callbacks() as callbacks:
        load(RecordKind.ACTIVITIES, activity(1))
    assert NEW_KIND in catalog()
    assert not is_remembered(NEW_KIND), "remembered before the transaction that added it committed"
    for callback in callbacks:
        callback()
    assert is_remembered(NEW_KIND)


def test_a_dry_run_import_leaves_no_entry_and_nothing_remembered(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with_lead()
    with django_capture_on_commit_callbacks(execute=True):
        assert counts(load(RecordKind.ACTIVITIES, activity(1), is_dry_run=True)) == {"inserted": 1}
    assert NEW_KIND not in catalog()
    assert not is_remembered(NEW_KIND)
    with django_capture_on_commit_callbacks(execute=True):
        load(RecordKind.ACTIVITIES, activity(1))
    assert NEW_KIND in catalog() and is_remembered(NEW_KIND)


def test_a_refused_request_leaves_no_entry_and_nothing_remembered(
    client: Client, token: str, django_capture_on_commit_callbacks: Any
) -> None:
    """The batch is refused by an import rule after its kind was added to the catalog: rolled back."""
    with_lead()
    good = {
        "external_id": "a-1",
        "kind": NEW_KIND,
        "occurred_at": "2026-03-02T10:00:00Z",
        "lead_external_id": "l-1",
    }
    bad_actor = {**good, "external_id": "a-2", "actor_email": "nobody@acme.test"}
    with django_capture_on_commit_callbacks(execute=True):
        refused = post(client, "/api/activities/batch", {"records": [good, bad_actor]}, token)
    assert refused.status_code == 422, refused.content
    assert NEW_KIND not in catalog()
    assert not is_remembered(NEW_KIND)
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, "/api/activities", good, token).status_code == 201
    assert NEW_KIND in catalog() and is_remembered(NEW_KIND)


def test_a_known_name_is_not_asked_again_and_a_new_one_still_is(
    django_capture_on_commit_callbacks: Any, django_assert_num_queries: Any
) -> None:
    with_lead()
    with django_capture_on_commit_callbacks(execute=True):
        load(RecordKind.ACTIVITIES, activity(1))
    with django_assert_num_queries(0):
        record_catalog_entries(KIND, {NEW_KIND: ""})
    with django_assert_num_queries(2):  # the look-up of the unknown name, then its INSERT
        record_catalog_entries(KIND, {NEW_KIND: "", "podcast_listen": ""})
    assert catalog() == {NEW_KIND, "podcast_listen"}


def test_the_memory_is_bounded_and_forgotten_when_a_database_is_flushed_or_migrated() -> None:
    memory = CommittedCatalogNames(max_names=2)
    memory.remember((database_key(), KIND), ["a", "b", "c"])
    assert len(memory.unknown(KIND, {"a", "b", "c"})) == 1
    COMMITTED_CATALOG.remember((database_key(), KIND), ["a"])
    assert is_remembered("a")
    forget_on_migrate()
    assert not is_remembered("a")
