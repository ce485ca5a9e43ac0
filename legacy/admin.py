from __future__ import annotations

from django.contrib import admin

from legacy.models import LegacyRecord


@admin.register(LegacyRecord)
class LegacyRecordAdmin(admin.ModelAdmin):
    """Read-only: rows are written by ``import_legacy_sqlite`` only."""

    list_display = ["source_table", "source_id", "shop", "target_type", "target_id", "archived", "imported_at"]
    list_filter = ["source_table", "archived"]
    search_fields = ["source_id", "target_id"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
