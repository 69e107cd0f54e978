"""Starting Django from the command line with the workspace the user chose."""

import os

from accord.errors import AccordError, ConfigurationError


def start_django(workspace: str | None) -> None:
    """Point settings at the workspace and set Django up; configuration errors surface as AccordError."""
    if workspace:
        os.environ["ACCORD_HOME"] = workspace
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except AccordError:
        raise
    except ImproperlyConfigured as exc:
        raise ConfigurationError(str(exc)) from exc
