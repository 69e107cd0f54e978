"""transition_lead through the real database: legal moves append, illegal ones change nothing."""

from datetime import timedelta

import pytest

from accord.domain.lifecycle import Stage, TransitionActor
from accord.errors import IllegalTransition, InvalidInput
from accord.models import Lead, LifecycleTransition
from accord.queries.lifecycle import get_stage_dates
from accord.services.lifecycle import TransitionRequest, transition_lead
from tests.factories import REFERENCE_TIME, make_lead, make_user

pytestmark = pytest.mark.django_db
NOW = REFERENCE_TIME + timedelta(days=90)


def move(lead: Lead, stage: Stage, days: float, reason: str = "") -> None:
    actor_kind = TransitionActor.RULE if stage is Stage.MQL else TransitionActor.PERSON
    request = TransitionRequest(stage, REFERENCE_TIME + timedelta(days=days), actor_kind, reason=reason)
    transition_lead(lead.pk, request, now=NOW)


def test_a_lead_walks_to_customer_and_its_stage_dates_come_from_the_log() -> None:
    lead = make_lead()
    for day, stage in enumerate([Stage.MQL, Stage.SAL, Stage.SQL, Stage.OPPORTUNITY, Stage.CUSTOMER]):
        move(lead, stage, day)
    lead.refresh_from_db()
    assert lead.stage == "customer"
    assert LifecycleTransition.objects.filter(lead=lead).count() == 5
    dates = get_stage_dates(lead.pk)
    assert dates[Stage.MQL] == REFERENCE_TIME
    assert dates[Stage.CUSTOMER] == REFERENCE_TIME + timedelta(days=4)


def test_an_illegal_move_changes_nothing() -> None:
    lead = make_lead()
    with pytest.raises(IllegalTransition):
        move(lead, Stage.SQL, 1)
    lead.refresh_from_db()
    assert lead.stage == "lead"
    assert not LifecycleTransition.objects.filter(lead=lead).exists()


def test_rejection_records_who_and_why() -> None:
    lead = make_lead()
    sdr = make_user(role="sdr")
    move(lead, Stage.MQL, 0)
    request = TransitionRequest(
        Stage.REJECTED,
        REFERENCE_TIME + timedelta(days=2),
        TransitionActor.PERSON,
        actor=sdr,
        reason="no_budget",
    )
    logged = transition_lead(lead.pk, request, now=NOW)
    assert (logged.from_stage, logged.to_stage, logged.actor, logged.reason) == (
        "mql",
        "rejected",
        sdr,
        "no_budget",
    )
    assert logged.recorded_at == NOW


def test_history_is_appended_in_time_order() -> None:
    lead = make_lead()
    move(lead, Stage.MQL, 5)
    with pytest.raises(InvalidInput, match="would precede"):
        move(lead, Stage.SAL, 4)
    assert Lead.objects.get(pk=lead.pk).stage == "mql"


def test_a_transition_cannot_be_dated_in_the_future() -> None:
    lead = make_lead()
    with pytest.raises(InvalidInput, match="future"):
        move(lead, Stage.MQL, 91)
