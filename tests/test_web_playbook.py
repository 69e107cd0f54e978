"""The playbook pages through Django's test client: who sees and may do what, proposing with located
errors, signing and activating, the review-due flag, escaping, and query counts."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import dateformat, timezone
from pytest_django.fixtures import DjangoAssertNumQueries

from accord.domain.playbook.review import review_due_at
from accord.models import PlaybookSignature, PlaybookStatus, PlaybookVersion, User
from accord.services.playbooks import activate_playbook, propose_playbook, sign_playbook
from accord.web.forms import PLAYBOOK_TEXT_MAX_BYTES
from tests.factories import example_playbook_text, make_user

pytestmark = pytest.mark.django_db

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = "<img src=x onerror=alert(1)>"
ROLES = ["admin", "marketing", "sales_leader", "sdr", "ae", "viewer"]
PROPOSING_ROLES = {"admin", "marketing", "sales_leader"}


@pytest.fixture
def people() -> dict[str, User]:
    """The example playbook's two owners, an admin, and people in other roles who are not owners."""
    return {
        "admin": make_user(role="admin", email="ann@acme.test", first_name="Ann", last_name="Admin"),
        "marketing": make_user(
            role="marketing", email="maria@acme.test", first_name="Maria", last_name="Mark"
        ),
        "sales": make_user(role="sales_leader", email="sam@acme.test", first_name="Sam", last_name="Sales"),
        "other_marketing": make_user(role="marketing", email="mo@acme.test"),
        "other_sales": make_user(role="sales_leader", email="sol@acme.test"),
        "sdr": make_user(role="sdr", email="sid@acme.test"),
        "ae": make_user(role="ae", email="abe@acme.test"),
        "viewer": make_user(role="viewer", email="vic@acme.test"),
    }


def as_user(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def html_of(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def propose(people: dict[str, User], text: str | None = None, note: str = "") -> PlaybookVersion:
    return propose_playbook(
        text or example_playbook_text(), proposed_by=people["admin"], now=timezone.now(), note=note
    )


def make_active(people: dict[str, User], text: str | None = None, *, days_ago: int = 0) -> PlaybookVersion:
    at = timezone.now() - timedelta(days=days_ago)
    version = propose_playbook(text or example_playbook_text(), proposed_by=people["admin"], now=at)
    sign_playbook(version.number, signer=people["marketing"], now=at)
    sign_playbook(version.number, signer=people["sales"], now=at)
    return activate_playbook(version.number, activated_by=people["admin"], now=at)


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if fragment in line)


# Login, navigation and who may read


@pytest.mark.parametrize("url", ["/playbook/", "/playbook/1/", "/playbook/propose/"])
def test_pages_require_login(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_playbook_pages_and_sees_the_nav_entry(client: Client, role: str) -> None:
    people = {"admin": make_user(role="admin")}
    make_user(role="marketing", email="maria@acme.test")
    make_user(role="sales_leader", email="sam@acme.test")
    version = propose(people)
    as_user(client, make_user(role=role))
    overview = html_of(client, "/playbook/")
    assert '<a href="/playbook/" aria-current="page">Playbook</a>' in overview
    assert 'href="/playbook/1/"' in overview
    assert "Acme revenue playbook" in html_of(client, f"/playbook/{version.number}/")
    assert '<a href="/playbook/">Playbook</a>' in html_of(client, "/leads/")


@pytest.mark.parametrize("role", ROLES)
def test_only_admin_marketing_and_sales_leaders_may_propose(client: Client, role: str) -> None:
    as_user(client, make_user(role=role))
    may_propose = role in PROPOSING_ROLES
    assert ("Propose a new version" in html_of(client, "/playbook/")) == may_propose
    assert client.get("/playbook/propose/").status_code == (200 if may_propose else 403)
    response = client.post("/playbook/propose/", {"text": example_playbook_text(), "note": ""})
    assert response.status_code == (302 if may_propose else 403)
    assert PlaybookVersion.objects.exists() == may_propose


def test_a_403_page_keeps_the_layout(client: Client, people: dict[str, User]) -> None:
    response = as_user(client, people["sdr"]).get("/playbook/propose/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Not allowed" in html
    assert 'action="/logout/"' in html


def test_unknown_versions_are_404(client: Client, people: dict[str, User]) -> None:
    as_user(client, people["admin"])
    assert client.get("/playbook/9/").status_code == 404
    assert client.post("/playbook/9/activate/").status_code == 404
    as_user(client, people["marketing"])
    assert client.post("/playbook/9/sign/").status_code == 404


def test_actions_are_posts(client: Client, people: dict[str, User]) -> None:
    propose(people)
    as_user(client, people["marketing"])
    assert client.get("/playbook/1/sign/").status_code == 405
    assert client.get("/playbook/1/activate/").status_code == 405


def test_actions_need_the_csrf_token(people: dict[str, User]) -> None:
    propose(people)
    client = as_user(Client(enforce_csrf_checks=True), people["marketing"])
    assert client.post("/playbook/1/sign/").status_code == 403
    assert not PlaybookSignature.objects.exists()


# The overview


def test_without_versions_the_overview_says_so(client: Client, people: dict[str, User]) -> None:
    html = html_of(as_user(client, people["admin"]), "/playbook/")
    assert "No version is active yet" in html
    assert "No versions yet" in html


def test_the_overview_shows_the_active_version_and_the_history(
    client: Client, people: dict[str, User]
) -> None:
    active = make_active(people)
    draft = propose(people, example_playbook_text().replace('mql: "fit >= 60', 'mql: "fit >= 70'))
    sign_playbook(draft.number, signer=people["sales"], now=timezone.now())
    html = html_of(as_user(client, people["sdr"]), "/playbook/")
    active_card = html.split('id="history-heading"')[0]
    assert f"v{active.number}" in active_card
    assert "by Ann Admin" in active_card
    assert "Signed for marketing</dt><dd>Maria Mark" in active_card
    assert "Signed for sales</dt><dd>Sam Sales" in active_card
    assert "Next review" in active_card
    assert "Review due" not in active_card
    history = html.split('id="history-heading"')[1]
    assert history.index('href="/playbook/2/"') < history.index('href="/playbook/1/"')
    assert '<span class="status status-draft">Draft</span>' in history
    assert '<span class="status status-active">Active</span>' in history
    assert '<span class="side">sales</span> Sam Sales' in history


def test_review_due_is_flagged_with_its_date(client: Client, people: dict[str, User]) -> None:
    version = make_active(people, days_ago=200)  # the example is reviewed quarterly
    assert version.activated_at is not None
    due = dateformat.format(review_due_at(version.activated_at, "quarter"), "j M Y")
    as_user(client, people["viewer"])
    for url in ("/playbook/", f"/playbook/{version.number}/"):
        html = html_of(client, url)
        assert f'<span class="status status-review-due">Review due since {due}</span>' in html
        assert "Next review" not in html


def test_before_its_review_date_the_next_review_is_shown(client: Client, people: dict[str, User]) -> None:
    version = make_active(people, days_ago=10)
    assert version.activated_at is not None
    due = dateformat.format(review_due_at(version.activated_at, "quarter"), "j M Y")
    html = html_of(as_user(client, people["viewer"]), "/playbook/")
    assert f"Next review {due}" in html
    assert "Review due" not in html


def test_a_retired_version_is_listed_as_retired(client: Client, people: dict[str, User]) -> None:
    make_active(people)
    make_active(people, example_playbook_text().replace("stalled_after_days: 30", "stalled_after_days: 45"))
    html = html_of(as_user(client, people["admin"]), "/playbook/")
    assert '<span class="status status-retired">Retired</span>' in html
    assert "replaced by a later version" in html_of(client, "/playbook/1/")


# One version


def test_a_draft_shows_proposer_note_owners_and_missing_sides(
    client: Client, people: dict[str, User]
) -> None:
    propose(people, note="First agreed definitions\nafter the offsite")
    sign_playbook(1, signer=people["marketing"], now=timezone.now())
    html = html_of(as_user(client, people["ae"]), "/playbook/1/")
    assert "Proposed by Ann Admin" in html
    assert "First agreed definitions<br>after the offsite" in html
    assert "Signed by Maria Mark" in html
    assert "Not signed yet" in html
    assert "Owner: sam@acme.test" in html
    assert "No version is active yet, so there is nothing to compare with." in html
    assert '<pre class="yaml">schema_version: 1\nname: Acme revenue playbook' in html


def test_changes_are_described_against_the_active_version(client: Client, people: dict[str, User]) -> None:
    make_active(people)
    propose(people, example_playbook_text().replace('mql: "fit >= 60', 'mql: "fit >= 70'))
    propose(people, example_playbook_text() + "# reworded nothing, only this comment\n")
    as_user(client, people["sdr"])
    assert "This is the active version." in html_of(client, "/playbook/1/")
    assert "<li>MQL fit threshold 60 → 70</li>" in html_of(client, "/playbook/2/")
    assert "No changes from the active version" in html_of(client, "/playbook/3/")


@pytest.mark.parametrize(
    ("who", "button"),
    [
        ("marketing", "Sign for marketing"),
        ("sales", "Sign for sales"),
        ("admin", None),
        ("other_marketing", None),
        ("other_sales", None),
        ("sdr", None),
        ("ae", None),
        ("viewer", None),
    ],
)
def test_only_the_named_owner_sees_the_sign_button_for_their_side(
    client: Client, people: dict[str, User], who: str, button: str | None
) -> None:
    propose(people)
    html = html_of(as_user(client, people[who]), "/playbook/1/")
    assert html.count("Sign for ") == (1 if button else 0)
    if button:
        assert 'action="/playbook/1/sign/"' in html
        assert button in html
    assert "Activate</button>" not in html


def test_owners_see_no_sign_button_for_a_side_already_signed(client: Client, people: dict[str, User]) -> None:
    propose(people)
    sign_playbook(1, signer=people["marketing"], now=timezone.now())
    assert "Sign for " not in html_of(as_user(client, people["marketing"]), "/playbook/1/")
    assert "Sign for sales" in html_of(as_user(client, people["sales"]), "/playbook/1/")


@pytest.mark.parametrize(
    ("who", "sees_activate"),
    [("admin", True), ("marketing", True), ("sales", True), ("other_marketing", False), ("sdr", False)],
)
def test_activate_is_offered_to_admins_and_owners_once_both_have_signed(
    client: Client, people: dict[str, User], who: str, sees_activate: bool
) -> None:
    propose(people)
    sign_playbook(1, signer=people["marketing"], now=timezone.now())
    as_user(client, people[who])
    assert "Activate</button>" not in html_of(client, "/playbook/1/")
    sign_playbook(1, signer=people["sales"], now=timezone.now())
    assert ("Activate</button>" in html_of(client, "/playbook/1/")) == sees_activate


def test_the_active_version_offers_no_actions(client: Client, people: dict[str, User]) -> None:
    make_active(people)
    for who in ("admin", "marketing", "sales"):
        html = html_of(as_user(client, people[who]), "/playbook/1/")
        assert "Sign for " not in html
        assert "Activate</button>" not in html


# Signing and activating


def test_both_owners_sign_then_an_owner_activates(client: Client, people: dict[str, User]) -> None:
    propose(people)
    response = as_user(client, people["marketing"]).post("/playbook/1/sign/", follow=True)
    assert response.redirect_chain == [("/playbook/1/", 302)]
    assert "You signed version 1 for marketing." in response.content.decode()
    response = as_user(client, people["sales"]).post("/playbook/1/sign/", follow=True)
    assert "You signed version 1 for sales." in response.content.decode()
    response = client.post("/playbook/1/activate/", follow=True)
    html = response.content.decode()
    assert "Version 1 is now the active playbook." in html
    assert '<span class="status status-large status-active">Active</span>' in html
    version = PlaybookVersion.objects.get(number=1)
    assert (version.status, version.activated_by) == (PlaybookStatus.ACTIVE, people["sales"])
    assert set(version.signatures.values_list("side", "signed_by__email")) == {
        ("marketing", "maria@acme.test"),
        ("sales", "sam@acme.test"),
    }


@pytest.mark.parametrize("who", ["admin", "sdr", "ae", "viewer"])
def test_roles_that_never_sign_get_403(client: Client, people: dict[str, User], who: str) -> None:
    propose(people)
    assert as_user(client, people[who]).post("/playbook/1/sign/").status_code == 403
    assert not PlaybookSignature.objects.exists()


@pytest.mark.parametrize("who", ["sdr", "ae", "viewer"])
def test_roles_that_never_activate_get_403(client: Client, people: dict[str, User], who: str) -> None:
    propose(people)
    sign_playbook(1, signer=people["marketing"], now=timezone.now())
    sign_playbook(1, signer=people["sales"], now=timezone.now())
    assert as_user(client, people[who]).post("/playbook/1/activate/").status_code == 403
    assert PlaybookVersion.objects.get(number=1).status == PlaybookStatus.DRAFT


def test_a_signature_the_service_refuses_is_shown_as_an_error(
    client: Client, people: dict[str, User]
) -> None:
    propose(people)
    response = as_user(client, people["other_marketing"]).post("/playbook/1/sign/", follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        '<div class="alert alert-error" role="alert"><p>Not signed: only the owners named in version 1'
        in html
    )
    assert not PlaybookSignature.objects.exists()
    as_user(client, people["marketing"]).post("/playbook/1/sign/")
    response = client.post("/playbook/1/sign/", follow=True)
    assert "Not signed: version 1 is already signed for marketing" in response.content.decode()


def test_an_activation_the_service_refuses_is_shown_as_an_error(
    client: Client, people: dict[str, User]
) -> None:
    propose(people)
    sign_playbook(1, signer=people["marketing"], now=timezone.now())
    response = as_user(client, people["admin"]).post("/playbook/1/activate/", follow=True)
    assert (
        "Not activated: version 1 cannot be activated: not yet signed for sales" in response.content.decode()
    )
    sign_playbook(1, signer=people["sales"], now=timezone.now())
    response = as_user(client, people["other_marketing"]).post("/playbook/1/activate/", follow=True)
    assert (
        "Not activated: mo@acme.test is neither an admin nor an owner of version 1"
        in response.content.decode()
    )
    assert PlaybookVersion.objects.get(number=1).status == PlaybookStatus.DRAFT


# Proposing


def test_the_form_is_prefilled_with_the_active_version(client: Client, people: dict[str, User]) -> None:
    as_user(client, people["marketing"])
    assert "schema_version: 1" not in html_of(client, "/playbook/propose/")
    make_active(people)
    assert "\nschema_version: 1\nname: Acme revenue playbook" in html_of(client, "/playbook/propose/")


def test_proposing_stores_a_draft_and_opens_it(client: Client, people: dict[str, User]) -> None:
    text = example_playbook_text().replace("\n", "\r\n")  # as a browser sends a textarea
    response = as_user(client, people["marketing"]).post(
        "/playbook/propose/", {"text": text, "note": "  Tighter MQL  "}
    )
    assert response.status_code == 302
    assert response["Location"] == "/playbook/1/"
    version = PlaybookVersion.objects.get()
    assert (version.status, version.proposed_by, version.note) == (
        "draft",
        people["marketing"],
        "Tighter MQL",
    )
    assert version.source_yaml == example_playbook_text()
    assert "Version 1 is proposed; it needs both signatures." in html_of(client, "/playbook/1/")


def test_validation_errors_are_listed_with_line_and_field_and_the_text_kept(
    client: Client, people: dict[str, User]
) -> None:
    text = example_playbook_text().replace("window_days", "windw_days")
    response = as_user(client, people["admin"]).post("/playbook/propose/", {"text": text, "note": "keep me"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "The playbook has 2 problems; nothing was stored." in html
    typo_line = line_of(text, "windw_days")
    assert (
        f'<li><span class="issue-line">line {typo_line}</span> '
        '<code class="issue-path">intent.windw_days</code> <span class="issue-message">'
        "unknown field &#x27;windw_days&#x27;; did you mean &#x27;window_days&#x27;?</span></li>"
    ) in html
    assert f'line {typo_line - 1}</span> <code class="issue-path">intent.window_days</code>' in html
    assert "  windw_days: 60\n" in html
    assert ">\nkeep me</textarea>" in html
    assert not PlaybookVersion.objects.exists()


def test_text_that_is_not_yaml_is_located_too(client: Client, people: dict[str, User]) -> None:
    response = as_user(client, people["admin"]).post(
        "/playbook/propose/", {"text": "name: [unclosed\nowners: {}\n"}
    )
    html = response.content.decode()
    assert "nothing was stored" in html
    assert '<span class="issue-line">line ' in html


def test_the_same_text_again_is_refused_on_the_form(client: Client, people: dict[str, User]) -> None:
    propose(people)
    response = as_user(client, people["sales"]).post("/playbook/propose/", {"text": example_playbook_text()})
    assert response.status_code == 200
    assert "identical to version 1; nothing to propose" in response.content.decode()
    assert PlaybookVersion.objects.count() == 1


def test_the_text_has_a_size_limit(client: Client, people: dict[str, User]) -> None:
    text = example_playbook_text() + "#" + "x" * PLAYBOOK_TEXT_MAX_BYTES
    response = as_user(client, people["admin"]).post("/playbook/propose/", {"text": text})
    assert response.status_code == 200
    assert "the limit is 200 KB" in response.content.decode()
    assert not PlaybookVersion.objects.exists()


def test_an_empty_text_is_refused(client: Client, people: dict[str, User]) -> None:
    response = as_user(client, people["admin"]).post("/playbook/propose/", {"text": "  \n"})
    assert "The playbook text is empty." in response.content.decode()


# Escaping


def test_user_text_in_yaml_note_and_errors_is_escaped(client: Client, people: dict[str, User]) -> None:
    text = example_playbook_text().replace(
        "name: Acme revenue playbook", f'name: "Acme {XSS_SCRIPT}"\n# {XSS_IMG}'
    )
    propose(people, text, note=f"See {XSS_IMG}")
    as_user(client, people["admin"])
    for url in ("/playbook/", "/playbook/1/"):
        html = html_of(client, url)
        assert XSS_SCRIPT not in html
        assert XSS_IMG not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "See &lt;img src=x onerror=alert(1)&gt;" in html_of(client, "/playbook/1/")
    bad = example_playbook_text().replace("reason: personal_email", f'reason: "{XSS_IMG}"')
    html = client.post("/playbook/propose/", {"text": bad, "note": XSS_SCRIPT}).content.decode()
    assert "nothing was stored" in html
    assert XSS_IMG not in html
    assert XSS_SCRIPT not in html


# Query counts


def test_the_overview_reads_in_a_fixed_number_of_queries(
    client: Client, people: dict[str, User], django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    make_active(people)
    for threshold in range(61, 67):
        version = propose(
            people, example_playbook_text().replace('mql: "fit >= 60', f'mql: "fit >= {threshold}')
        )
        sign_playbook(version.number, signer=people["marketing"], now=timezone.now())
    as_user(client, people["sdr"])
    # Session, user, versions, their signatures; the active version's signatures and the catalog.
    with django_assert_max_num_queries(6):
        assert "v7" in html_of(client, "/playbook/")


def test_the_version_page_reads_in_a_fixed_number_of_queries(
    client: Client, people: dict[str, User], django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    make_active(people)
    propose(people, example_playbook_text().replace('mql: "fit >= 60', 'mql: "fit >= 70'))
    sign_playbook(2, signer=people["marketing"], now=timezone.now())
    as_user(client, people["sales"])
    # Session, user, version, proposer, signatures, active version; the catalog for each version loaded.
    with django_assert_max_num_queries(9):
        assert "Sign for sales" in html_of(client, "/playbook/2/")
