"""The reads behind the lead pages, through the real database: filters, pages and the merged timeline."""

from datetime import timedelta

import pytest

from accord.domain.lifecycle import Stage, TransitionActor
from accord.errors import NotFound
from accord.queries.leads import (
    LeadFilters,
    LeadPage,
    attribute_list,
    get_lead,
    list_lead_sources,
    list_leads,
)
from accord.queries.timeline import TimelineKind, lead_timeline
from tests.factories import (
    REFERENCE_TIME,
    make_activity,
    make_lead,
    make_opportunity,
    make_stage_change,
    make_transition,
    make_user,
)

pytestmark = pytest.mark.django_db


def test_list_leads_filters_by_search_stage_and_source_together() -> None:
    wanted = make_lead(first_name="Ada", stage=Stage.MQL.value, source="event")
    make_lead(first_name="Ada", stage=Stage.MQL.value, source="webinar")
    make_lead(first_name="Ada", stage=Stage.SQL.value, source="event")
    make_lead(first_name="Bob", stage=Stage.MQL.value, source="event")
    page = list_leads(LeadFilters(search="ada", stage=Stage.MQL, source="event"))
    assert [lead.pk for lead in page.leads] == [wanted.pk]
    assert (page.number, page.page_count, page.total_count) == (1, 1, 1)


def test_an_empty_list_is_one_empty_page() -> None:
    page = list_leads(LeadFilters(search="nobody"), page=3)
    assert page.leads == [] and page.number == 1 and page.total_count == 0
    assert page.first_index == 0 and page.last_index == 0


def test_leads_created_at_the_same_instant_keep_a_stable_order() -> None:
    leads = [make_lead(created_at=REFERENCE_TIME) for _ in range(3)]
    assert [lead.pk for lead in list_leads(LeadFilters()).leads] == [lead.pk for lead in reversed(leads)]


@pytest.mark.parametrize(
    ("number", "page_count", "expected"),
    [
        (1, 1, [1]),
        (1, 4, [1, 2, 3, 4]),
        (1, 20, [1, 2, 3, None, 20]),
        (10, 20, [1, None, 8, 9, 10, 11, 12, None, 20]),
        (20, 20, [1, None, 18, 19, 20]),
        (4, 20, [1, 2, 3, 4, 5, 6, None, 20]),
    ],
)
def test_page_links_show_the_ends_and_a_window_with_gaps(
    number: int, page_count: int, expected: list[int | None]
) -> None:
    page = LeadPage(leads=[], number=number, page_count=page_count, total_count=page_count * 50, page_size=50)
    assert page.nearby_pages() == expected


def test_sources_are_distinct_sorted_and_never_blank() -> None:
    for source in ("webinar", "event", "webinar", ""):
        make_lead(source=source)
    assert list_lead_sources() == ["event", "webinar"]


def test_get_lead_raises_not_found() -> None:
    with pytest.raises(NotFound, match="lead 424242"):
        get_lead(424242)


def test_attributes_are_sorted_pairs_with_nested_values_as_json() -> None:
    assert [(a.name, a.value) for a in attribute_list({"b": "x", "a": {"k": [1, True]}, "c": None})] == [
        ("a", '{"k": [1, true]}'),
        ("b", "x"),
        ("c", "null"),
    ]
    assert attribute_list(["not", "a", "dict"]) == []


def test_the_timeline_merges_three_tables_newest_first_with_who_did_what() -> None:
    ae = make_user(first_name="Alex", last_name="Closer", role="ae")
    lead = make_lead()
    at = REFERENCE_TIME
    make_activity(lead, kind="pricing_page_view", occurred_at=at, detail="/pricing")
    make_transition(lead, Stage.MQL, occurred_at=at + timedelta(hours=1), reason="fit 70")
    make_activity(lead, kind="call", is_sales_touch=True, actor=ae, occurred_at=at + timedelta(hours=2))
    opportunity = make_opportunity(source_lead=lead, name="Big deal")
    make_stage_change(opportunity, "proposal", actor=ae, occurred_at=at + timedelta(hours=3))
    make_stage_change(
        make_opportunity(), "proposal", occurred_at=at + timedelta(hours=4)
    )  # another lead's deal

    page = lead_timeline(lead)
    assert [(e.kind, e.summary, e.actor) for e in page.entries] == [
        (TimelineKind.STAGE_CHANGE, "discovery → proposal", "Alex Closer"),
        (TimelineKind.TOUCH, "call", "Alex Closer"),
        (TimelineKind.TRANSITION, "lead → mql", "rule"),
        (TimelineKind.SIGNAL, "pricing page view", "lead"),
    ]
    assert page.entries[0].detail == "Big deal"
    assert page.entries[2].detail == "fit 70"
    assert not page.has_more and not page.has_newer


def test_a_transition_by_a_person_names_them() -> None:
    person = make_user(first_name="Sam", last_name="Seller")
    lead = make_lead()
    make_transition(lead, Stage.MQL, actor=person, actor_kind=TransitionActor.PERSON.value)
    assert lead_timeline(lead).entries[0].actor == "Sam Seller"


def test_timeline_pages_cover_every_entry_exactly_once_even_at_equal_times() -> None:
    lead = make_lead()
    for n in range(7):
        # Pairs of entries share an instant, so the tie-break decides the order across pages.
        make_activity(lead, occurred_at=REFERENCE_TIME + timedelta(minutes=n // 2), detail=f"a{n}")
        make_transition(lead, Stage.MQL, occurred_at=REFERENCE_TIME + timedelta(minutes=n // 2))
    whole = lead_timeline(lead, limit=100)
    assert len(whole.entries) == 14
    paged = []
    offset = 0
    while True:
        page = lead_timeline(lead, limit=4, offset=offset)
        paged.extend(page.entries)
        if not page.has_more:
            break
        offset = page.older_offset
    assert paged == whole.entries
    times = [entry.occurred_at for entry in whole.entries]
    assert times == sorted(times, reverse=True)


def test_timeline_bounds_are_clamped() -> None:
    lead = make_lead()
    make_activity(lead)
    page = lead_timeline(lead, limit=0, offset=-5)
    assert (page.limit, page.offset, len(page.entries)) == (1, 0, 1)
    assert lead_timeline(lead, offset=10**9).entries == []
