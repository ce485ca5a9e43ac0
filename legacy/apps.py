from django.apps import AppConfig


class LegacyConfig(AppConfig):
    """The import from the old system; removable as a unit once the cut-over is done."""

    name = "legacy"
    verbose_name = "Legacy import"
    default_auto_field = "django.db.models.BigAutoField"
