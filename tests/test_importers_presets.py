"""The shipped presets on realistic export samples written for these tests (column names as HubSpot and
Salesforce export them), used by preset name as the CLI does."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from accord.importers import RecordKind, RowError, plan_import
from accord.importers.canonical import (
    AccountRecord,
    CanonicalRecord,
    LeadRecord,
    OpportunityOutcome,
    OpportunityRecord,
)
from accord.importers.mapping import preset_names

NOW = datetime(2026, 4, 1, tzinfo=UTC)
DATA = Path(__file__).parent / "data" / "importers"


def run(sample: str, kind: RecordKind, preset: str) -> dict[RecordKind, list[CanonicalRecord | RowError]]:
    plan = plan_import(kind, DATA / sample, mapping_path=Path(preset), now=NOW)
    return {stream.kind: list(stream.records) for stream in plan.streams}


def test_the_four_presets_ship() -> None:
    assert preset_names() == [
        "hubspot-contacts",
        "hubspot-deals",
        "salesforce-leads",
        "salesforce-opportunities",
    ]


def test_hubspot_contacts_give_one_account_per_company_and_leads_with_stage_dates() -> None:
    streams = run("hubspot_contacts.csv", RecordKind.LEADS, "hubspot-contacts")
    assert list(streams) == [RecordKind.ACCOUNTS, RecordKind.LEADS]
    [account] = streams[RecordKind.ACCOUNTS]
    assert isinstance(account, AccountRecord)
    assert (account.external_id, account.name, account.employees, account.country) == (
        "9001",
        "Acme",
        120,
        "Brazil",
    )
    maria, tom, li = streams[RecordKind.LEADS]
    assert isinstance(maria, LeadRecord) and isinstance(tom, LeadRecord) and isinstance(li, LeadRecord)
    assert (maria.source, tom.source, li.source) == ("organic_search", "paid_social", "direct_traffic")
    assert maria.stages.customer_at == datetime(2026, 1, 20, 12, 0, tzinfo=UTC)
    assert maria.stages.sql_at == datetime(2025, 11, 10, 16, 30, tzinfo=UTC)
    assert (maria.account_external_id, tom.last_name, li.account_external_id) == ("9001", "O'Neil", "")
    assert maria.attributes["lifecycle_stage"] == "Customer"
    assert tom.stages.customer_at is None


def test_hubspot_deals_status_from_the_stage_label() -> None:
    won, lost, still_open = run("hubspot_deals.csv", RecordKind.OPPORTUNITIES, "hubspot-deals")[
        RecordKind.OPPORTUNITIES
    ]
    assert isinstance(won, OpportunityRecord) and isinstance(lost, OpportunityRecord)
    assert isinstance(still_open, OpportunityRecord)
    assert (won.status, won.amount, won.source_lead_external_id) == (
        OpportunityOutcome.WON,
        Decimal("24000"),
        "51",
    )
    assert (lost.status, lost.loss_reason) == (OpportunityOutcome.LOST, "Chose competitor")
    assert (still_open.status, still_open.amount, still_open.closed_at) == (
        OpportunityOutcome.OPEN,
        Decimal(0),
        None,
    )


def test_salesforce_leads_us_dates_and_rows_kept_verbatim() -> None:
    ana, raj, *bad = run("salesforce_leads.csv", RecordKind.LEADS, "salesforce-leads")[RecordKind.LEADS]
    assert isinstance(ana, LeadRecord) and isinstance(raj, LeadRecord)
    assert ana.created_at == datetime(2026, 1, 15, tzinfo=UTC)
    assert raj.created_at == datetime(2025, 12, 3, 16, 5, tzinfo=UTC)
    assert (ana.source, raj.source, raj.stages.opportunity_at) == (
        "website",
        "partner_referral",
        datetime(2026, 1, 8, tzinfo=UTC),
    )
    assert ana.attributes["lead_status"] == "Working - Contacted"
    [error] = bad
    assert isinstance(error, RowError) and (error.line, error.field) == (4, "created_at")


def test_salesforce_opportunities_status_from_won_and_closed() -> None:
    won, open_deal, bad = run(
        "salesforce_opportunities.csv", RecordKind.OPPORTUNITIES, "salesforce-opportunities"
    )[RecordKind.OPPORTUNITIES]
    assert isinstance(won, OpportunityRecord) and isinstance(open_deal, OpportunityRecord)
    assert (won.status, won.amount, won.closed_at) == (
        OpportunityOutcome.WON,
        Decimal("125000.00"),
        datetime(2026, 1, 30, tzinfo=UTC),
    )
    assert won.attributes["probability_percent"] == 100.0
    assert (open_deal.status, open_deal.stage) == (OpportunityOutcome.OPEN, "Negotiation/Review")
    assert isinstance(bad, RowError) and (bad.field, bad.reason) == ("amount", "must not be negative")
