"""Every canonical text column fits where it is stored: a value the importers accept can never make the
database refuse a batch (PostgreSQL enforces varchar lengths; SQLite does not, so only a test sees it)."""

import pytest
from django.db import models

from accord.importers.canonical import RecordKind
from accord.importers.columns import COLUMNS, ColumnType
from accord.models import (
    Account,
    Activity,
    Lead,
    LeadVisitor,
    LifecycleTransition,
    Opportunity,
    PendingActivity,
    Spend,
    Team,
    User,
)

# Where each canonical text column ends up. Columns that only look a record up (an owner's e-mail, an
# account's external id) or only match (website) are not stored: a longer value just finds nothing.
LOOKUP_ONLY = {"website", "owner_email", "account_external_id", "source_lead_external_id"}
STORED_IN: dict[tuple[RecordKind, str], list[tuple[type[models.Model], str]]] = {
    (RecordKind.ACCOUNTS, "external_id"): [(Account, "external_id")],
    (RecordKind.ACCOUNTS, "name"): [(Account, "name")],
    (RecordKind.ACCOUNTS, "domain"): [(Account, "domain")],
    (RecordKind.ACCOUNTS, "industry"): [(Account, "industry")],
    (RecordKind.ACCOUNTS, "country"): [(Account, "country")],
    (RecordKind.LEADS, "external_id"): [(Lead, "external_id")],
    (RecordKind.LEADS, "email"): [(Lead, "email")],
    (RecordKind.LEADS, "first_name"): [(Lead, "first_name")],
    (RecordKind.LEADS, "last_name"): [(Lead, "last_name")],
    (RecordKind.LEADS, "title"): [(Lead, "title")],
    (RecordKind.LEADS, "seniority"): [(Lead, "seniority")],
    (RecordKind.LEADS, "source"): [(Lead, "source")],
    (RecordKind.LEADS, "campaign"): [(Lead, "campaign")],
    (RecordKind.LEADS, "company_name"): [(Lead, "company_name")],
    (RecordKind.LEADS, "visitor_id"): [(LeadVisitor, "visitor_id")],
    (RecordKind.LEADS, "closed_lost_reason"): [(LifecycleTransition, "reason")],
    (RecordKind.LEADS, "rejection_reason"): [(LifecycleTransition, "reason")],
    (RecordKind.ACTIVITIES, "external_id"): [(Activity, "external_id"), (PendingActivity, "external_id")],
    (RecordKind.ACTIVITIES, "kind"): [(Activity, "kind"), (PendingActivity, "kind")],
    (RecordKind.ACTIVITIES, "lead_external_id"): [(PendingActivity, "lead_external_id")],
    (RecordKind.ACTIVITIES, "lead_email"): [(PendingActivity, "lead_email")],
    (RecordKind.ACTIVITIES, "visitor_id"): [(PendingActivity, "visitor_id"), (LeadVisitor, "visitor_id")],
    (RecordKind.ACTIVITIES, "actor_email"): [(PendingActivity, "actor_email")],
    (RecordKind.ACTIVITIES, "detail"): [(Activity, "detail"), (PendingActivity, "detail")],
    (RecordKind.OPPORTUNITIES, "external_id"): [(Opportunity, "external_id")],
    (RecordKind.OPPORTUNITIES, "name"): [(Opportunity, "name")],
    (RecordKind.OPPORTUNITIES, "source"): [(Opportunity, "source")],
    (RecordKind.OPPORTUNITIES, "currency"): [(Opportunity, "currency")],
    (RecordKind.OPPORTUNITIES, "stage"): [(Opportunity, "stage")],
    (RecordKind.OPPORTUNITIES, "loss_reason"): [(Opportunity, "loss_reason")],
    (RecordKind.OPPORTUNITIES, "competitor"): [(Opportunity, "competitor")],
    (RecordKind.USERS, "email"): [(User, "email")],
    (RecordKind.USERS, "full_name"): [(User, "first_name"), (User, "last_name")],
    (RecordKind.USERS, "team"): [(Team, "name")],
    (RecordKind.USERS, "external_id"): [(User, "external_id")],
    (RecordKind.SPEND, "source"): [(Spend, "source")],
    (RecordKind.SPEND, "campaign"): [(Spend, "campaign")],
    (RecordKind.SPEND, "currency"): [(Spend, "currency")],
}
TEXT_TYPES = {ColumnType.TEXT, ColumnType.EMAIL, ColumnType.SNAKE, ColumnType.CURRENCY}


def stored_limit(model: type[models.Model], name: str) -> int:
    field = model._meta.get_field(name)
    assert isinstance(field, models.CharField) and field.max_length is not None
    return field.max_length


@pytest.mark.parametrize(("kind", "name"), sorted(STORED_IN))
def test_a_canonical_column_is_no_longer_than_where_it_is_stored(kind: RecordKind, name: str) -> None:
    column = next(column for column in COLUMNS[kind] if column.name == name)
    for model, field in STORED_IN[(kind, name)]:
        limit = stored_limit(model, field)
        assert column.max_chars <= limit, (
            f"{kind}.{name} accepts {column.max_chars} chars; {model.__name__}.{field} holds {limit}"
        )


def test_every_stored_text_column_is_listed() -> None:
    unlisted = [
        (kind, column.name)
        for kind, columns in COLUMNS.items()
        for column in columns
        if column.type in TEXT_TYPES
        and (kind, column.name) not in STORED_IN
        and column.name not in LOOKUP_ONLY
    ]
    assert not unlisted, f"say where these are stored: {unlisted}"
