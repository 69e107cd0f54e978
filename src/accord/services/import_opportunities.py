"""Importing opportunities: insert or update by external id, stage changes appended, and deals won
before their lead's first contact kept as recorded but flagged for review."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.db.models import Min

from accord.domain.lifecycle import Stage
from accord.importers.canonical import OpportunityOutcome, OpportunityRecord
from accord.models import (
    Account,
    Lead,
    LifecycleTransition,
    Opportunity,
    OpportunityStageChange,
    WarningCode,
)
from accord.services.import_batches import (
    Batch,
    UnknownReference,
    Upsert,
    money,
    resolve_user,
    users_by_email,
)
from accord.services.import_warnings import raise_warnings

# A lead's first contact is its creation or its first qualifying stage, whichever is earlier; a deal's
# own outcome (customer) is not contact.
CONTACT_STAGES = (Stage.MQL.value, Stage.SAL.value, Stage.SQL.value)
# The stage name a closed deal gets when the source names none.
DEFAULT_STAGE = {
    OpportunityOutcome.OPEN: "open",
    OpportunityOutcome.WON: "closed_won",
    OpportunityOutcome.LOST: "closed_lost",
}


def apply_opportunities(records: list[OpportunityRecord], batch: Batch) -> None:
    existing = {
        opportunity.external_id: opportunity
        for opportunity in Opportunity.objects.filter(external_id__in={r.external_id for r in records})
    }
    accounts = dict(
        Account.objects.filter(
            external_id__in={r.account_external_id for r in records if r.account_external_id}
        ).values_list("external_id", "id")
    )
    leads = {
        external_id: (lead_id, account_id)
        for external_id, lead_id, account_id in Lead.objects.filter(
            external_id__in={r.source_lead_external_id for r in records if r.source_lead_external_id}
        ).values_list("external_id", "id", "account_id")
    }
    users = users_by_email(record.owner_email for record in records)
    accounts.update(own_accounts(records, leads))
    upsert = Upsert(Opportunity, "opportunities", batch)
    stage_before: dict[str, str] = {key: opportunity.stage for key, opportunity in existing.items()}
    for record in records:
        values = opportunity_values(record, batch, accounts, leads, users)
        if values is None:
            continue
        instance = existing.get(record.external_id)
        existing[record.external_id] = upsert.apply(
            record.external_id, instance, values, created={"external_id": record.external_id}
        )
    upsert.save()
    append_stage_changes(existing, stage_before, upsert, batch)
    upsert.finish()
    warn_won_before_first_contact([existing[key] for key in upsert.outcome], batch)


def own_account_key(record: OpportunityRecord) -> str:
    return f"opportunity:{record.external_id}"


def own_accounts(
    records: list[OpportunityRecord], leads: Mapping[str, tuple[int, int | None]]
) -> dict[str, int]:
    """Every deal needs an account. One whose source names none (and whose lead has none, as in
    Olist, where the seller is the customer) gets an account of its own, keyed by the deal's id."""
    needed = {
        own_account_key(record): record
        for record in records
        if not record.account_external_id and leads.get(record.source_lead_external_id, (0, None))[1] is None
    }
    if not needed:
        return {}
    known = dict(Account.objects.filter(external_id__in=needed).values_list("external_id", "id"))
    Account.objects.bulk_create(
        Account(external_id=key, name=record.name, created_at=record.created_at)
        for key, record in needed.items()
        if key not in known
    )
    return dict(Account.objects.filter(external_id__in=needed).values_list("external_id", "id"))


def opportunity_values(
    record: OpportunityRecord,
    batch: Batch,
    accounts: dict[str, int],
    leads: Mapping[str, tuple[int, int | None]],
    users: dict[str, int],
) -> dict[str, object] | None:
    """The row's values, or None after rejecting it for what it lacks."""
    try:
        owner_id = resolve_user(batch, users, record.owner_email, record.line, "owner_email")
    except UnknownReference:
        return None
    lead_id, lead_account_id = None, None
    if record.source_lead_external_id:
        if record.source_lead_external_id not in leads:
            reason = "no such lead; import leads first"
            batch.reject(record.line, "source_lead_external_id", record.source_lead_external_id, reason)
            return None
        lead_id, lead_account_id = leads[record.source_lead_external_id]
    if record.account_external_id:
        account_id = accounts.get(record.account_external_id)
        if account_id is None:
            batch.reject(record.line, "account_external_id", record.account_external_id, "no such account")
            return None
    else:
        account_id = lead_account_id or accounts[own_account_key(record)]
    if record.status is not OpportunityOutcome.OPEN and record.closed_at is None:
        batch.reject(record.line, "closed_at", "", f"a {record.status.value} deal needs its close date")
        return None
    if record.status is OpportunityOutcome.LOST and not record.loss_reason.strip():
        batch.reject(record.line, "loss_reason", "", "a lost deal needs its loss reason")
        return None
    return {
        "name": record.name,
        "account_id": account_id,
        "source_lead_id": lead_id,
        "owner_id": owner_id,
        "source": record.source,
        "amount": money(record.amount),
        "currency": record.currency.upper(),
        "stage": record.stage or DEFAULT_STAGE[record.status],
        "status": record.status.value,
        "created_at": record.created_at,
        "closed_at": record.closed_at,
        "loss_reason": record.loss_reason.strip(),
        "competitor": record.competitor,
        "attributes": record.attributes,
    }


def append_stage_changes(
    opportunities: dict[str, Opportunity],
    stage_before: dict[str, str],
    upsert: Upsert[Opportunity],
    batch: Batch,
) -> None:
    """A new deal enters its stage when created (or closed); an imported stage change is dated at the
    close date when the deal is closed, else at the import, the first moment Accord saw it."""
    changes: list[OpportunityStageChange] = []
    for key, outcome in upsert.outcome.items():
        opportunity = opportunities[key]
        before = stage_before.get(key, "")
        if outcome == "inserted":
            at: datetime = opportunity.closed_at or opportunity.created_at
        elif before != opportunity.stage:
            at = opportunity.closed_at or batch.now
        else:
            continue
        changes.append(
            OpportunityStageChange(
                opportunity=opportunity, from_stage=before, to_stage=opportunity.stage, occurred_at=at
            )
        )
    OpportunityStageChange.objects.bulk_create(changes)


def warn_won_before_first_contact(opportunities: list[Opportunity], batch: Batch) -> None:
    """Flag a won deal closed before its source lead's first contact (created, or first mql/sal/sql).

    The deal is kept as recorded and counted; metrics leave its negative duration out of medians
    (docs/import-behaviour.md)."""
    won = [o for o in opportunities if o.status == "won" and o.closed_at is not None and o.source_lead_id]
    if not won:
        return
    lead_ids = {o.source_lead_id for o in won}
    first_contact = dict(Lead.objects.filter(pk__in=lead_ids).values_list("id", "created_at"))
    first_stage = (
        LifecycleTransition.objects.filter(lead__in=lead_ids, to_stage__in=CONTACT_STAGES)
        .values("lead_id")
        .annotate(first=Min("occurred_at"))
    )
    for row in first_stage:
        first_contact[row["lead_id"]] = min(first_contact[row["lead_id"]], row["first"])
    found: list[tuple[str, str]] = []
    for opportunity in won:
        assert opportunity.closed_at is not None and opportunity.source_lead_id is not None
        contact = first_contact[opportunity.source_lead_id]
        if opportunity.closed_at < contact:
            found.append(
                (
                    opportunity.external_id,
                    f"won {opportunity.closed_at:%Y-%m-%d %H:%M}, before its lead's first contact "
                    f"{contact:%Y-%m-%d %H:%M}",
                )
            )
    raise_warnings(WarningCode.WON_BEFORE_FIRST_CONTACT, "opportunities", found, batch)
