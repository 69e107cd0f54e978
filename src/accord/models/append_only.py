"""A base for tables whose rows are facts: inserted once, never updated or deleted through the ORM."""

from typing import Any

from django.db import models

from accord.errors import InvalidInput


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise InvalidInput(f"{type(self).__name__} rows are append-only; history is never rewritten")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise InvalidInput(f"{type(self).__name__} rows are append-only; history is never deleted")
