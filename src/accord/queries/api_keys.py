"""Reads over the keys of the HTTP ingestion API: the list an admin reviews, one key by id or prefix."""

from accord.errors import InvalidInput, NotFound
from accord.models import ApiKey


def list_api_keys() -> list[ApiKey]:
    """Every key, revoked ones included, newest first, with who made it."""
    return list(ApiKey.objects.select_related("created_by").order_by("-created_at", "-id"))


def get_api_key(reference: str) -> ApiKey:
    """The key with this id (digits) or this prefix (as listed, e.g. acc_Xq3vT0bA); raises NotFound, or
    InvalidInput when a prefix names more than one key."""
    reference = reference.strip()
    if reference.isdigit():
        key = ApiKey.objects.select_related("created_by").filter(pk=int(reference)).first()
        if key is None:
            raise NotFound(f"no API key has id {reference}; 'accord api-key list' shows them")
        return key
    matches = list(ApiKey.objects.select_related("created_by").filter(prefix=reference)[:2])
    if not matches:
        raise NotFound(f"no API key has prefix {reference!r}; 'accord api-key list' shows them")
    if len(matches) > 1:
        raise InvalidInput(f"more than one API key has prefix {reference!r}; name the key by its id")
    return matches[0]
