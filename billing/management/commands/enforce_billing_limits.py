"""Re-apply plan limits for shops whose paid plan may have lapsed since the last webhook.

A past_due grace period or a canceled subscription's paid period ends without Stripe sending
anything. The scheduler runs the same service hourly (``billing.tasks.enforce_billing_limits``);
this command is for running it by hand.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from billing.services import billing_limits_enforce
from sixfb.lib import analytics


class Command(BaseCommand):
    help = "Disable agents over the cap for shops whose grace period or paid period has ended."

    def handle(self, *args: Any, **options: Any) -> None:
        count = billing_limits_enforce()
        analytics.shutdown()
        self.stdout.write(f"Checked {count} shop{'s' if count != 1 else ''}.")
