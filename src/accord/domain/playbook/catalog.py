"""What a playbook may refer to: lead and account attributes with their types, and activity kinds.

The built-in names come from the data model; a workspace adds the custom attributes and activity
kinds its imports brought, so a criterion on an attribute no lead has is caught at validation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from accord.domain.criteria import AttributeType

BUILTIN_ATTRIBUTES: Mapping[str, AttributeType] = MappingProxyType(
    {
        "lead.email": AttributeType.TEXT,
        "lead.email_domain": AttributeType.TEXT,
        "lead.first_name": AttributeType.TEXT,
        "lead.last_name": AttributeType.TEXT,
        "lead.title": AttributeType.TEXT,
        "lead.seniority": AttributeType.TEXT,
        "lead.source": AttributeType.TEXT,
        "lead.source_group": AttributeType.TEXT,
        "lead.campaign": AttributeType.TEXT,
        "lead.created_at": AttributeType.DATETIME,
        "account.name": AttributeType.TEXT,
        "account.domain": AttributeType.TEXT,
        "account.industry": AttributeType.TEXT,
        "account.employees": AttributeType.NUMBER,
        "account.annual_revenue": AttributeType.NUMBER,
        "account.country": AttributeType.TEXT,
        "account.created_at": AttributeType.DATETIME,
    }
)

# Behavioural signals the data model names (ActivityKind); imports may bring more.
BUILTIN_ACTIVITY_KINDS = frozenset(
    {
        "page_view",
        "pricing_page_view",
        "form_fill",
        "content_download",
        "webinar_attended",
        "email_click",
        "event_scan",
        "demo_request",
        "contact_request",
    }
)

# The scores a playbook computes, usable in the MQL rule but never in the rules that compute them.
SCORE_VARIABLES: Mapping[str, AttributeType] = MappingProxyType(
    {"fit": AttributeType.NUMBER, "intent": AttributeType.NUMBER, "hand_raiser": AttributeType.BOOLEAN}
)


@dataclass(frozen=True)
class AttributeCatalog:
    attributes: Mapping[str, AttributeType] = field(default_factory=lambda: BUILTIN_ATTRIBUTES)
    activity_kinds: frozenset[str] = BUILTIN_ACTIVITY_KINDS

    def with_custom(
        self,
        *,
        lead: Mapping[str, AttributeType] | None = None,
        account: Mapping[str, AttributeType] | None = None,
        activity_kinds: Iterable[str] = (),
    ) -> AttributeCatalog:
        """Add custom attributes (by bare name) and activity kinds seen in a workspace's data."""
        merged = dict(self.attributes)
        for prefix, custom in (("lead", lead or {}), ("account", account or {})):
            for name, attribute_type in custom.items():
                merged.setdefault(f"{prefix}.{name}", attribute_type)
        return AttributeCatalog(
            attributes=MappingProxyType(merged),
            activity_kinds=self.activity_kinds | frozenset(activity_kinds),
        )
