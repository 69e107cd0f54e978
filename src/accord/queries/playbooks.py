"""Reads over playbook versions: the active one, history, signatures, review status."""

from dataclasses import dataclass
from datetime import datetime

from accord.domain.playbook.diff import describe_changes
from accord.domain.playbook.review import review_due_at
from accord.domain.playbook.validation import Playbook, load_playbook
from accord.errors import NotFound
from accord.models import PlaybookSignature, PlaybookStatus, PlaybookVersion
from accord.queries.catalog import get_workspace_catalog


@dataclass(frozen=True)
class VersionStatus:
    version: PlaybookVersion
    signatures: list[PlaybookSignature]
    missing_sides: list[str]
    review_due_at: datetime | None
    is_review_due: bool


def get_playbook_version(number: int) -> PlaybookVersion:
    version = PlaybookVersion.objects.filter(number=number).first()
    if version is None:
        raise NotFound(f"playbook version {number} does not exist")
    return version


def find_active_playbook_version() -> PlaybookVersion | None:
    return PlaybookVersion.objects.filter(status=PlaybookStatus.ACTIVE).first()


def list_playbook_versions() -> list[PlaybookVersion]:
    return list(PlaybookVersion.objects.select_related("proposed_by", "activated_by").order_by("-number"))


def load_version(version: PlaybookVersion) -> Playbook:
    return load_playbook(
        version.source_yaml, get_workspace_catalog(), source_name=f"version {version.number}"
    )


def get_version_status(version: PlaybookVersion, now: datetime) -> VersionStatus:
    signatures = list(version.signatures.select_related("signed_by").order_by("signed_at"))
    signed_sides = {signature.side for signature in signatures}
    missing = [side for side in ("marketing", "sales") if side not in signed_sides]
    due_at = None
    if version.status == PlaybookStatus.ACTIVE and version.activated_at is not None:
        due_at = review_due_at(version.activated_at, load_version(version).definition.review_every)
    return VersionStatus(
        version=version,
        signatures=signatures,
        missing_sides=missing,
        review_due_at=due_at,
        is_review_due=due_at is not None and now >= due_at,
    )


def describe_version_changes(old: PlaybookVersion, new: PlaybookVersion) -> list[str]:
    return describe_changes(load_version(old).definition, load_version(new).definition)
