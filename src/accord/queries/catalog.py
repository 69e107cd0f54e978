"""The workspace's data catalog as the playbook validator sees it."""

from accord.domain.criteria import AttributeType
from accord.domain.playbook.catalog import AttributeCatalog
from accord.models import CatalogEntry, CatalogEntryKind


def get_workspace_catalog() -> AttributeCatalog:
    """Built-in attributes and activity kinds plus the custom ones this workspace's data brought."""
    lead: dict[str, AttributeType] = {}
    account: dict[str, AttributeType] = {}
    activity_kinds: list[str] = []
    for entry in CatalogEntry.objects.order_by("kind", "name"):
        if entry.kind == CatalogEntryKind.ACTIVITY_KIND:
            activity_kinds.append(entry.name)
        elif entry.kind == CatalogEntryKind.LEAD_ATTRIBUTE:
            lead[entry.name] = AttributeType(entry.value_type)
        else:
            account[entry.name] = AttributeType(entry.value_type)
    return AttributeCatalog().with_custom(lead=lead, account=account, activity_kinds=activity_kinds)
