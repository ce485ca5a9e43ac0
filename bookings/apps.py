from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from bookings.views.dashboard import bookings_panel
        from sixfb.dashboard import panel_register

        panel_register(bookings_panel)
