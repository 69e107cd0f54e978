"""Playbook validation: a good file loads; each kind of mistake is reported with its line and field."""

from pathlib import Path

import pytest

from accord.domain.criteria import AttributeType
from accord.domain.playbook.catalog import AttributeCatalog
from accord.domain.playbook.source import PlaybookInvalid
from accord.domain.playbook.validation import load_playbook
from tests.factories import example_playbook_text

DOCS = Path(__file__).resolve().parents[1] / "docs" / "playbook.md"
CATALOG = AttributeCatalog().with_custom(lead={"region": AttributeType.TEXT})


def problems(text: str) -> list[str]:
    with pytest.raises(PlaybookInvalid) as caught:
        load_playbook(text, CATALOG, source_name="p.yaml")
    return [str(issue) for issue in caught.value.issues]


def edited(old: str, new: str) -> str:
    text = example_playbook_text()
    assert old in text, old
    return text.replace(old, new, 1)


def line_of(text: str, fragment: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_the_documented_example_is_valid() -> None:
    playbook = load_playbook(example_playbook_text(), CATALOG)
    assert playbook.definition.name == "Acme revenue playbook"
    assert playbook.definition.max_fit == 80
    assert len(playbook.fit_criteria) == 4
    assert len(playbook.sha256) == 64


def test_a_typo_in_a_field_name_names_the_line_and_the_nearest_key() -> None:
    text = edited("half_life_days: 14", "half_lfe_days: 14")
    found = problems(text)
    assert found == [
        f"line {line_of(text, 'intent:')}, intent.half_life_days: required field is missing",
        f"line {line_of(text, 'half_lfe_days')}, intent.half_lfe_days: unknown field 'half_lfe_days'; "
        "did you mean 'half_life_days'?",
    ]


def test_an_unknown_signal_is_refused_with_a_suggestion() -> None:
    text = edited("webinar_attended: {points: 15}", "webinar_attendd: {points: 15}")
    assert problems(text) == [
        f"line {line_of(text, 'webinar_attendd')}, intent.signals.webinar_attendd: unknown signal "
        "'webinar_attendd': no activity of that kind exists; did you mean 'webinar_attended'?"
    ]


def test_a_criterion_on_an_attribute_no_lead_has() -> None:
    text = edited("lead.seniority in", "lead.senority in")
    [problem] = problems(text)
    assert problem.startswith(
        f"line {line_of(text, 'lead.senority')}, fit[2].when: no lead has the attribute"
    )
    assert "did you mean 'lead.seniority'?" in problem


def test_custom_attributes_from_the_catalog_are_usable() -> None:
    text = edited(
        "reason: personal_email}",
        "reason: personal_email}\n  - {when: \"lead.region = 'emea'\", reason: out_of_area}",
    )
    assert len(load_playbook(text, CATALOG).disqualify_criteria) == 2


def test_a_fit_rule_that_uses_the_fit_score_is_cyclic() -> None:
    text = edited('"account.industry in [software, fintech]"', '"fit > 10"')
    [problem] = problems(text)
    assert "fit[1].when: cyclic definition: 'fit'" in problem


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("at_least: 3", "at_least: 5", "sql: at_least 5 exceeds the 4 checklist items"),
        (
            "min_fit: 60",
            "min_fit: 90",
            "sla.marketing.min_fit: min_fit 90 is above the highest fit any lead can reach (80",
        ),
        ('mql: "fit >= 60', 'mql: "fit >= 85', "mql: contradiction: the MQL rule can never pass"),
        ("{points: 10, max: 30}", "{points: 10, max: 5}", "max 5 is below points 10"),
        (
            "sales: sam@acme.test}",
            "sales: maria@acme.test}",
            "owners: the marketing and the sales owner must be two",
        ),
        ("duplicate, not_now]", "duplicate, not_icp]", "rejection reason 'not_icp' is listed twice"),
    ],
)
def test_contradictory_definitions_are_refused(old: str, new: str, expected: str) -> None:
    found = problems(edited(old, new))
    assert any(expected in problem for problem in found), found


def test_a_hand_raiser_rule_needs_a_hand_raiser_signal() -> None:
    text = edited("{points: 50, hand_raiser: true}", "{points: 50}")
    assert any("uses hand_raiser, but no intent signal is marked" in problem for problem in problems(text))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("window_days: 60", "window_days: sixty", "intent.window_days: expected a whole number, got 'sixty'"),
        ("review_every: quarter", "review_every: weekly", "review_every: expected one of 'month', 'quarter'"),
        ("points: 30, label", "points: 300, label", "fit[0].points: expected a number ≤ 100, got 300"),
        (
            "maria@acme.test, sales",
            "maria, sales",
            "owners.marketing: expected an e-mail address, got 'maria'",
        ),
        ("timezone: Europe/London", "timezone: Mars/Olympus", "unknown time zone 'Mars/Olympus'"),
        ('hours: "09:00-17:30"', 'hours: "17:30-09:00"', "closing time must be after opening time"),
        ("paid_search: marketing,", "Paid Search: marketing,", "expected a lower-case name"),
        ("metric: mqls,", "metric: mqlz,", "targets[0].metric: unknown metric 'mqlz'; did you mean 'mqls'?"),
    ],
)
def test_wrong_values_say_what_was_expected(old: str, new: str, expected: str) -> None:
    found = problems(edited(old, new))
    assert any(expected in problem for problem in found), found


def test_every_problem_is_reported_at_once() -> None:
    text = edited("window_days: 60", "window_days: -1").replace("at_least: 3", "at_least: 0")
    assert len(problems(text)) == 2


def test_a_key_written_twice_is_an_error_not_a_silent_overwrite() -> None:
    text = edited("review_every: quarter", "review_every: quarter\nreview_every: month")
    assert problems(text) == [f"line {line_of(text, 'review_every: month')}, review_every: key written twice"]


def test_broken_yaml_names_its_line() -> None:
    [problem] = problems("name: x\nfit: [\n  {when: a\n")
    assert problem.startswith("line ")
    assert "not valid YAML" in problem


def test_a_syntax_error_in_a_criterion_is_located() -> None:
    text = edited('"account.employees between 50 and 1000"', '"account.employees between 50 and"')
    [problem] = problems(text)
    assert problem.startswith(f"line {line_of(text, 'between 50 and')}, fit[0].when:")


def test_a_document_that_is_not_a_mapping() -> None:
    assert problems("- just\n- a list\n") == [
        "line 1: expected a mapping of playbook keys (name, owners, fit, …)"
    ]


def test_every_schema_key_is_documented() -> None:
    from accord.domain.playbook.schema import schema_field_names

    reference = DOCS.read_text()
    missing = sorted(key for key in schema_field_names() if f"`{key}`" not in reference)
    assert not missing, f"docs/playbook.md does not document: {missing}"
