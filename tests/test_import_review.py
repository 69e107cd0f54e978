"""What imports leave for review, read back from the database: likely duplicate leads (listed, never
merged) and leads no account matched; through the query functions and ``accord data`` in a child process."""

from pathlib import Path

import pytest

from accord.importers.canonical import AccountRecord, LeadRecord, RecordKind
from accord.models import Lead
from accord.queries.import_review import count_unmatched_leads, list_likely_duplicates, list_unmatched_leads
from tests.cli_runner import accord_env, run_accord
from tests.import_streams import at, load

ACCOUNTS_CSV = """external_id,name,domain
a1,Acme One,acme1.com
a2,Acme Two,acme2.com
a3,Mailbox Inc,gmail.com
"""

# Ann Lee twice at Acme One (matched by e-mail domain), Bob Ray twice at an unknown company on personal
# mailboxes, Carl Moe at two different accounts (not duplicates), and Dee Fox twice with no company at
# all (nothing to compare: not listed).
LEADS_CSV = """external_id,created_at,email,first_name,last_name,company_name
l1,2026-01-05,ann@acme1.com,Ann,Lee,
l2,2026-01-06,ann.lee@acme1.com, ann ,LEE ,
l3,2026-01-05,bob@gmail.com,Bob,Ray,Nobody GmbH
l4,2026-01-07,bob.ray@yahoo.com,Bob,Ray,nobody gmbh
l5,2026-01-05,carl@acme1.com,Carl,Moe,
l6,2026-01-05,carl@acme2.com,Carl,Moe,
l7,2026-01-05,dee@hotmail.com,Dee,Fox,
l8,2026-01-05,dee.fox@outlook.com,Dee,Fox,
l9,2026-01-05,eve@gmail.com,Eve,Ng,Acme Two
"""


def account(n: int, domain: str) -> AccountRecord:
    return AccountRecord(line=n + 1, external_id=f"a{n}", name=f"Acme {n}", domain=domain)


def lead(external_id: str, email: str, first: str, last: str, company: str = "") -> LeadRecord:
    return LeadRecord(
        line=2,
        external_id=external_id,
        created_at=at("2026-01-05"),
        email=email,
        first_name=first,
        last_name=last,
        company_name=company,
    )


@pytest.mark.django_db
def test_same_name_at_the_same_account_or_company_is_listed_as_likely_duplicates_and_never_merged() -> None:
    load(RecordKind.ACCOUNTS, account(1, "acme1.com"), account(2, "acme2.com"))
    load(
        RecordKind.LEADS,
        lead("l1", "ann@acme1.com", "Ann", "Lee"),
        lead("l2", "ann.lee@acme1.com", " ann ", "LEE "),
        lead("l3", "bob@gmail.com", "Bob", "Ray", "Nobody GmbH"),
        lead("l4", "bob.ray@yahoo.com", "Bob", "Ray", "nobody gmbh"),
        lead("l5", "carl@acme1.com", "Carl", "Moe"),
        lead("l6", "carl@acme2.com", "Carl", "Moe"),
        lead("l7", "dee@hotmail.com", "Dee", "Fox"),
        lead("l8", "dee.fox@outlook.com", "Dee", "Fox"),
    )
    groups = list_likely_duplicates()
    assert [(g.company, [m.external_id for m in g.leads]) for g in groups] == [
        ("Acme 1", ["l1", "l2"]),
        ("Nobody GmbH", ["l3", "l4"]),
    ]
    assert Lead.objects.count() == 8
    assert dict(Lead.objects.filter(account__external_id="a1").values_list("external_id", "email")) == {
        "l1": "ann@acme1.com",
        "l2": "ann.lee@acme1.com",
        "l5": "carl@acme1.com",
    }


@pytest.mark.django_db
def test_leads_no_account_matched_are_listed_and_personal_mailbox_domains_never_match() -> None:
    # An account whose domain is a personal mailbox domain must not collect every gmail.com lead.
    load(RecordKind.ACCOUNTS, account(1, "acme1.com"), account(3, "gmail.com"))
    load(
        RecordKind.LEADS,
        lead("l1", "ann@acme1.com", "Ann", "Lee"),
        lead("l2", "bob@gmail.com", "Bob", "Ray"),
        lead("l3", "cy@unknown.test", "Cy", "Po", "Unknown Ltd"),
        lead("l4", "di@gmail.com", "Di", "Wu", "Acme 1"),
    )
    assert [(x.external_id, x.matched_account_by) for x in list_unmatched_leads()] == [
        ("l2", "none"),
        ("l3", "none"),
    ]
    assert count_unmatched_leads() == 2
    matched = dict(
        Lead.objects.exclude(matched_account_by="none").values_list("external_id", "account__name")
    )
    assert matched == {"l1": "Acme 1", "l4": "Acme 1"}


def test_accord_data_duplicates_and_unmatched_list_what_an_import_left(tmp_path: Path) -> None:
    env = accord_env(tmp_path / "ws")
    accounts, leads = tmp_path / "accounts.csv", tmp_path / "leads.csv"
    accounts.write_text(ACCOUNTS_CSV, encoding="utf-8")
    leads.write_text(LEADS_CSV, encoding="utf-8")
    for kind, path in (("accounts", accounts), ("leads", leads)):
        loaded = run_accord("import", kind, str(path), "--at", "2026-06-01", env=env)
        assert loaded.returncode == 0, loaded.stderr
        assert "No rows rejected." in loaded.stdout
    duplicates = run_accord("data", "duplicates", env=env)
    assert duplicates.returncode == 0, duplicates.stderr
    assert [line.split() for line in duplicates.stdout.splitlines()] == [
        ["Ann", "Lee", "at", "Acme", "One:"],
        ["l1", "ann@acme1.com"],
        ["l2", "ann.lee@acme1.com"],
        ["Bob", "Ray", "at", "Nobody", "GmbH:"],
        ["l3", "bob@gmail.com"],
        ["l4", "bob.ray@yahoo.com"],
        ["2", "groups", "of", "likely", "duplicates."],
    ]
    unmatched = run_accord("data", "unmatched", env=env)
    assert unmatched.returncode == 0, unmatched.stderr
    # l9 names Acme Two: matched by company name, though its e-mail is on a personal domain.
    assert [line.split()[:2] for line in unmatched.stdout.splitlines()[:-1]] == [
        ["l3", "bob@gmail.com"],
        ["l4", "bob.ray@yahoo.com"],
        ["l7", "dee@hotmail.com"],
        ["l8", "dee.fox@outlook.com"],
    ]
    assert unmatched.stdout.splitlines()[-1] == "4 leads without an account."
