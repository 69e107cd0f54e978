"""Anonymous visitor ids a lead was identified as; their earlier activity belongs to the lead."""

from django.db import models


class LeadVisitor(models.Model):
    visitor_id = models.CharField(max_length=200, unique=True)
    lead = models.ForeignKey("accord.Lead", on_delete=models.CASCADE, related_name="visitors")
    identified_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.visitor_id} → lead {self.lead_id}"
