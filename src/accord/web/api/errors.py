"""The one JSON error shape of the API, {"error": {"code", "message", "fields": [...]}}, and the
handlers that turn every refusal (auth, validation, size, Accord errors) into it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from pydantic import JsonValue

from accord.errors import AccordError, PayloadTooLarge, PermissionDenied, RecordsRejected
from accord.web.api import refusals

E = TypeVar("E", bound=Exception)
# Longest given value echoed back in an error: enough to recognise it, not a copy of a huge field.
ECHO_CHARS = 200
STATUS_OF: tuple[tuple[type[AccordError], int], ...] = (
    (PayloadTooLarge, 413),
    (PermissionDenied, 403),
)


class FieldsInvalid(Exception):
    """Validation problems of records, located in the request body."""

    def __init__(self, message: str, fields: list[dict[str, JsonValue]]) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields


def echo(value: object) -> JsonValue:
    if isinstance(value, str):
        return value if len(value) <= ECHO_CHARS else value[: ECHO_CHARS - 1] + "…"
    if value is None or isinstance(value, bool | int | float):
        return value
    return echo(repr(value)) if not isinstance(value, dict | list) else "(" + type(value).__name__ + ")"


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, fields: list[Any] | None = None
) -> HttpResponse:
    body = {"error": {"code": code, "message": message, "fields": fields or []}}
    return api.create_response(request, body, status=status)


def locate(prefix: tuple[str | int, ...], problem_field: str) -> list[str | int]:
    head, dot, rest = problem_field.partition(".")
    return [*prefix, head, rest] if dot else [*prefix, head or "record"]


def rejected_fields(exc: RecordsRejected, *, is_batch: bool) -> FieldsInvalid:
    """Records refused by parsing or by the import rules, each problem at its place in the body."""
    fields: list[dict[str, JsonValue]] = []
    for problem in exc.problems:
        prefix: tuple[str | int, ...] = ("body", "records", problem.position) if is_batch else ("body",)
        fields.append(
            {
                "loc": list(locate(prefix, problem.field)),
                "message": problem.reason,
                "value": echo(problem.value),
            }
        )
    return FieldsInvalid(exc.message, fields)


def install_error_handlers(api: NinjaAPI) -> None:
    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields = [
            {
                "loc": list(error.get("loc", ())),
                "message": str(error.get("msg", "invalid")),
                "value": echo(error.get("input")),
            }
            for error in exc.errors
        ]
        return error_response(
            api, request, 422, "invalid_request", "the request body does not fit the schema", fields
        )

    def on_fields(request: HttpRequest, exc: FieldsInvalid) -> HttpResponse:
        return error_response(api, request, 422, "invalid_records", exc.message, exc.fields)

    def on_auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = error_response(
            api,
            request,
            401,
            "unauthenticated",
            "a valid API key is needed: send 'Authorization: Bearer <token>' (revoked keys are refused)",
        )
        response["WWW-Authenticate"] = "Bearer"
        refusals.log_refusal(request, response)
        return response

    def on_http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = "malformed_body" if exc.status_code == 400 else f"http_{exc.status_code}"
        message = "the request body is not valid JSON" if exc.status_code == 400 else str(exc)
        return error_response(api, request, exc.status_code, code, message)

    def on_accord(request: HttpRequest, exc: AccordError) -> HttpResponse:
        status = next((status for kind, status in STATUS_OF if isinstance(exc, kind)), 422)
        return error_response(api, request, status, exc.code, exc.message)

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, 404, "not_found", "no such endpoint")

    handle(api, ValidationError, on_validation)
    handle(api, FieldsInvalid, on_fields)
    handle(api, AuthenticationError, on_auth)
    handle(api, HttpError, on_http)
    handle(api, AccordError, on_accord)
    handle(api, Http404, on_not_found)


def handle(api: NinjaAPI, kind: type[E], handler: Callable[[HttpRequest, E], HttpResponse]) -> None:
    # ninja's annotation asks for a handler that also takes the class itself; it is only ever given instances.
    api.add_exception_handler(kind, handler)  # type: ignore[arg-type]
