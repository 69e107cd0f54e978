"""Creating, revoking and checking the keys of the HTTP ingestion API. A token is shown once, when it
is made; only its SHA-256 digest is stored, so the database alone never lets anyone call the API."""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Q

from accord.errors import InvalidInput, PermissionDenied
from accord.models import ApiKey, Role, User

TOKEN_PREFIX = "acc_"
# 32 random bytes (256 bits) make the token unguessable, which is why a fast hash is safe to store.
TOKEN_BYTES = 32
# Characters of the token kept in clear to tell keys apart: "acc_" and 8 random characters (48 bits).
SHOWN_PREFIX_CHARS = 12
NAME_MAX_CHARS = 100
# How stale a key's last use may be before a request writes it again: the admin needs to know whether a
# key is still in use, not each call, and a committed write on every request was one of a single event's
# two write transactions (bench/RESULTS.md, "HTTP ingestion").
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def can_manage_api_keys(user: User) -> bool:
    """API keys write data into the workspace: only admins (RevOps) may make or revoke them."""
    return user.is_active and user.is_staff and (user.is_superuser or user.role == Role.ADMIN)


def create_api_key(*, name: str, created_by: User, now: datetime) -> tuple[ApiKey, str]:
    """A new key and its token; the token is returned once and never stored."""
    if not can_manage_api_keys(created_by):
        raise PermissionDenied(f"{created_by.email} is not an admin; only admins manage API keys")
    name = name.strip()
    if not name or len(name) > NAME_MAX_CHARS:
        raise InvalidInput(f"name: expected 1 to {NAME_MAX_CHARS} characters (got {len(name)})")
    token = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        key = ApiKey.objects.create(
            name=name,
            prefix=token[:SHOWN_PREFIX_CHARS],
            secret_sha256=token_digest(token),
            created_by=created_by,
            created_at=now,
        )
    return key, token


def revoke_api_key(key: ApiKey, *, revoked_by: User, now: datetime) -> bool:
    """Revoke the key from ``now`` on; False when it was revoked already (the first date is kept)."""
    if not can_manage_api_keys(revoked_by):
        raise PermissionDenied(f"{revoked_by.email} is not an admin; only admins manage API keys")
    with transaction.atomic():
        changed = ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=now)
    if changed:
        key.revoked_at = now
    return bool(changed)


def authenticate_api_key(token: str, *, now: datetime) -> ApiKey | None:
    """The live key ``token`` belongs to; None for unknown or revoked keys. Only the key's id, name and
    prefix are loaded (other fields load when read).

    The key's last use is recorded to within LAST_USED_RESOLUTION: it is written only when the stored
    one is older, by one UPDATE whose WHERE repeats the age test, so concurrent requests write it once."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    stale_before = now - LAST_USED_RESOLUTION
    with connection.cursor() as cursor:
        cursor.execute(
            live_key_sql(connection.vendor),
            [connection.ops.adapt_datetimefield_value(stale_before), token_digest(token)],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    key_id, name, prefix, is_stale = row
    key = ApiKey.from_db(connection.alias, ["id", "name", "prefix"], [key_id, name, prefix])
    if is_stale:
        ApiKey.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale_before), pk=key_id
        ).update(last_used_at=now)
        key.last_used_at = now
    return key


@functools.cache
def live_key_sql(vendor: str) -> str:
    """Every API request looks its key up: in SQL, because building the ORM query cost more than running
    it (bench/RESULTS.md, "HTTP ingestion"). Names come from the model; values are bound."""
    quote = connection.ops.quote_name
    column = {field.name: quote(field.column) for field in ApiKey._meta.concrete_fields}
    last_used = column["last_used_at"]
    return (
        f"SELECT {column['id']}, {column['name']}, {column['prefix']}, "  # noqa: S608
        f"({last_used} IS NULL OR {last_used} < %s) "
        f"FROM {quote(ApiKey._meta.db_table)} "
        f"WHERE {column['secret_sha256']} = %s AND {column['revoked_at']} IS NULL"
    )
