"""Forms that parse the query strings of the web pages into typed filters."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from accord.domain.lifecycle import Stage
from accord.queries.leads import LeadFilters

STAGE_CHOICES = [("", "Any stage"), *((stage.value, stage.value.replace("_", " ")) for stage in Stage)]


class LeadFilterForm(forms.Form):
    """The lead list's query string; an invalid field (an unknown stage, say) is ignored, not an error."""

    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        widget=forms.SearchInput(
            attrs={"placeholder": "Search name, e-mail, company or title", "autocomplete": "off"}
        ),
    )
    stage = forms.ChoiceField(required=False, choices=STAGE_CHOICES)
    # Free text, not a choice: validating it would cost a DISTINCT over all leads on every keystroke.
    source = forms.CharField(required=False, max_length=60)
    page = forms.IntegerField(required=False, min_value=1)

    def _valid_data(self) -> dict[str, Any]:
        self.is_valid()  # cleaned_data then holds exactly the fields that passed
        return self.cleaned_data

    def filters(self) -> LeadFilters:
        data = self._valid_data()
        stage = data.get("stage") or ""
        return LeadFilters(
            search=data.get("q") or "", stage=Stage(stage) if stage else None, source=data.get("source") or ""
        )

    def page_number(self) -> int:
        return self._valid_data().get("page") or 1


class LoginForm(AuthenticationForm):
    """Log in by e-mail address; addresses are stored lower-case, so the typed one is matched that way."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That e-mail address and password do not match an account. Please try again.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autofocus": True, "autocomplete": "email", "maxlength": 254}
        )

    def clean_username(self) -> str:
        return str(self.cleaned_data.get("username") or "").strip().lower()
