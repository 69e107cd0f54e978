"""Fit and intent scoring: every point explained, decay and caps as documented, and the live path
(one lead) equal to the bulk path (all leads) on random leads."""

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.domain import intent as intent_module
from accord.domain.playbook.catalog import AttributeCatalog
from accord.domain.playbook.validation import load_playbook
from accord.domain.scoring import (
    ActivityFact,
    CompiledPlaybook,
    LeadScore,
    ReasonKind,
    compile_playbook,
    score_at_instants,
    score_lead,
    score_leads,
)
from tests.factories import example_playbook_text

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
ATTRIBUTES = ["account.employees", "account.industry", "lead.seniority", "lead.email_domain", "lead.title"]


def compiled_example(**edits: str) -> CompiledPlaybook:
    text = example_playbook_text()
    for old, new in edits.items():
        text = text.replace(old, new)
    return compile_playbook(load_playbook(text, AttributeCatalog()))


PLAYBOOK = compiled_example()
ICP_LEAD = {
    "account.employees": 200,
    "account.industry": "Software",
    "lead.seniority": "vp",
    "lead.email_domain": "acme.test",
    "lead.title": "VP Sales",
}


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def test_fit_adds_the_points_of_matching_rules_and_explains_each() -> None:
    score = score_lead(PLAYBOOK, ICP_LEAD, [], NOW)
    assert score.fit == 80  # 30 mid-market + 25 industry + 25 seniority
    fit_reasons = [(r.label, r.points) for r in score.reasons if r.kind is ReasonKind.FIT_RULE]
    assert fit_reasons == [
        ("mid-market", 30),
        ("account.industry in [software, fintech]", 25),
        ("lead.seniority in [director, vp, c_level]", 25),
    ]


def test_fit_never_goes_below_zero() -> None:
    lead = {
        **ICP_LEAD,
        "account.employees": 5,
        "account.industry": "retail",
        "lead.seniority": "",
        "lead.title": "Intern",
    }
    assert score_lead(PLAYBOOK, lead, [], NOW).fit == 0  # only the -20 intern rule matches


def test_a_signal_halves_every_half_life_and_leaves_the_window() -> None:
    activities = [
        ActivityFact("webinar_attended", days_ago(0)),  # 15
        ActivityFact("webinar_attended", days_ago(14)),  # 7.5 after one half-life
        ActivityFact("webinar_attended", days_ago(28)),  # 3.75 after two
        ActivityFact("webinar_attended", days_ago(60)),  # outside the 60-day window
        ActivityFact("webinar_attended", NOW + timedelta(hours=1)),  # not yet happened
    ]
    score = score_lead(PLAYBOOK, ICP_LEAD, activities, NOW)
    assert score.intent == 26.25
    assert [r.occurred_at for r in score.reasons if r.kind is ReasonKind.SIGNAL] == [
        days_ago(0),
        days_ago(14),
        days_ago(28),
    ]


def test_a_signal_cap_and_the_total_cap() -> None:
    pricing_views = [ActivityFact("pricing_page_view", days_ago(0)) for _ in range(5)]
    assert score_lead(PLAYBOOK, ICP_LEAD, pricing_views, NOW).intent == 30  # 50, capped at max 30
    demos = [ActivityFact("demo_request", days_ago(0)) for _ in range(3)]
    assert score_lead(PLAYBOOK, ICP_LEAD, demos, NOW).intent == 100  # 150, capped at 100


def test_a_hand_raiser_with_enough_fit_is_an_mql() -> None:
    score = score_lead(PLAYBOOK, ICP_LEAD, [ActivityFact("demo_request", days_ago(3))], NOW)
    assert score.is_hand_raiser and score.is_mql


def test_fit_without_intent_is_not_an_mql() -> None:
    assert not score_lead(PLAYBOOK, ICP_LEAD, [ActivityFact("webinar_attended", days_ago(1))], NOW).is_mql


def test_a_disqualified_lead_is_never_an_mql_and_says_why() -> None:
    lead = {**ICP_LEAD, "lead.email_domain": "gmail.com"}
    score = score_lead(PLAYBOOK, lead, [ActivityFact("demo_request", days_ago(1))], NOW)
    assert score.disqualified_by == "personal_email"
    assert not score.is_mql
    assert any(r.kind is ReasonKind.DISQUALIFIER and r.label == "personal_email" for r in score.reasons)


# --- live path == bulk path ---------------------------------------------------------------------

lead_values = st.fixed_dictionaries(
    {
        "account.employees": st.one_of(st.none(), st.integers(0, 5000)),
        "account.industry": st.sampled_from([None, "software", "FinTech", "retail", ""]),
        "lead.seniority": st.sampled_from([None, "vp", "Director", "c_level", "manager"]),
        "lead.email_domain": st.sampled_from([None, "gmail.com", "acme.test", "Yahoo.com"]),
        "lead.title": st.sampled_from([None, "Intern", "VP Sales", "Head of intern programme"]),
    }
)
activity = st.builds(
    ActivityFact,
    kind=st.sampled_from(["demo_request", "pricing_page_view", "webinar_attended", "page_view"]),
    occurred_at=st.integers(-3_600_000_000, 90 * 86_400_000_000).map(
        lambda us: NOW - timedelta(microseconds=us)
    ),
)


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(st.lists(st.tuples(lead_values, st.lists(activity, max_size=12)), min_size=1, max_size=30))
def test_live_and_bulk_paths_agree_exactly(leads: list[tuple[dict[str, object], list[ActivityFact]]]) -> None:
    live = [score_lead(PLAYBOOK, values, activities, NOW) for values, activities in leads]
    bulk = score_leads(PLAYBOOK, leads_frame(leads), activities_frame(leads), NOW)
    assert bulk["lead_id"].to_list() == list(range(len(leads)))
    assert rows_of(bulk) == [summary(score) for score in live]


def leads_frame(leads: list[tuple[dict[str, object], list[ActivityFact]]]) -> pl.DataFrame:
    columns: dict[str, pl.Series] = {"lead_id": pl.Series(range(len(leads)), dtype=pl.Int64)}
    for name in ATTRIBUTES:
        dtype = pl.Float64 if name == "account.employees" else pl.String
        columns[name] = pl.Series([values[name] for values, _ in leads], dtype=dtype)
    return pl.DataFrame(columns)


def activities_frame(leads: list[tuple[dict[str, object], list[ActivityFact]]]) -> pl.DataFrame:
    rows = [(lead_id, a.kind, a.occurred_at) for lead_id, (_, acts) in enumerate(leads) for a in acts]
    return pl.DataFrame(
        rows,
        schema={"lead_id": pl.Int64, "kind": pl.String, "occurred_at": pl.Datetime("us", "UTC")},
        orient="row",
    )


def summary(score: LeadScore) -> tuple[object, ...]:
    return (score.fit, score.intent, score.is_hand_raiser, score.disqualified_by, score.is_mql)


def rows_of(bulk: pl.DataFrame) -> list[tuple[object, ...]]:
    columns = ["fit", "intent", "is_hand_raiser", "disqualified_by", "is_mql"]
    return [tuple(row) for row in bulk.select(columns).iter_rows()]


# --- live path == scoring at instants (the backtest's path) --------------------------------------

TIMED = compiled_example(
    **{
        "  - {when: \"lead.title contains 'intern'\", points: -20}": (
            "  - {when: \"lead.title contains 'intern'\", points: -20}\n"
            '  - {when: "lead.created_at >= now - 1 month", points: 20, label: new}'
        ),
        'mql: "fit >= 60 and (hand_raiser or intent >= 40)"': (
            'mql: "fit >= 60 and (hand_raiser or intent >= 40) and lead.created_at < today - 3 days"'
        ),
    }
)
instant = st.integers(0, 120 * 86_400_000_000).map(lambda us: NOW - timedelta(microseconds=us))


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(
    leads=st.lists(
        st.tuples(
            lead_values,
            instant,
            st.lists(activity, max_size=12),
            st.lists(instant, min_size=1, max_size=4),
        ),
        min_size=1,
        max_size=20,
    ),
    limits=st.sampled_from([(2**62, 8_000_000, 1 << 20), (1, 3, 1 << 20), (2**62, 3, 2)]),
)
def test_each_instant_scores_as_the_live_path_at_that_moment(
    leads: list[tuple[dict[str, object], datetime, list[ActivityFact], list[datetime]]],
    limits: tuple[int, int, int],
) -> None:
    """Several instants per lead, a fit rule and the MQL rule reading now: each instant equals
    score_lead at that instant. Tiny key and block limits force many lead blocks (of one lead id, or
    of two instants, so cut back to a lead's start or stretched over a lead with more) and pair blocks."""
    plain = [(values, acts) for values, _, acts, _ in leads]
    frame = leads_frame(plain).with_columns(
        pl.Series("lead.created_at", [created for _, created, _, _ in leads], dtype=pl.Datetime("us", "UTC"))
    )
    rows = [(lead_id, at) for lead_id, (*_, ats) in enumerate(leads) for at in ats]
    instants = pl.DataFrame(
        rows, schema={"lead_id": pl.Int64, "at": pl.Datetime("us", "UTC")}, orient="row"
    ).reverse()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(intent_module, "KEY_LIMIT", limits[0])
        patch.setattr(intent_module, "PAIRS_PER_BLOCK", limits[1])
        patch.setattr(intent_module, "INSTANTS_PER_BLOCK", limits[2])
        bulk = score_at_instants(TIMED, frame, instants, activities_frame(plain))
    live = [
        score_lead(TIMED, {**leads[lead_id][0], "lead.created_at": leads[lead_id][1]}, leads[lead_id][2], at)
        for lead_id, at in reversed(rows)
    ]
    assert bulk.select("lead_id", "at").rows() == list(reversed(rows))
    assert rows_of(bulk) == [summary(score) for score in live]
