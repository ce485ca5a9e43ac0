"""Create the demo shop owner that `make run` prints, so a newcomer can sign in at once, and give the
demo shop a living month of business (barbers, services, customers, appointments, payments), then let
the apps above bookings seed theirs (``demo_shop_seeded``; chat: agents enabled, a few conversations)."""

from __future__ import annotations

from argparse import ArgumentParser

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from bookings.demo import demo_business_seed
from sixfb.models import Membership, Shop, User
from sixfb.services import shop_create
from sixfb.signals import demo_shop_seeded

DEMO_EMAIL = "demo@6fb.local"
DEMO_PASSWORD = "demo-barber-2026"
DEMO_SHOP = "Demo Cuts Barbershop"


class Command(BaseCommand):
    help = (
        "Create (or reset) the demo shop owner for local use, and rebuild the demo shop's business around "
        "today: 3 barbers, 8 services, ~150 customers, ~600 appointments from three weeks back to ten days "
        "ahead, with payments; four agents enabled (on the Starter plan) and three finished conversations. "
        "The month and the conversations are made once: later runs (every `make run`) keep them as they "
        "are, with what was booked or asked by hand; --reset rebuilds them around today (replacing them, "
        "nothing duplicated). Refused when DEBUG is off."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--email", default=DEMO_EMAIL)
        parser.add_argument("--password", default=DEMO_PASSWORD)
        parser.add_argument(
            "--no-business",
            action="store_true",
            help="Only the login and the shop: leave its business, agents and conversations alone (for benchmarks).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Rebuild the demo shop's month around today, replacing its business and the login's conversations.",
        )
        parser.add_argument("--seed", type=int, default=6, help="Random seed of the generated month.")

    @transaction.atomic
    def handle(
        self, *args: object, email: str, password: str, no_business: bool, reset: bool, seed: int, **options: object
    ) -> None:
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
        # Only a shop the demo login owns is rebuilt: never one it merely works in.
        owned = Shop.objects.filter(memberships__user=user, memberships__role=Membership.Role.OWNER)
        shop = owned.order_by("pk").first()
        if shop is None or no_business:
            pass
        elif not reset and (shop.barbers.exists() or shop.appointments.exists()):
            self.stdout.write(f"Demo shop {shop.name}: business kept as it is (--reset rebuilds it around today)")
        else:
            made = demo_business_seed(shop=shop, seed=seed)
            self.stdout.write(
                f"Demo shop {shop.name}: {made.barbers} barbers, {made.services} services, "
                f"{made.customers} customers, {made.appointments} appointments, {made.payments} payments"
            )
        if shop is not None and not no_business:
            for _receiver, line in demo_shop_seeded.send(sender=Shop, shop=shop, owner=user, reset=reset):
                if line:
                    self.stdout.write(f"Demo shop {shop.name}: {line}")
        self.stdout.write(f"Demo login: {user.email} / {password}")
