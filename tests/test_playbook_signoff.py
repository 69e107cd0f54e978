"""The sign-off workflow through the real database: who may propose, sign and activate, and when."""

from datetime import UTC, datetime, timedelta

import pytest

from accord.domain.playbook.source import PlaybookInvalid
from accord.errors import InvalidInput, PermissionDenied
from accord.models import PlaybookStatus, PlaybookVersion, User
from accord.queries.playbooks import describe_version_changes, get_version_status
from accord.services.playbooks import activate_playbook, propose_playbook, sign_playbook
from tests.factories import example_playbook_text, make_user

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 1, 31, 10, 0, tzinfo=UTC)


@pytest.fixture
def people() -> dict[str, User]:
    return {
        "admin": make_user(role="admin", email="ann@acme.test", username="ann@acme.test"),
        "marketing": make_user(role="marketing", email="maria@acme.test", username="maria@acme.test"),
        "sales": make_user(role="sales_leader", email="sam@acme.test", username="sam@acme.test"),
        "sdr": make_user(role="sdr", email="sid@acme.test", username="sid@acme.test"),
    }


def signed_and_active(people: dict[str, User], text: str, at: datetime) -> PlaybookVersion:
    version = propose_playbook(text, proposed_by=people["admin"], now=at)
    sign_playbook(version.number, signer=people["marketing"], now=at)
    sign_playbook(version.number, signer=people["sales"], now=at)
    return activate_playbook(version.number, activated_by=people["admin"], now=at)


def test_an_sdr_cannot_propose(people: dict[str, User]) -> None:
    with pytest.raises(PermissionDenied):
        propose_playbook(example_playbook_text(), proposed_by=people["sdr"], now=NOW)
    assert not PlaybookVersion.objects.exists()


def test_an_invalid_playbook_is_not_stored(people: dict[str, User]) -> None:
    with pytest.raises(PlaybookInvalid):
        propose_playbook(
            example_playbook_text().replace("window_days", "windw_days"), proposed_by=people["admin"], now=NOW
        )
    assert not PlaybookVersion.objects.exists()


def test_the_same_text_twice_is_refused(people: dict[str, User]) -> None:
    propose_playbook(example_playbook_text(), proposed_by=people["marketing"], now=NOW)
    with pytest.raises(InvalidInput, match="identical to version 1"):
        propose_playbook(example_playbook_text(), proposed_by=people["admin"], now=NOW)


def test_only_the_named_owners_in_their_roles_can_sign(people: dict[str, User]) -> None:
    version = propose_playbook(example_playbook_text(), proposed_by=people["admin"], now=NOW)
    with pytest.raises(PermissionDenied, match="only the owners named in version 1"):
        sign_playbook(version.number, signer=people["admin"], now=NOW)
    people["sales"].role = "ae"
    people["sales"].save()
    with pytest.raises(
        PermissionDenied, match="the sales side is signed by a user with the role sales_leader"
    ):
        sign_playbook(version.number, signer=people["sales"], now=NOW)
    assert not version.signatures.exists()


def test_activation_needs_both_signatures(people: dict[str, User]) -> None:
    version = propose_playbook(example_playbook_text(), proposed_by=people["admin"], now=NOW)
    sign_playbook(version.number, signer=people["marketing"], now=NOW)
    with pytest.raises(InvalidInput, match="not yet signed for sales"):
        activate_playbook(version.number, activated_by=people["admin"], now=NOW)
    with pytest.raises(InvalidInput, match="already signed for marketing"):
        sign_playbook(version.number, signer=people["marketing"], now=NOW)
    sign_playbook(version.number, signer=people["sales"], now=NOW)
    with pytest.raises(PermissionDenied):
        activate_playbook(version.number, activated_by=people["sdr"], now=NOW)
    activated = activate_playbook(version.number, activated_by=people["sales"], now=NOW)
    assert (activated.status, activated.activated_at) == ("active", NOW)


def test_a_new_active_version_retires_the_old_and_history_is_kept(people: dict[str, User]) -> None:
    first = signed_and_active(people, example_playbook_text(), NOW)
    second = signed_and_active(
        people, example_playbook_text().replace('mql: "fit >= 60', 'mql: "fit >= 70'), NOW
    )
    first.refresh_from_db()
    assert (first.status, second.status) == (PlaybookStatus.RETIRED, PlaybookStatus.ACTIVE)
    assert describe_version_changes(first, second) == ["MQL fit threshold 60 → 70"]
    with pytest.raises(InvalidInput, match="only drafts are signed"):
        sign_playbook(first.number, signer=people["marketing"], now=NOW)


def test_review_is_due_a_cadence_after_activation(people: dict[str, User]) -> None:
    version = signed_and_active(people, example_playbook_text(), NOW)  # quarterly, activated 31 January
    status = get_version_status(version, NOW + timedelta(days=30))
    assert status.review_due_at == datetime(2026, 4, 30, 10, 0, tzinfo=UTC)
    assert not status.is_review_due
    assert get_version_status(version, datetime(2026, 4, 30, 10, 0, tzinfo=UTC)).is_review_due
