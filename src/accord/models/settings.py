"""Small facts about the workspace itself (e.g. that it holds generated demo data)."""

from django.db import models


class WorkspaceSetting(models.Model):
    key = models.CharField(max_length=100, primary_key=True)
    value = models.JSONField()

    def __str__(self) -> str:
        return self.key
