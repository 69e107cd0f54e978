"""A tiny hand-built history for the backtest and audit tests, with two playbooks that differ only in
the MQL rule's fit threshold (marketing's 50, sales's 80). Expected numbers are derived in the tests."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl

from accord.domain.backtest import History
from accord.domain.playbook.catalog import AttributeCatalog
from accord.domain.playbook.validation import load_playbook
from accord.domain.scoring import CompiledPlaybook, compile_playbook

PLAYBOOK_TEMPLATE = """
schema_version: 1
name: {name}
review_every: quarter
owners: {{marketing: m@acme.test, sales: s@acme.test}}
sources: {{webinar: marketing, outbound: outbound}}
fit:
  - {{when: "account.employees between 50 and 1000", points: 50}}
  - {{when: "lead.seniority in [vp]", points: 30}}
{extra_fit}
disqualify:
  - {{when: "lead.email_domain in [gmail.com]", reason: personal_email}}
intent:
  window_days: 30
  half_life_days: 10
  signals:
    demo_request: {{points: 5, hand_raiser: true}}
    webinar_attended: {{points: 40}}
    page_view: {{points: 10}}
mql: "{mql}"
sql: {{checklist: [budget, authority, need, timing], at_least: 3}}
rejection_reasons: [not_icp]
opportunity_stages: [{{name: discovery}}]
"""


def playbook(mql: str, *, name: str = "test", extra_fit: str = "") -> CompiledPlaybook:
    text = PLAYBOOK_TEMPLATE.format(name=name, mql=mql, extra_fit=extra_fit)
    return compile_playbook(load_playbook(text, AttributeCatalog()))


MARKETING = playbook("fit >= 50 and (hand_raiser or intent >= 40)", name="marketing")
SALES = playbook("fit >= 80 and (hand_raiser or intent >= 40)", name="sales")


def at(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


JAN_1 = at(1, 1)
# lead_id: (employees, seniority, email domain, created_at, reached sql, won)
LEADS = {
    1: (200, "vp", "acme.test", JAN_1, True, True),  # fit 80
    2: (200, "manager", "beta.test", JAN_1, True, False),  # fit 50
    3: (200, "vp", "gmail.com", JAN_1, False, False),  # fit 80, disqualified
    4: (200, "vp", "delta.test", JAN_1, True, False),  # fit 80
    5: (200, "vp", "eps.test", JAN_1, False, False),  # fit 80
    6: (200, "manager", "zeta.test", JAN_1, False, False),  # fit 50
    7: (5, "vp", "eta.test", JAN_1, True, True),  # fit 30
}
ACTIVITIES = [
    (1, "webinar_attended", at(3, 10, 10)),  # intent 40 at once
    (1, "call", at(3, 11)),  # a sales touch: not a signal
    (2, "demo_request", at(4, 5, 9)),  # 5 points: passes by hand-raiser alone
    (3, "demo_request", at(3, 15)),
    (4, "webinar_attended", at(2, 20)),  # passes before the period
    (4, "webinar_attended", at(3, 20)),
    (5, "page_view", at(4, 19)),
    (5, "page_view", at(4, 19)),
    (5, "page_view", at(4, 19)),  # 30
    (5, "page_view", at(4, 20)),  # 30·2^-0.1 + 10 = 37.99
    (5, "page_view", at(4, 21)),  # 30·2^-0.2 + 10·2^-0.1 + 10 = 45.45: passes here
    (6, "webinar_attended", at(5, 3)),  # after the period
    (7, "demo_request", at(3, 5)),  # fit too low
]


def history(
    leads: dict[int, tuple[int, str, str, datetime, bool, bool]] = LEADS,
    activities: list[tuple[int, str, datetime]] = ACTIVITIES,
) -> History:
    ids = list(leads)
    return History(
        leads=pl.DataFrame(
            {
                "lead_id": ids,
                "created_at": pl.Series([leads[i][3] for i in ids], dtype=pl.Datetime("us", "UTC")),
                "lead.created_at": pl.Series([leads[i][3] for i in ids], dtype=pl.Datetime("us", "UTC")),
                "account.employees": [leads[i][0] for i in ids],
                "lead.seniority": [leads[i][1] for i in ids],
                "lead.email_domain": [leads[i][2] for i in ids],
            }
        ),
        activities=pl.DataFrame(
            activities,
            schema={"lead_id": pl.Int64, "kind": pl.String, "occurred_at": pl.Datetime("us", "UTC")},
            orient="row",
        ),
        outcomes=pl.DataFrame(
            {
                "lead_id": ids,
                "has_reached_sql": [leads[i][4] for i in ids],
                "has_won": [leads[i][5] for i in ids],
            }
        ),
    )
