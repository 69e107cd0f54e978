"""Request and response bodies of the ingestion API. Record fields mirror the canonical columns
(importers.columns): same names and meaning, read by the importers' own rules, so a file import and the
API accept the same values. A text's limit is the column's or the table's, whichever is shorter."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.db import models
from ninja import Field, Schema
from pydantic import ConfigDict, JsonValue, StrictBool, StrictInt, StringConstraints

from accord.importers.canonical import RecordKind
from accord.importers.columns import LONG_TEXT_CHARS, ColumnType, columns_of
from accord.models import Activity, Lead, LeadVisitor, LifecycleTransition, PendingActivity

# Records per batch request: a form backlog or an hourly sync fits, and one transaction stays short.
MAX_BATCH_RECORDS = 500
ATTRIBUTE_NAME_CHARS = 100
# What each kind of column takes, told in words: a JSON Schema "format" or "pattern" would promise less
# than is accepted (blank means not given; dates may omit the time; values are trimmed first).
EXPECTED = {
    ColumnType.DATETIME: "ISO 8601 date-time, e.g. 2026-03-31T14:05:00Z (UTC if no zone), or a date",
    ColumnType.EMAIL: "an e-mail address",
    ColumnType.SNAKE: "a lower_snake name",
}


def stored_chars(model: type[models.Model], name: str) -> int:
    field = model._meta.get_field(name)
    assert isinstance(field, models.CharField) and field.max_length is not None
    return field.max_length


def canonical(kind: RecordKind, name: str, *stored_limits: int) -> Any:
    """A text field described by its canonical column."""
    column = columns_of(kind)[name]
    max_chars = min((column.max_chars, *stored_limits))
    description = column.meaning
    if column.type in EXPECTED:
        description = f"{description}; {EXPECTED[column.type]}"
    if column.is_required:
        return Field(..., min_length=1, max_length=max_chars, description=description)
    return Field("", max_length=max_chars, description=f"{description}; blank or absent: not given")


def lead_field(name: str, *stored_limits: int) -> Any:
    return canonical(RecordKind.LEADS, name, *stored_limits)


def activity_field(name: str, *stored_limits: int) -> Any:
    return canonical(RecordKind.ACTIVITIES, name, *stored_limits)


def on_lead(name: str) -> int:
    return stored_chars(Lead, name)


def on_activity(name: str) -> tuple[int, int]:
    """An activity field is stored in the log, or in the holding area while its lead is unknown."""
    return stored_chars(Activity, name), stored_chars(PendingActivity, name)


REASON_CHARS = stored_chars(LifecycleTransition, "reason")
AttributeName = Annotated[str, StringConstraints(min_length=1, max_length=ATTRIBUTE_NAME_CHARS)]
AttributeIn = (
    StrictBool
    | StrictInt
    | Annotated[float, Field(allow_inf_nan=False)]
    | Annotated[str, StringConstraints(max_length=LONG_TEXT_CHARS)]
)
Attributes = dict[AttributeName, AttributeIn]
ATTRIBUTES_DESCRIPTION = (
    "custom attributes the playbook can use: text, numbers or true/false. Names are made lower_snake "
    "(e.g. 'Company Size' becomes company_size) and must not repeat a field of the record"
)


class LeadIn(Schema):
    """A lead, as a row of a leads file (docs/imports.md). Unknown fields are refused, not dropped."""

    model_config = ConfigDict(extra="forbid")

    external_id: str = lead_field("external_id", on_lead("external_id"))
    created_at: str = lead_field("created_at")
    email: str = lead_field("email", on_lead("email"))
    first_name: str = lead_field("first_name", on_lead("first_name"))
    last_name: str = lead_field("last_name", on_lead("last_name"))
    title: str = lead_field("title", on_lead("title"))
    seniority: str = lead_field("seniority", on_lead("seniority"))
    source: str = lead_field("source", on_lead("source"))
    campaign: str = lead_field("campaign", on_lead("campaign"))
    owner_email: str = lead_field("owner_email")
    account_external_id: str = lead_field("account_external_id")
    company_name: str = lead_field("company_name", on_lead("company_name"))
    website: str = lead_field("website")
    visitor_id: str = lead_field("visitor_id", stored_chars(LeadVisitor, "visitor_id"))
    mql_at: str = lead_field("mql_at")
    sal_at: str = lead_field("sal_at")
    sql_at: str = lead_field("sql_at")
    opportunity_at: str = lead_field("opportunity_at")
    customer_at: str = lead_field("customer_at")
    closed_lost_at: str = lead_field("closed_lost_at")
    closed_lost_reason: str = lead_field("closed_lost_reason", REASON_CHARS)
    rejected_at: str = lead_field("rejected_at")
    rejection_reason: str = lead_field("rejection_reason", REASON_CHARS)
    recycled_at: str = lead_field("recycled_at")
    attributes: Attributes = Field(default_factory=dict, description=ATTRIBUTES_DESCRIPTION)


class ActivityIn(Schema):
    """A signal or touch (a form fill, a page view, a call). It names its lead by external id, e-mail or
    anonymous visitor id; an activity whose lead is not known yet is held until the lead arrives."""

    model_config = ConfigDict(extra="forbid")

    external_id: str = activity_field("external_id", *on_activity("external_id"))
    kind: str = activity_field("kind", *on_activity("kind"))
    occurred_at: str = activity_field("occurred_at")
    lead_external_id: str = activity_field(
        "lead_external_id", stored_chars(PendingActivity, "lead_external_id")
    )
    lead_email: str = activity_field("lead_email", stored_chars(PendingActivity, "lead_email"))
    visitor_id: str = activity_field("visitor_id", stored_chars(PendingActivity, "visitor_id"))
    actor_email: str = activity_field("actor_email", stored_chars(PendingActivity, "actor_email"))
    detail: str = activity_field("detail", *on_activity("detail"))
    attributes: Attributes = Field(default_factory=dict, description=ATTRIBUTES_DESCRIPTION)


class LeadBatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    records: list[LeadIn] = Field(..., min_length=1, max_length=MAX_BATCH_RECORDS)


class ActivityBatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    records: list[ActivityIn] = Field(..., min_length=1, max_length=MAX_BATCH_RECORDS)


class RecordResultOut(Schema):
    index: int = Field(..., description="the record's position in the request (0 for a single record)")
    external_id: str
    status: Literal["inserted", "updated", "unchanged", "held"] = Field(
        ..., description="held: an activity whose lead is not known yet, kept until the lead arrives"
    )
    id: int | None = Field(..., description="Accord's id of the stored lead or activity; null while held")


class IngestOut(Schema):
    records: list[RecordResultOut]
    attached_activities: int = Field(
        ..., description="held activities attached to their lead by this request (posting leads)"
    )


class FieldErrorOut(Schema):
    loc: list[str | int] = Field(..., description="where the bad value is, e.g. body, records, 3, email")
    message: str = Field(..., description="what was wrong and what was expected")
    value: JsonValue = Field(None, description="the value given (long text is cut short)")


class ErrorDetailOut(Schema):
    code: str = Field(..., description="stable code, e.g. invalid_request, unauthenticated")
    message: str
    fields: list[FieldErrorOut] = Field(default_factory=list)


class ErrorOut(Schema):
    """The one error shape of the API."""

    error: ErrorDetailOut
