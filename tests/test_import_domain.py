"""Pure rules behind imports: imported history, account matching, safe CSV cells."""

from datetime import UTC, datetime

import pytest

from accord.domain.account_matching import (
    AccountMatcher,
    MatchRule,
    build_account_index,
    match_account,
    normalise_company_name,
)
from accord.domain.imported_history import extension_of, imported_history
from accord.domain.lifecycle import Stage
from accord.domain.safe_csv import safe_csv_cell
from accord.errors import InvalidInput


def day(n: int) -> datetime:
    return datetime(2026, 1, n, tzinfo=UTC)


@pytest.mark.parametrize(
    ("dates", "path"),
    [
        ({Stage.MQL: day(1)}, ["lead>mql"]),
        ({Stage.MQL: day(1), Stage.CUSTOMER: day(9)}, ["lead>mql", "mql>customer"]),
        ({Stage.SQL: day(2), Stage.MQL: day(1)}, ["lead>mql", "mql>sql"]),
        (
            {Stage.MQL: day(1), Stage.REJECTED: day(3), Stage.RECYCLED: day(4)},
            ["lead>mql", "mql>rejected", "rejected>recycled"],
        ),
    ],
)
def test_stage_dates_replay_in_lifecycle_order(dates: dict[Stage, datetime], path: list[str]) -> None:
    history = imported_history(dates, reasons={Stage.REJECTED: "no_budget"})
    assert [f"{s.from_stage}>{s.to_stage}" for s in history.steps] == path


@pytest.mark.parametrize(
    "dates",
    [
        {Stage.CUSTOMER: day(2), Stage.CLOSED_LOST: day(3)},
        {Stage.CUSTOMER: day(2), Stage.RECYCLED: day(3)},
        {Stage.REJECTED: day(2)},
    ],
)
def test_impossible_histories_are_refused(dates: dict[Stage, datetime]) -> None:
    with pytest.raises(InvalidInput):
        imported_history(dates)


def test_out_of_order_dates_are_kept_and_reported() -> None:
    history = imported_history({Stage.MQL: day(5), Stage.CUSTOMER: day(2)})
    assert history.out_of_order == ((Stage.MQL, Stage.CUSTOMER),)
    assert history.steps[-1].occurred_at == day(2)


def test_extension_is_the_tail_or_nothing_or_none() -> None:
    steps = imported_history({Stage.MQL: day(1), Stage.SQL: day(2)}).steps
    assert extension_of(((Stage.MQL, day(1)),), steps) == steps[1:]
    assert extension_of(((Stage.MQL, day(1)), (Stage.SQL, day(2))), steps) == ()
    assert extension_of(((Stage.MQL, day(3)),), steps) is None


@pytest.mark.parametrize(
    ("name", "normal"),
    [("ACME, Inc.", "acme"), ("Müller GmbH", "muller"), ("Ltd", "ltd"), ("Foo Bar S.A.", "foo bar")],
)
def test_company_names_normalise(name: str, normal: str) -> None:
    assert normalise_company_name(name) == normal


def test_a_domain_two_accounts_share_matches_neither() -> None:
    index = build_account_index([(1, "acme.com", "Acme"), (2, "www.acme.com", "Acme Two")])
    assert match_account(index, email="a@acme.com", website="", company_name="")[0] is None


def test_the_remembering_matcher_matches_as_match_account_does() -> None:
    """Leads sharing what matching reads (from the e-mail's last "@" on, website, company) share the
    remembered answer; an e-mail without "@" names no domain, even when it is one."""
    index = build_account_index([(1, "acme.com", "Acme"), (2, "beta.io", "Beta"), (3, "", "Gamma")])
    matcher = AccountMatcher(index)
    leads = [
        ("a@acme.com", "", ""),
        ("b@acme.com", "", ""),
        ("acme.com", "", ""),
        ("c@ACME.com", "beta.io", ""),
        ("x@gmail.com", "https://www.beta.io/", "Acme"),
        ("x@gmail.com", "", "GAMMA Ltd"),
        ("", "", "Gamma"),
        ("a@b@acme.com", "", ""),
        ("", "", ""),
    ]
    for _ in range(2):
        for email, website, company_name in leads:
            expected = match_account(index, email=email, website=website, company_name=company_name)
            assert matcher.match(email=email, website=website, company_name=company_name) == expected
    nothing = AccountMatcher(build_account_index([]))
    assert nothing.match(email="a@acme.com", website="acme.com", company_name="Acme") == (
        None,
        MatchRule.NONE,
    )


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-x", "'-x"),
        ("@a", "'@a"),
        ("plain", "plain"),
        (-3, "-3"),
        (None, ""),
    ],
)
def test_safe_csv_cells(value: object, cell: str) -> None:
    assert safe_csv_cell(value) == cell
