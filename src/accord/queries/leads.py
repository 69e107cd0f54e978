"""Reads behind the lead pages: the searchable, paginated list and one lead with its account and deals."""

import json
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet

from accord.domain.lifecycle import Stage
from accord.errors import NotFound
from accord.models import Lead, Opportunity

LEAD_PAGE_SIZE = 50
# Each search word must match one of these columns, so "pat acme" finds Pat at Acme.
SEARCHED_FIELDS = ("first_name", "last_name", "email", "title", "account__name")
# Words beyond this are ignored: each word adds five LIKE clauses over the whole table.
MAX_SEARCH_WORDS = 6


@dataclass(frozen=True)
class LeadFilters:
    search: str = ""
    stage: Stage | None = None
    source: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.search or self.stage or self.source)


@dataclass(frozen=True)
class LeadPage:
    leads: list[Lead]
    number: int
    page_count: int
    total_count: int
    page_size: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.page_count

    @property
    def first_index(self) -> int:
        return (self.number - 1) * self.page_size + 1 if self.total_count else 0

    @property
    def last_index(self) -> int:
        return (self.number - 1) * self.page_size + len(self.leads)

    def nearby_pages(self, radius: int = 2) -> list[int | None]:
        """Page numbers to link: first, last and a window around this one; None marks a gap."""
        wanted = {1, self.page_count, *range(self.number - radius, self.number + radius + 1)}
        pages = sorted(n for n in wanted if 1 <= n <= self.page_count)
        shown: list[int | None] = []
        for n in pages:
            if shown and shown[-1] is not None and n - shown[-1] > 1:
                shown.append(None)
            shown.append(n)
        return shown


@dataclass(frozen=True)
class Attribute:
    name: str
    value: str


@dataclass(frozen=True)
class LeadDetail:
    lead: Lead
    attributes: list[Attribute]
    account_attributes: list[Attribute]
    opportunities: list[Opportunity]


def _matching_leads(filters: LeadFilters) -> QuerySet[Lead]:
    leads = Lead.objects.all()
    words = filters.search.split()[:MAX_SEARCH_WORDS]
    if words:
        # icontains escapes % and _ and binds the value: no pattern or SQL is built from input.
        leads = leads.filter(
            reduce(
                and_,
                (
                    reduce(or_, (Q(**{f"{field}__icontains": word}) for field in SEARCHED_FIELDS))
                    for word in words
                ),
            )
        )
    if filters.stage is not None:
        leads = leads.filter(stage=filters.stage.value)
    if filters.source:
        leads = leads.filter(source=filters.source)
    return leads


def list_leads(filters: LeadFilters, page: int = 1) -> LeadPage:
    """One page of leads, newest first; a page number out of range gives the nearest page."""
    leads = _matching_leads(filters).select_related("account", "owner").order_by("-created_at", "-id")
    paginator = Paginator(leads, LEAD_PAGE_SIZE)
    current = paginator.get_page(page)
    return LeadPage(
        leads=list(current.object_list),
        number=current.number,
        page_count=paginator.num_pages,
        total_count=paginator.count,
        page_size=LEAD_PAGE_SIZE,
    )


def list_lead_sources() -> list[str]:
    """The distinct sources leads carry, for the list's filter."""
    return list(
        Lead.objects.exclude(source="").order_by("source").values_list("source", flat=True).distinct()
    )


def get_lead(lead_id: int) -> Lead:
    try:
        return Lead.objects.select_related("account", "owner").get(pk=lead_id)
    except Lead.DoesNotExist as exc:
        raise NotFound(f"lead {lead_id} does not exist") from exc


def get_lead_detail(lead_id: int) -> LeadDetail:
    """A lead with its account and the opportunities it sourced, newest first."""
    lead = get_lead(lead_id)
    opportunities = list(
        Opportunity.objects.filter(source_lead=lead).select_related("owner").order_by("-created_at", "-id")
    )
    return LeadDetail(
        lead=lead,
        attributes=attribute_list(lead.attributes),
        account_attributes=attribute_list(lead.account.attributes) if lead.account else [],
        opportunities=opportunities,
    )


def attribute_list(attributes: object) -> list[Attribute]:
    """Custom attributes as sorted name/value pairs; nested values are shown as JSON."""
    if not isinstance(attributes, dict):
        return []
    return [
        Attribute(
            name=str(name), value=value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        )
        for name, value in sorted(attributes.items(), key=lambda item: str(item[0]))
    ]
