"""When an active playbook is due for review by both sides, from its activation and review cadence."""

import calendar
from datetime import datetime

MONTHS_PER_CADENCE = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}


def review_due_at(activated_at: datetime, review_every: str) -> datetime:
    """The same day of the month, cadence months later (clamped to the month's last day)."""
    months = MONTHS_PER_CADENCE[review_every]
    month_index = activated_at.month - 1 + months
    year, month = activated_at.year + month_index // 12, month_index % 12 + 1
    day = min(activated_at.day, calendar.monthrange(year, month)[1])
    return activated_at.replace(year=year, month=month, day=day)
