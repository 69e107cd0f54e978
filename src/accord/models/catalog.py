"""The workspace's data catalog: custom attributes and activity kinds its data brought, with their types.

Kept as rows (maintained by whatever writes the data) so that validating a playbook never has to scan
millions of JSON documents to learn which attributes exist."""

from django.db import models


class CatalogEntryKind(models.TextChoices):
    LEAD_ATTRIBUTE = "lead_attribute"
    ACCOUNT_ATTRIBUTE = "account_attribute"
    ACTIVITY_KIND = "activity_kind"


class ValueType(models.TextChoices):
    NUMBER = "number"
    TEXT = "text"
    BOOLEAN = "boolean"
    DATETIME = "datetime"


class CatalogEntry(models.Model):
    kind = models.CharField(max_length=20, choices=CatalogEntryKind.choices)
    name = models.CharField(max_length=100)
    value_type = models.CharField(max_length=10, choices=ValueType.choices, blank=True)

    class Meta:
        verbose_name_plural = "catalog entries"
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="catalog_entry_unique_name")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.name}"
