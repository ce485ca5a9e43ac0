"""Re-apply plan limits for shops whose paid plan may have lapsed since the last webhook.

A past_due grace period or a canceled subscription's paid period ends without Stripe sending
anything; run this daily (cron) so agents over the Free cap are disabled (never deleted).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from billing.models import ShopBilling
from billing.services import shop_billing_refresh
from sixfb.lib import analytics


class Command(BaseCommand):
    help = "Disable agents over the cap for shops whose grace period or paid period has ended."

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        for billing in ShopBilling.objects.exclude(synced_status="").select_related("shop"):
            shop_billing_refresh(shop=billing.shop)
            count += 1
        analytics.shutdown()
        self.stdout.write(f"Checked {count} shop{'s' if count != 1 else ''}.")
