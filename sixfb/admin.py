from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from waffle.admin import FlagAdmin as WaffleFlagAdmin

from sixfb.models import Flag, Membership, ScheduledSlot, Shop, User

if TYPE_CHECKING:
    from typing import TypedDict

    from django.db.models import QuerySet
    from django.http import HttpRequest
    from django_stubs_ext import WithAnnotations

    class _MemberCount(TypedDict):  # ShopAdmin.get_queryset's annotation
        _member_count: int


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]


class UserMembershipInline(MembershipInline):
    autocomplete_fields = ["shop"]
    fields = ["shop", "role", "created_at"]


class EmailUserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):  # type: ignore[name-defined]  # real; django-stubs omits the forms' Meta
        model = User
        fields = ("email",)


class EmailUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):  # type: ignore[name-defined]  # real; django-stubs omits the forms' Meta
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = EmailUserChangeForm
    add_form = EmailUserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "date_joined", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "full_name", "uuid"]
    readonly_fields = ["uuid", "date_joined", "last_login"]
    inlines = [UserMembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password", "uuid")}),
        ("Profile", {"fields": ("full_name",)}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "usable_password", "password1", "password2")}),)


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "timezone", "email", "member_count", "created_at"]
    search_fields = ["name", "slug", "email", "uuid"]
    list_filter = ["timezone"]
    readonly_fields = ["uuid", "created_at", "updated_at"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Shop]:
        from django.db.models import Count

        return super().get_queryset(request).annotate(_member_count=Count("memberships"))

    @admin.display(description="Members", ordering="_member_count")
    def member_count(self, shop: WithAnnotations[Shop, _MemberCount]) -> int:
        return shop._member_count


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "shop", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "shop__name", "shop__slug"]
    autocomplete_fields = ["user", "shop"]
    list_select_related = ["user", "shop"]


# waffle's admin registers only its own (swapped-out) Flag; ours adds the shops it targets.
@admin.register(Flag)
class FlagAdmin(WaffleFlagAdmin):
    raw_id_fields = ("users",)
    autocomplete_fields = ("shops",)


@admin.register(ScheduledSlot)
class ScheduledSlotAdmin(admin.ModelAdmin):
    """Read-only: when each periodic task was last enqueued (rows written by ``run_scheduler``)."""

    list_display = ["job", "slot", "claimed_at"]
    list_filter = ["job"]
    date_hierarchy = "slot"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
