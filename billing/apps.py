from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from billing import receivers, stripe_gateway  # noqa: F401 - webhook receivers, STRIPE_API_BASE

        stripe_gateway.configure()
