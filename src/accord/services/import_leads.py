"""Importing leads: insert or update by external id (or e-mail), account matching, historical stage
dates as transitions, visitor ids, and attaching held activities once their lead has arrived."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from accord.domain.account_matching import AccountMatcher, MatchRule, build_account_index
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
    INSERTED,
    Batch,
    Row,
    UnknownReference,
    Upsert,
    attribute_types,
    record_catalog_entries,
    resolve_user,
    stored_ids,
    users_by_email,
)
from accord.services.import_holding import ArrivedLead, attach_held_activities, has_held_activities
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


NO_STAGES = StageDates()
NO_HISTORY = ImportedHistory(())
# Lead fields an import compares and writes, by attribute name; "id" and "stage" are read with them.
LOADED_FIELDS = (
    "id",
    "external_id",
    "email",
    "first_name",
    "last_name",
    "title",
    "seniority",
    "source",
    "campaign",
    "company_name",
    "owner_id",
    "account_id",
    "matched_account_by",
    "created_at",
    "attributes",
    "stage",
)


def history_of(stages: StageDates) -> ImportedHistory:
    """The record's imported history; raises InvalidInput as imported_history does."""
    if stages == NO_STAGES:
        return NO_HISTORY
    dates, reasons = stage_dates(stages)
    return imported_history(dates, reasons=reasons) if dates else NO_HISTORY


@dataclass(slots=True)
class LeadArrival:
    """A lead this batch brought: its row (by attribute name, "id" once stored) and what follows it."""

    key: str
    row: Row
    history: ImportedHistory
    visitor_id: str

    @property
    def lead_id(self) -> int:
        return cast("int", self.row["id"])


class LeadImport:
    """Applies lead batches; the account index is read once per stream (leads never create accounts).

    Leads are handled as rows, not model instances: new ones are inserted as plain rows and existing
    ones read as values, since building a model instance per lead cost more than storing it
    (bench/RESULTS.md, "Import")."""

    def __init__(self) -> None:
        self.matcher: AccountMatcher | None = None

    def apply(self, records: list[LeadRecord], batch: Batch) -> None:
        if self.matcher is None:
            self.matcher = AccountMatcher(
                build_account_index(list(Account.objects.values_list("id", "domain", "name")))
            )
        emails = [normal_email(record.email) for record in records]
        by_id = stored_rows(
            stored_ids(Lead, "external_id", [record.external_id for record in records]).values(),
            stored_ids(Lead, "email", {email for email in emails if email}).values(),
        )
        by_external_id = {cast("str", row["external_id"]): row for row in by_id.values()}
        by_email = {cast("str", row["email"]): row for row in by_id.values() if row["email"]}
        accounts = stored_ids(
            Account, "external_id", {r.account_external_id for r in records if r.account_external_id}
        )
        users = users_by_email(record.owner_email for record in records)
        upsert: Upsert[Lead] = Upsert(Lead, "leads", batch, key_field="external_id")
        arrivals: dict[str, LeadArrival] = {}
        for record, email in zip(records, emails, strict=True):
            try:
                arrival = self.apply_one(
                    record, email, batch, upsert, by_external_id, by_email, accounts, users
                )
            except UnknownReference:
                continue
            if arrival is not None:
                arrivals[arrival.key] = arrival
        stage_new_leads(arrivals.values(), upsert)
        # New leads' ids are read back only for what follows them: history, visitors, held activities.
        is_holding = bool(arrivals) and has_held_activities()
        if is_holding or any(a.history.steps or a.visitor_id for a in arrivals.values()):
            upsert.save()
            append_history(list(arrivals.values()), upsert, batch)
            identify_visitors(list(arrivals.values()), batch)
        else:
            upsert.save(with_new_ids=False)
        upsert.finish()
        if is_holding:
            attach_held_activities(
                [
                    ArrivedLead(a.lead_id, a.key, cast("str | None", a.row["email"]))
                    for a in arrivals.values()
                ],
                batch,
            )
        record_catalog_entries(
            CatalogEntryKind.LEAD_ATTRIBUTE, attribute_types(record.attributes for record in records)
        )

    def apply_one(
        self,
        record: LeadRecord,
        email: str | None,
        batch: Batch,
        upsert: Upsert[Lead],
        by_external_id: dict[str, Row],
        by_email: dict[str, Row],
        accounts: dict[str, int],
        users: dict[str, int],
    ) -> LeadArrival | None:
        owner_id = resolve_user(batch, users, record.owner_email, record.line, "owner_email")
        found = by_external_id.get(record.external_id) or (by_email.get(email) if email else None)
        # Leads made in this batch have no id yet, and compare equal here (as unsaved instances did).
        if email and found is not None and by_email.get(email, found).get("id") != found.get("id"):
            other = by_email[email]["external_id"]
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
            assert self.matcher is not None
            account_id, rule = self.matcher.match(
                email=email or "", website=record.website, company_name=record.company_name
            )
            if account_id is None and found is not None and found["account_id"] is not None:
                # A later file with less to go on never unsets an account found before.
                account_id = cast("int", found["account_id"])
                rule = MatchRule(cast("str", found["matched_account_by"]) or "explicit")
        try:
            history = history_of(record.stages)
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
            "attributes": {**cast("dict[str, object]", found["attributes"]), **record.attributes}
            if found is not None
            else record.attributes,
        }
        # A lead found by e-mail keeps its own external id: the key history is filed under.
        key = cast("str", found["external_id"]) if found is not None else record.external_id
        row = upsert.apply_row(key, found, values, created={"external_id": record.external_id})
        by_external_id[key] = row
        if email:
            by_email[email] = row
        return LeadArrival(key, row, history, record.visitor_id.strip())


def stored_rows(*id_groups: Iterable[int]) -> dict[int, Row]:
    """The stored leads with these ids, as rows by attribute name (LOADED_FIELDS)."""
    ids = {lead_id for group in id_groups for lead_id in group}
    if not ids:
        return {}
    return {cast("int", row["id"]): row for row in Lead.objects.filter(pk__in=ids).values(*LOADED_FIELDS)}


def stage_new_leads(arrivals: Iterable[LeadArrival], upsert: Upsert[Lead]) -> None:
    """A new lead is inserted at the last stage of its imported history (its transitions are written
    once it has an id), rather than inserted at ``lead`` and updated."""
    for arrival in arrivals:
        if arrival.history.steps and upsert.outcome.get(arrival.key) == INSERTED:
            arrival.row["stage"] = arrival.history.steps[-1].to_stage.value


def normal_email(email: str) -> str | None:
    return email.strip().lower() or None


def append_history(arrivals: list[LeadArrival], upsert: Upsert[Lead], batch: Batch) -> None:
    """Load each lead's imported stage dates as transitions, once: a re-import that matches the recorded
    history adds nothing, one that extends it appends the rest, one that differs is reported, not applied."""
    with_history = [arrival for arrival in arrivals if arrival.history.steps]
    if not with_history:
        return
    # A lead inserted in this batch has no transitions yet: only the others' are read.
    stored = [a.lead_id for a in with_history if upsert.outcome.get(a.key) != INSERTED]
    recorded: dict[int, list[tuple[Stage, datetime]]] = {}
    if stored:
        rows = LifecycleTransition.objects.filter(lead__in=stored).order_by("id")
        for lead_id, to_stage, occurred_at in rows.values_list("lead_id", "to_stage", "occurred_at"):
            recorded.setdefault(lead_id, []).append((Stage(to_stage), occurred_at))
    appended: list[LifecycleTransition] = []
    moved: list[Lead] = []
    differs: list[tuple[str, str]] = []
    out_of_order: list[tuple[str, str]] = []
    for arrival in with_history:
        steps = extension_of(tuple(recorded.get(arrival.lead_id, ())), arrival.history.steps)
        if steps is None:
            differs.append(
                (arrival.key, "imported stage dates differ from the recorded history; history kept")
            )
            continue
        if not steps:
            continue
        appended.extend(transition_row(arrival.lead_id, step, batch.now) for step in steps)
        old_stage = arrival.row["stage"]
        new_stage = steps[-1].to_stage.value
        if old_stage != new_stage:  # a new lead was inserted at its last stage (stage_new_leads)
            arrival.row["stage"] = new_stage
            moved.append(Lead(id=arrival.lead_id, stage=new_stage))
        upsert.note_change(arrival.key, {"stage": (old_stage, new_stage)})
        for earlier, later in arrival.history.out_of_order:
            out_of_order.append(
                (arrival.key, f"{later.value} is dated before {earlier.value}; kept as recorded")
            )
    LifecycleTransition.objects.bulk_create(appended)
    Lead.objects.bulk_update(moved, ["stage"])
    raise_warnings(WarningCode.HISTORY_DIFFERS, "leads", differs, batch)
    raise_warnings(WarningCode.STAGE_DATES_OUT_OF_ORDER, "leads", out_of_order, batch)


def transition_row(lead_id: int, step: HistoricalStep, now: datetime) -> LifecycleTransition:
    return LifecycleTransition(
        lead_id=lead_id,
        from_stage=step.from_stage.value,
        to_stage=step.to_stage.value,
        occurred_at=step.occurred_at,
        actor_kind=TransitionActor.IMPORT.value,
        reason=step.reason,
        recorded_at=now,
    )


def identify_visitors(arrivals: list[LeadArrival], batch: Batch) -> None:
    """Link each new visitor id to its lead; an id already linked keeps its first lead."""
    link_visitor_ids({a.visitor_id: a.lead_id for a in arrivals if a.visitor_id}, batch)


def link_visitors(wanted: dict[str, Lead], batch: Batch) -> None:
    link_visitor_ids({visitor_id: lead.pk for visitor_id, lead in wanted.items()}, batch)


def link_visitor_ids(wanted: dict[str, int], batch: Batch) -> None:
    if not wanted:
        return
    known = set(LeadVisitor.objects.filter(visitor_id__in=wanted).values_list("visitor_id", flat=True))
    LeadVisitor.objects.bulk_create(
        LeadVisitor(visitor_id=visitor_id, lead_id=lead_id, identified_at=batch.now)
        for visitor_id, lead_id in wanted.items()
        if visitor_id not in known
    )
