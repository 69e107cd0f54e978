"""Importing activities: append-only and idempotent by external id. The same activity again is
unchanged; a different one under a known id is rejected; one whose lead is unknown is held."""

from __future__ import annotations

from django.db.models import Q

from accord.domain.playbook.catalog import BUILTIN_ACTIVITY_KINDS
from accord.importers.canonical import ActivityRecord
from accord.models import Activity, CatalogEntryKind, Lead, LeadVisitor, PendingActivity
from accord.models.activities import SALES_TOUCH_KINDS
from accord.services.bulk_load import append_rows
from accord.services.import_batches import (
    Batch,
    UnknownReference,
    record_catalog_entries,
    resolve_user,
    stored_keys,
    users_by_email,
)
from accord.services.import_holding import attach
from accord.services.import_leads import link_visitors

COMPARED = ("kind", "occurred_at", "detail", "actor_id", "attributes")
HELD_COMPARED = ("kind", "occurred_at", "detail", "attributes")
NEW_COLUMNS = (
    "external_id",
    "lead",
    "kind",
    "is_sales_touch",
    "occurred_at",
    "actor",
    "detail",
    "attributes",
)


def apply_activities(records: list[ActivityRecord], batch: Batch) -> None:
    external_ids = {record.external_id for record in records}
    # Which ids are known is asked first, in one plain query each; the records are read only for those.
    known = stored_keys(Activity, "external_id", external_ids)
    stored: dict[str, Activity] = (
        {activity.external_id: activity for activity in Activity.objects.filter(external_id__in=known)}
        if known
        else {}
    )
    known_held = stored_keys(PendingActivity, "external_id", external_ids)
    held = (
        {row.external_id: row for row in PendingActivity.objects.filter(external_id__in=known_held)}
        if known_held
        else {}
    )
    leads = find_leads(records)
    users = users_by_email(record.actor_email for record in records)
    # New activities as rows of NEW_COLUMNS, not model instances: they are only appended, and building
    # a model per row cost more than the insert itself (bench/RESULTS.md, "Import").
    new: list[tuple[object, ...]] = []
    new_in_batch: dict[str, tuple[ActivityRecord, Lead, int | None]] = {}
    new_held: list[PendingActivity] = []
    identified: dict[str, Lead] = {}
    for record in records:
        try:
            actor_id = resolve_user(batch, users, record.actor_email, record.line, "actor_email")
        except UnknownReference:
            continue
        if not (record.lead_external_id or record.lead_email or record.visitor_id):
            batch.reject(record.line, "lead_external_id", "", "an activity must name its lead or visitor id")
            continue
        lead = leads.resolve(record)
        external_id = record.external_id
        recorded: Activity | PendingActivity | None = stored.get(external_id) or held.get(external_id)
        if recorded is None and external_id in new_in_batch:
            recorded = activity_of(*new_in_batch[external_id])
        if recorded is not None:
            candidate = activity_of(record, lead, actor_id)
            judge_repeat(record, candidate, recorded, batch)
            continue
        if lead is not None and record.visitor_id and record.visitor_id not in leads.by_visitor:
            identified[record.visitor_id] = lead
            leads.by_visitor[record.visitor_id] = lead
        if lead is None:
            new_held.append(hold(record, batch))
            held[external_id] = new_held[-1]
            batch.counts.held += 1
        else:
            new.append(
                (
                    external_id,
                    lead.pk,
                    record.kind,
                    record.kind in SALES_TOUCH_KINDS,
                    record.occurred_at,
                    actor_id,
                    record.detail,
                    record.attributes,
                )
            )
            new_in_batch[external_id] = (record, lead, actor_id)
            batch.counts.inserted += 1
    append_rows(Activity, NEW_COLUMNS, new)
    PendingActivity.objects.bulk_create(new_held)
    if identified:
        # A visitor identified here brings its earlier anonymous activity to the lead.
        link_visitors(identified, batch)
        waiting = list(PendingActivity.objects.filter(visitor_id__in=identified))
        attach(waiting, {}, {}, {visitor: lead.pk for visitor, lead in identified.items()}, batch)
    kinds = {record.kind for record in records} - BUILTIN_ACTIVITY_KINDS
    record_catalog_entries(CatalogEntryKind.ACTIVITY_KIND, dict.fromkeys(kinds, ""))


def activity_of(record: ActivityRecord, lead: Lead | None, actor_id: int | None) -> Activity:
    """The activity a record describes, as a model instance (only to compare it with a recorded one)."""
    return Activity(
        external_id=record.external_id,
        lead=lead,
        kind=record.kind,
        is_sales_touch=record.kind in SALES_TOUCH_KINDS,
        occurred_at=record.occurred_at,
        actor_id=actor_id,
        detail=record.detail,
        attributes=record.attributes,
    )


def judge_repeat(
    record: ActivityRecord, candidate: Activity, recorded: Activity | PendingActivity, batch: Batch
) -> None:
    """An activity seen before is unchanged when it says the same; history is never rewritten."""
    names = COMPARED if isinstance(recorded, Activity) else HELD_COMPARED
    differing = [name for name in names if getattr(candidate, name) != getattr(recorded, name)]
    recorded_lead = getattr(recorded, "lead_id", None)
    if candidate.lead_id is not None and recorded_lead is not None and candidate.lead_id != recorded_lead:
        differing.insert(0, "lead")
    if differing:
        batch.reject(
            record.line,
            differing[0],
            str(getattr(candidate, differing[0] if differing[0] != "lead" else "lead_id")),
            f"activity {record.external_id} is already recorded with a different {differing[0]}; "
            "activities are append-only",
        )
    else:
        batch.counts.unchanged += 1


def hold(record: ActivityRecord, batch: Batch) -> PendingActivity:
    return PendingActivity(
        external_id=record.external_id,
        kind=record.kind,
        occurred_at=record.occurred_at,
        lead_external_id=record.lead_external_id,
        lead_email=record.lead_email.strip().lower(),
        visitor_id=record.visitor_id,
        actor_email=record.actor_email.strip().lower(),
        detail=record.detail,
        attributes=record.attributes,
        received_at=batch.now,
        import_run=batch.run,
    )


class LeadFinder:
    def __init__(
        self, by_external_id: dict[str, Lead], by_email: dict[str, Lead], by_visitor: dict[str, Lead]
    ):
        self.by_external_id = by_external_id
        self.by_email = by_email
        self.by_visitor = by_visitor

    def resolve(self, record: ActivityRecord) -> Lead | None:
        """By external id, then e-mail, then visitor id."""
        return (
            self.by_external_id.get(record.lead_external_id)
            or self.by_email.get(record.lead_email.strip().lower())
            or self.by_visitor.get(record.visitor_id)
        )


def find_leads(records: list[ActivityRecord]) -> LeadFinder:
    external_ids = {record.lead_external_id for record in records if record.lead_external_id}
    emails = {record.lead_email.strip().lower() for record in records if record.lead_email.strip()}
    visitors = {record.visitor_id for record in records if record.visitor_id}
    leads = list(
        Lead.objects.filter(Q(external_id__in=external_ids) | Q(email__in=emails)).only(
            "id", "external_id", "email"
        )
    )
    by_visitor = {
        link.visitor_id: link.lead
        for link in LeadVisitor.objects.filter(visitor_id__in=visitors).select_related("lead")
    }
    return LeadFinder(
        {lead.external_id: lead for lead in leads},
        {lead.email: lead for lead in leads if lead.email},
        by_visitor,
    )
