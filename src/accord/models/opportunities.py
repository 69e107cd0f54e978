"""Opportunities (deals) and their append-only stage history."""

from django.db import models

from accord.models.append_only import AppendOnlyModel


class OpportunityStatus(models.TextChoices):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class Opportunity(models.Model):
    external_id = models.CharField(max_length=200, unique=True)
    name = models.CharField(max_length=300)
    account = models.ForeignKey("accord.Account", on_delete=models.PROTECT, related_name="opportunities")
    source_lead = models.ForeignKey(
        "accord.Lead", null=True, blank=True, on_delete=models.PROTECT, related_name="opportunities"
    )
    owner = models.ForeignKey(
        "accord.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="opportunities"
    )
    source = models.CharField(max_length=60, blank=True, db_index=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    stage = models.CharField(max_length=60, help_text="current stage name from the playbook")
    status = models.CharField(max_length=4, choices=OpportunityStatus.choices, default=OpportunityStatus.OPEN)
    created_at = models.DateTimeField(db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    loss_reason = models.CharField(max_length=100, blank=True)
    competitor = models.CharField(max_length=100, blank=True)
    attributes = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name_plural = "opportunities"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="lost") | ~models.Q(loss_reason=""),
                name="lost_opportunity_has_loss_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(closed_at__isnull=False),
                name="closed_opportunity_has_closed_at",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OpportunityStageChange(AppendOnlyModel):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.PROTECT, related_name="stage_changes")
    from_stage = models.CharField(max_length=60, blank=True)
    to_stage = models.CharField(max_length=60)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        "accord.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["opportunity", "occurred_at"], name="oppstage_opp_time")]
