"""The synthetic B2B company as load-ready column tables with explicit integer ids, so foreign keys
are set without round trips. Same (leads, seed, as_of), same company, bit for bit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from accord.domain.columnar import Coded, ColumnTable, Numbered
from accord.errors import InvalidInput
from accord.synthetic import catalog as cat
from accord.synthetic.behaviour import Signals, make_signals, qualify, signal_detail_labels
from accord.synthetic.funnel import ACTOR_KINDS, STAGES, TRANSITION_REASONS, Deals, Funnel, run_funnel
from accord.synthetic.funnel import touch_detail_labels as touch_labels
from accord.synthetic.people import (
    LEADS_PER_ACCOUNT,
    SECONDS_PER_DAY,
    Firmographics,
    People,
    fit_points,
    id_width,
    make_accounts,
    make_leads,
    make_staff,
)

YEAR_S = 365 * SECONDS_PER_DAY
# Mean signals per lead is a little below the target so that sales touches bring the mean to it.
TOUCHES_PER_LEAD_ESTIMATE = 0.45


@dataclass(frozen=True)
class DemoUser:
    role: str
    user_id: int
    email: str


@dataclass(frozen=True)
class SyntheticCompany:
    """Tables in load order (parents before children); names are model names in lower case."""

    seed: int
    as_of: datetime
    tables: tuple[ColumnTable, ...]
    first_user_by_role: tuple[DemoUser, ...]
    fit: np.ndarray  # per lead (index = id - 1), the fit score the MQL rule saw

    def table(self, name: str) -> ColumnTable:
        return next(table for table in self.tables if table.name == name)


def to_datetime64(seconds: np.ndarray) -> np.ndarray:
    return seconds.astype("datetime64[s]")


def generate_company(
    *, leads: int, seed: int, as_of: datetime, mean_activities_per_lead: float = 20.0
) -> SyntheticCompany:
    """A year of a B2B company's funnel ending at ``as_of`` (aware): accounts, leads, signals, MQLs,
    sales touches, dispositions and opportunities."""
    if as_of.tzinfo is None or as_of.utcoffset() is None:
        raise InvalidInput("as_of must be an aware datetime (UTC)")
    if leads < 1:
        raise InvalidInput(f"leads must be at least 1, not {leads}")
    as_of_s = int(as_of.astimezone(UTC).timestamp())
    start_s = as_of_s - YEAR_S
    rng = np.random.default_rng(seed)
    staff = make_staff(leads, start_s)
    accounts = make_accounts(rng, max(1, leads // LEADS_PER_ACCOUNT), start_s)
    people = make_leads(rng, leads, accounts, start_s, as_of_s)
    fit = fit_points(people, accounts)
    signals = make_signals(rng, people, mean_activities_per_lead - TOUCHES_PER_LEAD_ESTIMATE, as_of_s)
    funnel = run_funnel(
        rng, qualify(rng, signals, people, fit, as_of_s), people, accounts, fit, staff, as_of_s
    )
    # Teams and users refer to each other: load the tables in one transaction (FK checks are deferred).
    tables = (
        staff.teams,
        staff.users,
        accounts.table,
        lead_table(people, funnel),
        activity_table(signals, funnel),
        transition_table(funnel),
        *deal_tables(funnel.deals, accounts, people),
    )
    demo_users = tuple(DemoUser(role, uid, email) for role, (uid, email) in staff.first_by_role.items())
    return SyntheticCompany(seed, as_of.astimezone(UTC), tables, demo_users, fit)


def lead_table(people: People, funnel: Funnel) -> ColumnTable:
    lead_count = len(people.account)
    lead, _, to_stage, _, _, _, _ = funnel.transitions
    stage = np.full(lead_count, STAGES.index(STAGES[0]), dtype=np.int8)
    # Transitions are sorted by lead, then time: a lead's last row is its current stage.
    is_last = np.ones(len(lead), dtype=bool)
    is_last[:-1] = lead[1:] != lead[:-1]
    stage[lead[is_last]] = to_stage[is_last]
    user_count = int(funnel.owner.max(initial=0))
    return ColumnTable(
        "lead",
        {
            **people.columns,  # type: ignore[dict-item]
            "stage": Coded(stage, tuple(s.value for s in STAGES)),
            "owner_id": Coded(funnel.owner, (None, *range(1, user_count + 1))),
        },
    )


def activity_table(signals: Signals, funnel: Funnel) -> ColumnTable:
    touches = funnel.touches
    signal_details, _, _ = signal_detail_labels()
    touch_details, _, _ = touch_labels()
    count = len(signals.lead) + len(touches.lead)
    ids = np.arange(1, count + 1)
    kind = np.concatenate([signals.kind, touches.kind + len(cat.SIGNAL_KINDS)]).astype(np.int8)
    actor = np.concatenate([np.zeros(len(signals.lead), dtype=np.int64), touches.actor])
    return ColumnTable(
        "activity",
        {
            "id": ids,
            "external_id": Numbered("demo-act-", ids, id_width(ids)),
            "lead_id": np.concatenate([signals.lead.astype(np.int64), touches.lead]) + 1,
            "kind": Coded(kind, (*cat.SIGNAL_KINDS, *cat.TOUCH_KINDS)),
            "is_sales_touch": kind >= len(cat.SIGNAL_KINDS),
            "occurred_at": to_datetime64(np.concatenate([signals.at_s, touches.at_s])),
            "actor_id": Coded(actor, (None, *range(1, int(actor.max(initial=0)) + 1))),
            "detail": Coded(
                np.concatenate([signals.detail, touches.detail + len(signal_details)]).astype(np.int16),
                (*signal_details, *touch_details),
            ),
            "attributes": Coded(np.zeros(count, dtype=np.int8), ({},)),
        },
    )


def transition_table(funnel: Funnel) -> ColumnTable:
    lead, from_stage, to_stage, at_s, actor_kind, actor, reason = funnel.transitions
    ids = np.arange(1, len(lead) + 1)
    stage_labels = tuple(s.value for s in STAGES)
    return ColumnTable(
        "lifecycletransition",
        {
            "id": ids,
            "lead_id": lead + 1,
            "from_stage": Coded(from_stage, stage_labels),
            "to_stage": Coded(to_stage, stage_labels),
            "occurred_at": to_datetime64(at_s),
            "actor_kind": Coded(actor_kind, ACTOR_KINDS),
            "actor_id": Coded(actor, (None, *range(1, int(actor.max(initial=0)) + 1))),
            "reason": Coded(reason, TRANSITION_REASONS),
            # Generated history is recorded as it happened.
            "recorded_at": to_datetime64(at_s),
        },
    )


def deal_tables(deals: Deals, accounts: Firmographics, people: People) -> tuple[ColumnTable, ColumnTable]:
    ids = np.arange(1, len(deals.lead) + 1)
    stage_names = (*cat.OPPORTUNITY_STAGES, cat.WON_STAGE, cat.LOST_STAGE)
    names = [f"{accounts.names[account]} — platform" for account in deals.account.tolist()]
    closed_at = to_datetime64(deals.closed_at_s)
    closed_at[deals.closed_at_s < 0] = np.datetime64("NaT")
    opportunities = ColumnTable(
        "opportunity",
        {
            "id": ids,
            "external_id": Numbered("demo-opp-", ids, id_width(ids)),
            "name": np.array(names, dtype=object),
            "account_id": deals.account + 1,
            "source_lead_id": deals.lead + 1,
            "owner_id": deals.owner,
            "source": Coded(people.source[deals.lead], cat.SOURCES),
            "amount": deals.amount,
            "stage": Coded(deals.stage, stage_names),
            "status": Coded(deals.status, ("open", "won", "lost")),
            "created_at": to_datetime64(deals.created_at_s),
            "closed_at": closed_at,
            "loss_reason": Coded(deals.loss_reason, ("", *cat.LOSS_REASONS)),
            "competitor": Coded(deals.competitor, ("", *cat.COMPETITORS)),
        },
    )
    changes = ColumnTable(
        "opportunitystagechange",
        {
            "id": np.arange(1, len(deals.change_opportunity) + 1),
            "opportunity_id": deals.change_opportunity + 1,
            "from_stage": Coded(deals.change_from, ("", *stage_names)),
            "to_stage": Coded(deals.change_to, ("", *stage_names)),
            "occurred_at": to_datetime64(deals.change_at_s),
            "actor_id": deals.owner[deals.change_opportunity],
        },
    )
    return opportunities, changes
