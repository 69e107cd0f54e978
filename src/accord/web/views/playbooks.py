"""The playbook pages: the active version and history, one version with its sign-off actions, and the
form that proposes a new version. The services enforce the rules; these views parse, call and render."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.domain.playbook.signoff import (
    ROLES_THAT_ACTIVATE,
    ROLES_THAT_PROPOSE,
    ROLES_THAT_SIGN,
    may_activate,
    signable_side,
)
from accord.domain.playbook.source import PlaybookInvalid
from accord.errors import InvalidInput, NotFound, PermissionDenied
from accord.models import PlaybookStatus, User
from accord.queries.playbook_pages import VersionPage, get_playbook_overview, get_version_page
from accord.queries.playbooks import find_active_playbook_version
from accord.services.playbooks import activate_playbook, actor_of, propose_playbook, sign_playbook
from accord.web.forms import ProposePlaybookForm


@dataclass(frozen=True)
class VersionActions:
    """The buttons this user sees on a version page, from the same rules the services enforce."""

    sign_side: str | None
    can_activate: bool


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required ran first
    return request.user


def _require_role(user: User, roles: frozenset[str]) -> None:
    """Who may ask at all; whether this user may act on this version is the service's decision."""
    if user.role not in roles:
        raise Forbidden(f"the role {user.get_role_display()} cannot do this")


def _actions_for(user: User, page: VersionPage) -> VersionActions:
    if page.status.version.status != PlaybookStatus.DRAFT:
        return VersionActions(sign_side=None, can_activate=False)
    actor = actor_of(user)
    missing = page.status.missing_sides
    return VersionActions(
        sign_side=signable_side(actor, page.owners, unsigned_sides=missing),
        can_activate=not missing and may_activate(actor, page.owners),
    )


@require_GET
@login_required
def playbook_overview(request: HttpRequest) -> HttpResponse:
    overview = get_playbook_overview(timezone.now())
    return render(
        request,
        "playbook/overview.html",
        {"overview": overview, "can_propose": _user(request).role in ROLES_THAT_PROPOSE},
    )


@require_GET
@login_required
def playbook_version(request: HttpRequest, number: int) -> HttpResponse:
    try:
        page = get_version_page(number, timezone.now())
    except NotFound as exc:
        raise Http404(exc.message) from exc
    context = {"page": page, "version": page.status.version, "actions": _actions_for(_user(request), page)}
    return render(request, "playbook/version.html", context)


@require_POST
@login_required
def sign_version(request: HttpRequest, number: int) -> HttpResponse:
    user = _user(request)
    _require_role(user, ROLES_THAT_SIGN)
    try:
        signature = sign_playbook(number, signer=user, now=timezone.now())
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except (PermissionDenied, InvalidInput) as exc:
        messages.error(request, f"Not signed: {exc.message}")
    else:
        messages.success(request, f"You signed version {number} for {signature.side}.")
    return redirect("playbook_version", number=number)


@require_POST
@login_required
def activate_version(request: HttpRequest, number: int) -> HttpResponse:
    user = _user(request)
    _require_role(user, ROLES_THAT_ACTIVATE)
    try:
        activate_playbook(number, activated_by=user, now=timezone.now())
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except (PermissionDenied, InvalidInput) as exc:
        messages.error(request, f"Not activated: {exc.message}")
    else:
        messages.success(request, f"Version {number} is now the active playbook.")
    return redirect("playbook_version", number=number)


@require_http_methods(["GET", "POST"])
@login_required
def propose_version(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_role(user, ROLES_THAT_PROPOSE)
    issues = None
    if request.method == "POST":
        form = ProposePlaybookForm(request.POST)
        if form.is_valid():
            try:
                version = propose_playbook(
                    form.cleaned_data["text"],
                    proposed_by=user,
                    now=timezone.now(),
                    note=form.cleaned_data["note"],
                )
            except PlaybookInvalid as exc:
                issues = exc.issues
            except (PermissionDenied, InvalidInput) as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"Version {version.number} is proposed; it needs both signatures.")
                return redirect("playbook_version", number=version.number)
    else:
        active = find_active_playbook_version()
        form = ProposePlaybookForm(initial={"text": active.source_yaml if active is not None else ""})
    return render(request, "playbook/propose.html", {"form": form, "issues": issues})
