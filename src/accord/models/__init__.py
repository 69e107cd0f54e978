"""Django models, one module per concept."""

from accord.models.accounts import Account
from accord.models.activities import Activity, ActivityKind
from accord.models.leads import Lead
from accord.models.opportunities import Opportunity, OpportunityStageChange, OpportunityStatus
from accord.models.playbooks import PlaybookStatus, PlaybookVersion
from accord.models.settings import WorkspaceSetting
from accord.models.transitions import LifecycleTransition
from accord.models.users import Role, Team, User

__all__ = [
    "Account",
    "Activity",
    "ActivityKind",
    "Lead",
    "LifecycleTransition",
    "Opportunity",
    "OpportunityStageChange",
    "OpportunityStatus",
    "PlaybookStatus",
    "PlaybookVersion",
    "Role",
    "Team",
    "User",
    "WorkspaceSetting",
]
