"""The HTTP ingestion API (django-ninja)."""
