"""The holding area: activities that name a lead not imported yet wait here, and are written to the
activity log (and removed from here) in the batch that brings their lead."""

from __future__ import annotations

from django.db.models import Q

from accord.models import Activity, Lead, LeadVisitor, PendingActivity
from accord.models.activities import SALES_TOUCH_KINDS
from accord.services.import_batches import Batch, users_by_email


def attach_held_activities(leads: list[Lead], batch: Batch) -> None:
    """Attach every held activity that names one of ``leads`` by external id, e-mail or visitor id."""
    if not leads or not PendingActivity.objects.exists():
        return  # one cheap query instead of three long IN lists when nothing is held
    by_external_id = {lead.external_id: lead for lead in leads}
    by_email = {lead.email: lead for lead in leads if lead.email}
    by_visitor = {
        visitor_id: lead_id
        for visitor_id, lead_id in LeadVisitor.objects.filter(
            lead__in=[lead.pk for lead in leads]
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
    by_external_id: dict[str, Lead],
    by_email: dict[str, Lead],
    by_visitor: dict[str, int],
    batch: Batch,
) -> None:
    users = users_by_email(row.actor_email for row in held)
    activities: list[Activity] = []
    attached: list[int] = []
    for row in held:
        lead = by_external_id.get(row.lead_external_id) or by_email.get(row.lead_email.lower())
        lead_id = lead.pk if lead is not None else by_visitor.get(row.visitor_id)
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
