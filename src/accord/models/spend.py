"""Marketing spend per source, campaign and month, for cost per SQL and pipeline ROI."""

from django.db import models


class Spend(models.Model):
    source = models.CharField(max_length=60)
    campaign = models.CharField(max_length=200, blank=True)
    month = models.DateField(help_text="first day of the month")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")

    class Meta:
        verbose_name_plural = "spend"
        ordering = ["-month", "source", "campaign"]
        constraints = [
            models.UniqueConstraint(fields=["source", "campaign", "month"], name="spend_one_row_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.source}/{self.campaign or '-'} {self.month:%Y-%m}: {self.amount} {self.currency}"
