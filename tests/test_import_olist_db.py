"""The real Olist funnel imported into the database through examples/olist/mapping.yaml, the way
``accord import`` does it, then read back with queries and compared with figures computed here from the
raw CSVs with the standard csv module. The data lives beside the repo, in ../shared (CI has it)."""

from __future__ import annotations

import csv
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F
from django.db.models.functions import TruncMonth
from pytest_django import DjangoDbBlocker

from accord.importers import RecordKind, plan_import
from accord.models import ImportRun, ImportStatus, LifecycleTransition, Opportunity
from accord.queries.import_review import list_warnings
from accord.services.imports import ImportReport, run_import

REPO = Path(__file__).resolve().parents[1]
OLIST = REPO.parent / "shared" / "data" / "olist"
MQLS = OLIST / "olist_marketing_qualified_leads_dataset.csv"
DEALS = OLIST / "olist_closed_deals_dataset.csv"
MAPPING = REPO / "examples" / "olist" / "mapping.yaml"
# What the mapping calls an MQL with a blank origin (Olist's own "unknown" is a different origin).
BLANK_ORIGIN = "not_recorded"
FIRST_RUN_AT = datetime(2026, 1, 1, tzinfo=UTC)
SECOND_RUN_AT = datetime(2026, 1, 2, tzinfo=UTC)
SECONDS_PER_DAY = 86_400

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class OlistImport:
    first: ImportReport
    second: ImportReport


def raw(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def import_olist(now: datetime) -> ImportReport:
    plan = plan_import(RecordKind.LEADS, MQLS, mapping_path=MAPPING, now=now)
    return run_import(plan.streams, now=now)


@pytest.fixture(scope="module")
def olist(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[OlistImport]:
    """Both imports once for the module (8,842 rows twice), inside a transaction rolled back at the end;
    each test runs in a savepoint within it."""
    if not (MQLS.exists() and DEALS.exists()):
        pytest.fail(f"the Olist data must be beside the repository, in {OLIST} (see its README.md)")
    with django_db_blocker.unblock(), transaction.atomic():
        yield OlistImport(import_olist(FIRST_RUN_AT), import_olist(SECOND_RUN_AT))
        transaction.set_rollback(True)


def totals(report: ImportReport) -> dict[str, dict[str, int]]:
    return {
        stream.kind.value: {
            name: getattr(stream.counts, name)
            for name in stream.counts.__dataclass_fields__
            if getattr(stream.counts, name)
        }
        for stream in report.streams
    }


def origin_by_mql() -> dict[str, str]:
    return {row["mql_id"]: row["origin"] or BLANK_ORIGIN for row in raw(MQLS)}


def raw_days_to_won() -> dict[str, list[float]]:
    """Fractional days from first contact (a date: midnight UTC) to won (a UTC date-time), per origin."""
    mqls = {row["mql_id"]: row for row in raw(MQLS)}
    days: dict[str, list[float]] = defaultdict(list)
    for deal in raw(DEALS):
        mql = mqls[deal["mql_id"]]
        contact = datetime.strptime(mql["first_contact_date"], "%Y-%m-%d").replace(tzinfo=UTC)
        won = datetime.strptime(deal["won_date"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
        days[mql["origin"] or BLANK_ORIGIN].append((won - contact).total_seconds() / SECONDS_PER_DAY)
    return days


def medians(days: dict[str, list[float]]) -> dict[str, float]:
    return {origin: statistics.median(values) for origin, values in days.items()}


def in_days(duration: timedelta) -> float:
    return duration.total_seconds() / SECONDS_PER_DAY


def test_the_first_import_inserts_every_row_and_rejects_none(olist: OlistImport) -> None:
    assert totals(olist.first) == {
        # The one lead won before its first contact: its stage dates are out of clock order.
        "leads": {"inserted": 8000, "warnings": 1},
        "opportunities": {"inserted": 842, "warnings": 1},
    }
    assert olist.first.rejections == []
    assert set(ImportRun.objects.values_list("status", flat=True)) == {ImportStatus.COMPLETED}


def test_a_second_import_reports_everything_unchanged(olist: OlistImport) -> None:
    assert totals(olist.second) == {"leads": {"unchanged": 8000}, "opportunities": {"unchanged": 842}}
    assert olist.second.rejections == []


def test_mqls_per_origin_and_per_month(olist: OlistImport) -> None:
    mqls = raw(MQLS)
    into_mql = LifecycleTransition.objects.filter(to_stage="mql", from_stage="lead")
    per_origin = dict(
        into_mql.values_list("lead__source").annotate(n=Count("id")).values_list("lead__source", "n")
    )
    assert per_origin == Counter(row["origin"] or BLANK_ORIGIN for row in mqls)
    assert per_origin[BLANK_ORIGIN] == 60 and per_origin["unknown"] == 1099
    per_month = {
        month.strftime("%Y-%m"): n
        for month, n in into_mql.annotate(month=TruncMonth("occurred_at"))
        .values("month")
        .annotate(n=Count("id"))
        .values_list("month", "n")
    }
    assert per_month == Counter(row["first_contact_date"][:7] for row in mqls)
    assert sum(per_month.values()) == 8000


def test_closed_won_deals_per_origin(olist: OlistImport) -> None:
    origin_of = origin_by_mql()
    expected = Counter(origin_of[row["mql_id"]] for row in raw(DEALS))
    won = Opportunity.objects.filter(status="won")
    assert (
        dict(
            won.values("source_lead__source").annotate(n=Count("id")).values_list("source_lead__source", "n")
        )
        == expected
    )
    assert dict(won.values("source").annotate(n=Count("id")).values_list("source", "n")) == expected
    into_customer = LifecycleTransition.objects.filter(to_stage="customer", from_stage="mql")
    assert (
        dict(into_customer.values("lead__source").annotate(n=Count("id")).values_list("lead__source", "n"))
        == expected
    )
    assert expected["organic_search"] == 271 and sum(expected.values()) == 842


def test_median_days_from_first_contact_to_won_per_origin(olist: OlistImport) -> None:
    expected = medians(raw_days_to_won())
    by_deal: dict[str, list[float]] = defaultdict(list)
    cycle = ExpressionWrapper(F("closed_at") - F("source_lead__created_at"), output_field=DurationField())
    for origin, duration in (
        Opportunity.objects.filter(status="won")
        .annotate(cycle=cycle)
        .values_list("source_lead__source", "cycle")
    ):
        by_deal[origin].append(in_days(duration))
    assert medians(by_deal) == pytest.approx(expected, abs=1e-9)
    mql_at = dict(LifecycleTransition.objects.filter(to_stage="mql").values_list("lead_id", "occurred_at"))
    by_history: dict[str, list[float]] = defaultdict(list)
    for lead_id, origin, won_at in LifecycleTransition.objects.filter(to_stage="customer").values_list(
        "lead_id", "lead__source", "occurred_at"
    ):
        by_history[origin].append(in_days(won_at - mql_at[lead_id]))
    assert medians(by_history) == pytest.approx(expected, abs=1e-9)
    # The README's calendar-day medians, as a check on the reading of the raw files themselves.
    assert round(statistics.median(d for days in raw_days_to_won().values() for d in days), 2) == 14.65


def test_the_deal_won_before_first_contact_is_kept_and_listed_as_a_warning(olist: OlistImport) -> None:
    mqls = {row["mql_id"]: row for row in raw(MQLS)}
    early = [row for row in raw(DEALS) if row["won_date"][:10] < mqls[row["mql_id"]]["first_contact_date"]]
    assert len(early) == 1
    [warning] = list_warnings(code="won_before_first_contact")
    assert (warning.entity, warning.external_id) == ("opportunities", early[0]["seller_id"])
    deal = Opportunity.objects.select_related("source_lead").get(external_id=early[0]["seller_id"])
    assert deal.status == "won" and deal.closed_at is not None
    assert deal.source_lead is not None and deal.source_lead.external_id == early[0]["mql_id"]
    assert (deal.source_lead.created_at.date() - deal.closed_at.date()).days == 2
    [out_of_order] = list_warnings(code="stage_dates_out_of_order")
    assert (out_of_order.entity, out_of_order.external_id) == ("leads", early[0]["mql_id"])
    assert len(list_warnings()) == 2
