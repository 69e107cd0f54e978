"""The synthetic company as data, without a database: deterministic, lawful histories, and conversion
that really depends on fit and intent."""

from datetime import UTC, datetime

import numpy as np
import pytest

from accord.domain.columnar import Coded, ColumnTable, Numbered
from accord.domain.lifecycle import ALLOWED_TRANSITIONS, STAGES_REQUIRING_REASON, Stage
from accord.models import ActivityKind
from accord.synthetic import SOURCE_GROUPS, SyntheticCompany, generate_company
from accord.synthetic import catalog as cat

AS_OF = datetime(2026, 6, 30, tzinfo=UTC)
SMALL = 300


def plain(column: object) -> np.ndarray:
    """A column as a numpy array of its values, whatever its representation."""
    if isinstance(column, Coded):
        return np.array(column.values(), dtype=object)
    if isinstance(column, Numbered):
        return np.array(column.values(), dtype=object)
    assert isinstance(column, np.ndarray)
    # datetime64 as integers, so that NaT (open deals' closed_at) compares equal to itself
    return column.astype(np.int64) if column.dtype.kind == "M" else column


def values(table: ColumnTable, name: str) -> np.ndarray:
    return plain(table.columns[name])


@pytest.fixture(scope="module")
def company() -> SyntheticCompany:
    return generate_company(leads=4_000, seed=11, as_of=AS_OF)


def tables_equal(left: SyntheticCompany, right: SyntheticCompany) -> bool:
    for a, b in zip(left.tables, right.tables, strict=True):
        for name in a.columns:
            if not np.array_equal(values(a, name), values(b, name)):
                return False
    return True


def test_same_seed_gives_identical_data_and_another_seed_different_data() -> None:
    first = generate_company(leads=SMALL, seed=3, as_of=AS_OF)
    again = generate_company(leads=SMALL, seed=3, as_of=AS_OF)
    other = generate_company(leads=SMALL, seed=4, as_of=AS_OF)
    assert tables_equal(first, again)
    assert not tables_equal(first, other)


def test_every_history_follows_the_lifecycle_table_and_ends_at_the_leads_stage(
    company: SyntheticCompany,
) -> None:
    transitions = company.table("lifecycletransition")
    leads = company.table("lead")
    lead_ids = values(transitions, "lead_id")
    order = np.lexsort((values(transitions, "occurred_at"), lead_ids))
    from_stage = values(transitions, "from_stage")[order]
    to_stage = values(transitions, "to_stage")[order]
    reason = values(transitions, "reason")[order]
    lead_ids = lead_ids[order]
    stage_of = dict(zip(values(leads, "id").tolist(), values(leads, "stage").tolist(), strict=True))
    current: dict[int, str] = {}
    for lead_id, source, target, why in zip(lead_ids.tolist(), from_stage, to_stage, reason, strict=True):
        assert source == current.get(lead_id, Stage.LEAD.value), f"lead {lead_id} jumps from {source}"
        assert Stage(target) in ALLOWED_TRANSITIONS[Stage(source)], f"{source} -> {target}"
        if Stage(target) in STAGES_REQUIRING_REASON:
            assert why, f"lead {lead_id}: {target} without a reason"
        current[lead_id] = target
    assert {lead_id: current.get(lead_id, "lead") for lead_id in stage_of} == stage_of
    assert {"customer", "closed_lost", "rejected", "opportunity", "mql", "lead"} <= set(stage_of.values())
    assert "recycled" in set(to_stage)


def test_transitions_are_made_by_the_rule_for_mql_and_by_people_for_dispositions(
    company: SyntheticCompany,
) -> None:
    transitions = company.table("lifecycletransition")
    to_stage = values(transitions, "to_stage")
    actor_kind = values(transitions, "actor_kind")
    actor = values(transitions, "actor_id")
    assert set(actor_kind[to_stage == "mql"]) == {"rule"}
    dispositions = np.isin(to_stage, ["sal", "sql", "opportunity", "customer"])
    assert set(actor_kind[dispositions]) == {"person"}
    assert all(user is not None for user in actor[dispositions])


def intent_at_mql(company: SyntheticCompany, mql_at_by_lead: np.ndarray) -> np.ndarray:
    """The playbook's intent (points in the last 60 days, halved every 14) at each lead's MQL moment,
    recomputed from the activity table alone: what a scorer trained on the loaded data would see."""
    activities = company.table("activity")
    lead = values(activities, "lead_id")
    points_by_kind = dict(zip(cat.SIGNAL_KINDS, cat.SIGNAL_POINTS.tolist(), strict=True))
    points = np.array([points_by_kind.get(kind, 0.0) for kind in values(activities, "kind")])
    age_s = mql_at_by_lead[lead] - values(activities, "occurred_at").astype(np.int64)
    counted = (mql_at_by_lead[lead] > 0) & (age_s >= 0) & (age_s <= 60 * 86_400) & (points > 0)
    decayed = points[counted] * np.exp2(-age_s[counted] / (14 * 86_400))
    return np.minimum(np.bincount(lead[counted], weights=decayed, minlength=len(mql_at_by_lead)), 100.0)


def test_conversion_rises_with_fit_and_with_intent() -> None:
    big = generate_company(leads=30_000, seed=5, as_of=AS_OF)
    transitions = big.table("lifecycletransition")
    to_stage = values(transitions, "to_stage")
    lead_ids = values(transitions, "lead_id")
    mql = lead_ids[to_stage == "mql"]
    won = np.unique(lead_ids[to_stage == "customer"])
    qualified = np.unique(lead_ids[to_stage == "sql"])
    fit = big.fit[mql - 1]
    assert np.isin(mql[fit >= 70], won).mean() > 3 * np.isin(mql[fit < 55], won).mean()

    mql_at_by_lead = np.zeros(big.table("lead").row_count + 1, dtype=np.int64)
    mql_at_by_lead[mql] = values(transitions, "occurred_at")[to_stage == "mql"].astype(np.int64)
    intent = intent_at_mql(big, mql_at_by_lead)[mql]
    for band in ((fit >= 55) & (fit < 70), fit >= 70):
        high, low = mql[band & (intent >= 60)], mql[band & (intent < 45)]
        assert len(high) > 200 and len(low) > 200
        assert np.isin(high, qualified).mean() > np.isin(low, qualified).mean() + 0.15
        assert np.isin(high, won).mean() > 1.5 * np.isin(low, won).mean()


def test_response_times_are_skewed_and_some_mqls_are_never_touched(company: SyntheticCompany) -> None:
    activities = company.table("activity")
    transitions = company.table("lifecycletransition")
    is_touch = values(activities, "is_sales_touch")
    touch_lead = values(activities, "lead_id")[is_touch]
    touch_at = values(activities, "occurred_at")[is_touch].astype(np.int64)
    first_touch = np.full(company.table("lead").row_count + 1, np.iinfo(np.int64).max)
    np.minimum.at(first_touch, touch_lead, touch_at)
    to_stage = values(transitions, "to_stage")
    mql_lead = values(transitions, "lead_id")[to_stage == "mql"]
    mql_at = values(transitions, "occurred_at")[to_stage == "mql"].astype(np.int64)
    touched = first_touch[mql_lead] < np.iinfo(np.int64).max
    response_hours = (first_touch[mql_lead][touched] - mql_at[touched]) / 3600
    assert (response_hours > 0).all()
    assert np.median(response_hours) < 6
    assert np.percentile(response_hours, 95) > 24  # a tail of days: SLA breaches exist
    assert 0.02 < (~touched).mean() < 0.2
    assert set(values(activities, "actor_id")[is_touch]) <= set(values(company.table("user"), "id").tolist())


def test_the_company_has_the_shape_later_features_need(company: SyntheticCompany) -> None:
    leads = company.table("lead")
    activities = company.table("activity")
    assert 19 <= activities.row_count / leads.row_count <= 21
    assert set(values(activities, "kind")) <= set(ActivityKind.values)
    assert set(values(leads, "source")) == set(SOURCE_GROUPS)
    assert len(set(values(leads, "account_id"))) < leads.row_count / 2  # several leads per account
    domains = {email.rsplit("@", 1)[1] for email in values(leads, "email")}
    assert {"gmail.com", "yahoo.com"} <= domains
    opportunities = company.table("opportunity")
    status = values(opportunities, "status")
    assert {"open", "won", "lost"} == set(status)
    assert all(values(opportunities, "loss_reason")[status == "lost"])
    assert (values(opportunities, "amount") > 0).all()
    for table in company.tables:
        if "external_id" in table.columns:
            external = values(table, "external_id")
            assert len(set(external)) == len(external), table.name
            assert external.tolist() == sorted(external.tolist()), f"{table.name}: text order is id order"
    assert len(set(values(leads, "email"))) == leads.row_count
    assert set(values(company.table("user"), "role")) == {
        "admin",
        "marketing",
        "sales_leader",
        "sdr",
        "ae",
        "viewer",
    }


def test_opportunity_stage_changes_walk_the_stages_in_order(company: SyntheticCompany) -> None:
    changes = company.table("opportunitystagechange")
    order = np.lexsort((values(changes, "occurred_at"), values(changes, "opportunity_id")))
    walk: dict[int, list[str]] = {}
    for opp, source, target in zip(
        values(changes, "opportunity_id")[order].tolist(),
        values(changes, "from_stage")[order],
        values(changes, "to_stage")[order],
        strict=True,
    ):
        path = walk.setdefault(opp, [""])
        assert source == path[-1]
        path.append(target)
    stage_of = dict(
        zip(
            values(company.table("opportunity"), "id").tolist(),
            values(company.table("opportunity"), "stage"),
            strict=True,
        )
    )
    for opp, path in walk.items():
        assert path[-1] == stage_of[opp]
        assert path[1] == "discovery"
        assert [s for s in path[1:] if s not in ("won", "lost")] == ["discovery", "proposal", "negotiation"][
            : len([s for s in path[1:] if s not in ("won", "lost")])
        ]
