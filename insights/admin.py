from django.contrib import admin
from django.http import HttpRequest

from insights.models import BudgetAlert, DailyUsage


@admin.register(DailyUsage)
class DailyUsageAdmin(admin.ModelAdmin):
    list_display = [
        "day",
        "db_bytes",
        "redis_bytes",
        "realtime_messages",
        "peak_sockets",
        "emails",
        "sms",
        "rolled_up_at",
    ]
    date_hierarchy = "day"

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(BudgetAlert)
class BudgetAlertAdmin(admin.ModelAdmin):
    list_display = ["month", "metric", "threshold", "used", "budget", "sent_at"]
    list_filter = ["metric", "threshold"]
