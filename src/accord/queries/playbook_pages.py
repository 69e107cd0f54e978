"""Reads behind the playbook pages: the active version with its review status, the history with
signatures, and one version with its owners and what it changes against the active one."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch

from accord.domain.playbook.schema import Owners
from accord.models import PlaybookSignature, PlaybookStatus, PlaybookVersion
from accord.queries.playbooks import (
    VersionStatus,
    describe_version_changes,
    find_active_playbook_version,
    get_playbook_version,
    get_version_status,
    load_version,
)


@dataclass(frozen=True)
class PlaybookOverview:
    active: VersionStatus | None
    # Newest first, each with ``signatures`` prefetched (and their signers) in signing order.
    versions: list[PlaybookVersion]


@dataclass(frozen=True)
class VersionPage:
    status: VersionStatus
    owners: Owners
    active: PlaybookVersion | None
    # None when there is nothing to compare with: no active version, or this is the active one.
    changes: list[str] | None

    @property
    def is_active(self) -> bool:
        return self.active is not None and self.active.pk == self.status.version.pk


def get_playbook_overview(now: datetime) -> PlaybookOverview:
    signatures = PlaybookSignature.objects.select_related("signed_by").order_by("signed_at", "pk")
    versions = list(
        PlaybookVersion.objects.select_related("proposed_by", "activated_by")
        .prefetch_related(Prefetch("signatures", queryset=signatures))
        .order_by("-number")
    )
    active = next((version for version in versions if version.status == PlaybookStatus.ACTIVE), None)
    return PlaybookOverview(
        active=get_version_status(active, now) if active is not None else None, versions=versions
    )


def get_version_page(number: int, now: datetime) -> VersionPage:
    """Raise NotFound for an unknown number."""
    version = get_playbook_version(number)
    active = find_active_playbook_version()
    changes = None
    if active is not None and active.pk != version.pk:
        changes = describe_version_changes(active, version)
    return VersionPage(
        status=get_version_status(version, now),
        owners=load_version(version).definition.owners,
        active=active,
        changes=changes,
    )
