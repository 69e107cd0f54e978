"""Django models, one module per concept."""

from accord.models.accounts import Account
from accord.models.activities import Activity, ActivityKind
from accord.models.catalog import CatalogEntry, CatalogEntryKind, ValueType
from accord.models.leads import Lead
from accord.models.opportunities import Opportunity, OpportunityStageChange, OpportunityStatus
from accord.models.playbooks import PlaybookSignature, PlaybookStatus, PlaybookVersion, SigningSide
from accord.models.settings import WorkspaceSetting
from accord.models.transitions import LifecycleTransition
from accord.models.users import Role, Team, User

__all__ = [
    "Account",
    "CatalogEntry",
    "CatalogEntryKind",
    "Activity",
    "ActivityKind",
    "Lead",
    "LifecycleTransition",
    "Opportunity",
    "OpportunityStageChange",
    "OpportunityStatus",
    "PlaybookSignature",
    "PlaybookStatus",
    "PlaybookVersion",
    "Role",
    "SigningSide",
    "Team",
    "User",
    "ValueType",
    "WorkspaceSetting",
]
