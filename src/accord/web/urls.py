"""URL map of the web UI: login and logout, the lead pages, the playbook pages, the Django admin, and the
ingestion API under /api/."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView

# Imported for its effect: registering every model with the admin site.
from accord.web import admin as _admin_registrations  # noqa: F401
from accord.web.api.app import api
from accord.web.forms import LoginForm
from accord.web.views import leads, playbooks

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="lead_list", permanent=False), name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("leads/", leads.lead_list, name="lead_list"),
    path("leads/<int:lead_id>/", leads.lead_detail, name="lead_detail"),
    path("playbook/", playbooks.playbook_overview, name="playbook_overview"),
    path("playbook/propose/", playbooks.propose_version, name="playbook_propose"),
    path("playbook/<int:number>/", playbooks.playbook_version, name="playbook_version"),
    path("playbook/<int:number>/sign/", playbooks.sign_version, name="playbook_sign"),
    path("playbook/<int:number>/activate/", playbooks.activate_version, name="playbook_activate"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
