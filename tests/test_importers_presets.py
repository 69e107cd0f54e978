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

HUBSPOT_CONTACTS = """\
"Record ID","First Name","Last Name","Email","Phone Number","Job Title","Company Name","Website URL","Lifecycle Stage","Lead Status","Contact owner","Create Date","Original Source","Original Source Drill-Down 1","Associated Company ID","Associated Company","Industry","Number of Employees","Country/Region","Became a Marketing Qualified Lead Date","Became a Sales Qualified Lead Date","Became an Opportunity Date","Became a Customer Date"
"51","Maria","Silva","maria.silva@acme.io","+55 11 5555-0101","Head of Operations","Acme","acme.io","Customer","CONNECTED","Dana Reyes","2025-11-03 09:14","Organic Search","google","9001","Acme","COMPUTER_SOFTWARE","120","Brazil","2025-11-04 10:00","2025-11-10 16:30","2025-11-12 08:00","2026-01-20 12:00"
"52","Tom","O'Neil","tom@acme.io","","CFO","Acme","acme.io","Marketing Qualified Lead","NEW","Dana Reyes","2025-12-01 11:00","Paid Social","linkedin","9001","Acme","COMPUTER_SOFTWARE","120","Brazil","2025-12-02 09:00","","",""
"53","Li","Wei","li.wei@gmail.com","","","","","Subscriber","","","2026-02-14 18:45","Direct Traffic","","","","","","","","","",""
"""

HUBSPOT_DEALS = """\
Record ID,Deal Name,Deal Stage,Amount,Close Date,Create Date,Pipeline,Deal owner,Deal Type,Associated Company IDs,Associated Contact IDs,Closed Lost Reason
7001,Acme - Platform,Closed Won,"24000",2026-01-20 12:00,2025-11-12 08:00,Sales Pipeline,Dana Reyes,newbusiness,9001,51,
7002,Globex - Pilot,Closed Lost,5000,2026-02-01 00:00,2025-12-05 10:00,Sales Pipeline,Dana Reyes,newbusiness,9002,60,Chose competitor
7003,Initech - Expansion,Contract Sent,,2026-06-30 00:00,2026-03-01 09:00,Sales Pipeline,Sam Lee,existingbusiness,9003,,
"""

SALESFORCE_LEADS = """\
"Lead ID","First Name","Last Name","Title","Company / Account","Email","Lead Source","Lead Status","Create Date","Lead Owner","Industry","Country","Rating","Converted Date"
"00Q5g00000A1bCdEAF","Ana","Costa","VP Marketing","Umbrella Corp","ana.costa@umbrella.example","Web","Working - Contacted","1/15/2026","Sam Lee","Biotechnology","Portugal","Hot",""
"00Q5g00000A1bCeEAF","Raj","Patel","CTO","Hooli","raj@hooli.example","Partner Referral","Closed - Converted","12/3/2025, 4:05 PM","Sam Lee","Technology","India","Warm","1/8/2026"
"00Q5g00000A1bCfEAF","Eve","=cmd|' /C calc'!A0","","<b>Evil</b> Inc","eve@evil.example","Trade Show","Open - Not Contacted","2/30/2026","Sam Lee","","","",""
"""

SALESFORCE_OPPORTUNITIES = """\
"Opportunity ID","Opportunity Name","Account Name","Account ID","Amount","Stage","Close Date","Created Date","Lead Source","Won","Closed","Opportunity Owner","Type","Probability (%)"
"0065g00000XyZ1aAAF","Hooli - 500 seats","Hooli","0015g00000Ab1","125,000.00","Closed Won","1/30/2026","1/8/2026","Partner Referral","1","1","Sam Lee","New Customer","100"
"0065g00000XyZ1bAAF","Umbrella - Renewal","Umbrella Corp","0015g00000Ab2","40,000.00","Negotiation/Review","6/30/2026","2/2/2026","Web","0","0","Sam Lee","Existing Customer - Upgrade","90"
"0065g00000XyZ1cAAF","Initrode - Pilot","Initrode","0015g00000Ab3","-10.00","Lost to Rival","2/15/2026","1/2/2026","Web","0","1","Sam Lee","New Customer","0"
"""


def run(
    tmp_path: Path, text: str, kind: RecordKind, preset: str
) -> dict[RecordKind, list[CanonicalRecord | RowError]]:
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    plan = plan_import(kind, path, mapping_path=Path(preset), now=NOW)
    return {stream.kind: list(stream.records) for stream in plan.streams}


def test_the_four_presets_ship() -> None:
    assert preset_names() == [
        "hubspot-contacts",
        "hubspot-deals",
        "salesforce-leads",
        "salesforce-opportunities",
    ]


def test_hubspot_contacts_give_one_account_per_company_and_leads_with_stage_dates(tmp_path: Path) -> None:
    streams = run(tmp_path, HUBSPOT_CONTACTS, RecordKind.LEADS, "hubspot-contacts")
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


def test_hubspot_deals_status_from_the_stage_label(tmp_path: Path) -> None:
    won, lost, still_open = run(tmp_path, HUBSPOT_DEALS, RecordKind.OPPORTUNITIES, "hubspot-deals")[
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
    assert (still_open.status, still_open.amount, still_open.closed_at) == (OpportunityOutcome.OPEN, 0, None)


def test_salesforce_leads_us_dates_and_rows_kept_verbatim(tmp_path: Path) -> None:
    ana, raj, *bad = run(tmp_path, SALESFORCE_LEADS, RecordKind.LEADS, "salesforce-leads")[RecordKind.LEADS]
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


def test_salesforce_opportunities_status_from_won_and_closed(tmp_path: Path) -> None:
    won, open_deal, bad = run(
        tmp_path, SALESFORCE_OPPORTUNITIES, RecordKind.OPPORTUNITIES, "salesforce-opportunities"
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
