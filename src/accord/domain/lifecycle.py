"""The lead lifecycle (DESIGN §3): the stages and the one table of legal moves between them.

State strings live here and nowhere else; every other module speaks in ``Stage``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from accord.errors import IllegalTransition, InvalidInput


class Stage(StrEnum):
    LEAD = "lead"
    MQL = "mql"
    SAL = "sal"
    SQL = "sql"
    OPPORTUNITY = "opportunity"
    CUSTOMER = "customer"
    CLOSED_LOST = "closed_lost"
    REJECTED = "rejected"
    RECYCLED = "recycled"


class TransitionActor(StrEnum):
    """Who made a move: the playbook's rule, the learned model, a person, or an import of history."""

    RULE = "rule"
    MODEL = "model"
    PERSON = "person"
    IMPORT = "import"


ALLOWED_TRANSITIONS: dict[Stage, frozenset[Stage]] = {
    Stage.LEAD: frozenset({Stage.MQL}),
    Stage.MQL: frozenset({Stage.SAL, Stage.SQL, Stage.REJECTED, Stage.RECYCLED}),
    Stage.SAL: frozenset({Stage.SQL, Stage.REJECTED, Stage.RECYCLED}),
    Stage.SQL: frozenset({Stage.OPPORTUNITY, Stage.REJECTED, Stage.RECYCLED}),
    Stage.OPPORTUNITY: frozenset({Stage.CUSTOMER, Stage.CLOSED_LOST}),
    Stage.CUSTOMER: frozenset(),
    Stage.CLOSED_LOST: frozenset({Stage.RECYCLED}),
    Stage.REJECTED: frozenset({Stage.RECYCLED}),
    Stage.RECYCLED: frozenset({Stage.LEAD}),
}

STAGES_REQUIRING_REASON = frozenset({Stage.REJECTED, Stage.CLOSED_LOST})


def parse_stage(value: str) -> Stage:
    try:
        return Stage(value)
    except ValueError as exc:
        known = ", ".join(stage.value for stage in Stage)
        raise InvalidInput(f"stage {value!r} is not a lifecycle stage; expected one of {known}") from exc


def check_transition(from_stage: Stage, to_stage: Stage, *, reason: str = "") -> None:
    """Raise IllegalTransition unless the table allows the move and a required reason is given."""
    if to_stage not in ALLOWED_TRANSITIONS[from_stage]:
        allowed = ", ".join(sorted(stage.value for stage in ALLOWED_TRANSITIONS[from_stage])) or "none"
        raise IllegalTransition(
            f"a lead cannot move from {from_stage.value} to {to_stage.value}; allowed from "
            f"{from_stage.value}: {allowed}"
        )
    if to_stage in STAGES_REQUIRING_REASON and not reason.strip():
        raise IllegalTransition(f"moving a lead to {to_stage.value} requires a reason")


class TransitionFact(Protocol):
    """What stage-date derivation needs from one logged transition."""

    @property
    def to_stage(self) -> str: ...

    @property
    def occurred_at(self) -> datetime: ...


def derive_stage_dates(transitions: Iterable[TransitionFact]) -> dict[Stage, datetime]:
    """When the lead entered each stage of its current cycle, from its log in the order written.

    A recycle starts a new cycle: after ``recycled → lead``, mql_at is the next MQL, not the first
    one ever. Within a cycle a stage's date is the first time it was entered."""
    dates: dict[Stage, datetime] = {}
    for transition in transitions:
        stage = Stage(transition.to_stage)
        if stage is Stage.LEAD:
            dates = {}
        dates.setdefault(stage, transition.occurred_at)
    return dates
