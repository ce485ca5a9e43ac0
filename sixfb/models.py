"""Accounts and tenancy: ``User``, ``Shop`` (the tenant), ``Membership``, and the flag model."""

from __future__ import annotations

import hashlib
import uuid
import zoneinfo
from functools import cache
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy
from waffle.models import AbstractUserFlag

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@cache
def available_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError("“%(value)s” is not a time zone in the tz database.", params={"value": value})


def default_business_hours() -> dict[str, dict[str, object]]:
    hours: dict[str, dict[str, object]] = {
        day: {"closed": False, "open": "09:00", "close": "18:00"} for day in WEEKDAYS
    }
    hours["sunday"] = {"closed": True, "open": "", "close": ""}
    return hours


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        # Emails that differ only in case are one person.
        return self.get(email__iexact=username)

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("Users must have an email address.")
        user = self.model(email=normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


def normalize_email(email: str) -> str:
    return email.strip().lower()


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email; ``uuid`` is the id shown to outside systems."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField("email address", max_length=254, unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    is_staff = models.BooleanField(default=False, help_text="Can sign in to the admin site.")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email(self.email)

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email.split("@")[0]


class ShopQuerySet(models.QuerySet["Shop"]):
    def for_user(self, user: User) -> ShopQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(memberships__user=user).distinct()

    def lock(self, shop_id: int) -> None:
        """Hold the shop's row until the transaction ends, so two writes that check a shop-wide limit
        (the last agent slot, the last chat of the month) run one after the other. Call it inside a
        transaction. SQLite has no row locks and needs none: its writes are serial, so there it is a no-op."""
        locked = self.select_for_update().filter(pk=shop_id).values_list("pk", flat=True)
        if connections[locked.db].features.has_select_for_update:
            list(locked)


class Shop(models.Model):
    """The tenant: a barbershop. Every shop-owned row points here."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    timezone = models.CharField(max_length=64, default="America/New_York", validators=[validate_timezone])
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=32, blank=True)
    email = models.EmailField(blank=True, help_text="Where billing and shop notices go.")
    business_hours = models.JSONField(default=default_business_hours, blank=True)
    notes_for_agents = models.TextField(
        blank=True, help_text="Background the agents should know about this shop (services, goals, team)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShopQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        MANAGER = "manager", "Manager"
        BARBER = "barber", "Barber"

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.BARBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["shop__name", "user__email"]
        constraints = [models.UniqueConstraint(fields=["shop", "user"], name="membership_unique_per_shop")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} at {self.shop}"

    @property
    def can_manage_shop(self) -> bool:
        return self.role in {self.Role.OWNER, self.Role.MANAGER}


class Flag(AbstractUserFlag):
    """A waffle feature flag that can also be switched on for whole shops."""

    shops = models.ManyToManyField(Shop, blank=True, help_text="Activate this flag for everyone in these shops.")
    excluded_shops = models.ManyToManyField(
        Shop,
        blank=True,
        related_name="+",
        help_text="Never active for these shops (wins over everything but Everyone).",
    )
    shop_percent = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="Active for this percentage of shops, chosen by a stable hash of the shop: the same on every "
        "device and for every member (unlike Percent, which waffle decides per browser cookie).",
    )

    class Meta(AbstractUserFlag.Meta):
        verbose_name = gettext_lazy("Flag")  # lazy, as waffle's Meta declares it
        verbose_name_plural = gettext_lazy("Flags")

    def get_flush_keys(self, flush_keys: list[str] | None = None) -> list[str]:
        keys = super().get_flush_keys(flush_keys)
        keys += [f"sixfb:flag:{self.name}:shops", f"sixfb:flag:{self.name}:excluded_shops"]
        return keys

    def _shop_lists(self) -> dict[str, set[int]]:
        """The ids of the flag's ``shops`` and ``excluded_shops``, cached like waffle's own lists
        (dropped when the flag or a list changes, else kept a minute): one cache round trip for
        both, and none more for this copy of the flag."""
        lists: dict[str, set[int]] | None = getattr(self, "_lists", None)
        if lists is not None:
            return lists
        from django.core.cache import cache as django_cache

        keys = {relation: f"sixfb:flag:{self.name}:{relation}" for relation in ("shops", "excluded_shops")}
        cached = django_cache.get_many(list(keys.values()))
        lists = {}
        for relation, key in keys.items():
            ids = cached.get(key)
            if ids is None:
                ids = set(getattr(self, relation).values_list("pk", flat=True))
                django_cache.set(key, ids, 60)
            lists[relation] = ids
        self._lists = lists
        return lists

    def _get_shop_ids(self) -> set[int]:
        return self._shop_lists()["shops"]

    def shop_bucket(self, shop: Shop) -> float:
        """Where ``shop`` falls in [0, 100) for this flag: stable, and independent between flags."""
        digest = hashlib.sha256(f"{self.name}:{shop.uuid}".encode()).digest()
        return int.from_bytes(digest[:8], "big") % 10000 / 100

    def is_active_for_shop(self, shop: Shop) -> bool | None:
        """True or False when the shop decides (excluded, named, or in the percentage), else None."""
        if shop.pk in self._shop_lists()["excluded_shops"]:
            return False
        if shop.pk in self._get_shop_ids():
            return True
        if self.shop_percent is not None and self.shop_bucket(shop) < float(self.shop_percent):
            return True
        return None

    def is_active_for_user(self, user: AbstractBaseUser) -> bool | None:
        active = super().is_active_for_user(user)
        if active:
            return active
        shop_ids = self._get_shop_ids()
        if (
            shop_ids
            and getattr(user, "pk", None)
            and Membership.objects.filter(user_id=user.pk, shop_id__in=shop_ids).exists()
        ):
            return True
        return None


class ScheduledSlot(models.Model):
    """One fire of a periodic task, claimed by the scheduler process that enqueued it.

    ``(job, slot)`` is unique: every ``run_scheduler`` process tries to insert the row when a slot
    comes due, and only the one whose insert succeeds enqueues the task (``sixfb/lib/scheduler.py``).
    Rows older than a week are deleted by the schedulers themselves.
    """

    job = models.CharField(max_length=200, help_text="Dotted path of the task (a key of settings.PERIODIC_TASKS).")
    slot = models.DateTimeField(help_text="The time the schedule said this run was due.")
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-slot", "job"]
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="scheduled_slot_unique_job_slot")]
        indexes = [models.Index(fields=["slot"], name="scheduled_slot_slot_idx")]

    def __str__(self) -> str:
        return f"{self.job} @ {self.slot:%Y-%m-%d %H:%M}"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def for_user(self, user: User) -> ApiTokenQuerySet:
        return self.filter(user=user)

    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal API key (``Authorization: Token <key>``), made and revoked on the account page.

    Only the key's SHA-256 is kept (the key is random, so a slow hash adds nothing); the person sees
    the key once, at creation, and ``prefix`` afterwards to tell keys apart.
    """

    KEY_PREFIX = "6fb_"  # tells our keys from DRF authtoken's 40 hex digits (still accepted)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=60)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=16, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
