"""The semantic diff between playbook versions, as the lines people read before signing."""

import yaml

from accord.domain.playbook.diff import describe_changes
from accord.domain.playbook.schema import PlaybookV1
from tests.factories import example_playbook_text


def definition(text: str) -> PlaybookV1:
    return PlaybookV1.model_validate(yaml.safe_load(text))


def changed(*edits: tuple[str, str]) -> list[str]:
    text = example_playbook_text()
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return describe_changes(definition(example_playbook_text()), definition(text))


def test_identical_versions_have_no_changes() -> None:
    assert changed() == []


def test_a_moved_mql_threshold_is_named_as_such() -> None:
    assert changed(('mql: "fit >= 60', 'mql: "fit >= 70')) == ["MQL fit threshold 60 → 70"]


def test_a_rewritten_mql_rule_is_shown_whole() -> None:
    assert changed(("(hand_raiser or intent >= 40)", "intent >= 40")) == [
        "MQL rule 'fit >= 60 and (hand_raiser or intent >= 40)' → 'fit >= 60 and intent >= 40'"
    ]


def test_signals_added_removed_and_changed() -> None:
    assert changed(
        (
            "webinar_attended: {points: 15}",
            "webinar_attended: {points: 20}\n    content_download: {points: 10}",
        ),
        ("    pricing_page_view: {points: 10, max: 30}\n", ""),
    ) == [
        "signal content_download added, 10 points",
        "signal pricing_page_view removed",
        "signal webinar_attended points 15 → 20",
    ]


def test_fit_rules_and_lists_of_names() -> None:
    assert changed(
        ('points: 25}\n  - {when: "lead.seniority', 'points: 35}\n  - {when: "lead.seniority'),
        ("duplicate, not_now]", "duplicate, not_now, bad_timing]"),
    ) == [
        "fit rule 'account.industry in [software, fintech]': points 25 → 35",
        "rejection reason 'bad_timing' added",
    ]


def test_nested_sla_values_and_targets() -> None:
    assert changed(
        ("first_touch_hours: 24", "first_touch_hours: 4"),
        ("{metric: mqls, per: month, value: 200}", "{metric: mqls, per: month, value: 250}"),
    ) == ["sla.sales.first_touch_hours 24 → 4", "target mqls per month 200 → 250"]
