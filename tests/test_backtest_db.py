"""Backtest and audit through the real database (SQLite and PostgreSQL): history read into frames with
exact types, and the starter playbook replayed on the demo company reproduces its recorded MQLs."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from accord.domain.backtest import Period
from accord.domain.lifecycle import Stage
from accord.models import CatalogEntry, CatalogEntryKind, LifecycleTransition, ValueType
from accord.queries.backtests import list_lead_lines, run_audit, run_backtest
from accord.queries.catalog import get_workspace_catalog
from accord.queries.history import load_history
from accord.queries.playbooks import find_active_playbook_version, load_version
from accord.services.demo import ensure_demo_workspace
from tests.factories import make_account, make_activity, make_lead, make_transition

pytestmark = pytest.mark.django_db

AS_OF = datetime(2026, 6, 30, tzinfo=UTC)
FIRST_HALF = Period(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC))


def test_history_reads_attributes_signals_and_outcomes_with_exact_types() -> None:
    CatalogEntry.objects.create(
        kind=CatalogEntryKind.ACCOUNT_ATTRIBUTE, name="seats", value_type=ValueType.NUMBER
    )
    created = datetime(2026, 2, 3, 4, 5, 6, 789_012, tzinfo=UTC)
    account = make_account(employees=250, industry="Software", attributes={"seats": 40})
    lead = make_lead(account=account, email="Pat@Acme.TEST", created_at=created, seniority="vp")
    other = make_lead(account=None, email=None)
    make_activity(lead, kind="demo_request", occurred_at=created)
    make_activity(lead, kind="call", occurred_at=created)  # not a signal asked for
    make_transition(lead, Stage.MQL, occurred_at=created)
    make_transition(lead, Stage.SQL, occurred_at=created)
    names = ["account.employees", "account.industry", "account.seats", "lead.email_domain", "lead.seniority"]
    history = load_history(names, get_workspace_catalog(), ["demo_request"])
    rows = {row["lead_id"]: row for row in history.leads.iter_rows(named=True)}
    assert rows[lead.id]["created_at"] == created  # to the microsecond, in UTC
    assert rows[lead.id]["account.employees"] == 250.0
    assert rows[lead.id]["account.industry"] == "Software"
    assert rows[lead.id]["account.seats"] == 40.0  # a custom attribute, typed from the catalog
    assert rows[lead.id]["lead.email_domain"] == "acme.test"
    assert rows[other.id]["lead.email_domain"] is None and rows[other.id]["account.employees"] is None
    assert history.activities.select("lead_id", "occurred_at").rows() == [(lead.id, created)]
    assert history.outcomes.rows() == [(lead.id, True, False)]


@pytest.fixture
def demo() -> None:
    ensure_demo_workspace(leads=300, seed=7, as_of=AS_OF, show_progress=False)


@pytest.mark.usefixtures("demo")
def test_the_starter_playbook_reproduces_the_recorded_mqls_month_by_month() -> None:
    """The demo company was generated with the starter playbook's rule: replaying it must find the
    same leads becoming MQLs in the same months as the lifecycle log records."""
    active = find_active_playbook_version()
    assert active is not None
    result = run_backtest(load_version(active), FIRST_HALF)
    first_mql: dict[int, datetime] = {}
    for lead_id, at in (
        LifecycleTransition.objects.filter(to_stage=Stage.MQL)
        .order_by("occurred_at")
        .values_list("lead_id", "occurred_at")
    ):
        first_mql.setdefault(lead_id, at)
    recorded = {i for i, at in first_mql.items() if FIRST_HALF.start <= at < FIRST_HALF.end}
    assert set(result.mqls.leads.lead_ids) == recorded
    by_month = Counter(f"{at:%Y-%m}" for i, at in first_mql.items() if i in recorded)
    assert {f"{m.month:%Y-%m}": m.count for m in result.by_month} == {
        f"2026-{month:02d}": by_month.get(f"2026-{month:02d}", 0) for month in range(1, 7)
    }
    reached_sql = set(
        LifecycleTransition.objects.filter(
            lead_id__in=recorded, to_stage__in=[Stage.SQL, Stage.OPPORTUNITY, Stage.CUSTOMER]
        ).values_list("lead_id", flat=True)
    )
    assert result.mqls.to_sql.numerator == len(reached_sql) > 0
    assert set(result.mqls.to_sql.lead_ids) == reached_sql


@pytest.mark.usefixtures("demo")
def test_a_stricter_draft_loses_leads_and_the_audit_agrees() -> None:
    active = find_active_playbook_version()
    assert active is not None
    starter = load_version(active)
    stricter_text = starter.source_text.replace('mql: "fit >= 40', 'mql: "fit >= 70')
    from accord.domain.playbook.validation import load_playbook

    stricter = load_playbook(stricter_text, get_workspace_catalog())
    result = run_backtest(stricter, FIRST_HALF, baseline=starter)
    assert result.versus is not None
    assert result.versus.gained.leads.count == 0  # a higher fit bar only removes leads
    assert result.versus.lost.leads.count > 0
    assert result.mqls.leads.count == result.versus.baseline_mqls.count - result.versus.lost.leads.count
    matrix = run_audit(starter, stricter, FIRST_HALF)
    assert matrix.only_a.leads == result.versus.lost.leads
    assert matrix.both.leads == result.mqls.leads
    assert matrix.only_b.leads.count == 0
    lines = list_lead_lines(list(matrix.only_a.leads.lead_ids))
    assert [line.lead_id for line in lines] == list(matrix.only_a.leads.lead_ids)
    assert all(line.external_id.startswith("demo-lead-") for line in lines)
