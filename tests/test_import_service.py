"""The import service through the real database, with hand-built canonical records: idempotency,
history, matching, the holding area, warnings, rejects, dry runs and a failed batch."""

import csv
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import DatabaseError, OperationalError, connection

from accord.errors import ImportInterrupted
from accord.importers.canonical import (
    AccountRecord,
    ActivityRecord,
    LeadRecord,
    OpportunityOutcome,
    OpportunityRecord,
    RecordKind,
    RowError,
    SpendRecord,
    StageDates,
    UserRecord,
)
from accord.models import (
    Account,
    Activity,
    DataQualityWarning,
    ImportRun,
    ImportStatus,
    Lead,
    LifecycleTransition,
    PendingActivity,
    RecordChange,
    Spend,
    User,
)
from tests.import_streams import at, counts, load

pytestmark = pytest.mark.django_db


def account(n: int, **overrides: object) -> AccountRecord:
    fields: dict[str, object] = {
        "line": n + 1,
        "external_id": f"a{n}",
        "name": f"Acme {n}",
        "domain": f"acme{n}.com",
    }
    fields.update(overrides)
    return AccountRecord(**fields)  # type: ignore[arg-type]


def lead(n: int, **overrides: object) -> LeadRecord:
    fields: dict[str, object] = {
        "line": n + 1,
        "external_id": f"l{n}",
        "created_at": at("2026-01-05"),
        "email": f"p{n}@example.org",
        "first_name": "Pat",
        "last_name": f"Lee{n}",
    }
    fields.update(overrides)
    return LeadRecord(**fields)  # type: ignore[arg-type]


def test_a_second_import_of_the_same_accounts_is_unchanged_and_a_changed_row_is_updated_with_history() -> (
    None
):
    assert counts(load(RecordKind.ACCOUNTS, account(1), account(2))) == {"inserted": 2}
    assert counts(load(RecordKind.ACCOUNTS, account(1), account(2))) == {"unchanged": 2}
    report = load(RecordKind.ACCOUNTS, account(1, employees=120), account(2))
    assert counts(report) == {"updated": 1, "unchanged": 1}
    assert Account.objects.count() == 2
    change = RecordChange.objects.get()
    assert (change.entity, change.external_id) == ("accounts", "a1")
    assert change.changes == {"employees": {"old": None, "new": 120}}
    assert list(ImportRun.objects.values_list("updated", flat=True)) == [1, 0, 0]


def test_a_lead_whose_email_exists_is_updated_not_duplicated() -> None:
    load(RecordKind.LEADS, lead(1, email="Ann@Example.org"))
    report = load(RecordKind.LEADS, lead(9, email="ann@example.org", title="CTO"))
    assert counts(report) == {"updated": 1}
    assert Lead.objects.count() == 1
    assert Lead.objects.get().external_id == "l1"
    assert counts(load(RecordKind.LEADS, lead(9, email="ann@example.org", title="CTO"))) == {"unchanged": 1}


@pytest.mark.parametrize(
    ("overrides", "expected_account", "rule"),
    [
        ({"email": "x@acme1.com", "website": "acme2.com", "company_name": "Acme 3"}, "a1", "email_domain"),
        (
            {"email": "x@gmail.com", "website": "https://www.acme2.com/", "company_name": "Acme 3"},
            "a2",
            "website_domain",
        ),
        ({"email": "x@gmail.com", "company_name": "ACME 3, Inc."}, "a3", "company_name"),
        ({"email": "x@gmail.com", "company_name": "Nobody GmbH"}, None, "none"),
        ({"email": "x@gmail.com", "account_external_id": "a2"}, "a2", "explicit"),
    ],
)
def test_leads_are_matched_to_accounts_in_order_and_the_rule_is_recorded(
    overrides: dict[str, object], expected_account: str | None, rule: str
) -> None:
    load(RecordKind.ACCOUNTS, account(1), account(2), account(3), account(4, domain="gmail.com"))
    load(RecordKind.LEADS, lead(1, **overrides))
    imported = Lead.objects.select_related("account").get()
    assert (imported.account.external_id if imported.account else None, imported.matched_account_by) == (
        expected_account,
        rule,
    )


def test_historical_stage_dates_become_transitions_once_and_may_skip_forward() -> None:
    stages = StageDates(mql_at=at("2026-01-10"), customer_at=at("2026-03-01"))
    assert counts(load(RecordKind.LEADS, lead(1, stages=stages))) == {"inserted": 1}
    log = list(
        LifecycleTransition.objects.order_by("id").values_list(
            "from_stage", "to_stage", "occurred_at", "actor_kind"
        )
    )
    assert log == [
        ("lead", "mql", at("2026-01-10"), "import"),
        ("mql", "customer", at("2026-03-01"), "import"),
    ]
    assert Lead.objects.get().stage == "customer"
    assert counts(load(RecordKind.LEADS, lead(1, stages=stages))) == {"unchanged": 1}
    assert LifecycleTransition.objects.count() == 2


def test_a_longer_history_is_appended_and_a_different_one_is_kept_and_flagged() -> None:
    load(RecordKind.LEADS, lead(1, stages=StageDates(mql_at=at("2026-01-10"))))
    extended = StageDates(mql_at=at("2026-01-10"), sql_at=at("2026-02-01"))
    assert counts(load(RecordKind.LEADS, lead(1, stages=extended))) == {"updated": 1}
    assert RecordChange.objects.get().changes == {"stage": {"old": "mql", "new": "sql"}}
    rewritten = StageDates(mql_at=at("2026-01-20"))
    report = load(RecordKind.LEADS, lead(1, stages=rewritten))
    assert counts(report) == {"unchanged": 1, "warnings": 1}
    assert LifecycleTransition.objects.count() == 2
    assert DataQualityWarning.objects.get().code == "history_differs"


def test_an_activity_for_an_unknown_lead_is_held_then_attached_when_the_lead_arrives() -> None:
    activity = ActivityRecord(
        line=2, external_id="e1", kind="webinar_attended", occurred_at=at("2026-01-03"), lead_external_id="l1"
    )
    assert counts(load(RecordKind.ACTIVITIES, activity)) == {"held": 1}
    assert counts(load(RecordKind.ACTIVITIES, activity)) == {"unchanged": 1}
    assert Activity.objects.count() == 0
    assert counts(load(RecordKind.LEADS, lead(1))) == {"inserted": 1, "attached": 1}
    assert Activity.objects.get().lead.external_id == "l1"
    assert not PendingActivity.objects.exists()
    assert counts(load(RecordKind.ACTIVITIES, activity)) == {"unchanged": 1}


def test_anonymous_activity_is_attached_when_the_visitor_is_identified() -> None:
    load(RecordKind.LEADS, lead(1))
    anonymous = ActivityRecord(
        line=2, external_id="v-1", kind="page_view", occurred_at=at("2026-01-02"), visitor_id="cookie-9"
    )
    identifying = ActivityRecord(
        line=3,
        external_id="f-1",
        kind="form_fill",
        occurred_at=at("2026-01-04"),
        lead_email="p1@example.org",
        visitor_id="cookie-9",
    )
    assert counts(load(RecordKind.ACTIVITIES, anonymous)) == {"held": 1}
    assert counts(load(RecordKind.ACTIVITIES, identifying)) == {"inserted": 1, "attached": 1}
    assert sorted(Activity.objects.filter(lead__external_id="l1").values_list("external_id", flat=True)) == [
        "f-1",
        "v-1",
    ]


def test_an_activity_repeated_with_different_content_is_rejected_append_only() -> None:
    load(RecordKind.LEADS, lead(1))
    first = ActivityRecord(
        line=2, external_id="e1", kind="page_view", occurred_at=at("2026-01-03"), lead_external_id="l1"
    )
    load(RecordKind.ACTIVITIES, first)
    changed = ActivityRecord(
        line=2, external_id="e1", kind="demo_request", occurred_at=at("2026-01-03"), lead_external_id="l1"
    )
    report = load(RecordKind.ACTIVITIES, changed)
    assert counts(report) == {"rejected": 1}
    assert "append-only" in report.rejections[0].error.reason
    assert Activity.objects.get().kind == "page_view"


def test_an_activity_repeated_within_one_batch_is_unchanged_or_rejected_like_a_later_repeat() -> None:
    load(RecordKind.LEADS, lead(1))
    first = ActivityRecord(
        line=2, external_id="e1", kind="page_view", occurred_at=at("2026-01-03"), lead_external_id="l1"
    )
    same = replace(first, line=3)
    changed = replace(first, line=4, kind="demo_request")
    report = load(RecordKind.ACTIVITIES, first, same, changed)
    assert counts(report) == {"inserted": 1, "unchanged": 1, "rejected": 1}
    assert [rejection.error.line for rejection in report.rejections] == [4]
    assert Activity.objects.get().kind == "page_view"


def test_a_deal_won_before_its_leads_first_contact_is_imported_and_flagged() -> None:
    load(RecordKind.ACCOUNTS, account(1))
    load(RecordKind.LEADS, lead(1, account_external_id="a1", stages=StageDates(mql_at=at("2026-02-01"))))
    deal = OpportunityRecord(
        line=2,
        external_id="o1",
        name="Deal",
        amount=Decimal("100"),
        created_at=at("2026-01-01"),
        status=OpportunityOutcome.WON,
        source_lead_external_id="l1",
        closed_at=at("2026-01-02"),
    )
    assert counts(load(RecordKind.OPPORTUNITIES, deal)) == {"inserted": 1, "warnings": 1}
    warning = DataQualityWarning.objects.get()
    assert (warning.code, warning.entity, warning.external_id) == (
        "won_before_first_contact",
        "opportunities",
        "o1",
    )
    assert counts(load(RecordKind.OPPORTUNITIES, deal)) == {"unchanged": 1}


def test_formula_cells_are_stored_as_text_and_escaped_in_the_rejects_file(tmp_path: Path) -> None:
    rejects = tmp_path / "rejected.csv"
    report = load(
        RecordKind.LEADS,
        lead(1, first_name="=HYPERLINK(1)", last_name="<script>alert(1)</script>"),
        RowError(line=3, field="email", value="@SUM(A1)", reason="not an e-mail address"),
        lead(2, owner_email="-nobody@acme.test"),
        rejects_path=rejects,
    )
    assert counts(report) == {"inserted": 1, "rejected": 2}
    stored = Lead.objects.get()
    assert (stored.first_name, stored.last_name) == ("=HYPERLINK(1)", "<script>alert(1)</script>")
    rows = list(csv.reader(rejects.read_text(encoding="utf-8").splitlines()))
    assert rows == [
        ["line", "field", "value", "reason", "source"],
        ["3", "email", "'@SUM(A1)", "not an e-mail address", "test.csv"],
        ["3", "owner_email", "'-nobody@acme.test", "no user has this e-mail; import users first", "test.csv"],
    ]


def test_a_dry_run_reports_the_same_counts_and_writes_nothing() -> None:
    load(RecordKind.ACCOUNTS, account(1))
    report = load(RecordKind.ACCOUNTS, account(1, name="Renamed"), account(2), is_dry_run=True)
    assert counts(report) == {"inserted": 1, "updated": 1}
    assert list(Account.objects.values_list("external_id", "name")) == [("a1", "Acme 1")]
    assert not RecordChange.objects.exists()
    assert ImportRun.objects.count() == 1


def test_a_failed_batch_is_rolled_back_and_a_rerun_completes(monkeypatch: pytest.MonkeyPatch) -> None:
    from accord.services import import_accounts

    calls: list[int] = []
    real = import_accounts.record_catalog_entries

    def fail_on_second_batch(*args: object) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise DatabaseError("connection lost")
        real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(import_accounts, "record_catalog_entries", fail_on_second_batch)
    rows = [account(n) for n in range(1, 6)]
    with pytest.raises(ImportInterrupted, match="batch 2 .lines 4–5."):
        load(RecordKind.ACCOUNTS, *rows, batch_rows=2)
    assert sorted(Account.objects.values_list("external_id", flat=True)) == ["a1", "a2"]
    monkeypatch.setattr(import_accounts, "record_catalog_entries", real)
    assert counts(load(RecordKind.ACCOUNTS, *rows, batch_rows=2)) == {"unchanged": 2, "inserted": 3}


def test_users_and_spend_are_idempotent_by_their_keys() -> None:
    user = UserRecord(line=2, email="Sam@Acme.test", role="ae", full_name="Sam Smith", team="West")
    assert counts(load(RecordKind.USERS, user)) == {"inserted": 1}
    assert counts(load(RecordKind.USERS, user)) == {"unchanged": 1}
    assert User.objects.get().team.name == "West"  # type: ignore[union-attr]
    spend = SpendRecord(line=2, source="paid_search", month=at("2026-03-14"), amount=Decimal("1200.005"))
    assert counts(load(RecordKind.SPEND, spend)) == {"inserted": 1}
    assert counts(load(RecordKind.SPEND, spend)) == {"unchanged": 1}
    assert Spend.objects.get().month.isoformat() == "2026-03-01"


def test_a_user_whose_external_id_belongs_to_another_user_is_rejected_and_the_rest_lands() -> None:
    load(RecordKind.USERS, UserRecord(line=2, email="ann@acme.test", role="ae", external_id="u1"))
    report = load(
        RecordKind.USERS,
        UserRecord(line=2, email="bob@acme.test", role="ae", external_id="u1"),
        UserRecord(line=3, email="cy@acme.test", role="sdr", external_id="u3"),
        UserRecord(line=4, email="di@acme.test", role="sdr", external_id="u3"),
        UserRecord(line=5, email="ann@acme.test", role="marketing", external_id="u1"),
    )
    assert counts(report) == {"inserted": 1, "updated": 1, "rejected": 2}
    assert [(r.error.line, r.error.field, r.error.value, r.error.reason) for r in report.rejections] == [
        (2, "external_id", "u1", "external id already belongs to user ann@acme.test"),
        (4, "external_id", "u3", "external id already belongs to user cy@acme.test"),
    ]
    assert dict(User.objects.values_list("email", "external_id")) == {
        "ann@acme.test": "u1",
        "cy@acme.test": "u3",
    }
    assert User.objects.get(email="ann@acme.test").role == "marketing"


def test_a_second_row_for_the_same_spend_month_is_rejected_not_silently_replacing_the_first() -> None:
    def spend(line: int, day: str, amount: str, campaign: str = "") -> SpendRecord:
        return SpendRecord(
            line=line, source="paid_search", campaign=campaign, month=at(day), amount=Decimal(amount)
        )

    report = load(
        RecordKind.SPEND,
        spend(2, "2026-03-01", "100"),
        spend(3, "2026-03-20", "250"),
        spend(4, "2026-03-20", "70", campaign="brand"),
        spend(5, "2026-04-02", "80"),
        spend(6, "2026-04-30", "80"),
        batch_rows=4,
    )
    assert counts(report) == {"inserted": 3, "rejected": 2}
    assert [(r.error.line, r.error.field, r.error.value, r.error.reason) for r in report.rejections] == [
        (3, "month", "2026-03", "line 2 already gives spend for this source, campaign and month"),
        (6, "month", "2026-04", "line 5 already gives spend for this source, campaign and month"),
    ]
    stored = Spend.objects.order_by("month", "campaign").values_list("month", "campaign", "amount")
    assert [(m.isoformat(), c, a) for m, c, a in stored] == [
        ("2026-03-01", "", Decimal("100.00")),
        ("2026-03-01", "brand", Decimal("70.00")),
        ("2026-04-01", "", Decimal("80.00")),
    ]
    # A later import of a corrected file updates the month, as any re-import does.
    assert counts(load(RecordKind.SPEND, spend(2, "2026-03-01", "250"))) == {"updated": 1}


@pytest.mark.django_db(transaction=True)
def test_a_batch_failing_at_the_database_leaves_earlier_batches_committed_and_a_rerun_completes() -> None:
    """Real commits: the connection fails (as a dropped server would) on the second batch's history write,
    after that batch's leads were inserted; the batch is rolled back as a whole."""
    history_inserts: list[str] = []

    def drop_second_batch_history(
        execute: Callable[[str, object, bool, dict[str, object]], object],
        sql: str,
        params: object,
        many: bool,
        context: dict[str, object],
    ) -> object:
        if sql.startswith('INSERT INTO "accord_lifecycletransition"'):
            history_inserts.append(sql)
            if len(history_inserts) == 2:
                raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    rows = [lead(n, stages=StageDates(mql_at=at("2026-01-10"))) for n in range(1, 6)]
    with (
        connection.execute_wrapper(drop_second_batch_history),
        pytest.raises(
            ImportInterrupted, match="batch 2 .lines 4–5. failed and was rolled back: server closed"
        ),
    ):
        load(RecordKind.LEADS, *rows, batch_rows=2)
    assert not connection.in_atomic_block  # what follows is read outside any transaction: committed
    assert sorted(Lead.objects.values_list("external_id", flat=True)) == ["l1", "l2"]
    assert sorted(LifecycleTransition.objects.values_list("lead__external_id", flat=True)) == ["l1", "l2"]
    failed = ImportRun.objects.get()
    assert (failed.status, failed.inserted) == (ImportStatus.FAILED, 2)
    assert counts(load(RecordKind.LEADS, *rows, batch_rows=2)) == {"unchanged": 2, "inserted": 3}
    assert LifecycleTransition.objects.count() == 5
    assert list(ImportRun.objects.order_by("id").values_list("status", flat=True)) == [
        ImportStatus.FAILED,
        ImportStatus.COMPLETED,
    ]
