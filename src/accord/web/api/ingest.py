"""POST /api/leads, /api/leads/batch, /api/activities, /api/activities/batch. Thin: parse the body into
canonical records, call the ingestion service, report each record's outcome."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router
from ninja.responses import Status

from accord.errors import RecordsRejected
from accord.models import ApiKey
from accord.services.ingestion import IngestionResult, ingest_activities, ingest_leads
from accord.web.api.errors import rejected_fields
from accord.web.api.records import activity_records, lead_records
from accord.web.api.schemas import (
    ActivityBatchIn,
    ActivityIn,
    ErrorOut,
    IngestOut,
    LeadBatchIn,
    LeadIn,
    RecordResultOut,
)

router = Router(tags=["ingestion"])
RESPONSES = {
    200: IngestOut,
    201: IngestOut,
    400: ErrorOut,
    401: ErrorOut,
    413: ErrorOut,
    422: ErrorOut,
}


@router.post("/leads", response=RESPONSES, summary="Send one lead")
def post_lead(request: HttpRequest, lead: LeadIn) -> Status[IngestOut]:
    return _leads(request, [lead], is_batch=False)


@router.post("/leads/batch", response=RESPONSES, summary="Send up to 500 leads, all or nothing")
def post_leads(request: HttpRequest, batch: LeadBatchIn) -> Status[IngestOut]:
    return _leads(request, batch.records, is_batch=True)


@router.post("/activities", response=RESPONSES, summary="Send one activity (e.g. a form fill)")
def post_activity(request: HttpRequest, activity: ActivityIn) -> Status[IngestOut]:
    return _activities(request, [activity], is_batch=False)


@router.post("/activities/batch", response=RESPONSES, summary="Send up to 500 activities, all or nothing")
def post_activities(request: HttpRequest, batch: ActivityBatchIn) -> Status[IngestOut]:
    return _activities(request, batch.records, is_batch=True)


def _leads(request: HttpRequest, items: list[LeadIn], *, is_batch: bool) -> Status[IngestOut]:
    now = timezone.now()
    try:
        records = lead_records(items, now=now)
        result = ingest_leads(records, source_name=_source_name(request), now=now)
    except RecordsRejected as exc:
        raise rejected_fields(exc, is_batch=is_batch) from exc
    return _response(result)


def _activities(request: HttpRequest, items: list[ActivityIn], *, is_batch: bool) -> Status[IngestOut]:
    now = timezone.now()
    try:
        records = activity_records(items, now=now)
        result = ingest_activities(records, source_name=_source_name(request), now=now)
    except RecordsRejected as exc:
        raise rejected_fields(exc, is_batch=is_batch) from exc
    return _response(result)


def _source_name(request: HttpRequest) -> str:
    key: ApiKey = request.auth  # type: ignore[attr-defined]
    return f"API key {key.prefix}… ({key.name})"


def _response(result: IngestionResult) -> Status[IngestOut]:
    body = IngestOut(
        records=[
            RecordResultOut(index=o.position, external_id=o.external_id, status=o.outcome.value, id=o.id)
            for o in result.outcomes
        ],
        attached_activities=result.counts.attached,
    )
    return Status(201 if result.has_new_records else 200, body)
