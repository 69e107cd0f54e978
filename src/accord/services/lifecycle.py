"""Moving a lead through the lifecycle: the only writer of LifecycleTransition and Lead.stage."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from accord.domain.lifecycle import Stage, TransitionActor, check_transition
from accord.errors import InvalidInput
from accord.models import Lead, LifecycleTransition, PlaybookVersion, User


@dataclass(frozen=True)
class TransitionRequest:
    to_stage: Stage
    occurred_at: datetime
    actor_kind: TransitionActor
    actor: User | None = None
    reason: str = ""
    playbook_version: PlaybookVersion | None = None


def transition_lead(lead_id: int, request: TransitionRequest, *, now: datetime) -> LifecycleTransition:
    """Append one legal transition and move the lead's current stage with it, in one transaction.

    History is never rewritten, so a transition may not be dated before the lead's latest one, nor
    after ``now``. Historical imports pass the original date as ``occurred_at``."""
    if request.occurred_at.tzinfo is None or now.tzinfo is None:
        raise InvalidInput("transition times must be timezone-aware (UTC)")
    if request.occurred_at > now:
        raise InvalidInput(
            f"a transition cannot be dated in the future ({request.occurred_at:%Y-%m-%d %H:%M})"
        )
    with transaction.atomic():
        lead = Lead.objects.select_for_update().get(pk=lead_id)
        from_stage = Stage(lead.stage)
        check_transition(from_stage, request.to_stage, reason=request.reason)
        latest = lead.transitions.order_by("-occurred_at").values_list("occurred_at", flat=True).first()
        if latest is not None and request.occurred_at < latest:
            raise InvalidInput(
                f"lead {lead.external_id}: a transition at {request.occurred_at:%Y-%m-%d %H:%M} "
                f"would precede the latest one at {latest:%Y-%m-%d %H:%M}; history is appended in time order"
            )
        logged = LifecycleTransition.objects.create(
            lead=lead,
            from_stage=from_stage.value,
            to_stage=request.to_stage.value,
            occurred_at=request.occurred_at,
            actor_kind=request.actor_kind.value,
            actor=request.actor,
            reason=request.reason.strip(),
            playbook_version=request.playbook_version,
            recorded_at=now,
        )
        Lead.objects.filter(pk=lead.pk).update(stage=request.to_stage.value)
    return logged
