"""Importing accounts, users and spend: insert or update by their key, history kept for updates."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.hashers import make_password

from accord.domain.account_matching import normalise_domain
from accord.importers.canonical import AccountRecord, SpendRecord, UserRecord
from accord.models import Account, CatalogEntryKind, Role, Spend, Team, User
from accord.services.import_batches import (
    Batch,
    Upsert,
    attribute_types,
    money,
    record_catalog_entries,
)


def apply_accounts(records: list[AccountRecord], batch: Batch) -> None:
    existing = {
        account.external_id: account
        for account in Account.objects.filter(external_id__in={record.external_id for record in records})
    }
    upsert = Upsert(Account, "accounts", batch)
    for record in records:
        instance = existing.get(record.external_id)
        values: dict[str, object] = {
            "name": record.name,
            "domain": normalise_domain(record.domain),
            "industry": record.industry,
            "employees": record.employees,
            "annual_revenue": money(record.annual_revenue),
            "country": record.country.upper(),
            "attributes": {**(instance.attributes if instance else {}), **record.attributes},
        }
        if record.created_at is not None:
            values["created_at"] = record.created_at
        created: dict[str, object] = {"external_id": record.external_id}
        if record.created_at is None:
            created["created_at"] = batch.now
        existing[record.external_id] = upsert.apply(record.external_id, instance, values, created=created)
    upsert.save()
    upsert.finish()
    record_catalog_entries(
        CatalogEntryKind.ACCOUNT_ATTRIBUTE, attribute_types(record.attributes for record in records)
    )


def apply_users(records: list[UserRecord], batch: Batch) -> None:
    emails = {record.email.strip().lower() for record in records}
    existing = {user.email: user for user in User.objects.filter(email__in=emails)}
    # External ids are unique among users; a clash is this row's problem, not the batch's.
    holders = dict(
        User.objects.filter(
            external_id__in={record.external_id for record in records if record.external_id}
        ).values_list("external_id", "email")
    )
    teams = ensure_teams({record.team.strip() for record in records if record.team.strip()})
    upsert = Upsert(User, "users", batch)
    for record in records:
        email = record.email.strip().lower()
        if record.role not in Role.values:
            batch.reject(record.line, "role", record.role, f"expected one of {', '.join(Role.values)}")
            continue
        holder = holders.setdefault(record.external_id, email) if record.external_id else email
        if holder != email:
            reason = f"external id already belongs to user {holder}"
            batch.reject(record.line, "external_id", record.external_id, reason)
            continue
        first_name, _, last_name = record.full_name.strip().partition(" ")
        is_admin = record.role == Role.ADMIN
        values: dict[str, object] = {
            "first_name": first_name,
            "last_name": last_name,
            "role": record.role,
            "team_id": teams.get(record.team.strip()),
            "is_staff": is_admin,
            "is_superuser": is_admin,
        }
        if record.external_id:
            values["external_id"] = record.external_id
        # Imported people cannot log in until an admin sets their password.
        created = {
            "email": email,
            "username": email,
            "password": make_password(None),
            "date_joined": batch.now,
        }
        existing[email] = upsert.apply(email, existing.get(email), values, created=created)
    upsert.save()
    upsert.finish()


def ensure_teams(names: set[str]) -> dict[str, int]:
    if not names:
        return {}
    known = dict(Team.objects.filter(name__in=names).values_list("name", "id"))
    Team.objects.bulk_create([Team(name=name) for name in sorted(names - set(known))])
    return dict(Team.objects.filter(name__in=names).values_list("name", "id"))


def spend_key(source: str, campaign: str, month: date) -> str:
    return f"{source}/{campaign}/{month:%Y-%m}"


class SpendImport:
    """Applies spend batches. A file has one row per (source, campaign, month): a repeat is rejected,
    naming the first row's line, rather than silently replacing it within the same import."""

    def __init__(self) -> None:
        self.lines_by_key: dict[str, int] = {}

    def apply(self, records: list[SpendRecord], batch: Batch) -> None:
        months = {record.month.date().replace(day=1) for record in records}
        sources = {record.source for record in records}
        existing = {
            spend_key(row.source, row.campaign, row.month): row
            for row in Spend.objects.filter(month__in=months, source__in=sources)
        }
        upsert = Upsert(Spend, "spend", batch)
        for record in records:
            month = record.month.date().replace(day=1)
            key = spend_key(record.source, record.campaign, month)
            first_line = self.lines_by_key.setdefault(key, record.line)
            if first_line != record.line:
                reason = f"line {first_line} already gives spend for this source, campaign and month"
                batch.reject(record.line, "month", f"{month:%Y-%m}", reason)
                continue
            values: dict[str, object] = {"amount": money(record.amount), "currency": record.currency.upper()}
            created = {"source": record.source, "campaign": record.campaign, "month": month}
            existing[key] = upsert.apply(key, existing.get(key), values, created=created)
        upsert.save()
        upsert.finish()
