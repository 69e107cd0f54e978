"""Bearer-token authentication by API key. Token-only: a session cookie never authenticates the API,
which is why the API needs no CSRF check. The body size is checked here, before the body is read."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from accord.errors import PayloadTooLarge
from accord.models import ApiKey
from accord.services.api_keys import authenticate_api_key


class ApiKeyAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        key = authenticate_api_key(token.strip(), now=timezone.now())
        if key is not None:
            refuse_oversized_body(request)
        return key


def refuse_oversized_body(request: HttpRequest) -> None:
    """Raise PayloadTooLarge when the declared body is over ACCORD_API_MAX_BODY_BYTES."""
    limit: int = settings.ACCORD_API_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0  # Django reads no body for a Content-Length it cannot parse either
    if declared > limit:
        raise PayloadTooLarge(f"the request body is {declared} bytes; the limit is {limit} bytes")
