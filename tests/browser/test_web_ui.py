"""The web UI driven in real headless Chromium: login, live search, the lead page, paging, admin, logout."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accord.domain.lifecycle import Stage
from accord.models import Lead, User
from accord.queries.leads import LEAD_PAGE_SIZE
from tests.browser.conftest import BrowserTab
from tests.factories import (
    REFERENCE_TIME,
    make_account,
    make_activity,
    make_lead,
    make_opportunity,
    make_stage_change,
    make_transition,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

PASSWORD = "correct-horse-battery"
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = "<img src=x onerror=alert(1)>"


def log_in(tab: BrowserTab, email: str, password: str = PASSWORD) -> None:
    tab.goto("/")
    expect(tab.page).to_have_url(re.compile(r"/login/\?next="))
    tab.page.get_by_label("E-mail address").fill(email)
    tab.page.get_by_label("Password").fill(password)
    tab.page.get_by_role("button", name="Log in").click()


def make_crowd(count: int) -> None:
    """Leads older than the ones a test looks for, to fill pages."""
    for n in range(count):
        make_lead(
            first_name="Filler", last_name=f"N{n:03d}", created_at=REFERENCE_TIME - timedelta(days=1 + n)
        )


def make_ada(owner: User) -> Lead:
    account = make_account(
        name="Analytical Engines",
        domain="engines.test",
        industry="software",
        employees=320,
        annual_revenue=Decimal("4500000"),
        country="GB",
    )
    ada = make_lead(
        first_name="Ada",
        last_name="Lovelace",
        title="VP Engineering",
        account=account,
        owner=owner,
        stage=Stage.MQL.value,
        attributes={"linkedin_followers": 5400, "region": "emea"},
    )
    make_activity(ada, kind="demo_request", detail="Requested a demo", occurred_at=REFERENCE_TIME)
    make_activity(
        ada,
        kind="call",
        is_sales_touch=True,
        actor=owner,
        detail="Discovery call booked",
        occurred_at=REFERENCE_TIME + timedelta(hours=3),
    )
    make_transition(
        ada,
        Stage.MQL,
        from_stage="lead",
        occurred_at=REFERENCE_TIME + timedelta(minutes=5),
        reason="hand-raiser: demo request",
    )
    opportunity = make_opportunity(name="Engines rollout", account=account, source_lead=ada, owner=owner)
    make_stage_change(opportunity, "proposal", actor=owner, occurred_at=REFERENCE_TIME + timedelta(days=2))
    return ada


def test_log_in_search_open_a_lead_page_through_the_list_and_log_out(tab: BrowserTab) -> None:
    sdr = make_user(
        email="sam@acme.test", first_name="Sam", last_name="Seller", role="sdr", password=PASSWORD
    )
    make_ada(owner=sdr)
    make_crowd(LEAD_PAGE_SIZE + 5)
    page = tab.page

    log_in(tab, "sam@acme.test")
    expect(page).to_have_url(re.compile(r"/leads/$"))
    expect(page.get_by_role("heading", name="Leads")).to_be_visible()
    expect(page.locator(".who")).to_contain_text("Sam Seller")
    expect(page.locator(".who")).to_contain_text("SDR")
    expect(page.get_by_role("link", name="Admin")).to_have_count(0)
    expect(page.locator(".result-count")).to_contain_text("Showing 1–50 of 56 leads")
    tab.screenshot("lead-list")

    # Live search: typing is enough, htmx swaps the results and keeps the URL shareable.
    page.get_by_label("Search").fill("lovelace")
    expect(page.locator(".result-count")).to_contain_text("Showing 1–1 of 1 lead")
    expect(page).to_have_url(re.compile(r"q=lovelace"))
    row = page.locator("table.data tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Analytical Engines")
    expect(row).to_contain_text("VP Engineering")

    page.get_by_role("link", name="Ada Lovelace").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ada Lovelace")
    account = page.locator("section", has=page.get_by_role("heading", name="Account"))
    expect(account).to_contain_text("Analytical Engines")
    expect(account).to_contain_text("engines.test")
    expect(account).to_contain_text("4,500,000")
    expect(page.locator("section", has=page.get_by_role("heading", name="Lead"))).to_contain_text("emea")
    expect(page.locator("section#timeline")).to_be_visible()
    entries = page.locator("ol.timeline > li")
    expect(entries).to_have_count(4)
    expect(entries.nth(0)).to_contain_text("Deal stage")
    expect(entries.nth(1)).to_contain_text("Sales touch")
    expect(entries.nth(1)).to_contain_text("Discovery call booked")
    expect(entries.nth(1)).to_contain_text("by Sam Seller")
    expect(entries.nth(2)).to_contain_text("lead → mql")
    expect(entries.nth(2)).to_contain_text("hand-raiser: demo request")
    expect(entries.nth(3)).to_contain_text("Marketing signal")
    expect(entries.nth(3)).to_contain_text("Requested a demo")
    expect(page.locator("#opportunities-heading + .table-wrap")).to_contain_text("Engines rollout")
    tab.screenshot("lead-page")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Leads").click()
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="2", exact=True).click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator(".result-count")).to_contain_text("Showing 51–56 of 56 leads")
    expect(page.locator('.pagination [aria-current="page"]')).to_have_text("2")

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    tab.goto("/leads/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/leads/"))
    assert tab.errors == []
    assert tab.dialogs == []


def test_a_failed_login_shows_an_error(tab: BrowserTab) -> None:
    make_user(email="sam@acme.test", password=PASSWORD)
    log_in(tab, "sam@acme.test", "not-the-password")
    expect(tab.page.get_by_role("alert")).to_contain_text("do not match an account")
    expect(tab.page).to_have_url(re.compile(r"/login/"))
    tab.goto("/leads/")
    expect(tab.page).to_have_url(re.compile(r"/login/\?next="))


def test_filters_narrow_the_list_live(tab: BrowserTab) -> None:
    make_user(email="sam@acme.test", password=PASSWORD)
    make_lead(first_name="Mia", last_name="Webinar", stage=Stage.MQL.value, source="webinar")
    make_lead(first_name="Pam", last_name="Partner", stage=Stage.MQL.value, source="partner")
    make_lead(first_name="Len", last_name="Lead", stage=Stage.LEAD.value, source="partner")
    log_in(tab, "sam@acme.test")
    page = tab.page
    page.get_by_label("Stage").select_option("mql")
    expect(page.locator(".result-count")).to_contain_text("of 2 leads")
    page.get_by_label("Source").select_option("partner")
    expect(page.locator(".result-count")).to_contain_text("Showing 1–1 of 1 lead")
    expect(page.locator("table.data tbody")).to_contain_text("Pam Partner")
    page.get_by_role("link", name="Clear filters").click()
    expect(page.locator(".result-count")).to_contain_text("of 3 leads")


def test_search_and_paging_work_without_javascript(tab_without_javascript: BrowserTab) -> None:
    tab = tab_without_javascript
    make_user(email="sam@acme.test", password=PASSWORD)
    make_lead(first_name="Ada", last_name="Lovelace")
    make_crowd(LEAD_PAGE_SIZE)
    log_in(tab, "sam@acme.test")
    page = tab.page
    page.get_by_label("Search").fill("lovelace")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"q=lovelace"))
    expect(page.locator(".result-count")).to_contain_text("Showing 1–1 of 1 lead")
    page.get_by_role("link", name="Clear filters").click()
    page.get_by_role("link", name="Next ›").click()
    expect(page.locator(".result-count")).to_contain_text("Showing 51–51 of 51 leads")


def test_a_long_timeline_pages_to_older_entries(tab: BrowserTab) -> None:
    make_user(email="sam@acme.test", password=PASSWORD)
    lead = make_lead(first_name="Busy", last_name="Reader")
    for n in range(60):
        make_activity(lead, detail=f"/blog/post-{n:02d}", occurred_at=REFERENCE_TIME + timedelta(hours=n))
    log_in(tab, "sam@acme.test")
    tab.goto(f"/leads/{lead.pk}/")
    page = tab.page
    expect(page.locator("ol.timeline > li")).to_have_count(50)
    expect(page.locator("ol.timeline > li").first).to_contain_text("/blog/post-59")
    page.get_by_role("link", name="Older entries ›").click()
    expect(page.locator("ol.timeline > li")).to_have_count(10)
    expect(page.locator("ol.timeline > li").first).to_contain_text("/blog/post-09")
    page.get_by_role("link", name="‹ Newer entries").click()
    expect(page.locator("ol.timeline > li")).to_have_count(50)


def test_an_unknown_lead_is_not_found(tab: BrowserTab) -> None:
    make_user(email="sam@acme.test", password=PASSWORD)
    log_in(tab, "sam@acme.test")
    expect(tab.page).to_have_url(re.compile(r"/leads/$"))
    response = tab.page.goto(tab.base_url + "/leads/987654/")
    assert response is not None and response.status == 404


def test_hostile_names_are_shown_as_text_and_never_run(tab: BrowserTab) -> None:
    make_user(email="sam@acme.test", password=PASSWORD)
    account = make_account(name=XSS_IMG, attributes={XSS_IMG: XSS_SCRIPT})
    lead = make_lead(
        first_name=XSS_SCRIPT,
        last_name=XSS_IMG,
        title=XSS_IMG,
        account=account,
        attributes={XSS_SCRIPT: XSS_IMG},
    )
    make_activity(lead, detail=XSS_IMG)
    make_transition(lead, Stage.MQL, reason=XSS_SCRIPT)
    log_in(tab, "sam@acme.test")
    page = tab.page
    expect(page.locator("table.data tbody")).to_contain_text(f"{XSS_SCRIPT} {XSS_IMG}")
    page.get_by_label("Search").fill("script")
    expect(page).to_have_url(re.compile(r"q=script"))
    expect(page.locator("table.data tbody")).to_contain_text(XSS_SCRIPT)
    page.locator("a.lead-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{XSS_SCRIPT} {XSS_IMG}")
    expect(page.locator("ol.timeline")).to_contain_text(XSS_IMG)
    expect(page.locator("section", has=page.get_by_role("heading", name="Account"))).to_contain_text(
        XSS_SCRIPT
    )
    # Injected markup would have made elements; the page holds only its own.
    assert page.locator("main img").count() == 0
    assert page.locator("main script").count() == 0
    assert tab.dialogs == []


def test_staff_reach_the_admin_from_the_navigation_and_others_do_not(tab: BrowserTab) -> None:
    make_user(email="rita@acme.test", role="admin", is_staff=True, is_superuser=True, password=PASSWORD)
    make_user(email="sam@acme.test", role="sdr", password=PASSWORD)
    make_lead(first_name="Ada", last_name="Lovelace")
    page = tab.page

    log_in(tab, "rita@acme.test")
    page.get_by_role("link", name="Admin").click()
    expect(page.locator("#site-name")).to_contain_text("Accord administration")
    page.get_by_role("link", name="Leads", exact=True).click()
    expect(page.locator("#result_list")).to_contain_text("Ada Lovelace")
    page.get_by_role("link", name="Activities", exact=True).click()
    expect(page.get_by_role("link", name=re.compile("Add activity"))).to_have_count(0)
    page.get_by_role("button", name="Log out").click()

    log_in(tab, "sam@acme.test")
    expect(page).to_have_url(re.compile(r"/leads/$"))
    tab.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/\?next=/admin/"))
    expect(page.locator("body")).to_contain_text("not authorized to access this page")
