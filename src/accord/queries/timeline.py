"""One lead's history as a single timeline: activities, lifecycle transitions and deal stage changes."""

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from accord.models import Activity, Lead, LifecycleTransition, OpportunityStageChange, User

TIMELINE_PAGE_SIZE = 50
# Deep pages read offset + limit rows from each table; past this the history is for an export.
MAX_TIMELINE_OFFSET = 10_000


class TimelineKind(StrEnum):
    SIGNAL = "signal"  # a marketing signal: what the lead did
    TOUCH = "touch"  # a sales touch: what sales did to the lead
    TRANSITION = "transition"  # a lifecycle move of the lead
    STAGE_CHANGE = "stage_change"  # a stage change of an opportunity the lead sourced


@dataclass(frozen=True)
class TimelineEntry:
    occurred_at: datetime
    kind: TimelineKind
    summary: str
    detail: str
    actor: str
    # Breaks ties between entries at the same instant so the order is the same on every read.
    sequence: tuple[int, int]

    @property
    def label(self) -> str:
        return {
            TimelineKind.SIGNAL: "Marketing signal",
            TimelineKind.TOUCH: "Sales touch",
            TimelineKind.TRANSITION: "Lifecycle",
            TimelineKind.STAGE_CHANGE: "Deal stage",
        }[self.kind]


@dataclass(frozen=True)
class TimelinePage:
    entries: list[TimelineEntry]
    offset: int
    limit: int
    has_more: bool

    @property
    def first_number(self) -> int:
        return self.offset + 1

    @property
    def last_number(self) -> int:
        return self.offset + len(self.entries)

    @property
    def has_newer(self) -> bool:
        return self.offset > 0

    @property
    def newer_offset(self) -> int:
        return max(self.offset - self.limit, 0)

    @property
    def older_offset(self) -> int:
        return self.offset + self.limit


def _person(user: User | None) -> str:
    return str(user) if user is not None else ""


def _activity_entries(lead: Lead, count: int) -> Iterator[TimelineEntry]:
    activities = (
        Activity.objects.filter(lead=lead).select_related("actor").order_by("-occurred_at", "-id")[:count]
    )
    for activity in activities:
        yield TimelineEntry(
            occurred_at=activity.occurred_at,
            kind=TimelineKind.TOUCH if activity.is_sales_touch else TimelineKind.SIGNAL,
            summary=activity.kind.replace("_", " "),
            detail=activity.detail,
            actor=_person(activity.actor) or ("sales" if activity.is_sales_touch else "lead"),
            sequence=(0, activity.pk),
        )


def _transition_entries(lead: Lead, count: int) -> Iterator[TimelineEntry]:
    transitions = (
        LifecycleTransition.objects.filter(lead=lead)
        .select_related("actor", "playbook_version")
        .order_by("-occurred_at", "-id")[:count]
    )
    for transition in transitions:
        made_by = _person(transition.actor) or transition.actor_kind
        if transition.playbook_version is not None:
            made_by += f" (playbook v{transition.playbook_version.number})"
        yield TimelineEntry(
            occurred_at=transition.occurred_at,
            kind=TimelineKind.TRANSITION,
            summary=f"{transition.from_stage} → {transition.to_stage}",
            detail=transition.reason,
            actor=made_by,
            sequence=(2, transition.pk),
        )


def _stage_change_entries(lead: Lead, count: int) -> Iterator[TimelineEntry]:
    changes = (
        OpportunityStageChange.objects.filter(opportunity__source_lead=lead)
        .select_related("actor", "opportunity")
        .order_by("-occurred_at", "-id")[:count]
    )
    for change in changes:
        stages = (
            f"{change.from_stage} → {change.to_stage}"
            if change.from_stage
            else f"opened at {change.to_stage}"
        )
        yield TimelineEntry(
            occurred_at=change.occurred_at,
            kind=TimelineKind.STAGE_CHANGE,
            summary=stages,
            detail=change.opportunity.name,
            actor=_person(change.actor),
            sequence=(1, change.pk),
        )


def lead_timeline(lead: Lead, *, limit: int = TIMELINE_PAGE_SIZE, offset: int = 0) -> TimelinePage:
    """Entries newest first, ``limit`` of them after skipping ``offset``: three queries whatever the page.

    Each table is read newest first up to offset + limit + 1 rows, which is enough to merge the
    page exactly and to know whether older entries exist."""
    offset = min(max(offset, 0), MAX_TIMELINE_OFFSET)
    limit = max(limit, 1)
    needed = offset + limit + 1
    streams: list[Iterable[TimelineEntry]] = [
        list(_activity_entries(lead, needed)),
        list(_transition_entries(lead, needed)),
        list(_stage_change_entries(lead, needed)),
    ]
    merged = list(heapq.merge(*streams, key=lambda entry: (entry.occurred_at, entry.sequence), reverse=True))
    window = merged[offset : offset + limit + 1]
    return TimelinePage(entries=window[:limit], offset=offset, limit=limit, has_more=len(window) > limit)
