"""The ingestion API: leads and activities, one at a time or in batches, authenticated by API key.
Mounted at /api/; its OpenAPI document is /api/openapi.json and its browsable docs /api/docs."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.errors import ValidationError, ValidationErrorContext

from accord import __version__
from accord.web.api import ingest
from accord.web.api.auth import ApiKeyAuth
from accord.web.api.errors import install_error_handlers


class AccordApi(NinjaAPI):
    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext[Any]]
    ) -> ValidationError:
        """As ninja's, but keeping each bad value so that the error can show what was given, and locating
        it in the body as sent (["body", "records", 3, "email"]), without the view's parameter name."""
        errors: list[dict[str, Any]] = []
        for context in error_contexts:
            model = context.model
            for error in context.pydantic_validation_error.errors(include_url=False, include_context=False):
                loc = model.__ninja_flatten_map_reverse__.get(error["loc"], error["loc"])
                if getattr(model, "__read_from_single_attr__", None) and loc:
                    loc = loc[1:]
                errors.append({**error, "loc": (model.__ninja_param_source__, *loc)})
        return ValidationError(errors)


api = AccordApi(
    title="Accord ingestion API",
    version=__version__,
    description=(
        "Send leads and activities (form fills, page views, calls) to Accord. Authenticate with an API "
        "key made by an admin: `Authorization: Bearer <token>`. Every write is idempotent by external id; "
        "a batch with any bad record is refused whole. See docs/api.md."
    ),
    auth=ApiKeyAuth(),
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/", ingest.router)
