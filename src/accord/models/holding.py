"""The holding area: activities whose lead is not known yet, kept (not dropped) until the lead arrives."""

from django.db import models


class PendingActivity(models.Model):
    """An activity as imported, with the lead references it came with. When a lead with that external
    id, e-mail or visitor id is imported, the activity is written to the log and this row deleted."""

    external_id = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40)
    occurred_at = models.DateTimeField()
    lead_external_id = models.CharField(max_length=200, blank=True, db_index=True)
    lead_email = models.CharField(max_length=320, blank=True, db_index=True)
    visitor_id = models.CharField(max_length=200, blank=True, db_index=True)
    actor_email = models.CharField(max_length=320, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField()
    import_run = models.ForeignKey(
        "accord.ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "pending activities"
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        waiting_for = self.lead_external_id or self.lead_email or self.visitor_id
        return f"{self.kind} for {waiting_for} (held)"
