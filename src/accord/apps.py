from django.apps import AppConfig


class AccordConfig(AppConfig):
    name = "accord"
    verbose_name = "Accord"
    default_auto_field = "django.db.models.BigAutoField"
