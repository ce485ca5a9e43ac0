from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from bookings.receivers import services_for_agents
        from bookings.views.dashboard import bookings_panel
        from sixfb.dashboard import panel_register
        from sixfb.signals import shop_facts_wanted

        panel_register(bookings_panel)
        shop_facts_wanted.connect(services_for_agents, dispatch_uid="bookings.services_for_agents")
