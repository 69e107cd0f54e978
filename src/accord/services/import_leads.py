"""Importing leads: insert or update by external id (or e-mail), account matching, historical stage
dates as transitions, visitor ids, and attaching held activities once their lead has arrived."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from accord.domain.account_matching import (
    AccountIndex,
    MatchRule,
    build_account_index,
    match_account,
)
from accord.domain.imported_history import HistoricalStep, ImportedHistory, extension_of, imported_history
from accord.domain.lifecycle import Stage, TransitionActor
from accord.errors import InvalidInput
from accord.importers.canonical import LeadRecord, StageDates
from accord.models import (
    Account,
    CatalogEntryKind,
    Lead,
    LeadVisitor,
    LifecycleTransition,
    WarningCode,
)
from accord.services.import_batches import (
    Batch,
    UnknownReference,
    Upsert,
    attribute_types,
    record_catalog_entries,
    resolve_user,
    users_by_email,
)
from accord.services.import_holding import attach_held_activities
from accord.services.import_warnings import raise_warnings


def stage_dates(stages: StageDates) -> tuple[dict[Stage, datetime], dict[Stage, str]]:
    recorded = {
        Stage.MQL: stages.mql_at,
        Stage.SAL: stages.sal_at,
        Stage.SQL: stages.sql_at,
        Stage.OPPORTUNITY: stages.opportunity_at,
        Stage.CUSTOMER: stages.customer_at,
        Stage.CLOSED_LOST: stages.closed_lost_at,
        Stage.REJECTED: stages.rejected_at,
        Stage.RECYCLED: stages.recycled_at,
    }
    reasons = {Stage.CLOSED_LOST: stages.closed_lost_reason, Stage.REJECTED: stages.rejection_reason}
    return {stage: at for stage, at in recorded.items() if at is not None}, reasons


@dataclass(frozen=True)
class LeadArrival:
    key: str
    lead: Lead
    history: ImportedHistory
    visitor_id: str


class LeadImport:
    """Applies lead batches; the account index is read once per stream (leads never create accounts)."""

    def __init__(self) -> None:
        self.account_index: AccountIndex | None = None

    def apply(self, records: list[LeadRecord], batch: Batch) -> None:
        if self.account_index is None:
            self.account_index = build_account_index(
                list(Account.objects.values_list("id", "domain", "name"))
            )
        emails = {normal_email(record.email) for record in records} - {None}
        by_external_id = {
            lead.external_id: lead
            for lead in Lead.objects.filter(external_id__in={record.external_id for record in records})
        }
        by_email = {lead.email: lead for lead in Lead.objects.filter(email__in=emails) if lead.email}
        for lead in by_external_id.values():
            if lead.email:
                by_email.setdefault(lead.email, lead)
        accounts = dict(
            Account.objects.filter(
                external_id__in={r.account_external_id for r in records if r.account_external_id}
            ).values_list("external_id", "id")
        )
        users = users_by_email(record.owner_email for record in records)
        upsert = Upsert(Lead, "leads", batch, key_field="external_id")
        arrivals: dict[str, LeadArrival] = {}
        for record in records:
            try:
                arrival = self.apply_one(record, batch, upsert, by_external_id, by_email, accounts, users)
            except UnknownReference:
                continue
            if arrival is not None:
                arrivals[arrival.key] = arrival
        upsert.save()
        append_history(list(arrivals.values()), upsert, batch)
        identify_visitors(list(arrivals.values()), batch)
        upsert.finish()
        attach_held_activities([arrival.lead for arrival in arrivals.values()], batch)
        record_catalog_entries(
            CatalogEntryKind.LEAD_ATTRIBUTE, attribute_types(record.attributes for record in records)
        )

    def apply_one(
        self,
        record: LeadRecord,
        batch: Batch,
        upsert: Upsert[Lead],
        by_external_id: dict[str, Lead],
        by_email: dict[str, Lead],
        accounts: dict[str, int],
        users: dict[str, int],
    ) -> LeadArrival | None:
        owner_id = resolve_user(batch, users, record.owner_email, record.line, "owner_email")
        email = normal_email(record.email)
        instance = by_external_id.get(record.external_id) or (by_email.get(email) if email else None)
        if email and instance is not None and by_email.get(email, instance).pk != instance.pk:
            other = by_email[email].external_id
            batch.reject(record.line, "email", record.email, f"this e-mail already belongs to lead {other}")
            return None
        if record.account_external_id:
            account_id: int | None = accounts.get(record.account_external_id)
            if account_id is None:
                batch.reject(
                    record.line, "account_external_id", record.account_external_id, "no such account"
                )
                return None
            rule = MatchRule.EXPLICIT
        else:
            assert self.account_index is not None
            account_id, rule = match_account(
                self.account_index,
                email=email or "",
                website=record.website,
                company_name=record.company_name,
            )
            if account_id is None and instance is not None and instance.account_id is not None:
                # A later file with less to go on never unsets an account found before.
                account_id, rule = instance.account_id, MatchRule(instance.matched_account_by or "explicit")
        dates, reasons = stage_dates(record.stages)
        try:
            history = imported_history(dates, reasons=reasons)
        except InvalidInput as exc:
            batch.reject(record.line, "stages", "", exc.message)
            return None
        values: dict[str, object] = {
            "email": email,
            "first_name": record.first_name,
            "last_name": record.last_name,
            "title": record.title,
            "seniority": record.seniority,
            "source": record.source,
            "campaign": record.campaign,
            "company_name": record.company_name,
            "owner_id": owner_id,
            "account_id": account_id,
            "matched_account_by": rule.value,
            "created_at": record.created_at,
            "attributes": {**(instance.attributes if instance else {}), **record.attributes},
        }
        # A lead found by e-mail keeps its own external id: the key history is filed under.
        key = instance.external_id if instance is not None else record.external_id
        lead = upsert.apply(key, instance, values, created={"external_id": record.external_id})
        by_external_id[key] = lead
        if email:
            by_email[email] = lead
        return LeadArrival(key, lead, history, record.visitor_id.strip())


def normal_email(email: str) -> str | None:
    return email.strip().lower() or None


def append_history(arrivals: list[LeadArrival], upsert: Upsert[Lead], batch: Batch) -> None:
    """Load each lead's imported stage dates as transitions, once: a re-import that matches the recorded
    history adds nothing, one that extends it appends the rest, one that differs is reported, not applied."""
    with_history = [arrival for arrival in arrivals if arrival.history.steps]
    recorded: dict[int, list[tuple[Stage, datetime]]] = {}
    rows = LifecycleTransition.objects.filter(lead__in=[a.lead.pk for a in with_history]).order_by("id")
    for lead_id, to_stage, occurred_at in rows.values_list("lead_id", "to_stage", "occurred_at"):
        recorded.setdefault(lead_id, []).append((Stage(to_stage), occurred_at))
    appended: list[LifecycleTransition] = []
    moved: list[Lead] = []
    differs: list[tuple[str, str]] = []
    out_of_order: list[tuple[str, str]] = []
    for arrival in with_history:
        steps = extension_of(tuple(recorded.get(arrival.lead.pk, ())), arrival.history.steps)
        if steps is None:
            differs.append(
                (arrival.key, "imported stage dates differ from the recorded history; history kept")
            )
            continue
        if not steps:
            continue
        appended.extend(transition_row(arrival.lead, step, batch.now) for step in steps)
        old_stage = arrival.lead.stage
        arrival.lead.stage = steps[-1].to_stage.value
        moved.append(arrival.lead)
        upsert.note_change(arrival.key, {"stage": (old_stage, arrival.lead.stage)})
        for earlier, later in arrival.history.out_of_order:
            out_of_order.append(
                (arrival.key, f"{later.value} is dated before {earlier.value}; kept as recorded")
            )
    LifecycleTransition.objects.bulk_create(appended)
    Lead.objects.bulk_update(moved, ["stage"])
    raise_warnings(WarningCode.HISTORY_DIFFERS, "leads", differs, batch)
    raise_warnings(WarningCode.STAGE_DATES_OUT_OF_ORDER, "leads", out_of_order, batch)


def transition_row(lead: Lead, step: HistoricalStep, now: datetime) -> LifecycleTransition:
    return LifecycleTransition(
        lead=lead,
        from_stage=step.from_stage.value,
        to_stage=step.to_stage.value,
        occurred_at=step.occurred_at,
        actor_kind=TransitionActor.IMPORT.value,
        reason=step.reason,
        recorded_at=now,
    )


def identify_visitors(arrivals: list[LeadArrival], batch: Batch) -> None:
    """Link each new visitor id to its lead; an id already linked keeps its first lead."""
    wanted = {arrival.visitor_id: arrival.lead for arrival in arrivals if arrival.visitor_id}
    link_visitors(wanted, batch)


def link_visitors(wanted: dict[str, Lead], batch: Batch) -> None:
    if not wanted:
        return
    known = set(LeadVisitor.objects.filter(visitor_id__in=wanted).values_list("visitor_id", flat=True))
    LeadVisitor.objects.bulk_create(
        LeadVisitor(visitor_id=visitor_id, lead=lead, identified_at=batch.now)
        for visitor_id, lead in wanted.items()
        if visitor_id not in known
    )
