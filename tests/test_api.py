"""The ingestion API through Django's test client on the real database: API keys and their admin,
single and batch leads and activities, idempotency, the error shape, limits, all-or-nothing batches."""

import json
import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import DjangoAssertNumQueries, Settings

from accord.models import (
    Activity,
    ApiKey,
    CatalogEntry,
    ImportRun,
    Lead,
    PendingActivity,
    RecordChange,
    User,
)
from accord.services.api_keys import (
    LAST_USED_RESOLUTION,
    authenticate_api_key,
    create_api_key,
    revoke_api_key,
)
from accord.services.catalog_memory import COMMITTED_CATALOG
from accord.web.api import refusals
from accord.web.api.schemas import MAX_BATCH_RECORDS, ActivityIn, LeadIn
from tests.factories import make_user

pytestmark = pytest.mark.django_db

XSS = "<script>alert(1)</script>"


@pytest.fixture
def admin_user() -> User:
    return make_user(email="ria@acme.test", role="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def token(admin_user: User) -> str:
    _, plaintext = create_api_key(name="website forms", created_by=admin_user, now=timezone.now())
    return plaintext


@pytest.fixture(autouse=True)
def forget_catalog_names() -> Iterator[None]:
    """Callbacks run by django_capture_on_commit_callbacks remember names the test transaction then rolls
    back: no test may see another's."""
    COMMITTED_CATALOG.forget()
    yield
    COMMITTED_CATALOG.forget()


def post(client: Client, path: str, body: Any, token: str | None = None, **extra: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    raw = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(path, raw, content_type="application/json", headers=headers, **extra)


def lead(n: int, **overrides: Any) -> dict[str, Any]:
    return {
        "external_id": f"web-{n}",
        "created_at": "2026-03-02T10:00:00Z",
        "email": f"pat{n}@acme.test",
        "first_name": "Pat",
        **overrides,
    }


def form_fill(n: int, **overrides: Any) -> dict[str, Any]:
    return {
        "external_id": f"fill-{n}",
        "kind": "form_submitted",
        "occurred_at": "2026-03-02T10:05:00Z",
        "detail": "/contact",
        **overrides,
    }


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body: dict[str, Any] = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


def stored_state() -> tuple[list[tuple[Any, ...]], ...]:
    """Everything ingestion can write, to show a refused request changed nothing."""
    return (
        sorted(Lead.objects.values_list("external_id", "email", "first_name", "attributes")),
        sorted(Activity.objects.values_list("external_id", "lead__external_id", "kind")),
        sorted(PendingActivity.objects.values_list("external_id", "lead_external_id")),
        sorted(RecordChange.objects.values_list("external_id", "changes")),
        sorted(ImportRun.objects.values_list("kind", "inserted", "updated")),
    )


# Authentication


@pytest.mark.parametrize(
    "header",
    [None, "Bearer acc_not-a-real-key", "Bearer ", "Basic dXNlcjpwYXNz", "acc_missing-scheme"],
)
def test_requests_without_a_valid_key_are_unauthenticated(client: Client, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = client.post(
        "/api/leads", json.dumps(lead(1)), content_type="application/json", headers=headers
    )
    error = error_of(response, 401)
    assert error["code"] == "unauthenticated"
    assert response["WWW-Authenticate"] == "Bearer"
    assert not Lead.objects.exists()


def test_a_flood_of_bad_keys_is_one_log_line_a_minute_counting_the_refusals(
    client: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    seconds = [0.0]
    monkeypatch.setattr(refusals, "REFUSALS", refusals.RefusalLog(interval_s=60.0, clock=lambda: seconds[0]))
    caplog.set_level(logging.WARNING)
    for at in (0.0, 1.0, 2.0, 59.0, 61.0):
        seconds[0] = at
        assert post(client, "/api/leads", lead(1), "acc_not-a-real-key").status_code == 401
    lines = [(r.name, r.getMessage()) for r in caplog.records]
    assert [name for name, _ in lines] == ["accord.api", "accord.api"]
    assert lines[0][1].endswith("(1 refused since the previous such line)")
    assert lines[1][1].endswith("(4 refused since the previous such line)")
    assert "POST /api/leads" in lines[0][1] and "acc_not" not in lines[0][1]


def test_a_revoked_key_is_refused_from_then_on(client: Client, admin_user: User) -> None:
    key, token = create_api_key(name="crm sync", created_by=admin_user, now=timezone.now())
    assert post(client, "/api/leads", lead(1), token).status_code == 201
    assert revoke_api_key(key, revoked_by=admin_user, now=timezone.now())
    assert not revoke_api_key(key, revoked_by=admin_user, now=timezone.now())  # the first date is kept
    assert error_of(post(client, "/api/leads", lead(2), token), 401)["code"] == "unauthenticated"
    assert list(Lead.objects.values_list("external_id", flat=True)) == ["web-1"]


def test_a_successful_call_records_when_the_key_was_last_used(client: Client, token: str) -> None:
    key = ApiKey.objects.get()
    assert key.last_used_at is None
    before = timezone.now()
    post(client, "/api/leads", lead(1), token)
    key.refresh_from_db()
    assert key.last_used_at is not None and before <= key.last_used_at <= timezone.now()


def test_the_last_use_is_written_at_most_once_a_minute(admin_user: User) -> None:
    key, token = create_api_key(name="crm sync", created_by=admin_user, now=timezone.now())
    first = timezone.now() - timedelta(hours=1)
    assert authenticate_api_key(token, now=first) == key
    within = first + LAST_USED_RESOLUTION - timedelta(seconds=1)
    assert authenticate_api_key(token, now=within) == key
    key.refresh_from_db()
    assert key.last_used_at == first
    later = first + LAST_USED_RESOLUTION + timedelta(seconds=1)
    authenticate_api_key(token, now=later)
    key.refresh_from_db()
    assert key.last_used_at == later


def test_a_session_cookie_alone_does_not_authenticate_the_api(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    assert error_of(post(client, "/api/leads", lead(1)), 401)["code"] == "unauthenticated"


def test_the_api_needs_no_csrf_token_because_it_takes_no_cookies(token: str) -> None:
    strict = Client(enforce_csrf_checks=True)
    assert post(strict, "/api/leads", lead(1), token).status_code == 201


def test_only_admins_make_keys_and_the_token_is_stored_hashed(admin_user: User) -> None:
    from accord.errors import PermissionDenied

    sdr = make_user(role="sdr", is_staff=True)
    with pytest.raises(PermissionDenied, match="only admins manage API keys"):
        create_api_key(name="mine", created_by=sdr, now=timezone.now())
    key, token = create_api_key(name="site", created_by=admin_user, now=timezone.now())
    assert token.startswith("acc_") and len(token) > 40
    assert key.prefix == token[:12]
    stored = ApiKey.objects.filter(pk=key.pk).values().get()
    assert not any(token in str(value) for value in stored.values())
    assert token[12:] not in str(stored)


# Leads


def test_a_new_lead_is_inserted_then_a_repeat_is_unchanged_and_a_change_updated(
    client: Client, token: str
) -> None:
    first = post(client, "/api/leads", lead(1, attributes={"Company Size": 250, "trial": True}), token)
    assert first.status_code == 201
    lead_id = Lead.objects.get(external_id="web-1").pk
    assert first.json() == {
        "records": [{"index": 0, "external_id": "web-1", "status": "inserted", "id": lead_id}],
        "attached_activities": 0,
    }
    again = post(client, "/api/leads", lead(1, attributes={"Company Size": 250, "trial": True}), token)
    assert again.status_code == 200
    assert again.json()["records"][0]["status"] == "unchanged"
    changed = post(client, "/api/leads", lead(1, title="CFO"), token)
    assert changed.status_code == 200
    assert changed.json()["records"] == [
        {"index": 0, "external_id": "web-1", "status": "updated", "id": lead_id}
    ]
    stored = Lead.objects.get()
    assert (stored.title, stored.attributes) == ("CFO", {"company_size": 250, "trial": True})
    assert RecordChange.objects.get().changes == {"title": {"old": "", "new": "CFO"}}


# Single events are the API's most frequent request: these guards keep their cost from creeping back
# (bench/RESULTS.md, "HTTP ingestion"). The counts include the test transaction's SAVEPOINT and RELEASE.
SINGLE_LEAD_MAX_QUERIES = 11
# SAVEPOINT, key, known activity ids, held activities, lead, INSERT activity, INSERT run, its id,
# RELEASE: nothing asks the catalog for a kind this process has seen committed.
SINGLE_ACTIVITY_MAX_QUERIES = 9


def test_a_single_lead_costs_a_bounded_number_of_queries(
    client: Client, token: str, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    post(client, "/api/leads", lead(1), token)  # the key's last use is written now, not per request
    with django_assert_max_num_queries(SINGLE_LEAD_MAX_QUERIES):
        response = post(client, "/api/leads", lead(2), token)
    assert response.status_code == 201
    run = ImportRun.objects.order_by("id").last()
    assert run is not None and (run.status, run.inserted, run.unchanged) == ("completed", 1, 0)


def test_a_single_activity_costs_a_bounded_number_of_queries(
    client: Client,
    token: str,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    django_capture_on_commit_callbacks: Any,
) -> None:
    post(client, "/api/leads", lead(1), token)
    with django_capture_on_commit_callbacks(execute=True):  # as if committed: the kind is remembered
        post(client, "/api/activities", form_fill(1, lead_external_id="web-1"), token)  # its kind is new
    assert CatalogEntry.objects.filter(kind="activity_kind", name="form_submitted").exists()
    with django_assert_max_num_queries(SINGLE_ACTIVITY_MAX_QUERIES):
        response = post(client, "/api/activities", form_fill(2, lead_external_id="web-1"), token)
    assert response.json()["records"] == [
        {
            "index": 0,
            "external_id": "fill-2",
            "status": "inserted",
            "id": Activity.objects.get(external_id="fill-2").pk,
        }
    ]
    run = ImportRun.objects.order_by("id").last()
    assert run is not None and (run.status, run.kind, run.inserted) == ("completed", "activities", 1)


def test_a_request_stores_its_run_with_the_time_and_counts(client: Client, token: str) -> None:
    post(client, "/api/leads", lead(1), token)
    before = timezone.now()
    post(client, "/api/activities", form_fill(1, lead_external_id="web-1"), token)
    run = ImportRun.objects.order_by("id").last()
    assert run is not None
    assert before <= run.started_at == run.finished_at <= timezone.now()
    assert (run.kind, run.status, run.is_dry_run) == ("activities", "completed", False)
    assert (run.inserted, run.updated, run.unchanged, run.rejected, run.held) == (1, 0, 0, 0, 0)
    assert run.source_name == f"API key {ApiKey.objects.get().prefix}… (website forms)"


def test_a_run_that_held_rows_refer_to_gets_its_final_counts(client: Client, token: str) -> None:
    post(client, "/api/activities", form_fill(1, visitor_id="v-1"), token)
    held = PendingActivity.objects.get()
    assert held.import_run is not None
    assert (held.import_run.status, held.import_run.held, held.import_run.inserted) == ("completed", 1, 0)


def test_a_lead_batch_reports_each_record(client: Client, token: str) -> None:
    post(client, "/api/leads", lead(1), token)
    response = post(
        client, "/api/leads/batch", {"records": [lead(1), lead(2), lead(3, last_name="Lee")]}, token
    )
    assert response.status_code == 201
    assert [(r["index"], r["external_id"], r["status"]) for r in response.json()["records"]] == [
        (0, "web-1", "unchanged"),
        (1, "web-2", "inserted"),
        (2, "web-3", "inserted"),
    ]
    assert Lead.objects.count() == 3
    run = ImportRun.objects.order_by("id").last()
    assert run is not None and (run.kind, run.inserted, run.unchanged) == ("leads", 2, 1)
    assert run.source_name.startswith("API key acc_")


def test_text_is_stored_verbatim_and_escaped_on_the_lead_page(
    client: Client, token: str, admin_user: User
) -> None:
    post(client, "/api/leads", lead(1, first_name=XSS, company_name="A & B <Ltd>"), token)
    stored = Lead.objects.get()
    assert (stored.first_name, stored.company_name) == (XSS, "A & B <Ltd>")
    client.force_login(admin_user)
    page = client.get(f"/leads/{stored.pk}/").content.decode()
    assert XSS not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# Validation: one error shape naming every bad field


def test_every_bad_field_of_a_lead_is_named_with_what_was_expected(client: Client, token: str) -> None:
    body = lead(1, email="not-an-email", created_at="yesterday", mql_at="2999-01-01", surname="Lee")
    error = error_of(post(client, "/api/leads", body, token), 422)
    assert error["code"] == "invalid_request"
    assert {"loc": ["body", "surname"], "message": "Extra inputs are not permitted", "value": "Lee"} in (
        error["fields"]
    )
    body.pop("surname")
    error = error_of(post(client, "/api/leads", body, token), 422)
    assert error["code"] == "invalid_records"
    by_field = {tuple(f["loc"]): (f["message"], f["value"]) for f in error["fields"]}
    assert by_field == {
        ("body", "email"): ("not an e-mail address", "not-an-email"),
        ("body", "created_at"): (
            "not a valid date; expected ISO 8601 (2026-03-31 or 2026-03-31T14:05:00Z)",
            "yesterday",
        ),
    }
    assert not Lead.objects.exists()


def test_a_date_in_the_future_is_refused(client: Client, token: str) -> None:
    later = (timezone.now() + timedelta(days=2)).isoformat()
    error = error_of(post(client, "/api/leads", lead(1, mql_at=later), token), 422)
    [field] = error["fields"]
    assert field["loc"] == ["body", "mql_at"] and field["message"].startswith("in the future")


def test_missing_and_mistyped_fields_are_named(client: Client, token: str) -> None:
    error = error_of(
        post(client, "/api/leads", {"email": 7, "attributes": {"score": float("nan")}}, token), 422
    )
    locs = {tuple(f["loc"]): f["message"] for f in error["fields"]}
    assert locs[("body", "external_id")] == "Field required"
    assert locs[("body", "created_at")] == "Field required"
    assert locs[("body", "email")] == "Input should be a valid string"
    # An attribute may be of several types: each one's complaint is listed, all under the attribute.
    assert ("body", "attributes", "score", "float") in locs
    assert "finite number" in locs[("body", "attributes", "score", "float")]


def test_malformed_json_is_a_400_in_the_same_shape(client: Client, token: str) -> None:
    error = error_of(post(client, "/api/leads", b"{not json", token), 400)
    assert error["code"] == "malformed_body"


def test_text_no_database_can_store_is_refused(client: Client, token: str) -> None:
    error = error_of(
        post(client, "/api/leads", lead(1, first_name="Pa\x00t", attributes={"n\x00": "a"}), token), 422
    )
    assert [(f["loc"], f["message"]) for f in error["fields"]] == [
        (["body", "attributes", "n\x00"], "contains a NUL character (U+0000), which cannot be stored"),
        (["body", "first_name"], "contains a NUL character (U+0000), which cannot be stored"),
    ]
    error = error_of(post(client, "/api/leads", lead(1, first_name="a\ud800"), token), 422)
    assert [f["loc"] for f in error["fields"]] == [["body", "first_name"]]
    assert not Lead.objects.exists()


def test_an_attribute_may_not_shadow_a_field(client: Client, token: str) -> None:
    error = error_of(post(client, "/api/leads", lead(1, attributes={"Email": "x"}), token), 422)
    assert error["fields"] == [
        {
            "loc": ["body", "attributes", "Email"],
            "message": "email is a field of the record, not an attribute",
            "value": "Email",
        }
    ]


# Batches are all or nothing


def test_a_batch_with_one_bad_record_is_refused_whole_and_changes_nothing(client: Client, token: str) -> None:
    post(client, "/api/leads", lead(1), token)
    before = stored_state()
    records = [lead(1, title="CEO"), lead(2), lead(3, email="bad"), lead(4), lead(2, first_name="Again")]
    error = error_of(post(client, "/api/leads/batch", {"records": records}, token), 422)
    assert [(f["loc"], f["value"]) for f in error["fields"]] == [
        (["body", "records", 2, "email"], "bad"),
        (["body", "records", 4, "external_id"], "web-2"),
    ]
    assert error["fields"][1]["message"] == "repeats record 1"
    assert stored_state() == before


def test_a_batch_refused_by_an_import_rule_rolls_back_what_it_had_written(client: Client, token: str) -> None:
    """The owner look-up fails in the service, after other leads of the batch were written."""
    post(client, "/api/leads", lead(1), token)
    before = stored_state()
    records = [lead(1, title="CEO"), lead(2), lead(3, owner_email="nobody@acme.test")]
    error = error_of(post(client, "/api/leads/batch", {"records": records}, token), 422)
    assert error["fields"] == [
        {
            "loc": ["body", "records", 2, "owner_email"],
            "message": "no user has this e-mail; import users first",
            "value": "nobody@acme.test",
        }
    ]
    assert stored_state() == before


def test_batch_size_is_limited_and_an_empty_batch_refused(client: Client, token: str) -> None:
    too_many = {"records": [lead(n) for n in range(MAX_BATCH_RECORDS + 1)]}
    error = error_of(post(client, "/api/leads/batch", too_many, token), 422)
    assert error["fields"][0]["loc"] == ["body", "records"]
    assert "at most 500" in error["fields"][0]["message"]
    assert error_of(post(client, "/api/leads/batch", {"records": []}, token), 422)["fields"]
    assert not Lead.objects.exists()


def test_a_body_over_the_limit_is_413_before_it_is_read(
    client: Client, token: str, settings: Settings
) -> None:
    settings.ACCORD_API_MAX_BODY_BYTES = 1_000
    body = {"records": [lead(n) for n in range(20)]}
    error = error_of(post(client, "/api/leads/batch", body, token), 413)
    assert error["code"] == "payload_too_large"
    assert "limit is 1000 bytes" in error["message"]
    assert post(client, "/api/leads", lead(1), token).status_code == 201


# Activities


def test_an_activity_for_an_unknown_lead_is_held_then_attached_when_the_lead_arrives(
    client: Client, token: str
) -> None:
    held = post(client, "/api/activities", form_fill(1, lead_email="pat9@acme.test"), token)
    assert held.status_code == 201
    assert held.json()["records"] == [{"index": 0, "external_id": "fill-1", "status": "held", "id": None}]
    assert (
        post(client, "/api/activities", form_fill(1, lead_email="pat9@acme.test"), token).json()["records"][
            0
        ]["status"]
        == "unchanged"
    )
    assert PendingActivity.objects.count() == 1 and not Activity.objects.exists()
    arrived = post(client, "/api/leads", lead(9), token)
    assert arrived.json()["attached_activities"] == 1
    activity = Activity.objects.get()
    assert (activity.external_id, activity.lead.external_id, activity.detail) == (
        "fill-1",
        "web-9",
        "/contact",
    )
    assert not PendingActivity.objects.exists()


def test_activities_name_their_lead_by_external_id_email_or_visitor(client: Client, token: str) -> None:
    post(client, "/api/leads", lead(1, visitor_id="v-77"), token)
    records = [
        form_fill(1, lead_external_id="web-1"),
        form_fill(2, kind="page_view", lead_email="PAT1@acme.test", detail="/pricing"),
        form_fill(3, kind="page_view", visitor_id="v-77", attributes={"utm_source": "newsletter"}),
    ]
    response = post(client, "/api/activities/batch", {"records": records}, token)
    assert response.status_code == 201
    statuses = [(r["external_id"], r["status"]) for r in response.json()["records"]]
    assert statuses == [("fill-1", "inserted"), ("fill-2", "inserted"), ("fill-3", "inserted")]
    ids = {r["id"] for r in response.json()["records"]}
    assert ids == set(Activity.objects.values_list("id", flat=True))
    assert set(Activity.objects.values_list("lead__external_id", flat=True)) == {"web-1"}
    again = post(client, "/api/activities/batch", {"records": records}, token)
    assert again.status_code == 200
    assert {r["status"] for r in again.json()["records"]} == {"unchanged"}


def test_an_activity_must_name_a_lead_and_a_changed_repeat_is_refused(client: Client, token: str) -> None:
    error = error_of(post(client, "/api/activities", form_fill(1), token), 422)
    assert error["fields"] == [
        {
            "loc": ["body", "lead_external_id"],
            "message": "one of lead_external_id, lead_email, visitor_id is needed",
            "value": "",
        }
    ]
    post(client, "/api/leads", lead(1), token)
    post(client, "/api/activities", form_fill(1, lead_external_id="web-1"), token)
    before = stored_state()
    batch = [form_fill(2, lead_external_id="web-1"), form_fill(1, lead_external_id="web-1", detail="/other")]
    error = error_of(post(client, "/api/activities/batch", {"records": batch}, token), 422)
    assert [f["loc"] for f in error["fields"]] == [["body", "records", 1, "detail"]]
    assert "append-only" in error["fields"][0]["message"]
    assert stored_state() == before


def test_an_activity_kind_must_be_lower_snake(client: Client, token: str) -> None:
    error = error_of(
        post(client, "/api/activities", form_fill(1, kind="Form Fill", visitor_id="v"), token), 422
    )
    assert error["fields"] == [
        {
            "loc": ["body", "kind"],
            "message": "expected a lower_snake name such as webinar_attended",
            "value": "Form Fill",
        }
    ]


# The schemas mirror the canonical columns


@pytest.mark.parametrize(("schema", "kind"), [(LeadIn, "leads"), (ActivityIn, "activities")])
def test_request_fields_are_the_canonical_columns(schema: type[LeadIn | ActivityIn], kind: str) -> None:
    from accord.importers.canonical import RecordKind
    from accord.importers.columns import columns_of

    assert list(schema.model_fields) == [*columns_of(RecordKind(kind)), "attributes"]


def test_the_openapi_document_and_docs_are_served(client: Client) -> None:
    document = client.get("/api/openapi.json").json()
    assert set(document["paths"]) == {
        "/api/leads",
        "/api/leads/batch",
        "/api/activities",
        "/api/activities/batch",
    }
    assert document["components"]["securitySchemes"]["ApiKeyAuth"] == {"type": "http", "scheme": "bearer"}
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and b"openapi.json" in docs.content


# The API key admin


def test_an_admin_creates_a_key_in_the_admin_and_sees_its_token_once(
    client: Client, admin_user: User
) -> None:
    client.force_login(admin_user)
    response = client.post("/admin/accord/apikey/add/", {"name": "Website forms"}, follow=True)
    assert response.status_code == 200
    key = ApiKey.objects.get()
    page = response.content.decode()
    [token] = [word for word in page.split() if word.startswith("acc_") and len(word) > 40]
    token = token.split("<")[0]
    assert token.startswith(key.prefix)
    assert (key.name, key.created_by) == ("Website forms", admin_user)
    assert post(Client(), "/api/leads", lead(1), token).status_code == 201
    listing = client.get("/admin/accord/apikey/").content.decode()
    assert key.prefix in listing and token not in listing
    assert token not in client.get(f"/admin/accord/apikey/{key.pk}/change/").content.decode()


def test_an_admin_revokes_keys_with_the_list_action(client: Client, admin_user: User, token: str) -> None:
    client.force_login(admin_user)
    key = ApiKey.objects.get()
    response = client.post(
        "/admin/accord/apikey/", {"action": "revoke", "_selected_action": [key.pk]}, follow=True
    )
    assert "1 API key(s) revoked" in response.content.decode()
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert post(Client(), "/api/leads", lead(1), token).status_code == 401


@pytest.mark.parametrize("role", ["sdr", "marketing", "sales_leader"])
def test_a_non_admin_cannot_reach_the_key_admin_even_as_staff(client: Client, role: str) -> None:
    client.force_login(make_user(role=role, is_staff=True))
    assert client.get("/admin/accord/apikey/").status_code == 403
    assert client.post("/admin/accord/apikey/add/", {"name": "mine"}).status_code == 403
    assert not ApiKey.objects.exists()
    assert "API keys" not in client.get("/admin/").content.decode()
