"""Creating and changing the people who use Accord."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from accord.errors import InvalidInput
from accord.models import Role, User


def create_user(*, email: str, role: str, full_name: str = "", password: str | None = None) -> User:
    """Create a user; admins get Django-admin access. The password is validated unless None."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidInput(f"email {email!r} is not a valid e-mail address") from exc
    if role not in Role.values:
        raise InvalidInput(f"role {role!r} is unknown; expected one of {', '.join(Role.values)}")
    if User.objects.filter(email=email).exists():
        raise InvalidInput(f"a user with email {email} already exists")
    first_name, _, last_name = full_name.strip().partition(" ")
    candidate = User(email=email, username=email, role=role, first_name=first_name, last_name=last_name)
    if password is not None:
        try:
            validate_password(password, candidate)
        except ValidationError as exc:
            raise InvalidInput("password: " + " ".join(exc.messages)) from exc
    with transaction.atomic():
        candidate.is_staff = role == Role.ADMIN
        candidate.is_superuser = role == Role.ADMIN
        if password is None:
            candidate.set_unusable_password()
        else:
            candidate.set_password(password)
        candidate.save()
    return candidate
