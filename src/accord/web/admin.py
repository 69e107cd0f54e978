"""Django admin for back-office records. Tables may hold millions of rows: foreign keys use search
widgets, never dropdowns, and counts are skipped. History (activities, transitions, stage changes),
playbooks with their signatures and the data catalog are read-only here: services write them."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accord.models import (
    Account,
    Activity,
    ActivityKind,
    ApiKey,
    CatalogEntry,
    DataQualityWarning,
    ImportRun,
    Lead,
    LeadVisitor,
    LifecycleTransition,
    Opportunity,
    OpportunityStageChange,
    PendingActivity,
    PlaybookSignature,
    PlaybookVersion,
    RecordChange,
    Spend,
    Team,
    User,
    WorkspaceSetting,
)
from accord.services.api_keys import can_manage_api_keys, create_api_key, revoke_api_key

admin.site.site_header = "Accord administration"
admin.site.site_title = "Accord admin"
admin.site.index_title = "Back office"
admin.site.site_url = "/leads/"


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """View-only: rows are facts appended by services; the admin may look, never add, edit or delete."""

    # Facet counts run one COUNT per filter choice: too slow on tables of millions of rows.
    show_facets = admin.ShowFacets.NEVER

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class UserCreationForm(forms.ModelForm):  # type: ignore[type-arg]
    """Users log in by e-mail; the username is kept equal to it, as the user service does."""

    password1 = forms.CharField(label="Password", strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label="Password again", strip=False, widget=forms.PasswordInput)

    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "role", "team")

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError("A user with this e-mail address already exists.")
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        return cleaned

    def save(self, commit: bool = True) -> User:
        user: User = super().save(commit=False)
        user.username = user.email
        user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
        return user


class AccordUserChangeForm(UserChangeForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]
    form = AccordUserChangeForm
    add_form = UserCreationForm
    list_display = ("email", "first_name", "last_name", "role", "team", "is_staff", "is_active", "last_login")
    list_filter = ("role", "team", "is_staff", "is_superuser", "is_active")
    list_select_related = ("team",)
    search_fields = ("email", "first_name", "last_name", "external_id")
    ordering = ("email",)
    autocomplete_fields = ("team",)
    fieldsets = (
        (None, {"fields": ("email", "username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "role", "team", "external_id")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "role", "team", "password1", "password2"),
            },
        ),
    )


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "manager")
    list_select_related = ("manager",)
    search_fields = ("name",)
    list_filter = (("manager", admin.EmptyFieldListFilter),)
    autocomplete_fields = ("manager",)


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    show_facets = admin.ShowFacets.NEVER
    list_display = ("name", "domain", "industry", "employees", "annual_revenue", "country", "created_at")
    search_fields = ("name", "domain", "external_id")
    list_filter = ("industry", "country")
    show_full_result_count = False


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    show_facets = admin.ShowFacets.NEVER
    list_display = ("__str__", "email", "account", "title", "source", "stage", "owner", "created_at")
    list_select_related = ("account", "owner")
    search_fields = ("email", "first_name", "last_name", "external_id", "account__name")
    list_filter = ("stage", "source", "seniority")
    autocomplete_fields = ("account", "owner")
    # The stage moves only through the lifecycle service, which appends the transition with it.
    readonly_fields = ("stage",)
    show_full_result_count = False


class StageChangeInline(ReadOnlyInline):
    model = OpportunityStageChange
    fields = ("occurred_at", "from_stage", "to_stage", "actor")
    ordering = ("-occurred_at",)


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    show_facets = admin.ShowFacets.NEVER
    list_display = (
        "name",
        "account",
        "source_lead",
        "owner",
        "amount",
        "currency",
        "stage",
        "status",
        "created_at",
        "closed_at",
    )
    list_select_related = ("account", "source_lead", "owner")
    search_fields = ("name", "external_id", "account__name")
    list_filter = ("status", "stage", "source")
    autocomplete_fields = ("account", "source_lead", "owner")
    inlines = (StageChangeInline,)
    show_full_result_count = False


class ActivityKindFilter(admin.SimpleListFilter):
    """Kinds from the enum: the default filter would scan the whole activity table for distinct values."""

    title = "kind"
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(kind.value, kind.label) for kind in ActivityKind]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Activity]) -> QuerySet[Activity]:
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "lead", "kind", "is_sales_touch", "actor", "detail")
    list_select_related = ("lead", "actor")
    search_fields = ("external_id", "lead__email", "detail")
    list_filter = ("is_sales_touch", ActivityKindFilter)
    raw_id_fields = ("lead", "actor")
    show_full_result_count = False


@admin.register(LifecycleTransition)
class LifecycleTransitionAdmin(ReadOnlyAdmin):
    list_display = (
        "occurred_at",
        "lead",
        "from_stage",
        "to_stage",
        "actor_kind",
        "actor",
        "reason",
        "playbook_version",
    )
    list_select_related = ("lead", "actor", "playbook_version")
    search_fields = ("lead__email", "reason")
    list_filter = ("to_stage", "from_stage", "actor_kind")
    raw_id_fields = ("lead", "actor", "playbook_version")
    show_full_result_count = False


@admin.register(OpportunityStageChange)
class OpportunityStageChangeAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "opportunity", "from_stage", "to_stage", "actor")
    list_select_related = ("opportunity", "actor")
    search_fields = ("opportunity__name", "opportunity__external_id")
    list_filter = ("to_stage",)
    raw_id_fields = ("opportunity", "actor")
    show_full_result_count = False


class SignatureInline(ReadOnlyInline):
    model = PlaybookSignature
    fields = ("side", "signed_by", "signed_at", "sha256")


@admin.register(PlaybookVersion)
class PlaybookVersionAdmin(ReadOnlyAdmin):
    """Signed definitions: proposed, signed and activated with ``accord playbook``, never edited here."""

    list_display = ("number", "name", "status", "proposed_by", "proposed_at", "activated_at", "activated_by")
    list_select_related = ("proposed_by", "activated_by")
    search_fields = ("name", "sha256", "note")
    list_filter = ("status",)
    raw_id_fields = ("proposed_by", "activated_by")
    inlines = (SignatureInline,)


@admin.register(PlaybookSignature)
class PlaybookSignatureAdmin(ReadOnlyAdmin):
    list_display = ("version", "side", "signed_by", "signed_at", "sha256")
    list_select_related = ("version", "signed_by")
    search_fields = ("version__name", "signed_by__email", "sha256")
    list_filter = ("side",)
    raw_id_fields = ("version", "signed_by")


@admin.register(CatalogEntry)
class CatalogEntryAdmin(ReadOnlyAdmin):
    """Kept by whatever writes the data (imports, the loader); shown here to see what attributes exist."""

    list_display = ("kind", "name", "value_type")
    search_fields = ("name",)
    list_filter = ("kind", "value_type")
    ordering = ("kind", "name")


@admin.register(WorkspaceSetting)
class WorkspaceSettingAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("key", "value")
    search_fields = ("key",)


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    """Written by ``accord import``: one row per stream, with its counts."""

    list_display = (
        "started_at",
        "kind",
        "source_name",
        "status",
        "inserted",
        "updated",
        "unchanged",
        "rejected",
        "held",
        "attached",
        "warnings",
    )
    search_fields = ("source_name",)
    list_filter = ("kind", "status")


@admin.register(RecordChange)
class RecordChangeAdmin(ReadOnlyAdmin):
    list_display = ("changed_at", "entity", "external_id", "changes", "import_run")
    search_fields = ("external_id",)
    list_filter = ("entity",)
    raw_id_fields = ("import_run",)
    show_full_result_count = False


@admin.register(DataQualityWarning)
class DataQualityWarningAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "code", "entity", "external_id", "message")
    search_fields = ("external_id", "message")
    list_filter = ("code", "entity")
    raw_id_fields = ("import_run",)


@admin.register(PendingActivity)
class PendingActivityAdmin(ReadOnlyAdmin):
    """Activities waiting for their lead; an import attaches them when it arrives."""

    list_display = ("received_at", "kind", "occurred_at", "lead_external_id", "lead_email", "visitor_id")
    search_fields = ("external_id", "lead_external_id", "lead_email", "visitor_id")
    raw_id_fields = ("import_run",)


@admin.register(LeadVisitor)
class LeadVisitorAdmin(ReadOnlyAdmin):
    list_display = ("visitor_id", "lead", "identified_at")
    list_select_related = ("lead",)
    search_fields = ("visitor_id", "lead__email")
    raw_id_fields = ("lead",)


@admin.register(Spend)
class SpendAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("month", "source", "campaign", "amount", "currency")
    search_fields = ("source", "campaign")
    list_filter = ("source", "currency")


class ApiKeyCreationForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ApiKey
        fields = ("name",)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Keys of the ingestion API, for admins only. Made here (the token is shown once, in a message)
    and revoked with the list's action; never edited or deleted, so who made and used a key stays known."""

    list_display = ("name", "prefix", "created_by", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("created_by",)
    search_fields = ("name", "prefix")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    readonly_fields = ("name", "prefix", "created_by", "created_at", "last_used_at", "revoked_at")
    actions = ("revoke",)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = ApiKeyCreationForm
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return () if obj is None else self.readonly_fields

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("name",) if obj is None else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        key, token = create_api_key(name=obj.name, created_by=request.user, now=timezone.now())  # type: ignore[arg-type]
        obj.pk, obj.prefix, obj.created_at = key.pk, key.prefix, key.created_at
        obj.secret_sha256, obj.created_by = key.secret_sha256, key.created_by
        messages.warning(
            request, f"API key “{key.name}” created. Copy its token now; it is not shown again: {token}"
        )

    @admin.action(description="Revoke the selected API keys")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        now = timezone.now()
        revoked = sum(revoke_api_key(key, revoked_by=request.user, now=now) for key in queryset)  # type: ignore[arg-type]
        messages.success(request, f"{revoked} API key(s) revoked; requests with them are now refused.")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_manage_api_keys(request.user)  # type: ignore[arg-type]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_api_keys(request.user)  # type: ignore[arg-type]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_manage_api_keys(request.user)  # type: ignore[arg-type]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
