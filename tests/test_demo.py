"""The demo workspace through the real database: first run loads, later runs reuse, real data is refused."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import authenticate
from django.db.models import Max

from accord.errors import InvalidInput
from accord.models import (
    Activity,
    Lead,
    LifecycleTransition,
    Opportunity,
    PlaybookStatus,
    PlaybookVersion,
    User,
    WorkspaceSetting,
)
from accord.services.demo import STARTER_PLAYBOOK_PATH, ensure_demo_workspace
from accord.synthetic import SOURCE_GROUPS
from tests.factories import make_lead, make_user

pytestmark = pytest.mark.django_db

AS_OF = datetime(2026, 6, 30, tzinfo=UTC)
GENERATED_AT = datetime(2026, 7, 1, 8, 30, tzinfo=UTC)


def test_first_run_loads_the_company_and_a_second_run_reuses_it() -> None:
    first = ensure_demo_workspace(
        leads=300, seed=7, as_of=AS_OF, show_progress=False, generated_at=GENERATED_AT
    )
    assert first.generated
    assert (first.leads, first.activities, first.opportunities) == (
        Lead.objects.count(),
        Activity.objects.count(),
        Opportunity.objects.count(),
    )
    assert first.leads == 300 and first.activities > 300 * 18
    assert [login.role for login in first.logins] == [
        "admin",
        "marketing",
        "sales_leader",
        "sdr",
        "ae",
        "viewer",
    ]
    for login in first.logins:
        user = authenticate(username=login.email, password=login.password)
        assert user is not None and user.role == login.role
    admin = User.objects.get(email=first.logins[0].email)
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.get(email=first.logins[3].email).is_staff

    marker = WorkspaceSetting.objects.get(key="demo").value
    assert marker["seed"] == 7 and marker["leads"] == 300
    assert marker["as_of"] == AS_OF.isoformat() and marker["generated_at"] == GENERATED_AT.isoformat()

    again = ensure_demo_workspace(leads=999, seed=1, as_of=GENERATED_AT, show_progress=False)
    assert not again.generated
    assert (again.leads, again.activities, again.opportunities) == (
        first.leads,
        first.activities,
        first.opportunities,
    )
    assert again.as_of == AS_OF
    assert again.logins == first.logins
    assert Lead.objects.count() == 300


def test_the_loaded_demo_is_consistent_and_under_the_active_starter_playbook() -> None:
    ensure_demo_workspace(leads=300, seed=8, as_of=AS_OF, show_progress=False)
    version = PlaybookVersion.objects.get()
    assert (version.number, version.status) == (1, PlaybookStatus.ACTIVE)
    assert version.source_yaml == STARTER_PLAYBOOK_PATH.read_text(encoding="utf-8")
    signed = {(s.side, s.signed_by.email, s.sha256) for s in version.signatures.all()}
    assert signed == {
        ("marketing", "marketing@northwind-demo.test", version.sha256),
        ("sales", "sales.leader@northwind-demo.test", version.sha256),
    }
    assert LifecycleTransition.objects.exclude(playbook_version=version).count() == 0
    last_stage = {}
    for lead_id, to_stage in LifecycleTransition.objects.order_by("lead_id", "occurred_at").values_list(
        "lead_id", "to_stage"
    ):
        last_stage[lead_id] = to_stage
    stages = dict(Lead.objects.values_list("id", "stage"))
    assert {lead_id: last_stage.get(lead_id, "lead") for lead_id in stages} == stages
    assert set(Lead.objects.values_list("source", flat=True)) <= set(SOURCE_GROUPS)
    # Ids were given explicitly; records created afterwards still get fresh ones.
    newest = make_lead()
    assert newest.id > Lead.objects.exclude(id=newest.id).aggregate(top=Max("id"))["top"]


def test_a_workspace_with_real_data_and_no_demo_marker_is_refused() -> None:
    make_lead()
    with pytest.raises(InvalidInput, match="real data"):
        ensure_demo_workspace(leads=300, seed=7, as_of=AS_OF, show_progress=False)
    assert Lead.objects.count() == 1
    assert not WorkspaceSetting.objects.filter(key="demo").exists()


def test_a_workspace_with_only_users_is_refused_too() -> None:
    make_user()
    with pytest.raises(InvalidInput, match="another --workspace"):
        ensure_demo_workspace(leads=300, seed=7, as_of=AS_OF, show_progress=False)
    assert Activity.objects.count() == 0


@pytest.mark.django_db
def test_the_demo_registers_its_custom_attributes_for_playbooks() -> None:
    from accord.queries.catalog import get_workspace_catalog

    ensure_demo_workspace(leads=200, seed=3, as_of=AS_OF, generated_at=AS_OF, show_progress=False)
    assert "account.segment" in get_workspace_catalog().attributes
