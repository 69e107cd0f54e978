"""People who use Accord, their role and their team."""

from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Admin (RevOps)"
    MARKETING = "marketing", "Marketing"
    SALES_LEADER = "sales_leader", "Sales leader"
    SDR = "sdr", "SDR"
    AE = "ae", "Account executive"
    VIEWER = "viewer", "Viewer"


class Team(models.Model):
    name = models.CharField(max_length=120, unique=True)
    manager = models.ForeignKey(
        "accord.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="managed_teams"
    )

    def __str__(self) -> str:
        return self.name


class AccordUserManager(UserManager["User"]):
    """Users log in with their e-mail address; the username is kept equal to it."""

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> "User":
        extra.setdefault("username", email)
        return super().create_user(email=email, password=password, **extra)

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> "User":
        extra.setdefault("username", email)
        extra.setdefault("role", Role.ADMIN)
        return super().create_superuser(email=email, password=password, **extra)


class User(AbstractUser):
    email = models.EmailField(unique=True)
    external_id = models.CharField(max_length=200, unique=True, null=True, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["username"]

    objects = AccordUserManager()  # type: ignore[misc]

    def __str__(self) -> str:
        return self.get_full_name() or self.email
