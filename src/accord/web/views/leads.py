"""The lead list (searchable, filterable, paginated, with htmx live search) and the lead page."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from accord.errors import NotFound
from accord.queries.leads import get_lead_detail, list_lead_sources, list_leads
from accord.queries.timeline import TIMELINE_PAGE_SIZE, lead_timeline
from accord.web.forms import LeadFilterForm


def _is_htmx_fragment_request(request: HttpRequest) -> bool:
    # A history restore asks for the whole page even though htmx sends it.
    return "HX-Request" in request.headers and "HX-History-Restore-Request" not in request.headers


@require_GET
@login_required
def lead_list(request: HttpRequest) -> HttpResponse:
    form = LeadFilterForm(request.GET)
    filters = form.filters()
    page = list_leads(filters, form.page_number())
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    context = {"form": form, "filters": filters, "page": page, "query": query_without_page.urlencode()}
    if _is_htmx_fragment_request(request):
        response = render(request, "leads/_results.html", context)
    else:
        response = render(request, "leads/list.html", {**context, "sources": list_lead_sources()})
    # The same URL answers with a fragment or a page, so caches must key on the header.
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@login_required
def lead_detail(request: HttpRequest, lead_id: int) -> HttpResponse:
    try:
        detail = get_lead_detail(lead_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    try:
        offset = max(int(request.GET.get("timeline_offset", "0")), 0)
    except ValueError:
        offset = 0
    timeline = lead_timeline(detail.lead, limit=TIMELINE_PAGE_SIZE, offset=offset)
    return render(request, "leads/detail.html", {"detail": detail, "lead": detail.lead, "timeline": timeline})
