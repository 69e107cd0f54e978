"""The append-only lifecycle log. Stage timestamps (mql_at, sql_at, …) are derived from it."""

from django.db import models

from accord.domain.lifecycle import TransitionActor
from accord.models.append_only import AppendOnlyModel
from accord.models.leads import STAGE_CHOICES

ACTOR_CHOICES = [(actor.value, actor.value) for actor in TransitionActor]


class LifecycleTransition(AppendOnlyModel):
    # Indexed through transition_lead_time below.
    lead = models.ForeignKey(
        "accord.Lead", on_delete=models.PROTECT, related_name="transitions", db_index=False
    )
    from_stage = models.CharField(max_length=20, choices=STAGE_CHOICES)
    to_stage = models.CharField(max_length=20, choices=STAGE_CHOICES)
    occurred_at = models.DateTimeField()
    actor_kind = models.CharField(max_length=10, choices=ACTOR_CHOICES)
    actor = models.ForeignKey(
        "accord.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="transitions_made"
    )
    reason = models.CharField(max_length=200, blank=True)
    playbook_version = models.ForeignKey(
        "accord.PlaybookVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="transitions"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["lead", "occurred_at"], name="transition_lead_time"),
            models.Index(fields=["to_stage", "occurred_at"], name="transition_stage_time"),
        ]

    def __str__(self) -> str:
        return f"{self.from_stage} → {self.to_stage} at {self.occurred_at:%Y-%m-%d %H:%M}"
