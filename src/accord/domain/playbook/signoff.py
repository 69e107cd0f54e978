"""Who may propose, sign and activate a playbook version: one set of rules that the services enforce
and the pages use to decide which buttons to show."""

from dataclasses import dataclass

from accord.domain.playbook.schema import Owners
from accord.errors import PermissionDenied

ADMIN_ROLE = "admin"
ROLES_THAT_PROPOSE = frozenset({ADMIN_ROLE, "marketing", "sales_leader"})
# Each side is signed by its owner, and only while that person holds the side's role.
SIGNING_ROLE_BY_SIDE = {"marketing": "marketing", "sales": "sales_leader"}
ROLES_THAT_SIGN = frozenset(SIGNING_ROLE_BY_SIDE.values())
ROLES_THAT_ACTIVATE = frozenset({ADMIN_ROLE, *ROLES_THAT_SIGN})


@dataclass(frozen=True)
class Actor:
    email: str
    role: str


def check_may_propose(actor: Actor) -> None:
    if actor.role not in ROLES_THAT_PROPOSE:
        raise PermissionDenied(f"{actor.email} ({actor.role}) cannot propose playbook versions")


def side_signed_by(actor: Actor, owners: Owners, *, version_number: int) -> str:
    """The side the actor signs for; PermissionDenied when they are not an owner in the right role."""
    for side, owner_email in (("marketing", owners.marketing), ("sales", owners.sales)):
        if actor.email.lower() == owner_email.lower():
            role = SIGNING_ROLE_BY_SIDE[side]
            if actor.role != role:
                raise PermissionDenied(
                    f"{actor.email} is named as the {side} owner but has the role {actor.role}; "
                    f"the {side} side is signed by a user with the role {role}"
                )
            return side
    raise PermissionDenied(
        f"only the owners named in version {version_number} can sign it: "
        f"{owners.marketing} (marketing) and {owners.sales} (sales)"
    )


def check_may_activate(actor: Actor, owners: Owners, *, version_number: int) -> None:
    is_owner = actor.email.lower() in {owners.marketing.lower(), owners.sales.lower()}
    if actor.role != ADMIN_ROLE and not is_owner:
        raise PermissionDenied(f"{actor.email} is neither an admin nor an owner of version {version_number}")


def signable_side(actor: Actor, owners: Owners, *, unsigned_sides: list[str]) -> str | None:
    """The side this actor could sign now, if any (for showing a Sign button)."""
    try:
        side = side_signed_by(actor, owners, version_number=0)
    except PermissionDenied:
        return None
    return side if side in unsigned_sides else None


def may_activate(actor: Actor, owners: Owners) -> bool:
    try:
        check_may_activate(actor, owners, version_number=0)
    except PermissionDenied:
        return False
    return True
