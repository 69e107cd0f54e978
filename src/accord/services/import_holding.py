"""The holding area: activities that name a lead not imported yet wait here, and are written to the
activity log (and removed from here) in the batch that brings their lead."""

from __future__ import annotations

from typing import NamedTuple

from django.db.models import Q

from accord.models import Activity, LeadVisitor, PendingActivity
from accord.models.activities import SALES_TOUCH_KINDS
from accord.services.import_batches import Batch, users_by_email


class ArrivedLead(NamedTuple):
    """A lead stored in this batch, by the three keys a held activity can name it by."""

    id: int
    external_id: str
    email: str | None


def has_held_activities() -> bool:
    """Whether anything is held: one cheap query that spares a batch three long IN lists when not."""
    return PendingActivity.objects.exists()


def attach_held_activities(leads: list[ArrivedLead], batch: Batch) -> None:
    """Attach every held activity that names one of ``leads`` by external id, e-mail or visitor id."""
    if not leads:
        return
    by_external_id = {lead.external_id: lead.id for lead in leads}
    by_email = {lead.email: lead.id for lead in leads if lead.email}
    by_visitor = {
        visitor_id: lead_id
        for visitor_id, lead_id in LeadVisitor.objects.filter(
            lead__in=[lead.id for lead in leads]
        ).values_list("visitor_id", "lead_id")
    }
    held = list(
        PendingActivity.objects.filter(
            Q(lead_external_id__in=by_external_id) | Q(lead_email__in=by_email) | Q(visitor_id__in=by_visitor)
        )
    )
    attach(held, by_external_id, by_email, by_visitor, batch)


def attach(
    held: list[PendingActivity],
    by_external_id: dict[str, int],
    by_email: dict[str, int],
    by_visitor: dict[str, int],
    batch: Batch,
) -> None:
    """Write ``held`` to the activity log for the leads (ids) they name, first by external id, then by
    e-mail, then by visitor id, and remove them from the holding area."""
    users = users_by_email(row.actor_email for row in held)
    activities: list[Activity] = []
    attached: list[int] = []
    for row in held:
        lead_id = by_external_id.get(row.lead_external_id)
        if lead_id is None:
            lead_id = by_email.get(row.lead_email.lower())
        if lead_id is None:
            lead_id = by_visitor.get(row.visitor_id)
        if lead_id is None:
            continue
        activities.append(
            Activity(
                external_id=row.external_id,
                lead_id=lead_id,
                kind=row.kind,
                is_sales_touch=row.kind in SALES_TOUCH_KINDS,
                occurred_at=row.occurred_at,
                actor_id=users.get(row.actor_email.lower()),
                detail=row.detail,
                attributes=row.attributes,
            )
        )
        attached.append(row.pk)
    Activity.objects.bulk_create(activities)
    PendingActivity.objects.filter(pk__in=attached).delete()
    batch.counts.attached += len(attached)
