"""The web pages through Django's test client: login, the lead list and lead page, admin access, escaping."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import DjangoAssertNumQueries

from accord.domain.lifecycle import Stage, TransitionActor
from accord.models import (
    Activity,
    Lead,
    LifecycleTransition,
    OpportunityStageChange,
    PlaybookSignature,
    PlaybookVersion,
    User,
)
from accord.queries.leads import LEAD_PAGE_SIZE
from accord.queries.timeline import TIMELINE_PAGE_SIZE
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

pytestmark = pytest.mark.django_db

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = "<img src=x onerror=alert(1)>"


@pytest.fixture
def sdr() -> User:
    return make_user(email="sam@acme.test", first_name="Sam", last_name="Seller", role="sdr")


@pytest.fixture
def signed_in(client: Client, sdr: User) -> Client:
    client.force_login(sdr)
    return client


def page_text(client: Client, url: str, **params: str) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


# Login and logout


@pytest.mark.parametrize("url", ["/leads/", "/leads/1/", "/leads/?q=pat"])
def test_pages_require_login(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_root_redirects_to_the_lead_list(signed_in: Client) -> None:
    response = signed_in.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("lead_list")


def test_login_with_email_and_password_lands_on_the_lead_list(client: Client, sdr: User) -> None:
    assert "Log in to Accord" in page_text(client, "/login/")
    response = client.post("/login/", {"username": "sam@acme.test", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert response["Location"] == reverse("lead_list")
    assert client.get("/leads/").status_code == 200


def test_login_ignores_the_case_of_the_email_address(client: Client, sdr: User) -> None:
    response = client.post("/login/", {"username": " Sam@ACME.test ", "password": "correct-horse-battery"})
    assert response.status_code == 302


def test_login_follows_next(client: Client, sdr: User) -> None:
    lead = make_lead()
    response = client.post(
        "/login/",
        {"username": "sam@acme.test", "password": "correct-horse-battery", "next": f"/leads/{lead.pk}/"},
    )
    assert response["Location"] == f"/leads/{lead.pk}/"


def test_a_wrong_password_shows_an_error_and_does_not_log_in(client: Client, sdr: User) -> None:
    response = client.post("/login/", {"username": "sam@acme.test", "password": "wrong"})
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()
    assert client.get("/leads/").status_code == 302


def test_logout_is_a_post_and_ends_the_session(signed_in: Client) -> None:
    assert signed_in.get("/logout/").status_code == 405
    response = signed_in.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert signed_in.get("/leads/").status_code == 302


def test_the_layout_shows_the_user_their_role_and_a_logout_button(signed_in: Client) -> None:
    html = page_text(signed_in, "/leads/")
    assert "Sam Seller" in html
    assert "SDR" in html
    assert 'action="/logout/"' in html
    assert 'href="/admin/"' not in html


def test_staff_see_the_admin_link(client: Client) -> None:
    client.force_login(make_user(role="admin", is_staff=True, is_superuser=True))
    assert 'href="/admin/"' in page_text(client, "/leads/")


# The lead list


def test_the_list_shows_each_leads_columns(signed_in: Client, sdr: User) -> None:
    account = make_account(name="Globex")
    make_lead(
        first_name="Ada",
        last_name="Lovelace",
        title="VP Engineering",
        source="partner",
        stage=Stage.MQL.value,
        owner=sdr,
        account=account,
        created_at=REFERENCE_TIME,
    )
    html = page_text(signed_in, "/leads/")
    for shown in ("Ada Lovelace", "Globex", "VP Engineering", "partner", "mql", "Sam Seller", "1 Jun 2026"):
        assert shown in html


@pytest.mark.parametrize(
    "search",
    ["ada", "LOVELACE", "ada lovelace", "ada@analytical.test", "analytical engines", "engineering vp"],
)
def test_search_matches_name_email_company_and_title(signed_in: Client, search: str) -> None:
    make_lead(
        first_name="Ada",
        last_name="Lovelace",
        email="ada@analytical.test",
        title="VP Engineering",
        account=make_account(name="Analytical Engines"),
    )
    make_lead(first_name="Charles", last_name="Babbage", title="Founder")
    html = page_text(signed_in, "/leads/", q=search)
    assert "Ada Lovelace" in html
    assert "Charles Babbage" not in html


def test_search_with_like_wildcards_matches_them_literally(signed_in: Client) -> None:
    make_lead(first_name="Ada", last_name="Lovelace")
    html = page_text(signed_in, "/leads/", q="%")
    assert "No leads match" in html


def test_filters_by_stage_and_source(signed_in: Client) -> None:
    make_lead(first_name="Mia", last_name="Mql", stage=Stage.MQL.value, source="webinar")
    make_lead(first_name="Sid", last_name="Sql", stage=Stage.SQL.value, source="webinar")
    make_lead(first_name="Pam", last_name="Partner", stage=Stage.MQL.value, source="partner")
    html = page_text(signed_in, "/leads/", stage="mql")
    assert "Mia Mql" in html and "Pam Partner" in html and "Sid Sql" not in html
    html = page_text(signed_in, "/leads/", stage="mql", source="webinar")
    assert "Mia Mql" in html and "Pam Partner" not in html and "Sid Sql" not in html
    assert '<option value="partner">partner</option>' in html
    assert '<option value="webinar" selected>webinar</option>' in html


def test_an_unknown_stage_or_page_is_ignored_rather_than_an_error(signed_in: Client) -> None:
    make_lead(first_name="Ada", last_name="Lovelace")
    html = page_text(signed_in, "/leads/", stage="nonsense", page="x")
    assert "Ada Lovelace" in html


def test_an_unknown_source_matches_nothing(signed_in: Client) -> None:
    make_lead(first_name="Ada", last_name="Lovelace", source="webinar")
    assert "No leads match these filters" in page_text(signed_in, "/leads/", source="carrier_pigeon")


def test_live_search_costs_no_more_than_the_page(
    signed_in: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    make_lead(first_name="Ada", last_name="Lovelace")
    # session, user, count, page of leads: the source list is only read for the whole page
    with django_assert_max_num_queries(4):
        signed_in.get("/leads/", {"q": "ada"}, headers={"HX-Request": "true"})


def test_the_list_is_paginated_by_fifty_newest_first(signed_in: Client) -> None:
    for n in range(LEAD_PAGE_SIZE + 5):
        make_lead(first_name="Lead", last_name=f"N{n:03d}", created_at=REFERENCE_TIME + timedelta(minutes=n))
    first = page_text(signed_in, "/leads/")
    assert "Showing 1–50 of 55 leads" in first
    assert "Lead N054" in first and "Lead N005" in first and "Lead N004" not in first
    assert 'href="?page=2"' in first
    second = page_text(signed_in, "/leads/", page="2")
    assert "Showing 51–55 of 55 leads" in second
    assert "Lead N004" in second and "Lead N000" in second and "Lead N005" not in second
    assert "Showing 51–55 of 55 leads" in page_text(signed_in, "/leads/", page="99")


def test_page_links_keep_the_search_and_filters(signed_in: Client) -> None:
    for n in range(LEAD_PAGE_SIZE + 1):
        make_lead(first_name="Pat", last_name=f"N{n}", source="event")
    html = page_text(signed_in, "/leads/", q="pat", source="event")
    assert 'href="?q=pat&amp;source=event&amp;page=2"' in html


def test_an_htmx_request_gets_only_the_results_fragment(signed_in: Client) -> None:
    make_lead(first_name="Ada", last_name="Lovelace")
    response = signed_in.get("/leads/", {"q": "ada"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Ada Lovelace" in html
    assert "<html" not in html and "<form" not in html
    assert "HX-Request" in response["Vary"]
    assert "Any source" not in html
    restored = signed_in.get(
        "/leads/", {"q": "ada"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restored.content.decode()


def test_the_search_form_works_without_javascript(signed_in: Client) -> None:
    html = page_text(signed_in, "/leads/")
    assert '<form class="filters" method="get" action="/leads/"' in html
    assert 'name="q"' in html and 'name="stage"' in html and 'name="source"' in html


# The lead page


def make_lead_with_history() -> Lead:
    ae = make_user(first_name="Alex", last_name="Closer", role="ae")
    account = make_account(
        name="Initech",
        domain="initech.test",
        industry="fintech",
        employees=420,
        annual_revenue=Decimal("25000000"),
        country="US",
        attributes={"tier": "gold"},
    )
    lead = make_lead(
        first_name="Peter",
        last_name="Gibbons",
        title="Product Manager",
        account=account,
        attributes={"linkedin_followers": 1200, "region": "west"},
    )
    make_activity(lead, kind="form_fill", detail="Contact us form", occurred_at=REFERENCE_TIME)
    make_activity(
        lead,
        kind="call",
        is_sales_touch=True,
        actor=ae,
        detail="Left voicemail",
        occurred_at=REFERENCE_TIME + timedelta(hours=2),
    )
    make_transition(
        lead, Stage.MQL, occurred_at=REFERENCE_TIME + timedelta(hours=1), reason="fit 80, demo request"
    )
    opportunity = make_opportunity(name="Initech platform deal", account=account, source_lead=lead, owner=ae)
    make_stage_change(
        opportunity,
        "proposal",
        from_stage="discovery",
        actor=ae,
        occurred_at=REFERENCE_TIME + timedelta(days=3),
    )
    return lead


def test_the_lead_page_shows_fields_attributes_account_and_opportunities(signed_in: Client) -> None:
    lead = make_lead_with_history()
    html = page_text(signed_in, f"/leads/{lead.pk}/")
    for shown in (
        "Peter Gibbons",
        "Product Manager",
        "linkedin_followers",
        "1200",
        "region",
        "west",
        "Initech",
        "initech.test",
        "fintech",
        "420",
        "25,000,000",
        "US",
        "tier",
        "gold",
        "Initech platform deal",
        "12,000 USD",
        "Alex Closer",
    ):
        assert shown in html, shown


def test_the_timeline_merges_activities_transitions_and_stage_changes_newest_first(signed_in: Client) -> None:
    lead = make_lead_with_history()
    html = page_text(signed_in, f"/leads/{lead.pk}/")
    timeline = html[html.index('<ol class="timeline">') :]
    order = [
        timeline.index("discovery → proposal"),
        timeline.index("Left voicemail"),
        timeline.index("lead → mql"),
        timeline.index("Contact us form"),
    ]
    assert order == sorted(order)
    assert 'class="tag tag-touch">Sales touch' in timeline
    assert 'class="tag tag-signal">Marketing signal' in timeline
    assert "by Alex Closer" in timeline
    assert "fit 80, demo request" in timeline and "by rule" in timeline


def test_the_timeline_is_capped_with_a_link_to_older_entries(signed_in: Client) -> None:
    lead = make_lead()
    Activity.objects.bulk_create(
        Activity(
            external_id=f"bulk-{n}",
            lead=lead,
            kind="page_view",
            detail=f"/page-{n:03d}",
            occurred_at=REFERENCE_TIME + timedelta(minutes=n),
        )
        for n in range(TIMELINE_PAGE_SIZE + 10)
    )
    first = page_text(signed_in, f"/leads/{lead.pk}/")
    assert first.count('<li class="entry') == TIMELINE_PAGE_SIZE
    assert "/page-059" in first and "/page-010" in first and "/page-009" not in first
    assert f'href="?timeline_offset={TIMELINE_PAGE_SIZE}#timeline"' in first
    older = page_text(signed_in, f"/leads/{lead.pk}/", timeline_offset=str(TIMELINE_PAGE_SIZE))
    assert older.count('<li class="entry') == 10
    assert "/page-009" in older and "/page-010" not in older
    assert "Older entries" not in older and "Newer entries" in older


def test_an_unknown_lead_is_a_404(signed_in: Client) -> None:
    assert signed_in.get("/leads/999999/").status_code == 404


# Admin


ADMIN_MODELS = [
    "user",
    "team",
    "account",
    "lead",
    "opportunity",
    "activity",
    "lifecycletransition",
    "opportunitystagechange",
    "playbookversion",
    "playbooksignature",
    "catalogentry",
    "workspacesetting",
    "importrun",
    "recordchange",
    "dataqualitywarning",
    "pendingactivity",
    "leadvisitor",
    "spend",
    "apikey",
]


def test_every_model_is_registered_with_the_admin() -> None:
    models = apps.get_app_config("accord").get_models()
    assert [model.__name__ for model in models if not admin.site.is_registered(model)] == []
    assert sorted(
        model._meta.model_name or "" for model in apps.get_app_config("accord").get_models()
    ) == sorted(ADMIN_MODELS)


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(make_user(role="admin", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("role", ["sdr", "ae", "marketing", "sales_leader", "viewer"])
def test_non_staff_roles_are_sent_to_the_admin_login(client: Client, role: str) -> None:
    client.force_login(make_user(role=role))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get("/admin/accord/lead/").status_code == 302


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_every_model_has_a_working_admin_list(admin_client: Client, model: str) -> None:
    lead = make_lead_with_history()
    make_transition(lead, Stage.SAL, actor_kind=TransitionActor.PERSON.value)
    response = admin_client.get(f"/admin/accord/{model}/", {"q": "a"})
    assert response.status_code == 200
    assert admin_client.get(f"/admin/accord/{model}/").status_code == 200


@pytest.mark.parametrize("model", ["activity", "lifecycletransition", "opportunitystagechange"])
def test_history_is_read_only_in_the_admin(admin_client: Client, model: str) -> None:
    lead = make_lead_with_history()
    pks = {
        "activity": Activity.objects.filter(lead=lead).values_list("pk", flat=True),
        "lifecycletransition": LifecycleTransition.objects.filter(lead=lead).values_list("pk", flat=True),
        "opportunitystagechange": OpportunityStageChange.objects.filter(
            opportunity__source_lead=lead
        ).values_list("pk", flat=True),
    }
    pk = pks[model][0]
    change_url = f"/admin/accord/{model}/{pk}/change/"
    html = admin_client.get(change_url).content.decode()
    assert 'name="_save"' not in html
    assert admin_client.post(change_url, {}).status_code == 403
    assert admin_client.get(f"/admin/accord/{model}/add/").status_code == 403
    assert admin_client.get(f"/admin/accord/{model}/{pk}/delete/").status_code == 403


def test_lead_foreign_keys_use_search_widgets_not_dropdowns(admin_client: Client) -> None:
    lead = make_lead()
    html = admin_client.get(f"/admin/accord/lead/{lead.pk}/change/").content.decode()
    assert "admin-autocomplete" in html


def test_the_user_admin_shows_role_and_team_and_can_add_a_user(admin_client: Client) -> None:
    html = admin_client.get("/admin/accord/user/").content.decode()
    assert "column-role" in html and "column-team" in html
    response = admin_client.post(
        "/admin/accord/user/add/",
        {
            "email": "New.Person@Acme.test",
            "role": "ae",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert response.status_code == 302, response.content.decode()
    user = User.objects.get(email="new.person@acme.test")
    assert user.username == user.email and user.role == "ae" and user.check_password("a-long-pass-phrase")


# Escaping


def test_user_supplied_text_is_escaped_everywhere(signed_in: Client) -> None:
    account = make_account(name=XSS_IMG, attributes={XSS_SCRIPT: XSS_IMG})
    lead = make_lead(
        first_name=XSS_SCRIPT,
        last_name=XSS_IMG,
        title=XSS_IMG,
        source="webinar",
        account=account,
        attributes={XSS_SCRIPT: XSS_IMG, "nested": {"html": XSS_SCRIPT}},
    )
    make_activity(lead, detail=XSS_SCRIPT)
    make_transition(lead, Stage.MQL, reason=XSS_IMG)
    make_opportunity(name=XSS_SCRIPT, account=account, source_lead=lead)
    pages = [
        page_text(signed_in, "/leads/"),
        page_text(signed_in, "/leads/", q="script"),
        signed_in.get("/leads/", {"q": XSS_SCRIPT}, headers={"HX-Request": "true"}).content.decode(),
        page_text(signed_in, f"/leads/{lead.pk}/"),
    ]
    for html in pages:
        assert XSS_SCRIPT not in html
        assert XSS_IMG not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in pages[-1]


# Query counts: the pages cost the same number of queries however much data they show.


def test_the_list_page_query_count_does_not_grow_with_rows(
    signed_in: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    owners = [make_user(role="sdr") for _ in range(3)]
    for n in range(LEAD_PAGE_SIZE):
        make_lead(owner=owners[n % 3], source=("webinar", "event")[n % 2])
    # session, user, sources, count, page of leads with account and owner joined
    with django_assert_max_num_queries(5):
        assert signed_in.get("/leads/", {"q": "pat", "stage": "lead"}).status_code == 200


def test_the_lead_page_query_count_does_not_grow_with_history(
    signed_in: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    lead = make_lead_with_history()
    people = [make_user(role="ae") for _ in range(3)]
    for n in range(30):
        make_activity(
            lead,
            kind="email",
            is_sales_touch=True,
            actor=people[n % 3],
            occurred_at=REFERENCE_TIME + timedelta(minutes=n),
        )
        make_transition(lead, Stage.RECYCLED, actor=people[n % 3], actor_kind=TransitionActor.PERSON.value)
    for n in range(3):
        opportunity = make_opportunity(account=lead.account, source_lead=lead, owner=people[n])
        make_stage_change(opportunity, "proposal", actor=people[n])
    # session, user, lead with account and owner, opportunities, activities, transitions, stage changes
    with django_assert_max_num_queries(7):
        assert signed_in.get(f"/leads/{lead.pk}/").status_code == 200


def test_a_playbook_version_shows_its_signatures_read_only(admin_client: Client) -> None:
    signer = make_user(email="maria@acme.test", role="marketing")
    version = PlaybookVersion.objects.create(
        number=1,
        name="Acme playbook",
        source_yaml="name: Acme\n",
        sha256="ab" * 32,
        proposed_at=REFERENCE_TIME,
    )
    PlaybookSignature.objects.create(
        version=version, side="marketing", signed_by=signer, signed_at=REFERENCE_TIME, sha256="ab" * 32
    )
    response = admin_client.get(f"/admin/accord/playbookversion/{version.pk}/change/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "maria@acme.test" in html and 'name="_save"' not in html
