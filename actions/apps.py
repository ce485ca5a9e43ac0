from django.apps import AppConfig


class ActionsConfig(AppConfig):
    """Agents that act: the tools an agent may call while it answers, the audit of every call, and
    the proposals a person approves before anything is written (issue 18; docs/actions.md)."""

    name = "actions"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Agent actions"

    def ready(self) -> None:
        from actions import tools  # noqa: F401  (registers every tool)
        from actions.toolbox import ActionsToolbox
        from chat.toolbox import toolbox_register

        toolbox_register(ActionsToolbox())
