"""The playbook sign-off driven in real headless Chromium: propose (with a located error first), both
owners sign, an owner activates; a role that cannot act sees no buttons."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accord.services.playbooks import propose_playbook
from tests.browser.conftest import BrowserTab
from tests.factories import example_playbook_text, make_user

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

PASSWORD = "correct-horse-battery"


def log_in_at(tab: BrowserTab, path: str, email: str) -> None:
    tab.goto(path)
    expect(tab.page).to_have_url(re.compile(r"/login/\?next="))
    tab.page.get_by_label("E-mail address").fill(email)
    tab.page.get_by_label("Password").fill(PASSWORD)
    tab.page.get_by_role("button", name="Log in").click()


def log_out(tab: BrowserTab) -> None:
    tab.page.get_by_role("button", name="Log out").click()
    expect(tab.page).to_have_url(re.compile(r"/login/"))


def test_propose_fix_sign_twice_and_activate(tab: BrowserTab) -> None:
    make_user(email="ann@acme.test", first_name="Ann", last_name="Admin", role="admin", password=PASSWORD)
    make_user(
        email="maria@acme.test", first_name="Maria", last_name="Mark", role="marketing", password=PASSWORD
    )
    make_user(
        email="sam@acme.test", first_name="Sam", last_name="Sales", role="sales_leader", password=PASSWORD
    )
    page = tab.page
    text = example_playbook_text()
    typo_text = text.replace("window_days", "windw_days")
    typo_line = typo_text.splitlines().index("  windw_days: 60") + 1

    log_in_at(tab, "/playbook/", "ann@acme.test")
    expect(page.get_by_role("heading", name="Playbook", exact=True)).to_be_visible()
    expect(page.locator(".active-version")).to_contain_text("No version is active yet")
    page.get_by_role("link", name="Propose a new version").click()
    expect(page).to_have_url(re.compile(r"/playbook/propose/$"))

    page.get_by_label("Playbook YAML").fill(typo_text)
    page.get_by_label("Note").fill("First agreed definitions")
    page.get_by_role("button", name="Propose version").click()
    errors = page.locator("ul.issues li")
    expect(errors).to_have_count(2)
    expect(errors.filter(has_text="intent.windw_days")).to_contain_text(f"line {typo_line}")
    expect(errors.filter(has_text="intent.windw_days")).to_contain_text("did you mean 'window_days'?")
    expect(page.get_by_label("Playbook YAML")).to_have_value(typo_text)
    expect(page.get_by_label("Note")).to_have_value("First agreed definitions")
    tab.screenshot("playbook-propose-error")

    page.get_by_label("Playbook YAML").fill(text)
    page.get_by_role("button", name="Propose version").click()
    expect(page).to_have_url(re.compile(r"/playbook/1/$"))
    expect(page.locator(".alert-success")).to_contain_text("Version 1 is proposed")
    expect(page.locator(".status-large")).to_have_text("Draft")
    expect(page.locator("pre.yaml")).to_contain_text("window_days: 60")
    # The admin is neither owner: nothing to sign, nothing to activate yet.
    expect(page.get_by_role("button", name=re.compile("^Sign for"))).to_have_count(0)
    expect(page.get_by_role("button", name="Activate")).to_have_count(0)
    log_out(tab)

    log_in_at(tab, "/playbook/1/", "maria@acme.test")
    expect(page.get_by_role("button", name="Sign for sales")).to_have_count(0)
    page.get_by_role("button", name="Sign for marketing").click()
    expect(page.locator(".alert-success")).to_contain_text("You signed version 1 for marketing.")
    expect(page.locator("li.signed")).to_contain_text("Signed by Maria Mark")
    expect(page.locator("li.unsigned")).to_contain_text("sam@acme.test")
    expect(page.get_by_role("button", name="Activate")).to_have_count(0)
    log_out(tab)

    log_in_at(tab, "/playbook/1/", "sam@acme.test")
    page.get_by_role("button", name="Sign for sales").click()
    expect(page.locator(".alert-success")).to_contain_text("You signed version 1 for sales.")
    expect(page.locator("li.signed")).to_have_count(2)
    tab.screenshot("playbook-version-signed")
    page.get_by_role("button", name="Activate").click()
    expect(page.locator(".alert-success")).to_contain_text("Version 1 is now the active playbook.")
    expect(page.locator(".status-large")).to_have_text("Active")
    expect(page.get_by_text("This is the active version.")).to_be_visible()
    tab.screenshot("playbook-version-active")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Playbook").click()
    active = page.locator(".active-version")
    expect(active).to_contain_text("Acme revenue playbook")
    expect(active).to_contain_text("v1")
    expect(active).to_contain_text("by Sam Sales")
    expect(active).to_contain_text("Signed for marketing")
    expect(active).to_contain_text("Maria Mark")
    expect(active).to_contain_text("Signed for sales")
    expect(active).to_contain_text("Next review")
    expect(page.locator("table.data tbody tr")).to_have_count(1)
    expect(page.locator("table.data tbody tr")).to_contain_text("Active")
    tab.screenshot("playbook-overview")
    assert tab.errors == []
    assert tab.dialogs == []


def test_an_sdr_reads_the_playbook_but_sees_no_sign_or_propose_buttons(tab: BrowserTab) -> None:
    admin = make_user(email="ann@acme.test", role="admin")
    make_user(email="maria@acme.test", role="marketing")
    make_user(email="sam@acme.test", role="sales_leader")
    propose_playbook(example_playbook_text(), proposed_by=admin, now=timezone.now())
    make_user(email="sid@acme.test", role="sdr", password=PASSWORD)
    page = tab.page

    log_in_at(tab, "/playbook/", "sid@acme.test")
    expect(page.get_by_role("heading", name="Playbook", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Propose a new version")).to_have_count(0)
    page.get_by_role("link", name="v1").click()
    expect(page.locator("pre.yaml")).to_contain_text("name: Acme revenue playbook")
    expect(page.locator("section", has=page.get_by_role("heading", name="Sign-off"))).to_contain_text(
        "Not signed yet"
    )
    expect(page.locator("form button")).to_have_text(["Log out"])
    tab.goto("/playbook/propose/")
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    assert tab.errors == [] or all("403" in error for error in tab.errors)
