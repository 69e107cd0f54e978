"""Lifecycle history loaded from another system: stage dates become the transitions that happened then.

The rule (docs/import-behaviour.md): stages are visited in lifecycle order,
lead → mql → sal → sql → opportunity → customer | closed_lost, then rejected, then recycled, and each
recorded date is one transition from the previous recorded stage. Imported history may skip stages
forward (Olist records mql and customer, never sql); it may never go backwards, and the live path
(``check_transition``) is untouched. Dates are kept as recorded even when they are out of clock order;
that is reported, not corrected."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from accord.domain.lifecycle import STAGES_REQUIRING_REASON, Stage
from accord.errors import InvalidInput

# The order in which recorded stage dates are replayed; LEAD is where every imported history starts.
IMPORT_ORDER = (
    Stage.MQL,
    Stage.SAL,
    Stage.SQL,
    Stage.OPPORTUNITY,
    Stage.CUSTOMER,
    Stage.CLOSED_LOST,
    Stage.REJECTED,
    Stage.RECYCLED,
)
# Stages that end a path: at most one of them, and rejected only before an opportunity exists.
OUTCOMES = frozenset({Stage.CUSTOMER, Stage.CLOSED_LOST, Stage.REJECTED})


@dataclass(frozen=True)
class HistoricalStep:
    from_stage: Stage
    to_stage: Stage
    occurred_at: datetime
    reason: str = ""


@dataclass(frozen=True)
class ImportedHistory:
    steps: tuple[HistoricalStep, ...]
    # Pairs of stages whose dates run backwards (e.g. customer dated before mql); kept, but reported.
    out_of_order: tuple[tuple[Stage, Stage], ...] = ()


def imported_history(
    dates: Mapping[Stage, datetime], *, reasons: Mapping[Stage, str] | None = None
) -> ImportedHistory:
    """The transitions a lead's recorded stage dates stand for, in lifecycle order from ``lead``.

    Raises InvalidInput for a history no lead can have: two outcomes (customer and closed_lost), a
    rejection after an opportunity, recycling a customer, or a rejection/loss without its reason."""
    reasons = reasons or {}
    present = [stage for stage in IMPORT_ORDER if stage in dates]
    outcomes = [stage for stage in present if stage in OUTCOMES]
    if len(outcomes) > 1:
        named = " and ".join(stage.value for stage in outcomes)
        raise InvalidInput(f"a lead cannot have both {named} dates")
    if Stage.RECYCLED in dates and Stage.CUSTOMER in dates:
        raise InvalidInput("a customer cannot be recycled")
    steps: list[HistoricalStep] = []
    out_of_order: list[tuple[Stage, Stage]] = []
    previous = Stage.LEAD
    for stage in present:
        reason = reasons.get(stage, "").strip()
        if stage in STAGES_REQUIRING_REASON and not reason:
            raise InvalidInput(f"a {stage.value} date needs its reason")
        if steps and dates[stage] < steps[-1].occurred_at:
            out_of_order.append((previous, stage))
        steps.append(HistoricalStep(previous, stage, dates[stage], reason))
        previous = stage
    return ImportedHistory(tuple(steps), tuple(out_of_order))


def extension_of(
    recorded: tuple[tuple[Stage, datetime], ...], imported: tuple[HistoricalStep, ...]
) -> tuple[HistoricalStep, ...] | None:
    """The imported steps still to append, given the (to_stage, at) already recorded for the lead.

    () when the recorded history already is the imported one; the tail when the recorded history is
    a prefix of it (the source has moved on); None when they differ, since history is never rewritten."""
    if len(recorded) > len(imported):
        return None
    for (stage, at), step in zip(recorded, imported, strict=False):
        if stage is not step.to_stage or at != step.occurred_at:
            return None
    return imported[len(recorded) :]
