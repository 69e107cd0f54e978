"""Accounts: the companies leads work at, with their firmographics."""

from django.db import models


class Account(models.Model):
    external_id = models.CharField(max_length=200, unique=True)
    name = models.CharField(max_length=300)
    domain = models.CharField(max_length=253, blank=True, db_index=True)
    industry = models.CharField(max_length=100, blank=True)
    employees = models.PositiveIntegerField(null=True, blank=True)
    annual_revenue = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    country = models.CharField(max_length=100, blank=True, help_text="ISO code or name, as imported")
    attributes = models.JSONField(default=dict, blank=True, help_text="custom attributes from imports")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
