"""Create the demo shop owner that `make run` prints, so a newcomer can sign in at once."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sixfb.models import Shop, User
from sixfb.services import shop_create

DEMO_EMAIL = "demo@6fb.local"
DEMO_PASSWORD = "demo-barber-2026"
DEMO_SHOP = "Demo Cuts Barbershop"


class Command(BaseCommand):
    help = "Create (or reset) the demo shop owner for local use. Refused when DEBUG is off."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--email", default=DEMO_EMAIL)
        parser.add_argument("--password", default=DEMO_PASSWORD)

    @transaction.atomic
    def handle(self, *args: object, email: str, password: str, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo only runs with DJANGO_DEBUG=true: it creates a known password.")
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=password, full_name="Demo Owner")
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        if not Shop.objects.for_user(user).exists():
            shop_create(owner=user, name=DEMO_SHOP)
        self.stdout.write(f"Demo login: {user.email} / {password}")
