"""Django models, one module per concept."""

from accord.models.accounts import Account
from accord.models.activities import Activity, ActivityKind
from accord.models.api_keys import ApiKey
from accord.models.catalog import CatalogEntry, CatalogEntryKind, ValueType
from accord.models.data_quality import DataQualityWarning, WarningCode
from accord.models.holding import PendingActivity
from accord.models.import_runs import ImportRun, ImportStatus, RecordChange
from accord.models.leads import Lead
from accord.models.opportunities import Opportunity, OpportunityStageChange, OpportunityStatus
from accord.models.playbooks import PlaybookSignature, PlaybookStatus, PlaybookVersion, SigningSide
from accord.models.settings import WorkspaceSetting
from accord.models.spend import Spend
from accord.models.transitions import LifecycleTransition
from accord.models.users import Role, Team, User
from accord.models.visitors import LeadVisitor

__all__ = [
    "Account",
    "Activity",
    "ActivityKind",
    "ApiKey",
    "CatalogEntry",
    "CatalogEntryKind",
    "DataQualityWarning",
    "ImportRun",
    "ImportStatus",
    "Lead",
    "LeadVisitor",
    "LifecycleTransition",
    "Opportunity",
    "OpportunityStageChange",
    "OpportunityStatus",
    "PendingActivity",
    "PlaybookSignature",
    "PlaybookStatus",
    "PlaybookVersion",
    "RecordChange",
    "Role",
    "SigningSide",
    "Spend",
    "Team",
    "User",
    "ValueType",
    "WarningCode",
    "WorkspaceSetting",
]
