"""The lead import's two paths store alike: a lead inserted from a record (as a plain row, its stage set
from its history) and an existing lead updated to the same record (read as values, its stage moved)."""

from datetime import datetime

import pytest

from accord.importers.canonical import AccountRecord, LeadRecord, RecordKind, StageDates, UserRecord
from accord.models import DataQualityWarning, Lead, LeadVisitor, LifecycleTransition, RecordChange
from tests.import_streams import at, counts, load

pytestmark = pytest.mark.django_db

LEAD_FIELDS = (
    "external_id",
    "email",
    "first_name",
    "last_name",
    "title",
    "seniority",
    "source",
    "campaign",
    "company_name",
    "owner__email",
    "account__external_id",
    "matched_account_by",
    "stage",
    "attributes",
    "created_at",
)
Snapshot = tuple[
    list[tuple[object, ...]],
    list[tuple[object, ...]],
    list[tuple[str, str]],
    list[tuple[str, str, str]],
]


def arriving(n: int, **overrides: object) -> LeadRecord:
    """Everything a lead record can bring: owner, account by website, history, visitor, attributes."""
    fields: dict[str, object] = {
        "line": n + 1,
        "external_id": f"l{n}",
        "created_at": at("2026-01-05"),
        "email": f"Pat{n}@Example.org",
        "first_name": "Pat",
        "last_name": f"Lee{n}",
        "title": "CTO",
        "seniority": "c_level",
        "source": "webinar",
        "campaign": "spring",
        "owner_email": "sam@acme.test",
        "company_name": "Acme",
        "website": "https://www.acme1.com/",
        "visitor_id": f"cookie-{n}",
        "stages": StageDates(mql_at=at("2026-01-10"), sql_at=at("2026-02-01")),
        "attributes": {"plan": "pro", "seats": 3},
    }
    fields.update(overrides)
    return LeadRecord(**fields)  # type: ignore[arg-type]


def earlier(n: int) -> LeadRecord:
    """The same lead as another, older file had it: other values, no history, no visitor id."""
    return LeadRecord(
        line=n + 1,
        external_id=f"l{n}",
        created_at=at("2025-12-01"),
        email=f"pat{n}@example.org",
        first_name="Patricia",
        title="Analyst",
        website="acme1.com",
        attributes={"plan": "free"},
    )


def records() -> list[LeadRecord]:
    backwards = StageDates(mql_at=at("2026-03-01"), sql_at=at("2026-02-01"))
    return [arriving(1), arriving(2, stages=backwards), arriving(3, visitor_id="", stages=StageDates())]


def snapshot() -> Snapshot:
    leads = sorted(Lead.objects.values_list(*LEAD_FIELDS))
    transitions = sorted(
        LifecycleTransition.objects.values_list(
            "lead__external_id",
            "from_stage",
            "to_stage",
            "occurred_at",
            "actor_kind",
            "reason",
            "recorded_at",
        )
    )
    visitors = sorted(LeadVisitor.objects.values_list("visitor_id", "lead__external_id"))
    warnings = sorted(DataQualityWarning.objects.values_list("code", "external_id", "message"))
    return leads, transitions, visitors, warnings


def forget_leads() -> None:
    for model in (LifecycleTransition, LeadVisitor, DataQualityWarning, RecordChange, Lead):
        model.objects.all().delete()


def test_a_lead_inserted_and_a_lead_updated_to_the_same_record_are_stored_alike() -> None:
    load(RecordKind.ACCOUNTS, AccountRecord(line=2, external_id="a1", name="Acme 1", domain="acme1.com"))
    load(RecordKind.USERS, UserRecord(line=2, email="sam@acme.test", role="ae", full_name="Sam Smith"))
    assert counts(load(RecordKind.LEADS, *records())) == {"inserted": 3, "warnings": 1}
    inserted = snapshot()
    assert inserted[0][0][-3:] == ("sql", {"plan": "pro", "seats": 3}, at("2026-01-05"))
    assert len(inserted[1]) == 4
    assert inserted[2] == [("cookie-1", "l1"), ("cookie-2", "l2")]
    forget_leads()

    assert counts(load(RecordKind.LEADS, *(earlier(n) for n in (1, 2, 3)))) == {"inserted": 3}
    assert counts(load(RecordKind.LEADS, *records())) == {"updated": 3, "warnings": 1}
    assert snapshot() == inserted
    changes = dict(RecordChange.objects.filter(external_id="l1").values_list("external_id", "changes"))
    assert changes["l1"]["stage"] == {"old": "lead", "new": "sql"}
    assert changes["l1"]["title"] == {"old": "Analyst", "new": "CTO"}
    assert counts(load(RecordKind.LEADS, *records())) == {"unchanged": 3}
    assert snapshot() == inserted


def test_two_new_records_with_one_email_in_a_batch_make_one_lead_under_the_first_id() -> None:
    first = LeadRecord(line=2, external_id="l1", created_at=at("2026-01-05"), email="ann@example.org")
    second = LeadRecord(
        line=3, external_id="l2", created_at=at("2026-01-06"), email="Ann@Example.org", title="CTO"
    )
    assert counts(load(RecordKind.LEADS, first, second)) == {"inserted": 1}
    assert list(Lead.objects.values_list("external_id", "title", "created_at")) == [
        ("l1", "CTO", at("2026-01-06"))
    ]


def test_an_email_taken_by_another_stored_lead_is_rejected_and_the_rest_lands() -> None:
    load(RecordKind.LEADS, LeadRecord(line=2, external_id="l1", created_at=at("2026-01-05"), email="a@x.org"))
    load(RecordKind.LEADS, LeadRecord(line=2, external_id="l2", created_at=at("2026-01-05"), email="b@x.org"))
    taking = LeadRecord(line=2, external_id="l2", created_at=at("2026-01-05"), email="A@x.org")
    report = load(RecordKind.LEADS, taking, LeadRecord(line=3, external_id="l3", created_at=at("2026-01-05")))
    assert counts(report) == {"inserted": 1, "rejected": 1}
    assert report.rejections[0].error.reason == "this e-mail already belongs to lead l1"
    stored: dict[str, str | None] = dict(Lead.objects.values_list("external_id", "email"))
    assert stored == {"l1": "a@x.org", "l2": "b@x.org", "l3": None}


def test_new_leads_with_no_history_visitor_or_held_activity_are_stored_at_stage_lead() -> None:
    plain = [LeadRecord(line=n, external_id=f"l{n}", created_at=at("2026-01-05")) for n in range(2, 6)]
    assert counts(load(RecordKind.LEADS, *plain)) == {"inserted": 4}
    created: set[datetime] = set(Lead.objects.values_list("created_at", flat=True))
    assert created == {at("2026-01-05")}
    assert set(Lead.objects.values_list("stage", flat=True)) == {"lead"}
