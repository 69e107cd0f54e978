"""The Olist marketing funnel through examples/olist/mapping.yaml, checked against figures computed here
from the raw CSVs with the standard csv module (the data lives beside the repo, in ../shared)."""

from __future__ import annotations

import csv
import statistics
from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from accord.importers import RecordKind, RowError, plan_import
from accord.importers.canonical import LeadRecord, OpportunityOutcome, OpportunityRecord

REPO = Path(__file__).resolve().parents[1]
OLIST = REPO.parent / "shared" / "data" / "olist"
MQLS = OLIST / "olist_marketing_qualified_leads_dataset.csv"
DEALS = OLIST / "olist_closed_deals_dataset.csv"
MAPPING = REPO / "examples" / "olist" / "mapping.yaml"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def raw(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        pytest.fail(f"the Olist data must be beside the repository, in {OLIST} (see its README.md)")
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def imported() -> tuple[list[LeadRecord], list[OpportunityRecord]]:
    plan = plan_import(RecordKind.LEADS, MQLS, mapping_path=MAPPING, now=NOW)
    assert [stream.kind for stream in plan.streams] == [RecordKind.LEADS, RecordKind.OPPORTUNITIES]
    leads_stream, opportunities_stream = (list(stream.records) for stream in plan.streams)
    assert not [r for r in leads_stream + opportunities_stream if isinstance(r, RowError)]
    assert plan.bytes_read() == plan.total_bytes
    leads = [r for r in leads_stream if isinstance(r, LeadRecord)]
    opportunities = [r for r in opportunities_stream if isinstance(r, OpportunityRecord)]
    return leads, opportunities


def test_every_mql_is_a_lead_with_its_origin_and_month(
    imported: tuple[list[LeadRecord], list[OpportunityRecord]],
) -> None:
    leads, _ = imported
    mqls = raw(MQLS)
    assert len(leads) == len(mqls) == 8000
    assert Counter(lead.source for lead in leads) == Counter(row["origin"] or "not_recorded" for row in mqls)
    assert Counter(lead.created_at.strftime("%Y-%m") for lead in leads) == Counter(
        row["first_contact_date"][:7] for row in mqls
    )
    assert all(lead.stages.mql_at == lead.created_at for lead in leads)
    by_id = {row["mql_id"]: row for row in mqls}
    assert all(
        lead.attributes == {"landing_page_id": by_id[lead.external_id]["landing_page_id"]} for lead in leads
    )


def test_won_deals_are_opportunities_per_origin(
    imported: tuple[list[LeadRecord], list[OpportunityRecord]],
) -> None:
    _, opportunities = imported
    origin_of = {row["mql_id"]: row["origin"] or "not_recorded" for row in raw(MQLS)}
    deals = raw(DEALS)
    assert len(opportunities) == len(deals) == 842
    assert all(o.status is OpportunityOutcome.WON for o in opportunities)
    assert Counter(o.source for o in opportunities) == Counter(origin_of[row["mql_id"]] for row in deals)
    assert Counter(o.source for o in opportunities)["organic_search"] == 271


def test_median_days_from_first_contact_to_won_per_origin(
    imported: tuple[list[LeadRecord], list[OpportunityRecord]],
) -> None:
    _, opportunities = imported
    mqls = {row["mql_id"]: row for row in raw(MQLS)}
    expected: dict[str, list[int]] = defaultdict(list)
    for deal in raw(DEALS):
        mql = mqls[deal["mql_id"]]
        days = (
            date.fromisoformat(deal["won_date"][:10]) - date.fromisoformat(mql["first_contact_date"])
        ).days
        expected[mql["origin"] or "not_recorded"].append(days)
    got: dict[str, list[int]] = defaultdict(list)
    for o in opportunities:
        assert o.closed_at is not None
        got[o.source].append((o.closed_at.date() - o.created_at.date()).days)
    assert {k: statistics.median(v) for k, v in got.items()} == {
        k: statistics.median(v) for k, v in expected.items()
    }
    assert statistics.median(days for values in got.values() for days in values) == 14


def test_the_deal_won_before_first_contact_is_kept_for_the_service_to_flag(
    imported: tuple[list[LeadRecord], list[OpportunityRecord]],
) -> None:
    leads, opportunities = imported
    early = [
        o
        for o in opportunities
        if o.closed_at is not None and (o.closed_at.date() - o.created_at.date()).days == -2
    ]
    assert len(early) == 1
    [lead] = [lead for lead in leads if lead.external_id == early[0].source_lead_external_id]
    assert lead.stages.customer_at == early[0].closed_at
    assert sum(1 for lead in leads if lead.stages.customer_at is not None) == 842


def test_deal_attributes_and_declared_revenue(
    imported: tuple[list[LeadRecord], list[OpportunityRecord]],
) -> None:
    _, opportunities = imported
    assert sum(1 for o in opportunities if o.amount == 0) == 797
    assert {o.currency for o in opportunities} == {"BRL"}
    segments = Counter(o.attributes.get("business_segment") for o in opportunities)
    assert segments["home_decor"] == 105
    assert all(
        {"sdr_id", "sr_id", "lead_type"} <= o.attributes.keys()
        for o in opportunities
        if o.attributes.get("lead_type")
    )
