"""Views of the web UI: each parses the request, calls one query or service and renders a template."""
