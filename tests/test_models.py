"""The data model through the real database: append-only history, constraints, idempotent ids."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from accord.domain.lifecycle import Stage
from accord.errors import InvalidInput
from accord.models import Activity, LifecycleTransition
from tests.factories import REFERENCE_TIME, make_activity, make_lead, make_opportunity, make_transition

pytestmark = pytest.mark.django_db


def test_activity_external_id_is_unique_so_a_replayed_event_cannot_duplicate() -> None:
    lead = make_lead()
    make_activity(lead, external_id="evt-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_activity(lead, external_id="evt-1")
    assert Activity.objects.filter(external_id="evt-1").count() == 1


def test_transitions_cannot_be_updated_or_deleted() -> None:
    transition = make_transition(make_lead(), Stage.MQL)
    transition.reason = "rewritten"
    with pytest.raises(InvalidInput, match="append-only"):
        transition.save()
    with pytest.raises(InvalidInput, match="append-only"):
        transition.delete()
    assert LifecycleTransition.objects.get(pk=transition.pk).reason == ""


def test_activities_cannot_be_updated() -> None:
    activity = make_activity(make_lead())
    activity.kind = "form_fill"
    with pytest.raises(InvalidInput):
        activity.save()


def test_times_are_stored_and_returned_in_utc() -> None:
    lead = make_lead(created_at=REFERENCE_TIME + timedelta(hours=3))
    lead.refresh_from_db()
    assert lead.created_at.utcoffset() == timedelta(0)
    assert lead.created_at == REFERENCE_TIME + timedelta(hours=3)


def test_a_lost_opportunity_needs_a_loss_reason() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make_opportunity(status="lost", closed_at=REFERENCE_TIME, loss_reason="")
    make_opportunity(status="lost", closed_at=REFERENCE_TIME, loss_reason="price")


def test_a_closed_opportunity_needs_a_close_date() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make_opportunity(status="won", closed_at=None)


def test_lead_email_is_unique_but_may_be_absent() -> None:
    make_lead(email=None)
    make_lead(email=None)
    make_lead(email="a@b.test")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_lead(email="a@b.test")
