"""The canonical columns of each record kind: name, type, whether required, longest value and meaning.
docs/imports.md lists the same table; a test keeps the two equal."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from accord.importers.canonical import RecordKind

# Longest text kept in a short field (ids, names, e-mails) and in a long one (notes, attributes).
SHORT_TEXT_CHARS = 255
LONG_TEXT_CHARS = 10_000


class ColumnType(StrEnum):
    TEXT = "text"
    EMAIL = "email"
    DATETIME = "datetime"
    MONTH = "month"
    DECIMAL = "decimal"
    INT = "int"
    CHOICE = "choice"
    SNAKE = "lower_snake"
    CURRENCY = "currency"


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    meaning: str
    is_required: bool = False
    max_chars: int = SHORT_TEXT_CHARS
    choices: tuple[str, ...] = ()


T, E, DT = ColumnType.TEXT, ColumnType.EMAIL, ColumnType.DATETIME
USER_ROLES = ("admin", "marketing", "sales_leader", "sdr", "ae", "viewer")
OPPORTUNITY_STATUSES = ("open", "won", "lost")

STAGE_COLUMNS = (
    Column("mql_at", DT, "when the lead became a marketing qualified lead"),
    Column("sal_at", DT, "when sales accepted it"),
    Column("sql_at", DT, "when it became a sales qualified lead"),
    Column("opportunity_at", DT, "when an opportunity was opened for it"),
    Column("customer_at", DT, "when it became a customer (a won deal)"),
    Column("closed_lost_at", DT, "when its deal was lost; needs closed_lost_reason"),
    Column("closed_lost_reason", T, "why the deal was lost; needs closed_lost_at", max_chars=200),
    Column("rejected_at", DT, "when it was rejected; needs rejection_reason"),
    Column("rejection_reason", T, "why it was rejected; needs rejected_at", max_chars=200),
    Column("recycled_at", DT, "when it was recycled to marketing"),
)

COLUMNS: dict[RecordKind, tuple[Column, ...]] = {
    RecordKind.ACCOUNTS: (
        Column("external_id", T, "the account's id in the source system", is_required=True, max_chars=200),
        Column("name", T, "company name", is_required=True, max_chars=300),
        Column("domain", T, "web domain, e.g. acme.com", max_chars=253),
        Column("industry", T, "industry", max_chars=100),
        Column("employees", ColumnType.INT, "number of employees (0 or more)"),
        Column("annual_revenue", ColumnType.DECIMAL, "yearly revenue (0 or more)"),
        Column("country", T, "country name or code", max_chars=100),
        Column("created_at", DT, "when the account was created in the source"),
    ),
    RecordKind.LEADS: (
        Column("external_id", T, "the lead's id in the source system", is_required=True, max_chars=200),
        Column("created_at", DT, "when the lead was created (first contact)", is_required=True),
        Column("email", E, "e-mail address (stored in lower case)", max_chars=320),
        Column("first_name", T, "first name", max_chars=150),
        Column("last_name", T, "last name", max_chars=150),
        Column("title", T, "job title", max_chars=200),
        Column("seniority", T, "seniority, e.g. director", max_chars=40),
        Column("source", T, "marketing source, e.g. paid_search", max_chars=60),
        Column("campaign", T, "campaign name", max_chars=200),
        Column("owner_email", E, "e-mail of the Accord user who owns it"),
        Column("account_external_id", T, "external id of its account"),
        Column(
            "company_name",
            T,
            "company name, to match an account when account_external_id is empty",
            max_chars=300,
        ),
        Column("website", T, "company website"),
        Column("visitor_id", T, "anonymous visitor id it was identified as", max_chars=200),
        *STAGE_COLUMNS,
    ),
    RecordKind.ACTIVITIES: (
        Column("external_id", T, "the activity's id in the source system", is_required=True, max_chars=200),
        Column(
            "kind",
            ColumnType.SNAKE,
            "what happened, a lower_snake name e.g. webinar_attended",
            True,
            max_chars=40,
        ),
        Column("occurred_at", DT, "when it happened", is_required=True),
        Column(
            "lead_external_id",
            T,
            "its lead's external id (one of the three lead columns is needed)",
            max_chars=200,
        ),
        Column("lead_email", E, "its lead's e-mail", max_chars=320),
        Column("visitor_id", T, "anonymous visitor id", max_chars=200),
        Column("actor_email", E, "e-mail of the user who did it (calls, meetings)", max_chars=320),
        Column("detail", T, "free text", max_chars=500),
    ),
    RecordKind.OPPORTUNITIES: (
        Column(
            "external_id", T, "the opportunity's id in the source system", is_required=True, max_chars=200
        ),
        Column("name", T, "opportunity name", is_required=True, max_chars=300),
        Column("amount", ColumnType.DECIMAL, "deal value (0 or more)", is_required=True),
        Column("created_at", DT, "when it was opened", is_required=True),
        Column("status", ColumnType.CHOICE, "open, won or lost (blank: open)", choices=OPPORTUNITY_STATUSES),
        Column("account_external_id", T, "external id of its account"),
        Column("source_lead_external_id", T, "external id of the lead it came from"),
        Column("owner_email", E, "e-mail of the Accord user who owns it"),
        Column("source", T, "marketing source", max_chars=60),
        Column("currency", ColumnType.CURRENCY, "ISO 4217 code (blank: USD)", max_chars=3),
        Column("stage", T, "the CRM's stage name, kept as written", max_chars=60),
        Column("closed_at", DT, "when it was won or lost (needed then; ignored while open)"),
        Column("loss_reason", T, "why it was lost", max_chars=100),
        Column("competitor", T, "competitor it was lost to", max_chars=100),
    ),
    RecordKind.USERS: (
        Column("email", E, "the user's e-mail, their identity", is_required=True, max_chars=254),
        Column("role", ColumnType.CHOICE, "one of " + ", ".join(USER_ROLES), True, choices=USER_ROLES),
        Column("full_name", T, "full name", max_chars=150),
        Column("team", T, "team name", max_chars=120),
        Column("external_id", T, "the user's id in the source system", max_chars=200),
    ),
    RecordKind.SPEND: (
        Column("source", T, "marketing source the money was spent on", is_required=True, max_chars=60),
        Column("month", ColumnType.MONTH, "the month, 2026-03 or any date in it", is_required=True),
        Column("amount", ColumnType.DECIMAL, "money spent (0 or more)", is_required=True),
        Column("campaign", T, "campaign name", max_chars=200),
        Column("currency", ColumnType.CURRENCY, "ISO 4217 code (blank: USD)", max_chars=3),
    ),
}

# Kinds that have no attributes field: an unknown column in their file is an error, not an attribute.
KINDS_WITHOUT_ATTRIBUTES = frozenset({RecordKind.USERS, RecordKind.SPEND})
# The order the service loads kinds in, so references (owner, account, lead) exist before use.
LOAD_ORDER = (
    RecordKind.USERS,
    RecordKind.ACCOUNTS,
    RecordKind.LEADS,
    RecordKind.OPPORTUNITIES,
    RecordKind.ACTIVITIES,
    RecordKind.SPEND,
)


def columns_of(kind: RecordKind) -> dict[str, Column]:
    return {column.name: column for column in COLUMNS[kind]}


def required_columns(kind: RecordKind) -> tuple[str, ...]:
    return tuple(column.name for column in COLUMNS[kind] if column.is_required)
