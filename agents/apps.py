from django.apps import AppConfig


class AgentsConfig(AppConfig):
    name = "agents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from agents import receivers  # noqa: F401 - connects the signal receivers
        from agents.selectors import enabled_agent_count
        from billing.usage import meter_register

        meter_register("agents", lambda *, shop, **_period: enabled_agent_count(shop=shop))
