from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "insights"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from insights.checklist import checklist_panel
        from insights.receivers import numbers_for_agents
        from sixfb.dashboard import panel_register
        from sixfb.signals import shop_facts_wanted

        shop_facts_wanted.connect(numbers_for_agents, dispatch_uid="insights.numbers_for_agents")
        panel_register(checklist_panel, lead=True)  # what to do first opens the dashboard
