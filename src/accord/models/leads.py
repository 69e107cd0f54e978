"""Leads: people at accounts, with their source and their current lifecycle stage."""

from django.db import models

from accord.domain.account_matching import MatchRule
from accord.domain.lifecycle import Stage

STAGE_CHOICES = [(stage.value, stage.value) for stage in Stage]

MATCH_CHOICES = [(rule.value, rule.value) for rule in MatchRule]


class Lead(models.Model):
    external_id = models.CharField(max_length=200, unique=True)
    account = models.ForeignKey(
        "accord.Account", null=True, blank=True, on_delete=models.PROTECT, related_name="leads"
    )
    email = models.EmailField(max_length=320, unique=True, null=True, blank=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    title = models.CharField(max_length=200, blank=True)
    seniority = models.CharField(max_length=40, blank=True)
    source = models.CharField(max_length=60, blank=True, db_index=True)
    campaign = models.CharField(max_length=200, blank=True)
    company_name = models.CharField(max_length=300, blank=True, help_text="company as the source wrote it")
    # How an import found the account (docs/import-behaviour.md); blank for leads made another way.
    matched_account_by = models.CharField(max_length=20, choices=MATCH_CHOICES, blank=True)
    owner = models.ForeignKey(
        "accord.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_leads"
    )
    # Denormalised from the transition log, updated in the same transaction as each appended
    # transition, so that lists can filter by stage without replaying history.
    stage = models.CharField(max_length=20, choices=STAGE_CHOICES, default=Stage.LEAD.value, db_index=True)
    attributes = models.JSONField(default=dict, blank=True, help_text="custom attributes from imports")
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.full_name or self.email or self.external_id

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def email_domain(self) -> str:
        return self.email.rsplit("@", 1)[-1].lower() if self.email else ""
