"""The canonical import records (DESIGN §7): one typed row per kind, what every file, mapping and the
HTTP API turn into before anything touches the database. Parsing produces these or RowErrors.

The records are values: nothing changes one after it is built. They are not declared frozen because a
frozen dataclass sets each field through object.__setattr__, which made building one cost 3 µs against
0.6 µs for a slotted one, at millions of rows an import (bench/RESULTS.md, "Import"). They pickle as
their field values (accord.importers.background sends them between processes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from operator import attrgetter

# Custom attributes keep the value's type as read: text, a number or a boolean.
AttributeValue = str | int | float | bool


class RecordKind(StrEnum):
    ACCOUNTS = "accounts"
    LEADS = "leads"
    ACTIVITIES = "activities"
    OPPORTUNITIES = "opportunities"
    USERS = "users"
    SPEND = "spend"


@dataclass(frozen=True)
class RowError:
    """Why one input row was rejected: where it was, which field, the value seen and what was expected."""

    line: int
    field: str
    value: str
    reason: str

    def __str__(self) -> str:
        shown = self.value if len(self.value) <= 80 else self.value[:77] + "…"
        return f"line {self.line}, {self.field or 'row'}: {self.reason} (got {shown!r})"


class _Record:
    """Pickled as the class and its field values in order, rebuilt by one positional call: the
    default for a slotted dataclass sets each field by name in Python, twice as slow."""

    __slots__ = ()
    __match_args__: tuple[str, ...]

    def __reduce__(self) -> tuple[type[_Record], tuple[object, ...]]:
        cls = type(self)
        fields = _FIELD_GETTERS.get(cls)
        if fields is None:
            fields = _FIELD_GETTERS[cls] = attrgetter(*cls.__match_args__)
        return cls, fields(self)


# Each record class's field values in order, read in one C call (filled on first use).
_FIELD_GETTERS: dict[type[_Record], Callable[[_Record], tuple[object, ...]]] = {}


@dataclass(slots=True)
class AccountRecord(_Record):
    line: int
    external_id: str
    name: str
    domain: str = ""
    industry: str = ""
    employees: int | None = None
    annual_revenue: Decimal | None = None
    country: str = ""
    created_at: datetime | None = None
    attributes: dict[str, AttributeValue] = field(default_factory=dict)


@dataclass(slots=True)
class StageDates(_Record):
    """Historical lifecycle dates from a CRM, loaded as transitions that happened then."""

    mql_at: datetime | None = None
    sal_at: datetime | None = None
    sql_at: datetime | None = None
    opportunity_at: datetime | None = None
    customer_at: datetime | None = None
    closed_lost_at: datetime | None = None
    closed_lost_reason: str = ""
    rejected_at: datetime | None = None
    rejection_reason: str = ""
    recycled_at: datetime | None = None


@dataclass(slots=True)
class LeadRecord(_Record):
    line: int
    external_id: str
    created_at: datetime
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    title: str = ""
    seniority: str = ""
    source: str = ""
    campaign: str = ""
    owner_email: str = ""
    account_external_id: str = ""
    # Used to match a lead to an account when account_external_id is empty.
    company_name: str = ""
    website: str = ""
    # An anonymous visitor id this lead was identified as (its earlier activity is attached to it).
    visitor_id: str = ""
    stages: StageDates = field(default_factory=StageDates)
    attributes: dict[str, AttributeValue] = field(default_factory=dict)


@dataclass(slots=True)
class ActivityRecord(_Record):
    """A signal or touch; it names its lead by external id, e-mail or anonymous visitor id."""

    line: int
    external_id: str
    kind: str
    occurred_at: datetime
    lead_external_id: str = ""
    lead_email: str = ""
    visitor_id: str = ""
    actor_email: str = ""
    detail: str = ""
    attributes: dict[str, AttributeValue] = field(default_factory=dict)


class OpportunityOutcome(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


@dataclass(slots=True)
class OpportunityRecord(_Record):
    line: int
    external_id: str
    name: str
    amount: Decimal
    created_at: datetime
    status: OpportunityOutcome = OpportunityOutcome.OPEN
    account_external_id: str = ""
    source_lead_external_id: str = ""
    owner_email: str = ""
    source: str = ""
    currency: str = "USD"
    stage: str = ""
    closed_at: datetime | None = None
    loss_reason: str = ""
    competitor: str = ""
    attributes: dict[str, AttributeValue] = field(default_factory=dict)


@dataclass(slots=True)
class UserRecord(_Record):
    line: int
    email: str
    role: str
    full_name: str = ""
    team: str = ""
    external_id: str = ""


@dataclass(slots=True)
class SpendRecord(_Record):
    """Money spent on a source (and campaign) in one month."""

    line: int
    source: str
    month: datetime
    amount: Decimal
    campaign: str = ""
    currency: str = "USD"


CanonicalRecord = AccountRecord | LeadRecord | ActivityRecord | OpportunityRecord | UserRecord | SpendRecord
