from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from waffle.admin import FlagAdmin as WaffleFlagAdmin

from sixfb.models import ApiToken, Flag, Membership, ScheduledSlot, Shop, User
from sixfb.services import api_token_revoke

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
    search_help_text = "Name, slug, email, owner's email or Stripe customer id (cus_...)."
    list_filter = ["timezone"]
    readonly_fields = ["uuid", "created_at", "updated_at"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Shop]:
        from django.db.models import Count

        return super().get_queryset(request).annotate(_member_count=Count("memberships"))

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Shop], search_term: str
    ) -> tuple[QuerySet[Shop], bool]:
        # Also an owner's email (owners only, not every member) and the Stripe customer
        # (Shop is dj-stripe's subscriber), which search_fields' lookups cannot express.
        from django.db.models import Q

        matched, may_have_duplicates = super().get_search_results(request, Shop.objects.all(), search_term)
        term = search_term.strip()
        if not term:
            return queryset, may_have_duplicates
        owners = Membership.objects.filter(role=Membership.Role.OWNER, user__email__icontains=term)
        customers = Shop.objects.filter(djstripe_customers__id__iexact=term)
        found = Q(pk__in=matched.values("pk")) | Q(pk__in=owners.values("shop_id")) | Q(pk__in=customers.values("pk"))
        return queryset.filter(found), False  # pk__in: each shop once

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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """People make their tokens on the account page; here operators see them and can revoke one."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__email"]
    list_select_related = ["user"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    exclude = ["key_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # a key is shown once, to its owner: made on the account page only

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request, queryset) -> None:
        for token in queryset:
            api_token_revoke(token=token)
        self.message_user(request, f"{len(queryset)} token(s) revoked.")
