"""Who is in the synthetic company: its users and teams, the accounts it sells to and their leads."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.domain.columnar import Coded, ColumnTable, Numbered
from accord.synthetic import catalog as cat

SECONDS_PER_DAY = 86_400
LEADS_PER_ACCOUNT = 4
LEADS_PER_SDR = 800  # a year's inbound per SDR seat; keeps queues of a believable size
SDRS_PER_TEAM = 8
AES_PER_SDR = 0.5


def id_width(ids: np.ndarray) -> int:
    """Digits of the largest id: external ids are zero-padded to it (see Numbered)."""
    return len(str(int(ids.max(initial=0))))


@dataclass(frozen=True)
class Staff:
    """Generated users: ids are 1-based and dense; the first user of each role is its demo login."""

    teams: ColumnTable
    users: ColumnTable
    sdr_ids: np.ndarray
    ae_ids: np.ndarray
    first_by_role: dict[str, tuple[int, str]]


@dataclass(frozen=True)
class Firmographics:
    """Accounts (0-based index = id - 1) with the arrays later steps need."""

    table: ColumnTable
    employees: np.ndarray
    industry: np.ndarray
    country: np.ndarray
    domains: list[str]
    names: list[str]


@dataclass(frozen=True)
class People:
    """Leads (index = id - 1) with the arrays later steps need; stage and owner come later."""

    columns: dict[str, object]
    account: np.ndarray
    seniority: np.ndarray
    source: np.ndarray
    is_personal_email: np.ndarray
    created_at_s: np.ndarray


def staff_counts(lead_count: int) -> tuple[int, int]:
    sdr_count = int(np.clip(lead_count // LEADS_PER_SDR, 4, 400))
    return sdr_count, max(2, int(sdr_count * AES_PER_SDR))


def make_staff(lead_count: int, start_s: int) -> Staff:
    sdr_count, ae_count = staff_counts(lead_count)
    sdr_teams = -(-sdr_count // SDRS_PER_TEAM)
    ae_teams = -(-ae_count // SDRS_PER_TEAM)
    team_names = [f"SDR team {n + 1}" for n in range(sdr_teams)] + [
        f"AE team {n + 1}" for n in range(ae_teams)
    ]
    people: list[tuple[str, str, str, int | None]] = [  # (email local part, first, role, team index)
        ("admin", "Riley", "admin", None),
        ("marketing", "Maria", "marketing", None),
        ("sales.leader", "Sam", "sales_leader", None),
        ("viewer", "Val", "viewer", None),
    ]
    people += [(f"sdr.manager{n + 1}", "Quinn", "sales_leader", n) for n in range(sdr_teams)]
    people += [(f"ae.manager{n + 1}", "Drew", "sales_leader", sdr_teams + n) for n in range(ae_teams)]
    people += [(f"sdr{n + 1}", "Sky", "sdr", n // SDRS_PER_TEAM) for n in range(sdr_count)]
    people += [(f"ae{n + 1}", "Ari", "ae", sdr_teams + n // SDRS_PER_TEAM) for n in range(ae_count)]
    user_ids = np.arange(1, len(people) + 1)
    emails = [f"{local}@{cat.COMPANY_EMAIL_DOMAIN}" for local, *_ in people]
    roles = [role for _, _, role, _ in people]
    team_of = [team for *_, team in people]
    manager_of_team = {
        team: index + 1
        for index, (local, _, _, team) in enumerate(people)
        if local.startswith(("sdr.", "ae."))
    }
    role_labels = ("admin", "marketing", "sales_leader", "sdr", "ae", "viewer")
    users = ColumnTable(
        "user",
        {
            "id": user_ids,
            "external_id": Numbered("demo-user-", user_ids, id_width(user_ids)),
            "email": np.array(emails, dtype=object),
            "username": np.array(emails, dtype=object),
            # Unusable password ("!" prefix, as Django's make_password(None)); demo logins get real ones.
            "password": Coded(np.zeros(len(people), dtype=np.int8), ("!demo-unusable",)),
            "first_name": np.array([first for _, first, _, _ in people], dtype=object),
            "last_name": np.array([local.split("@")[0].title() for local, *_ in people], dtype=object),
            "role": Coded(np.array([role_labels.index(r) for r in roles], dtype=np.int8), role_labels),
            "team_id": Coded(
                np.array([0 if t is None else t + 1 for t in team_of], dtype=np.int32),
                (None, *range(1, len(team_names) + 1)),
            ),
            "is_staff": np.array([r == "admin" for r in roles]),
            "is_superuser": np.array([r == "admin" for r in roles]),
            "is_active": np.ones(len(people), dtype=bool),
            "date_joined": np.full(len(people), start_s - 30 * SECONDS_PER_DAY, dtype="datetime64[s]"),
        },
    )
    team_ids = np.arange(1, len(team_names) + 1)
    teams = ColumnTable(
        "team",
        {
            "id": team_ids,
            "name": np.array(team_names, dtype=object),
            "manager_id": np.array([manager_of_team[t] for t in range(len(team_names))], dtype=np.int64),
        },
    )
    first_by_role: dict[str, tuple[int, str]] = {}
    for uid, role, email in zip(user_ids.tolist(), roles, emails, strict=True):
        first_by_role.setdefault(role, (uid, email))
    roles_arr = np.array(roles)
    return Staff(teams, users, user_ids[roles_arr == "sdr"], user_ids[roles_arr == "ae"], first_by_role)


def make_accounts(rng: np.random.Generator, account_count: int, start_s: int) -> Firmographics:
    ids = np.arange(1, account_count + 1)
    industry = rng.choice(len(cat.INDUSTRIES), size=account_count, p=cat.INDUSTRY_WEIGHTS)
    country = rng.choice(len(cat.COUNTRIES), size=account_count, p=cat.COUNTRY_WEIGHTS)
    employees = np.clip(np.exp(rng.normal(np.log(150), 1.5, account_count)), 2, 250_000).astype(np.int64)
    revenue_per_employee = np.exp(rng.normal(np.log(160_000), 0.45, account_count))
    annual_revenue = np.round(employees * revenue_per_employee, -3)
    name_count = len(cat.COMPANY_PREFIXES) * len(cat.COMPANY_CORES)
    combo = rng.permutation(name_count)[(ids - 1) % name_count]
    repeat = (ids - 1) // name_count
    names, domains = [], []
    for combo_n, repeat_n, industry_n in zip(combo.tolist(), repeat.tolist(), industry.tolist(), strict=True):
        stem = (
            cat.COMPANY_PREFIXES[combo_n // len(cat.COMPANY_CORES)]
            + cat.COMPANY_CORES[combo_n % len(cat.COMPANY_CORES)]
        )
        suffix = cat.COMPANY_SUFFIXES[cat.INDUSTRIES[industry_n]]
        names.append(f"{stem} {suffix}" + (f" {repeat_n + 1}" if repeat_n else ""))
        domains.append(f"{stem.lower()}{repeat_n + 1 if repeat_n else ''}.example")
    segment = np.digitize(employees, [100, 1000])
    created_s = start_s - rng.integers(30, 3 * 365, account_count) * SECONDS_PER_DAY
    table = ColumnTable(
        "account",
        {
            "id": ids,
            "external_id": Numbered("demo-acc-", ids, id_width(ids)),
            "name": np.array(names, dtype=object),
            "domain": np.array(domains, dtype=object),
            "industry": Coded(industry, cat.INDUSTRIES),
            "employees": employees,
            "annual_revenue": annual_revenue,
            "country": Coded(country, cat.COUNTRIES),
            "attributes": Coded(
                segment, ({"segment": "smb"}, {"segment": "mid_market"}, {"segment": "enterprise"})
            ),
            "created_at": created_s.astype("datetime64[s]"),
        },
    )
    return Firmographics(table, employees, industry, country, domains, names)


def make_leads(
    rng: np.random.Generator, lead_count: int, accounts: Firmographics, start_s: int, as_of_s: int
) -> People:
    ids = np.arange(1, lead_count + 1)
    account_weights = rng.pareto(1.5, len(accounts.employees)) + 0.2  # a few accounts with many leads
    account = rng.choice(len(account_weights), size=lead_count, p=account_weights / account_weights.sum())
    seniority = rng.choice(len(cat.SENIORITIES), size=lead_count, p=cat.SENIORITY_WEIGHTS)
    function = rng.integers(0, len(cat.FUNCTIONS), lead_count)
    source = rng.choice(len(cat.SOURCES), size=lead_count, p=cat.SOURCE_WEIGHTS)
    campaign = source * len(cat.CAMPAIGNS_PER_SOURCE) + rng.integers(
        0, len(cat.CAMPAIGNS_PER_SOURCE), lead_count
    )
    is_student = seniority == cat.SENIORITIES.index("student")
    personal_share = np.where(is_student, cat.STUDENT_PERSONAL_EMAIL_SHARE, cat.PERSONAL_EMAIL_SHARE)
    is_personal = rng.random(lead_count) < personal_share
    personal_domain = rng.integers(0, len(cat.PERSONAL_EMAIL_DOMAINS), lead_count)
    first = rng.integers(0, len(cat.FIRST_NAMES), lead_count)
    last = rng.integers(0, len(cat.LAST_NAMES), lead_count)
    # Slightly more leads late in the year: a growing company.
    created_s = start_s + (rng.random(lead_count) ** 0.85 * (as_of_s - start_s - 3600)).astype(np.int64)
    titles = tuple(
        cat.TITLE_PATTERNS[seniority_name].format(function=function_name)
        for seniority_name in cat.SENIORITIES
        for function_name in cat.FUNCTIONS
    )
    email_locals = [
        f"{cat.FIRST_NAMES[f]}.{cat.LAST_NAMES[n]}".lower()
        .replace(" ", "")
        .replace("'", "")
        .replace("ü", "u")
        for f, n in zip(first.tolist(), last.tolist(), strict=True)
    ]
    emails = [
        f"{local}{lead_id}@{cat.PERSONAL_EMAIL_DOMAINS[pd] if personal else accounts.domains[acc]}"
        for local, lead_id, personal, pd, acc in zip(
            email_locals,
            ids.tolist(),
            is_personal.tolist(),
            personal_domain.tolist(),
            account.tolist(),
            strict=True,
        )
    ]
    campaigns = tuple(f"{s} · {c}" for s in cat.SOURCES for c in cat.CAMPAIGNS_PER_SOURCE)
    columns: dict[str, object] = {
        "id": ids,
        "external_id": Numbered("demo-lead-", ids, id_width(ids)),
        "account_id": account + 1,
        "email": np.array(emails, dtype=object),
        "first_name": Coded(first, cat.FIRST_NAMES),
        "last_name": Coded(last, cat.LAST_NAMES),
        "title": Coded(seniority * len(cat.FUNCTIONS) + function, titles),
        "seniority": Coded(seniority, cat.SENIORITIES),
        "source": Coded(source, cat.SOURCES),
        "campaign": Coded(campaign, campaigns),
        "created_at": created_s.astype("datetime64[s]"),
    }
    return People(columns, account, seniority, source, is_personal, created_s)


def fit_points(people: People, accounts: Firmographics) -> np.ndarray:
    """Fit score (0-100) per lead from the catalog's fit rules; the playbook's `fit` section is the same."""
    employees = accounts.employees[people.account]
    industry = accounts.industry[people.account]
    country = accounts.country[people.account]

    def member(codes: np.ndarray, names: tuple[str, ...], vocabulary: tuple[str, ...]) -> np.ndarray:
        return np.isin(codes, [vocabulary.index(name) for name in names])

    points = np.zeros(len(people.account))
    points += (
        (employees >= cat.FIT_EMPLOYEES_MIN) & (employees <= cat.FIT_EMPLOYEES_MAX)
    ) * cat.FIT_EMPLOYEES_POINTS
    points += member(industry, cat.FIT_CORE_INDUSTRIES, cat.INDUSTRIES) * cat.FIT_CORE_INDUSTRY_POINTS
    points += member(industry, cat.FIT_ADJACENT_INDUSTRIES, cat.INDUSTRIES) * cat.FIT_ADJACENT_INDUSTRY_POINTS
    points += member(people.seniority, cat.FIT_SENIOR, cat.SENIORITIES) * cat.FIT_SENIOR_POINTS
    points += (people.seniority == cat.SENIORITIES.index("manager")) * cat.FIT_MANAGER_POINTS
    points += member(country, cat.FIT_CORE_COUNTRIES, cat.COUNTRIES) * cat.FIT_CORE_COUNTRY_POINTS
    return np.minimum(points, 100.0)
