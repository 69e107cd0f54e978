"""What imports left for a person to review: data-quality warnings, likely duplicate leads, and leads
no account matched."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import Lower, Trim

from accord.models import DataQualityWarning, Lead

REVIEW_LIMIT = 1_000


def list_warnings(*, code: str = "", limit: int = REVIEW_LIMIT) -> list[DataQualityWarning]:
    warnings = DataQualityWarning.objects.order_by("code", "entity", "external_id")
    return list((warnings.filter(code=code) if code else warnings)[:limit])


@dataclass(frozen=True)
class DuplicateGroup:
    """Leads with the same name at the same account (or company, when unmatched) and different e-mails."""

    full_name: str
    company: str
    leads: Sequence[Lead]


def list_likely_duplicates(*, limit: int = REVIEW_LIMIT) -> list[DuplicateGroup]:
    """Never merged: listed for a person to decide. Names compare lowercased and trimmed; the company is
    the account when there is one, else the company name as imported (lowercased)."""
    named = Lead.objects.exclude(first_name="", last_name="").annotate(
        first=Lower(Trim("first_name")), last=Lower(Trim("last_name")), company=Lower(Trim("company_name"))
    )
    groups = (
        named.values("first", "last", "account_id", "company")
        .annotate(leads=Count("id"))
        .filter(leads__gt=1)
        .filter(Q(account_id__isnull=False) | ~Q(company=""))
        .order_by("last", "first", "account_id", "company")[:limit]
    )
    found: list[DuplicateGroup] = []
    for group in groups:
        members = list(
            named.filter(
                first=group["first"],
                last=group["last"],
                account_id=group["account_id"],
                company=group["company"],
            )
            .select_related("account")
            .order_by("id")
        )
        company = members[0].account.name if members[0].account else members[0].company_name
        found.append(DuplicateGroup(members[0].full_name, company, members))
    return found


def list_unmatched_leads(*, limit: int = REVIEW_LIMIT) -> list[Lead]:
    """Imported leads that no account matched (personal e-mail domains, unknown companies)."""
    return list(Lead.objects.filter(matched_account_by="none").order_by("external_id")[:limit])


def count_unmatched_leads() -> int:
    return Lead.objects.filter(matched_account_by="none").count()
