"""Mapping files: the documented examples load and run, the columns table in docs/imports.md matches the
code, and mistakes are reported with their lines."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from accord.importers import ImportFileError, RecordKind, RowError, plan_import
from accord.importers.canonical import AccountRecord, LeadRecord, OpportunityOutcome, OpportunityRecord
from accord.importers.columns import COLUMNS
from accord.importers.mapping import MappingInvalid, load_mapping

DOCS = Path(__file__).resolve().parents[1] / "docs" / "imports.md"
NOW = datetime(2026, 4, 1, tzinfo=UTC)


def documented_mappings() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", DOCS.read_text(), re.S)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_canonical_column_is_documented_with_its_type_and_whether_required() -> None:
    text = DOCS.read_text()
    for kind, columns in COLUMNS.items():
        section = text.split(f"### {kind}\n", 1)[1].split("###", 1)[0]
        for column in columns:
            required = "yes" if column.is_required else ""
            assert f"| `{column.name}` | {required} | {column.type.value} |" in section, (kind, column.name)


def test_every_documented_mapping_loads(tmp_path: Path) -> None:
    examples = documented_mappings()
    assert len(examples) == 3
    for example in examples:
        write(tmp_path, "closed_deals.csv", "lead_id,deal_id\n")
        assert load_mapping(write(tmp_path, "m.yaml", example)).outputs


def test_the_european_example_reads_dates_numbers_and_maps_stages(tmp_path: Path) -> None:
    mapping = write(tmp_path, "m.yaml", documented_mappings()[0])
    data = write(
        tmp_path,
        "deals.csv",
        "Deal number;Deal;Value (EUR);Opened on;Closed on;Phase;Region\n"
        "D-1;Müller GmbH;1.250,50;03/02/2026;15/03/2026 10:00;Gewonnen;DACH\n"
        "D-2;Dupont;12,5;01/03/2026;;Angebot;FR\n",
    )
    won, still_open = (
        plan_import(RecordKind.OPPORTUNITIES, data, mapping_path=mapping, now=NOW).streams[0].records
    )
    assert isinstance(won, OpportunityRecord) and isinstance(still_open, OpportunityRecord)
    assert (won.amount, won.currency, won.status) == (Decimal("1250.50"), "EUR", OpportunityOutcome.WON)
    assert won.created_at == datetime(2026, 2, 2, 23, 0, tzinfo=UTC)  # midnight in Paris
    assert won.closed_at == datetime(2026, 3, 15, 9, 0, tzinfo=UTC)
    assert (still_open.status, still_open.stage, still_open.attributes) == (
        OpportunityOutcome.OPEN,
        "Angebot",
        {"region": "FR"},
    )


def test_the_split_example_gives_distinct_accounts_and_leads(tmp_path: Path) -> None:
    mapping = write(tmp_path, "m.yaml", documented_mappings()[1])
    data = write(
        tmp_path,
        "contacts.csv",
        "Contact ID,Created,Work Email,Email,First name,Last name,Company,Company Domain,Source,MQL date,"
        "Disqualified date,Disqualification reason,Score\n"
        "C1,2026-01-02,,ann@a.io,Ann,A,Acme,acme.io,Google Ads,2026-01-03,,,12\n"
        "C2,2026-01-04,bo@acme.io,bo@gmail.com,Bo,B,Acme,acme.io,,,2026-01-05,student,40\n"
        "C3,2026-01-04,,cy@gmail.com,Cy,C,,,Webinar,,2026-01-05,,\n",
    )
    accounts, leads = (
        list(s.records) for s in plan_import(RecordKind.LEADS, data, mapping_path=mapping, now=NOW).streams
    )
    assert [a.external_id for a in accounts if isinstance(a, AccountRecord)] == ["acme.io"]
    ann, bo, error = leads
    assert isinstance(ann, LeadRecord) and isinstance(bo, LeadRecord)
    assert (ann.source, ann.attributes) == ("paid_search", {"score": "12", "company": "Acme"})
    assert (bo.email, bo.source, bo.stages.rejection_reason) == ("bo@acme.io", "unknown", "student")
    assert isinstance(error, RowError) and (error.line, error.field) == (4, "rejection_reason")


def test_a_mapping_with_mistakes_reports_each_with_its_line(tmp_path: Path) -> None:
    text = (
        "version: 1\n"
        "outputs:\n"
        "  leads:\n"
        "    colums:\n"
        "      external_id: id\n"
        "  deals:\n"
        "    columns: {name: x}\n"
        "  opportunities:\n"
        "    requires: nowhere\n"
        "    columns:\n"
        "      name: {constant: a, column: b}\n"
        "      amount: {column: x, from: nowhere}\n"
    )
    with pytest.raises(MappingInvalid) as caught:
        load_mapping(write(tmp_path, "m.yaml", text))
    assert [str(issue) for issue in caught.value.issues] == [
        "line 3, outputs.leads: 'columns' is required: each output column and where its value comes from",
        "line 4, outputs.leads.colums: unknown key 'colums'; did you mean 'columns'?",
        "line 6, outputs.deals: unknown key 'deals'; did you mean 'leads'?",
        "line 9, outputs.opportunities.requires: no join named 'nowhere' under 'joins'",
        "line 11, outputs.opportunities.columns.name: "
        "expected exactly one of column, constant, template or first_of",
        "line 12, outputs.opportunities.columns.amount.from: no join named 'nowhere' under 'joins'",
    ]


def test_not_yaml_and_unknown_presets_are_clear(tmp_path: Path) -> None:
    with pytest.raises(MappingInvalid, match=r"m\.yaml has 1 problem:\n  m\.yaml: line 3: not valid YAML"):
        load_mapping(write(tmp_path, "m.yaml", "outputs:\n  - [unclosed\n"))
    data = write(tmp_path, "leads.csv", "external_id,created_at\n")
    with pytest.raises(Exception, match="presets are hubspot-contacts, hubspot-deals"):
        plan_import(RecordKind.LEADS, data, mapping_path=Path("hubspot-contact"), now=NOW)


def test_a_column_the_mapping_reads_must_be_in_the_file(tmp_path: Path) -> None:
    mapping = write(
        tmp_path, "m.yaml", "outputs:\n  leads:\n    columns: {external_id: Id, created_at: Created}\n"
    )
    data = write(tmp_path, "export.csv", "Id,Create Date\n1,2026-01-01\n")
    with pytest.raises(
        ImportFileError, match=r"export\.csv: missing column 'Created' that the mapping reads"
    ):
        plan_import(RecordKind.LEADS, data, mapping_path=mapping, now=NOW)
    with pytest.raises(ImportFileError, match=r"m\.yaml maps export\.csv to leads, not to accounts"):
        plan_import(RecordKind.ACCOUNTS, data, mapping_path=mapping, now=NOW)
