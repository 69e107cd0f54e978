"""The bulk loader through the real database: values read back through the ORM equal what was loaded,
on SQLite and on PostgreSQL, including awkward text, microseconds, NULLs and JSON."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest
from django.db import connection

from accord.domain.columnar import Coded, ColumnTable, Numbered
from accord.errors import InvalidInput
from accord.models import Account, Activity, Lead, Opportunity
from accord.services.bulk_load import bulk_load
from tests.factories import REFERENCE_TIME, make_account, make_lead

pytestmark = pytest.mark.django_db

AWKWARD_TEXTS = ["plain", "tab\there", "new\nline", "back\\slash", "quote ' \" ok", "ünïcødé ✓", "\\N", ""]


def seconds(values: list[datetime]) -> np.ndarray:
    return np.array([value.replace(tzinfo=None) for value in values], dtype="datetime64[us]")


def test_accounts_round_trip_exactly_with_awkward_text_json_and_decimals() -> None:
    count = len(AWKWARD_TEXTS)
    created = [REFERENCE_TIME + timedelta(days=n, microseconds=n * 1001) for n in range(count)]
    attributes = (
        {},
        {"segment": "smb", "tags": ["a\tb", 'q"uote'], "n": 1.5},
        {"nested": {"back\\slash": None}},
    )
    table = ColumnTable(
        "account",
        {
            "id": np.arange(101, 101 + count),
            "external_id": Numbered("acc-", np.arange(count)),
            "name": np.array(AWKWARD_TEXTS, dtype=object),
            "industry": Coded(np.arange(count) % 2, ("software", "fin\ttech")),
            "employees": Coded(np.arange(count) % 2, (None, 250)),
            "annual_revenue": np.array([1234567.891, 0.0, 5.5, 12.0, 3.0, 99.99, 1e9, np.nan]),
            "attributes": Coded(np.arange(count) % 3, attributes),
            "created_at": seconds(created),
        },
    )
    assert bulk_load(Account, table, batch_rows=3) == count
    loaded = list(Account.objects.order_by("id"))
    assert [account.id for account in loaded] == list(range(101, 101 + count))
    assert [account.name for account in loaded] == AWKWARD_TEXTS
    assert [account.external_id for account in loaded] == [f"acc-{n}" for n in range(count)]
    assert [account.industry for account in loaded] == ["software", "fin\ttech"] * (count // 2)
    assert [account.employees for account in loaded] == [None, 250] * (count // 2)
    assert [account.attributes for account in loaded] == [attributes[n % 3] for n in range(count)]
    assert [account.created_at for account in loaded] == created
    assert loaded[0].annual_revenue == Decimal("1234567.89")
    assert loaded[-1].annual_revenue is None
    assert [account.domain for account in loaded] == [""] * count  # blank text filled in
    # Stored exactly as Django stores it: an exact lookup by the datetime finds the row.
    assert Account.objects.get(created_at=created[3]).id == 104


def test_activities_round_trip_with_foreign_keys_booleans_and_null_actors() -> None:
    lead = make_lead()
    occurred = [REFERENCE_TIME + timedelta(hours=n) for n in range(4)]
    table = ColumnTable(
        "activity",
        {
            "external_id": Numbered("evt-", np.arange(4)),
            "lead_id": np.full(4, lead.id),
            "kind": Coded(np.array([0, 1, 0, 1]), ("page_view", "call")),
            "is_sales_touch": np.array([False, True, False, True]),
            "occurred_at": seconds(occurred),
            "detail": np.array(["/pricing", "no answer", "/", "voicemail"], dtype=object),
        },
    )
    bulk_load(Activity, table)
    loaded = list(Activity.objects.filter(lead=lead).order_by("occurred_at"))
    assert [a.is_sales_touch for a in loaded] == [False, True, False, True]
    assert [a.occurred_at for a in loaded] == occurred
    assert all(a.occurred_at.utcoffset() == timedelta(0) for a in loaded)
    assert [a.actor_id for a in loaded] == [None] * 4
    assert [a.attributes for a in loaded] == [{}] * 4  # the field's default
    assert Activity.objects.filter(occurred_at__gte=occurred[2], is_sales_touch=True).count() == 1


def test_a_row_added_through_the_orm_after_a_load_with_ids_gets_a_fresh_id() -> None:
    table = ColumnTable(
        "lead",
        {
            "id": np.array([5000, 5001]),
            "external_id": Numbered("bulk-lead-", np.array([1, 2])),
            "email": np.array([None, "b@example.test"], dtype=object),
            "created_at": seconds([REFERENCE_TIME, REFERENCE_TIME]),
        },
    )
    bulk_load(Lead, table)
    later = make_lead()
    assert later.id > 5001
    assert Lead.objects.get(id=5000).email is None
    assert Lead.objects.get(id=5001).stage == "lead"


def test_nat_loads_as_null_and_aware_datetimes_in_object_columns_are_converted_to_utc() -> None:
    account = make_account()
    plus_two = datetime(2026, 6, 1, 11, 0, tzinfo=UTC).astimezone(tz=None)
    table = ColumnTable(
        "opportunity",
        {
            "external_id": Numbered("opp-", np.array([1, 2])),
            "name": np.array(["a", "b"], dtype=object),
            "account_id": np.array([account.id, account.id]),
            "amount": np.array([100.0, 2500.5]),
            "stage": Coded(np.array([0, 1]), ("discovery", "won")),
            "status": Coded(np.array([0, 1]), ("open", "won")),
            "created_at": np.array([plus_two, plus_two], dtype=object),
            "closed_at": np.array(["NaT", "2026-07-01T00:00:00"], dtype="datetime64[s]"),
        },
    )
    bulk_load(Opportunity, table)
    opened, won = Opportunity.objects.order_by("external_id")
    assert opened.closed_at is None
    assert won.closed_at == datetime(2026, 7, 1, tzinfo=UTC)
    assert opened.created_at == datetime(2026, 6, 1, 11, 0, tzinfo=UTC)
    assert won.amount == Decimal("2500.50")


def test_unknown_columns_and_missing_required_values_are_refused() -> None:
    with pytest.raises(InvalidInput, match="no field 'nope'"):
        bulk_load(Lead, ColumnTable("lead", {"nope": np.arange(2)}))
    with pytest.raises(InvalidInput, match="created_at"):
        bulk_load(Lead, ColumnTable("lead", {"external_id": Numbered("x-", np.arange(2))}))
    assert Lead.objects.count() == 0


def test_stored_values_are_identical_to_what_the_orm_itself_stores() -> None:
    """Not just equal after parsing: the very same stored form, so that SQL comparing or grouping
    by these columns treats loaded rows and ORM-created rows alike."""
    created = REFERENCE_TIME + timedelta(microseconds=250)
    attributes = {"segment": "smb", "note": "tab\there", "n": [1, 2.5, None]}
    orm_account = make_account(
        external_id="by-orm", created_at=created, attributes=attributes, annual_revenue=Decimal("1500.50")
    )
    table = ColumnTable(
        "account",
        {
            "external_id": Numbered("by-loader-", np.array([1])),
            "name": np.array([orm_account.name], dtype=object),
            "domain": np.array([orm_account.domain], dtype=object),
            "industry": np.array([orm_account.industry], dtype=object),
            "employees": np.array([orm_account.employees]),
            "country": np.array([orm_account.country], dtype=object),
            "annual_revenue": np.array([1500.5]),
            "attributes": Coded(np.array([0]), (attributes,)),
            "created_at": seconds([created]),
        },
    )
    bulk_load(Account, table)
    names = (
        "name",
        "domain",
        "industry",
        "employees",
        "country",
        "annual_revenue",
        "attributes",
        "created_at",
    )
    # As text, so that the driver's own parsing cannot hide a difference in the stored form.
    columns = ", ".join(f"CAST({name} AS TEXT)" for name in names)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM accord_account ORDER BY external_id")
        by_loader, by_orm = cursor.fetchall()
    assert by_loader == by_orm
