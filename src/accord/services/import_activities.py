"""Importing activities: append-only and idempotent by external id. The same activity again is
unchanged; a different one under a known id is rejected; one whose lead is unknown is held."""

from __future__ import annotations

from dataclasses import dataclass

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
    stored_ids,
    stored_keys,
    users_by_email,
)
from accord.services.import_holding import attach, has_held_activities
from accord.services.import_leads import link_visitors

# What a repeated activity is compared on: the same again is unchanged, anything else is refused.
COMPARED = ("kind", "occurred_at", "detail", "actor_id", "attributes")
# A held activity has no lead or actor id yet.
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
# An activity as compared with a repeat of it: COMPARED plus lead_id, by name.
Facts = dict[str, object]


@dataclass(frozen=True)
class Recorded:
    """An activity already recorded (or held), as facts to compare a repeat with."""

    facts: Facts
    compared: tuple[str, ...]


def apply_activities(records: list[ActivityRecord], batch: Batch) -> None:
    external_ids = {record.external_id for record in records}
    recorded = recorded_activities(external_ids)
    leads = find_leads(records)
    users = users_by_email(record.actor_email for record in records if record.actor_email)
    # New activities as rows of NEW_COLUMNS, not model instances: they are only appended, and building
    # a model per row cost more than the insert itself (bench/RESULTS.md, "Import").
    new: list[tuple[object, ...]] = []
    # Records inserted by this batch, kept as they are (facts are built only for a repeat), when an id
    # comes twice in the batch (a file's repeats were refused while parsing; an API batch may have some).
    new_in_batch: dict[str, tuple[ActivityRecord, int, int | None]] = {}
    has_repeats = len(external_ids) < len(records)
    by_external_id = leads.by_external_id
    new_held: list[PendingActivity] = []
    identified: dict[str, int] = {}
    for record in records:
        try:
            actor_id = (
                resolve_user(batch, users, record.actor_email, record.line, "actor_email")
                if record.actor_email
                else None
            )
        except UnknownReference:
            continue
        # (Parsing refused any activity that names neither a lead nor a visitor.)
        # Most files name leads by external id: that look-up first, without a call.
        lead_id = by_external_id.get(record.lead_external_id) or leads.resolve(record)
        external_id = record.external_id
        if external_id in recorded or external_id in new_in_batch:
            earlier = recorded.get(external_id) or Recorded(facts_of(*new_in_batch[external_id]), COMPARED)
            judge_repeat(record, facts_of(record, lead_id, actor_id), earlier, batch)
            continue
        if lead_id is not None and record.visitor_id and record.visitor_id not in leads.by_visitor:
            identified[record.visitor_id] = leads.by_visitor[record.visitor_id] = lead_id
        if lead_id is None:
            new_held.append(hold(record, batch))
            recorded[external_id] = Recorded(facts_of(record, None, None), HELD_COMPARED)
            batch.counts.held += 1
            continue
        kind = record.kind
        new.append(
            (
                external_id,
                lead_id,
                kind,
                kind in SALES_TOUCH_KINDS,
                record.occurred_at,
                actor_id,
                record.detail,
                record.attributes,
            )
        )
        if has_repeats:
            new_in_batch[external_id] = (record, lead_id, actor_id)
    batch.counts.inserted += len(new)
    append_rows(Activity, NEW_COLUMNS, new)
    PendingActivity.objects.bulk_create(new_held)
    if identified:
        # A visitor identified here brings its earlier anonymous activity to the lead.
        link_visitors({visitor: Lead(pk=lead_id) for visitor, lead_id in identified.items()}, batch)
        waiting = list(PendingActivity.objects.filter(visitor_id__in=identified))
        attach(waiting, {}, {}, identified, batch)
    kinds = {record.kind for record in records} - BUILTIN_ACTIVITY_KINDS
    record_catalog_entries(CatalogEntryKind.ACTIVITY_KIND, dict.fromkeys(kinds, ""))


def recorded_activities(external_ids: set[str]) -> dict[str, Recorded]:
    """The logged and held activities with these ids. Which ids are known is asked first, in one plain
    query; the facts are read only for those, and the holding area only when something is held."""
    recorded: dict[str, Recorded] = {}
    known = stored_keys(Activity, "external_id", external_ids)
    if known:
        rows = Activity.objects.filter(external_id__in=known).values_list("external_id", *COMPARED, "lead_id")
        for external_id, *values in rows:
            recorded[external_id] = Recorded(dict(zip((*COMPARED, "lead_id"), values, strict=True)), COMPARED)
    if has_held_activities():
        held = stored_keys(PendingActivity, "external_id", external_ids - known)
        held_rows = PendingActivity.objects.filter(external_id__in=held).values_list(
            "external_id", *HELD_COMPARED
        )
        for external_id, *values in held_rows if held else ():
            facts = dict(zip(HELD_COMPARED, values, strict=True)) | {"lead_id": None}
            recorded[external_id] = Recorded(facts, HELD_COMPARED)
    return recorded


def facts_of(record: ActivityRecord, lead_id: int | None, actor_id: int | None) -> Facts:
    return {
        "kind": record.kind,
        "occurred_at": record.occurred_at,
        "detail": record.detail,
        "actor_id": actor_id,
        "attributes": record.attributes,
        "lead_id": lead_id,
    }


def judge_repeat(record: ActivityRecord, candidate: Facts, recorded: Recorded, batch: Batch) -> None:
    """An activity seen before is unchanged when it says the same; history is never rewritten."""
    differing = [name for name in recorded.compared if candidate[name] != recorded.facts[name]]
    lead_id, recorded_lead = candidate["lead_id"], recorded.facts["lead_id"]
    if lead_id is not None and recorded_lead is not None and lead_id != recorded_lead:
        differing.insert(0, "lead")
    if differing:
        first = differing[0]
        batch.reject(
            record.line,
            first,
            str(candidate["lead_id" if first == "lead" else first]),
            f"activity {record.external_id} is already recorded with a different {first}; "
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
    """The ids of a batch's leads by external id, e-mail and visitor id."""

    def __init__(self, by_external_id: dict[str, int], by_email: dict[str, int], by_visitor: dict[str, int]):
        self.by_external_id = by_external_id
        self.by_email = by_email
        self.by_visitor = by_visitor

    def resolve(self, record: ActivityRecord) -> int | None:
        """By external id, then e-mail, then visitor id."""
        return (
            self.by_external_id.get(record.lead_external_id)
            or self.by_email.get(record.lead_email.strip().lower())
            or self.by_visitor.get(record.visitor_id)
        )


def find_leads(records: list[ActivityRecord]) -> LeadFinder:
    """One plain query per way of naming a lead that the batch uses (most files use one)."""
    external_ids = {record.lead_external_id for record in records if record.lead_external_id}
    emails = {record.lead_email.strip().lower() for record in records if record.lead_email.strip()}
    visitors = {record.visitor_id for record in records if record.visitor_id}
    by_visitor = (
        dict(LeadVisitor.objects.filter(visitor_id__in=visitors).values_list("visitor_id", "lead_id"))
        if visitors
        else {}
    )
    return LeadFinder(
        stored_ids(Lead, "external_id", external_ids),
        stored_ids(Lead, "email", emails),
        by_visitor,
    )
