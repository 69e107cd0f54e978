"""Keys that authenticate the HTTP ingestion API. Only a SHA-256 digest of each token is stored: the
token is 32 random bytes, so a fast hash is enough (no dictionary to guess from) and lookup is indexed."""

from django.db import models


class ApiKey(models.Model):
    """One key of this workspace, created and revoked by an admin. The token is shown once, at creation."""

    name = models.CharField(max_length=100, help_text="what uses it, e.g. 'website forms'")
    prefix = models.CharField(max_length=16, help_text="the token's first characters, to recognise it")
    secret_sha256 = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        "accord.User", on_delete=models.PROTECT, related_name="created_api_keys", editable=False
    )
    created_at = models.DateTimeField(editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
