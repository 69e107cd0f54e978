"""Reads over users."""

from accord.errors import NotFound
from accord.models import User


def get_user_by_email(email: str) -> User:
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise NotFound(f"no user with e-mail {email}")
    return user
