from django.apps import AppConfig


class SixfbConfig(AppConfig):
    name = "sixfb"
    verbose_name = "Accounts and shops"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sixfb import checks, receivers  # noqa: F401 - registers checks and signal receivers
