"""Playbook versions: the signed-off shared definitions, stored verbatim with their hash."""

from django.db import models


class PlaybookStatus(models.TextChoices):
    DRAFT = "draft"
    ACTIVE = "active"
    RETIRED = "retired"


class PlaybookVersion(models.Model):
    number = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=200)
    source_yaml = models.TextField()
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=8, choices=PlaybookStatus.choices, default=PlaybookStatus.DRAFT)
    proposed_by = models.ForeignKey(
        "accord.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField()
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=models.Q(status="active"), name="one_active_playbook"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.number} {self.name} ({self.status})"
