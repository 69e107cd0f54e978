"""The lifecycle transition table and stage-date derivation, as pure functions."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from accord.domain.lifecycle import (
    ALLOWED_TRANSITIONS,
    Stage,
    check_transition,
    derive_stage_dates,
    parse_stage,
)
from accord.errors import IllegalTransition, InvalidInput

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

LEGAL = [
    (Stage.LEAD, Stage.MQL, ""),
    (Stage.MQL, Stage.SAL, ""),
    (Stage.MQL, Stage.SQL, ""),
    (Stage.MQL, Stage.REJECTED, "not_icp"),
    (Stage.SAL, Stage.SQL, ""),
    (Stage.SQL, Stage.OPPORTUNITY, ""),
    (Stage.OPPORTUNITY, Stage.CUSTOMER, ""),
    (Stage.OPPORTUNITY, Stage.CLOSED_LOST, "price"),
    (Stage.REJECTED, Stage.RECYCLED, ""),
    (Stage.RECYCLED, Stage.LEAD, ""),
]

ILLEGAL = [
    (Stage.LEAD, Stage.SQL),
    (Stage.LEAD, Stage.CUSTOMER),
    (Stage.MQL, Stage.OPPORTUNITY),
    (Stage.CUSTOMER, Stage.LEAD),
    (Stage.REJECTED, Stage.MQL),
    (Stage.SAL, Stage.MQL),
]


@pytest.mark.parametrize(("from_stage", "to_stage", "reason"), LEGAL)
def test_legal_moves_pass(from_stage: Stage, to_stage: Stage, reason: str) -> None:
    check_transition(from_stage, to_stage, reason=reason)


@pytest.mark.parametrize(("from_stage", "to_stage"), ILLEGAL)
def test_illegal_moves_raise_and_name_the_allowed_ones(from_stage: Stage, to_stage: Stage) -> None:
    with pytest.raises(IllegalTransition, match=f"from {from_stage.value} to {to_stage.value}"):
        check_transition(from_stage, to_stage)


@pytest.mark.parametrize("to_stage", [Stage.REJECTED, Stage.CLOSED_LOST])
def test_rejection_and_loss_require_a_reason(to_stage: Stage) -> None:
    from_stage = Stage.MQL if to_stage is Stage.REJECTED else Stage.OPPORTUNITY
    with pytest.raises(IllegalTransition, match="requires a reason"):
        check_transition(from_stage, to_stage, reason="  ")


def test_every_stage_has_a_row_in_the_table() -> None:
    assert set(ALLOWED_TRANSITIONS) == set(Stage)


def test_unknown_stage_names_the_known_ones() -> None:
    with pytest.raises(InvalidInput, match="expected one of lead, mql"):
        parse_stage("marketing_qualified")


@dataclass
class Fact:
    to_stage: str
    occurred_at: datetime


def test_stage_dates_are_first_entries_in_the_current_cycle() -> None:
    log = [
        Fact("mql", T0),
        Fact("rejected", T0 + timedelta(days=1)),
        Fact("recycled", T0 + timedelta(days=30)),
        Fact("lead", T0 + timedelta(days=30)),
        Fact("mql", T0 + timedelta(days=60)),
        Fact("sql", T0 + timedelta(days=62)),
    ]
    dates = derive_stage_dates(log)
    assert dates == {
        Stage.LEAD: T0 + timedelta(days=30),
        Stage.MQL: T0 + timedelta(days=60),
        Stage.SQL: T0 + timedelta(days=62),
    }
