"""Import runs and what they changed: one row per run, one append-only row per updated record."""

from django.db import models

from accord.models.append_only import AppendOnlyModel


class ImportStatus(models.TextChoices):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class ImportRun(models.Model):
    """One stream of one ``accord import``: its counts grow batch by batch, in each batch's transaction."""

    kind = models.CharField(max_length=20)
    source_name = models.CharField(max_length=500)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.RUNNING)
    is_dry_run = models.BooleanField(default=False)
    inserted = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0, help_text="activities kept until their lead arrives")
    attached = models.PositiveIntegerField(default=0, help_text="held activities attached to a lead")
    warnings = models.PositiveIntegerField(default=0, help_text="new data-quality warnings")

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} from {self.source_name} at {self.started_at:%Y-%m-%d %H:%M}"


class RecordChange(AppendOnlyModel):
    """What an import changed in one record: ``changes`` maps each field to {"old": …, "new": …}."""

    entity = models.CharField(max_length=20)
    external_id = models.CharField(max_length=200)
    changes = models.JSONField()
    import_run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="changes")
    changed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["entity", "external_id", "changed_at"], name="recordchange_entity")]

    def __str__(self) -> str:
        return f"{self.entity} {self.external_id} at {self.changed_at:%Y-%m-%d %H:%M}"
