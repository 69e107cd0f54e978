"""Reads over the lifecycle log."""

from datetime import datetime

from accord.domain.lifecycle import Stage, derive_stage_dates
from accord.models import LifecycleTransition


def get_stage_dates(lead_id: int) -> dict[Stage, datetime]:
    """mql_at, sql_at, … of the lead's current cycle, derived from its transition log."""
    log = LifecycleTransition.objects.filter(lead_id=lead_id).order_by("occurred_at", "id")
    return derive_stage_dates(log.only("to_stage", "occurred_at"))
