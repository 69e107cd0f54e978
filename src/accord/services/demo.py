"""The demo workspace: a synthetic company generated once, bulk-loaded in one transaction, with a
login per role and the starter playbook active; later runs reuse it."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from tqdm import tqdm

from accord.domain.columnar import Coded
from accord.domain.playbook.validation import load_playbook
from accord.errors import InvalidInput
from accord.models import (
    Account,
    Activity,
    CatalogEntry,
    CatalogEntryKind,
    Lead,
    LifecycleTransition,
    Opportunity,
    OpportunityStageChange,
    PlaybookSignature,
    PlaybookStatus,
    PlaybookVersion,
    SigningSide,
    Team,
    User,
    ValueType,
    WorkspaceSetting,
)
from accord.queries.catalog import get_workspace_catalog
from accord.services.bulk_load import bulk_load
from accord.synthetic import SyntheticCompany, generate_company

DEMO_SETTING_KEY = "demo"
STARTER_PLAYBOOK_PATH = Path(__file__).resolve().parent.parent / "starter" / "playbook.yaml"
DEMO_ROLES = ("admin", "marketing", "sales_leader", "sdr", "ae", "viewer")
MODEL_BY_TABLE: dict[str, type[models.Model]] = {
    "team": Team,
    "user": User,
    "account": Account,
    "lead": Lead,
    "activity": Activity,
    "lifecycletransition": LifecycleTransition,
    "opportunity": Opportunity,
    "opportunitystagechange": OpportunityStageChange,
}


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str


@dataclass(frozen=True)
class DemoSummary:
    generated: bool
    leads: int
    activities: int
    opportunities: int
    as_of: datetime
    logins: list[DemoLogin]


def demo_password(role: str) -> str:
    """Demo passwords are fixed and printed: the demo is a local sandbox, not a place for real data."""
    return f"demo-{role}-pass"


def ensure_demo_workspace(
    *, leads: int, seed: int, as_of: datetime, show_progress: bool, generated_at: datetime | None = None
) -> DemoSummary:
    """Generate and load the demo company unless this workspace already holds it.

    Refuses (InvalidInput) a workspace that holds leads or users but no demo marker: that is real data.
    ``generated_at`` (aware) is recorded in the marker; the caller owns the clock."""
    marker = WorkspaceSetting.objects.filter(key=DEMO_SETTING_KEY).first()
    if marker is not None:
        return reused_summary(marker)
    if Lead.objects.exists() or User.objects.exists():
        raise InvalidInput(
            "this workspace holds real data (leads or users) and no demo; "
            "use another --workspace for the demo"
        )
    company = generate_company(leads=leads, seed=seed, as_of=as_of)
    with transaction.atomic():
        load_company(company, show_progress=show_progress)
        logins = set_demo_passwords(company)
        WorkspaceSetting.objects.create(
            key=DEMO_SETTING_KEY,
            value={
                "seed": seed,
                "leads": leads,
                "as_of": as_of.isoformat(),
                "generated_at": generated_at.isoformat() if generated_at else None,
                "logins": [{"role": login.role, "email": login.email} for login in logins],
            },
        )
    return DemoSummary(
        generated=True,
        leads=company.table("lead").row_count,
        activities=company.table("activity").row_count,
        opportunities=company.table("opportunity").row_count,
        as_of=as_of,
        logins=logins,
    )


def load_company(company: SyntheticCompany, *, show_progress: bool) -> None:
    """Load every table in order; the starter playbook goes in after the users (it names its proposer)
    and before the transitions (each records the playbook version it was made under)."""
    total_rows = sum(table.row_count for table in company.tables)
    with tqdm(
        total=total_rows,
        unit=" rows",
        unit_scale=True,
        desc="Loading demo",
        disable=not (show_progress and sys.stderr.isatty()),
    ) as progress:
        for table in company.tables:
            if table.name == "lifecycletransition":
                version = create_starter_playbook(company)
                every_row = np.zeros(table.row_count, dtype=np.int8)
                table = table.with_column("playbook_version_id", Coded(every_row, (version.id,)))
            bulk_load(MODEL_BY_TABLE[table.name], table, on_rows=progress_updater(progress))


def progress_updater(progress: tqdm) -> Callable[[int], None]:  # type: ignore[type-arg]
    def advance(rows: int) -> None:
        progress.update(rows)

    return advance


def create_starter_playbook(company: SyntheticCompany) -> PlaybookVersion:
    """Version 1 of the starter playbook, signed by both owners (the demo's marketing and sales-leader
    logins, as its `owners` say) and active since the start of the generated year."""
    register_demo_catalog()
    source_yaml = STARTER_PLAYBOOK_PATH.read_text(encoding="utf-8")
    starter = load_playbook(source_yaml, get_workspace_catalog(), source_name=str(STARTER_PLAYBOOK_PATH))
    year_start = company.as_of - timedelta(days=365)
    by_role = {user.role: user for user in company.first_user_by_role}
    marketing, sales = by_role["marketing"], by_role["sales_leader"]
    version = PlaybookVersion.objects.create(
        number=1,
        name=starter.definition.name,
        source_yaml=source_yaml,
        sha256=starter.sha256,
        status=PlaybookStatus.ACTIVE,
        proposed_by_id=marketing.user_id,
        proposed_at=year_start,
        note="Starter playbook of the demo company",
        activated_at=year_start,
        activated_by_id=sales.user_id,
    )
    for side, owner in ((SigningSide.MARKETING, marketing), (SigningSide.SALES, sales)):
        PlaybookSignature.objects.create(
            version=version,
            side=side,
            signed_by_id=owner.user_id,
            signed_at=year_start,
            sha256=starter.sha256,
        )
    return version


def register_demo_catalog() -> None:
    """The custom attributes the generator writes, so playbooks may use them (account.segment)."""
    CatalogEntry.objects.get_or_create(
        kind=CatalogEntryKind.ACCOUNT_ATTRIBUTE, name="segment", defaults={"value_type": ValueType.TEXT}
    )


def set_demo_passwords(company: SyntheticCompany) -> list[DemoLogin]:
    logins: list[DemoLogin] = []
    by_role = {user.role: user for user in company.first_user_by_role}
    for role in DEMO_ROLES:
        user = by_role[role]
        password = demo_password(role)
        User.objects.filter(id=user.user_id).update(password=make_password(password))
        logins.append(DemoLogin(role=role, email=user.email, password=password))
    return logins


def reused_summary(marker: WorkspaceSetting) -> DemoSummary:
    value = marker.value
    logins = [
        DemoLogin(role=login["role"], email=login["email"], password=demo_password(login["role"]))
        for login in value["logins"]
    ]
    return DemoSummary(
        generated=False,
        leads=Lead.objects.count(),
        activities=Activity.objects.count(),
        opportunities=Opportunity.objects.count(),
        as_of=datetime.fromisoformat(value["as_of"]),
        logins=logins,
    )
