"""Plain typed factories for tests: each makes one valid record, overridable by keyword."""

import re
from datetime import UTC, datetime
from decimal import Decimal
from itertools import count
from pathlib import Path
from typing import Any

from accord.domain.lifecycle import Stage, TransitionActor
from accord.models import (
    Account,
    Activity,
    Lead,
    LifecycleTransition,
    Opportunity,
    OpportunityStageChange,
    User,
)

_serial = count(1)
REFERENCE_TIME = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
PLAYBOOK_DOC = Path(__file__).resolve().parents[1] / "docs" / "playbook.md"


def next_serial() -> int:
    return next(_serial)


def make_user(**overrides: Any) -> User:
    n = next_serial()
    password = overrides.pop("password", "correct-horse-battery")
    fields: dict[str, Any] = {"email": f"user{n}@acme.test", "username": f"user{n}@acme.test", "role": "sdr"}
    fields.update(overrides)
    user = User(**fields)
    user.set_password(password)
    user.save()
    return user


def make_account(**overrides: Any) -> Account:
    n = next_serial()
    fields: dict[str, Any] = {
        "external_id": f"acc-{n}",
        "name": f"Company {n}",
        "domain": f"company{n}.test",
        "industry": "software",
        "employees": 250,
        "country": "GB",
        "created_at": REFERENCE_TIME,
    }
    fields.update(overrides)
    return Account.objects.create(**fields)


def make_lead(**overrides: Any) -> Lead:
    n = next_serial()
    fields: dict[str, Any] = {
        "external_id": f"lead-{n}",
        "email": f"person{n}@company{n}.test",
        "first_name": "Pat",
        "last_name": f"Person{n}",
        "title": "Head of Operations",
        "seniority": "director",
        "source": "webinar",
        "created_at": REFERENCE_TIME,
    }
    fields.update(overrides)
    if "account" not in fields:
        fields["account"] = make_account()
    return Lead.objects.create(**fields)


def make_activity(lead: Lead, **overrides: Any) -> Activity:
    n = next_serial()
    fields: dict[str, Any] = {
        "external_id": f"act-{n}",
        "lead": lead,
        "kind": "page_view",
        "occurred_at": REFERENCE_TIME,
        "detail": "/pricing",
    }
    fields.update(overrides)
    return Activity.objects.create(**fields)


def make_transition(lead: Lead, to_stage: Stage, **overrides: Any) -> LifecycleTransition:
    fields: dict[str, Any] = {
        "lead": lead,
        "from_stage": lead.stage,
        "to_stage": to_stage.value,
        "occurred_at": REFERENCE_TIME,
        "actor_kind": TransitionActor.RULE.value,
        "recorded_at": REFERENCE_TIME,
    }
    fields.update(overrides)
    return LifecycleTransition.objects.create(**fields)


def make_opportunity(**overrides: Any) -> Opportunity:
    n = next_serial()
    fields: dict[str, Any] = {
        "external_id": f"opp-{n}",
        "name": f"Deal {n}",
        "amount": Decimal("12000.00"),
        "stage": "discovery",
        "created_at": REFERENCE_TIME,
    }
    fields.update(overrides)
    if "account" not in fields:
        fields["account"] = make_account()
    return Opportunity.objects.create(**fields)


def make_stage_change(opportunity: Opportunity, to_stage: str, **overrides: Any) -> OpportunityStageChange:
    fields: dict[str, Any] = {
        "opportunity": opportunity,
        "from_stage": opportunity.stage,
        "to_stage": to_stage,
        "occurred_at": REFERENCE_TIME,
    }
    fields.update(overrides)
    return OpportunityStageChange.objects.create(**fields)


def example_playbook_text() -> str:
    """The documented complete example; its owners are maria@acme.test and sam@acme.test."""
    match = re.search(r"## A complete example\n\n```yaml\n(.*?)```", PLAYBOOK_DOC.read_text(), re.S)
    assert match, f"no complete example in {PLAYBOOK_DOC}"
    return match.group(1)
