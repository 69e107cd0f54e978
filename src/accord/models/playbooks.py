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
    note = models.TextField(blank=True, help_text="why this version was proposed")
    activated_at = models.DateTimeField(null=True, blank=True)
    activated_by = models.ForeignKey(
        "accord.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=models.Q(status="active"), name="one_active_playbook"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.number} {self.name} ({self.status})"


class SigningSide(models.TextChoices):
    MARKETING = "marketing"
    SALES = "sales"


class PlaybookSignature(models.Model):
    """One side's sign-off of one version's exact text (its hash is kept beside the signature)."""

    version = models.ForeignKey(PlaybookVersion, on_delete=models.PROTECT, related_name="signatures")
    side = models.CharField(max_length=9, choices=SigningSide.choices)
    signed_by = models.ForeignKey("accord.User", on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "side"], name="one_signature_per_side")]

    def __str__(self) -> str:
        return f"v{self.version.number} signed for {self.side} by {self.signed_by}"
