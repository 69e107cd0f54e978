"""Forms that parse what the web pages send: query strings into typed filters, and playbook proposals."""

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


# A playbook a person signs is a few kilobytes; this bounds what one request makes the validator read.
PLAYBOOK_TEXT_MAX_BYTES = 200 * 1024


class ProposePlaybookForm(forms.Form):
    """A new playbook version's YAML and the proposer's note; the text is checked here only for size."""

    text = forms.CharField(
        label="Playbook YAML",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 28, "spellcheck": "false", "class": "code-input"}),
    )
    note = forms.CharField(
        required=False,
        max_length=2000,
        label="Note",
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "Why this version: what changed and for whom"}
        ),
    )

    def clean_text(self) -> str:
        # Browsers send CRLF from a textarea; stored versions (and their hashes) use LF, as the CLI does.
        text = str(self.cleaned_data["text"]).replace("\r\n", "\n")
        size_bytes = len(text.encode())
        if size_bytes > PLAYBOOK_TEXT_MAX_BYTES:
            raise forms.ValidationError(
                f"The playbook text is {size_bytes / 1024:,.0f} KB; the limit is "
                f"{PLAYBOOK_TEXT_MAX_BYTES // 1024} KB. A playbook is usually a few KB."
            )
        if not text.strip():
            raise forms.ValidationError("The playbook text is empty.")
        return text

    def clean_note(self) -> str:
        return str(self.cleaned_data["note"]).strip()
