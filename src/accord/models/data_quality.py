"""Data-quality warnings: facts an import kept as recorded but that a person should look at."""

from django.db import models


class WarningCode(models.TextChoices):
    WON_BEFORE_FIRST_CONTACT = "won_before_first_contact"
    STAGE_DATES_OUT_OF_ORDER = "stage_dates_out_of_order"
    HISTORY_DIFFERS = "history_differs"


class DataQualityWarning(models.Model):
    code = models.CharField(max_length=40, choices=WarningCode.choices)
    entity = models.CharField(max_length=20)
    external_id = models.CharField(max_length=200)
    message = models.CharField(max_length=500)
    import_run = models.ForeignKey(
        "accord.ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["code", "entity", "external_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "entity", "external_id"], name="data_quality_warning_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.entity} {self.external_id}"
