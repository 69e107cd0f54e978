"""Activities: time-stamped marketing signals and sales touches. Append-only, idempotent by external id."""

from django.db import models

from accord.models.append_only import AppendOnlyModel


class ActivityKind(models.TextChoices):
    # marketing signals: what the lead did
    PAGE_VIEW = "page_view"
    PRICING_PAGE_VIEW = "pricing_page_view"
    FORM_FILL = "form_fill"
    CONTENT_DOWNLOAD = "content_download"
    WEBINAR_ATTENDED = "webinar_attended"
    EMAIL_CLICK = "email_click"
    EVENT_SCAN = "event_scan"
    DEMO_REQUEST = "demo_request"
    CONTACT_REQUEST = "contact_request"
    # sales touches: what sales did to the lead
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"


SALES_TOUCH_KINDS = frozenset({ActivityKind.CALL, ActivityKind.EMAIL, ActivityKind.MEETING})


class Activity(AppendOnlyModel):
    external_id = models.CharField(max_length=200, unique=True)
    # Indexed through activity_lead_time below; a second index on lead alone would only slow loads.
    lead = models.ForeignKey(
        "accord.Lead", on_delete=models.PROTECT, related_name="activities", db_index=False
    )
    kind = models.CharField(max_length=40)
    is_sales_touch = models.BooleanField(default=False)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        "accord.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="touches"
    )
    detail = models.CharField(max_length=500, blank=True, help_text="page, asset, subject or outcome")
    attributes = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["lead", "occurred_at"], name="activity_lead_time")]

    def __str__(self) -> str:
        return f"{self.kind} at {self.occurred_at:%Y-%m-%d %H:%M}"
