"""The sign-off workflow: propose a draft, each side's owner signs it, then it becomes the active version.

A version's text never changes after it is proposed; a signature records the hash it was given for."""

from datetime import datetime

from django.db import transaction
from django.db.models import Max

from accord.domain.playbook.signoff import Actor, check_may_activate, check_may_propose, side_signed_by
from accord.domain.playbook.validation import load_playbook
from accord.errors import InvalidInput
from accord.models import PlaybookSignature, PlaybookStatus, PlaybookVersion, SigningSide, User
from accord.queries.catalog import get_workspace_catalog
from accord.queries.playbooks import get_playbook_version, load_version


def propose_playbook(
    text: str, *, proposed_by: User, now: datetime, note: str = "", source_name: str = "playbook"
) -> PlaybookVersion:
    """Validate the text against the workspace's data and store it as the next draft version."""
    check_may_propose(actor_of(proposed_by))
    playbook = load_playbook(text, get_workspace_catalog(), source_name=source_name)
    with transaction.atomic():
        duplicate = (
            PlaybookVersion.objects.filter(sha256=playbook.sha256).values_list("number", flat=True).first()
        )
        if duplicate is not None:
            raise InvalidInput(f"{source_name} is identical to version {duplicate}; nothing to propose")
        latest = PlaybookVersion.objects.aggregate(latest=Max("number"))["latest"] or 0
        return PlaybookVersion.objects.create(
            number=latest + 1,
            name=playbook.definition.name,
            source_yaml=text,
            sha256=playbook.sha256,
            status=PlaybookStatus.DRAFT,
            proposed_by=proposed_by,
            proposed_at=now,
            note=note,
        )


def sign_playbook(number: int, *, signer: User, now: datetime) -> PlaybookSignature:
    """Sign a draft for the side whose owner the signer is (as named in that version's own owners)."""
    with transaction.atomic():
        version = _locked_version(number)
        if version.status != PlaybookStatus.DRAFT:
            raise InvalidInput(f"version {number} is {version.status}; only drafts are signed")
        owners = load_version(version).definition.owners
        side = side_signed_by(actor_of(signer), owners, version_number=number)
        if version.signatures.filter(side=side).exists():
            raise InvalidInput(f"version {number} is already signed for {side}")
        return PlaybookSignature.objects.create(
            version=version, side=side, signed_by=signer, signed_at=now, sha256=version.sha256
        )


def activate_playbook(number: int, *, activated_by: User, now: datetime) -> PlaybookVersion:
    """Make a fully signed draft the active version; the previous active version is retired."""
    with transaction.atomic():
        version = _locked_version(number)
        if version.status != PlaybookStatus.DRAFT:
            raise InvalidInput(f"version {number} is {version.status}; only a signed draft can be activated")
        owners = load_version(version).definition.owners
        check_may_activate(actor_of(activated_by), owners, version_number=number)
        signed = set(version.signatures.filter(sha256=version.sha256).values_list("side", flat=True))
        missing = [side for side in SigningSide.values if side not in signed]
        if missing:
            raise InvalidInput(
                f"version {number} cannot be activated: not yet signed for {' and '.join(missing)}"
            )
        PlaybookVersion.objects.filter(status=PlaybookStatus.ACTIVE).update(status=PlaybookStatus.RETIRED)
        version.status = PlaybookStatus.ACTIVE
        version.activated_at = now
        version.activated_by = activated_by
        version.save(update_fields=["status", "activated_at", "activated_by"])
        return version


def _locked_version(number: int) -> PlaybookVersion:
    get_playbook_version(number)
    return PlaybookVersion.objects.select_for_update().get(number=number)


def actor_of(user: User) -> Actor:
    return Actor(email=user.email, role=user.role)
