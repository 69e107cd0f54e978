"""The typed playbook, schema version 1. Every key a user may write is declared here and documented in
docs/playbook.md; anything else is an error naming the line and the nearest known key."""

from __future__ import annotations

import re
import typing
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = 1
Name = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[a-z][a-z0-9_]*$")]
Email = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=320)]
Criterion = Annotated[str, Field(min_length=1, max_length=2000)]
PositiveDays = Annotated[float, Field(gt=0, le=3650)]
PositiveHours = Annotated[float, Field(gt=0, le=24 * 365)]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Owners(Strict):
    marketing: Email
    sales: Email

    @model_validator(mode="after")
    def _two_sides(self) -> Owners:
        if self.marketing.lower() == self.sales.lower():
            raise ValueError("the marketing and the sales owner must be two different people: both sign")
        return self


class FitRule(Strict):
    when: Criterion
    points: Annotated[int, Field(ge=-100, le=100)]
    label: str = ""


class Disqualifier(Strict):
    when: Criterion
    reason: Name


class IntentSignal(Strict):
    points: Annotated[int, Field(ge=1, le=100)]
    max: Annotated[int, Field(ge=1, le=100)] | None = None
    hand_raiser: bool = False

    @model_validator(mode="after")
    def _max_reaches_points(self) -> IntentSignal:
        if self.max is not None and self.max < self.points:
            raise ValueError(f"max {self.max} is below points {self.points}: the signal could never count")
        return self


class Intent(Strict):
    window_days: Annotated[int, Field(ge=1, le=730)]
    half_life_days: PositiveDays
    signals: Annotated[dict[Name, IntentSignal], Field(min_length=1)]


class SqlQualification(Strict):
    checklist: Annotated[list[Name], Field(min_length=1)]
    at_least: Annotated[int, Field(ge=1)]

    @model_validator(mode="after")
    def _reachable(self) -> SqlQualification:
        _require_unique(self.checklist, "checklist item")
        if self.at_least > len(self.checklist):
            raise ValueError(
                f"at_least {self.at_least} exceeds the {len(self.checklist)} checklist items: "
                "no lead could ever qualify"
            )
        return self


class OpportunityStage(Strict):
    name: Name
    entry: list[Name] = []
    exit: list[Name] = []


class MarketingSla(Strict):
    mqls_per_month: Annotated[int, Field(ge=0)] | None = None
    min_fit: Annotated[int, Field(ge=0, le=100)] | None = None
    max_lead_age_hours: PositiveHours | None = None


class FollowUps(Strict):
    attempts: Annotated[int, Field(ge=1, le=50)]
    within_days: PositiveDays


class SalesSla(Strict):
    first_touch_hours: PositiveHours | None = None
    follow_ups: FollowUps | None = None
    disposition_days: PositiveDays | None = None


class BusinessHours(Strict):
    timezone: str
    days: str = "mon-fri"
    hours: str = "09:00-17:00"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone {value!r}; expected an IANA name such as Europe/London"
            ) from exc
        return value

    @field_validator("days")
    @classmethod
    def _day_range(cls, value: str) -> str:
        parse_weekdays(value)
        return value

    @field_validator("hours")
    @classmethod
    def _hour_range(cls, value: str) -> str:
        parse_opening_hours(value)
        return value


class Sla(Strict):
    marketing: MarketingSla = MarketingSla()
    sales: SalesSla = SalesSla()
    business_hours: BusinessHours | None = None
    revise_after_missed_months: Annotated[int, Field(ge=1, le=24)] = 3


class ThresholdBand(Strict):
    below: float | None = None
    above: float | None = None
    status: Literal["red", "amber", "green"]
    advice: str = ""

    @model_validator(mode="after")
    def _one_bound(self) -> ThresholdBand:
        if (self.below is None) == (self.above is None):
            raise ValueError("a band needs exactly one of below or above")
        return self


class Target(Strict):
    metric: Name
    per: Literal["month", "quarter", "year"]
    value: Annotated[float, Field(ge=0)]


class PlaybookV1(Strict):
    schema_version: Literal[1] = 1
    name: Annotated[str, Field(min_length=1, max_length=200)]
    review_every: Literal["month", "quarter", "half_year", "year"]
    owners: Owners
    sources: Annotated[dict[Name, Name], Field(min_length=1)]
    fit: Annotated[list[FitRule], Field(min_length=1)]
    disqualify: list[Disqualifier] = []
    intent: Intent
    mql: Criterion
    sql: SqlQualification
    rejection_reasons: Annotated[list[Name], Field(min_length=1)]
    opportunity_stages: Annotated[list[OpportunityStage], Field(min_length=1)]
    stalled_after_days: PositiveDays = 30
    sla: Sla = Sla()
    thresholds: dict[Name, list[ThresholdBand]] = {}
    targets: list[Target] = []

    @model_validator(mode="after")
    def _unique_names(self) -> PlaybookV1:
        _require_unique(self.rejection_reasons, "rejection reason")
        _require_unique([stage.name for stage in self.opportunity_stages], "opportunity stage")
        return self

    @property
    def max_fit(self) -> int:
        """The highest fit score any lead can reach: positive points, capped at 100."""
        return min(100, sum(rule.points for rule in self.fit if rule.points > 0))


def _require_unique(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what} {value!r} is listed twice")
        seen.add(value)


def parse_weekdays(text: str) -> frozenset[int]:
    """'mon-fri' or 'mon,wed,fri' → weekday numbers (Monday = 0)."""
    days: set[int] = set()
    for part in (piece.strip().lower() for piece in text.split(",")):
        first, _, last = part.partition("-")
        if first not in WEEKDAYS or (last and last not in WEEKDAYS):
            raise ValueError(f"days {text!r}: expected a range like mon-fri or a list like mon,wed,fri")
        start, end = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
        if end < start:
            raise ValueError(f"days {text!r}: {last} comes before {first} in the week")
        days.update(range(start, end + 1))
    return frozenset(days)


OPENING_HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


def parse_opening_hours(text: str) -> tuple[int, int]:
    """'09:00-17:30' → (540, 1050) minutes after midnight."""
    match = OPENING_HOURS.match(text.strip())
    if match is None:
        raise ValueError(f"hours {text!r}: expected HH:MM-HH:MM such as 09:00-17:30")
    opens = int(match[1]) * 60 + int(match[2])
    closes = int(match[3]) * 60 + int(match[4])
    if closes <= opens or closes > 24 * 60:
        raise ValueError(f"hours {text!r}: closing time must be after opening time")
    return opens, closes


def schema_field_names(model: type[BaseModel] = PlaybookV1) -> frozenset[str]:
    """Every key a playbook may contain, at any depth: what the reference page must document."""
    names: set[str] = set()
    for name, field in model.model_fields.items():
        names.add(name)
        for nested in _models_in(field.annotation):
            names |= schema_field_names(nested)
    return frozenset(names)


def _models_in(annotation: object) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in typing.get_args(annotation) for model in _models_in(arg)]
