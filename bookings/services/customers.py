"""The shop's customers: one per phone number (else per email), merged without losing a visit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from bookings.availability import settings_for
from bookings.errors import BookingError
from bookings.models import Appointment, Customer
from sixfb.lib import phones
from sixfb.models import Shop


def phone_normalize(*, shop: Shop, phone: str) -> str:
    """``phone`` in E.164 (blank stays blank); a number without +country is read as the shop's country's."""
    if not (phone or "").strip():
        return ""
    try:
        return phones.normalize(phone, region=settings_for(shop).phone_region)
    except phones.InvalidPhone as exc:
        raise BookingError("invalid_phone", str(exc), fields={"phone": [str(exc)]}) from exc


def _email_normalize(email: str) -> str:
    email = (email or "").strip()
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError as exc:
        message = "Enter a valid email address."
        raise BookingError("invalid", message, fields={"email": [message]}) from exc
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def _tags(tags: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for tag in tags:
        tag = str(tag).strip()[:40]
        if tag and tag.lower() not in {t.lower() for t in cleaned}:
            cleaned.append(tag)
    return cleaned[:20]


def customer_match(*, shop: Shop, phone: str, email: str) -> Customer | None:
    """The shop's customer with this (normalised) phone, else with this email and no phone."""
    if phone:
        found = Customer.objects.filter(shop=shop, phone=phone).first()
        if found is not None:
            return found
    if email:
        return Customer.objects.filter(shop=shop, email__iexact=email).order_by("phone", "created_at").first()
    return None


def customer_create(
    *,
    shop: Shop,
    name: str,
    phone: str = "",
    email: str = "",
    notes: str = "",
    tags: Iterable[str] = (),
    email_consent: bool = False,
    sms_consent: bool = False,
    now: dt.datetime | None = None,
) -> Customer:
    """A new customer. One with the same phone (or, without a phone, the same email) is refused
    with ``customer_exists`` and that customer's id."""
    now = now or timezone.now()
    name = name.strip()
    if not name:
        raise BookingError("invalid", "Enter the customer's name.", fields={"name": ["This field is required."]})
    phone, email = phone_normalize(shop=shop, phone=phone), _email_normalize(email)
    # The identity rule of the model's constraints: the phone, else the email among customers without one.
    existing = None
    if phone:
        existing = Customer.objects.filter(shop=shop, phone=phone).first()
    elif email:
        existing = Customer.objects.filter(shop=shop, phone="", email__iexact=email).first()
    if existing is not None:
        raise BookingError(
            "customer_exists", f"{existing.name} already has that phone or email.", customer=str(existing.pk)
        )
    customer = Customer(
        shop=shop,
        name=name[:120],
        phone=phone,
        email=email,
        notes=notes,
        tags=_tags(tags),
        email_consent_at=now if email_consent else None,
        sms_consent_at=now if sms_consent else None,
    )
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError as exc:  # the same person, created a moment ago by another request
        raise BookingError("customer_exists", "A customer with that phone or email already exists.") from exc
    return customer


def customer_for_booking(
    *,
    shop: Shop,
    name: str,
    phone: str,
    email: str = "",
    email_consent: bool = False,
    sms_consent: bool = False,
    now: dt.datetime | None = None,
) -> Customer:
    """The customer a booking form describes: the one the shop knows by that phone (or email),
    else a new one. A known customer's name is kept; a missing email is filled in; consent given
    now is recorded, and consent given before is never withdrawn by an unticked box."""
    now = now or timezone.now()
    phone, email = phone_normalize(shop=shop, phone=phone), _email_normalize(email)
    if not phone:
        raise BookingError("invalid_phone", "Enter a phone number.", fields={"phone": ["This field is required."]})
    customer = customer_match(shop=shop, phone=phone, email="")
    if customer is None:
        try:
            return customer_create(
                shop=shop,
                name=name,
                phone=phone,
                email=email,
                email_consent=email_consent,
                sms_consent=sms_consent,
                now=now,
            )
        except BookingError as exc:
            if exc.code != "customer_exists":
                raise
            customer = customer_match(shop=shop, phone=phone, email=email)
            if customer is None:
                raise
    changed = []
    if email and not customer.email:
        customer.email = email
        changed.append("email")
    if not customer.phone:
        customer.phone = phone
        changed.append("phone")
    if email_consent and customer.email_consent_at is None:
        customer.email_consent_at = now
        changed.append("email_consent_at")
    if sms_consent and customer.sms_consent_at is None:
        customer.sms_consent_at = now
        changed.append("sms_consent_at")
    if changed:
        customer.save(update_fields=[*changed, "updated_at"])
    return customer


def customer_update(
    *,
    customer: Customer,
    name: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    notes: str | None = None,
    tags: Iterable[str] | None = None,
    email_consent: bool | None = None,
    sms_consent: bool | None = None,
    now: dt.datetime | None = None,
) -> Customer:
    now = now or timezone.now()
    if name is not None:
        if not name.strip():
            raise BookingError("invalid", "Enter the customer's name.", fields={"name": ["This field is required."]})
        customer.name = name.strip()[:120]
    if phone is not None:
        customer.phone = phone_normalize(shop=customer.shop, phone=phone)
    if email is not None:
        customer.email = _email_normalize(email)
    if notes is not None:
        customer.notes = notes
    if tags is not None:
        customer.tags = _tags(tags)
    if email_consent is not None:
        customer.email_consent_at = (customer.email_consent_at or now) if email_consent else None
    if sms_consent is not None:
        customer.sms_consent_at = (customer.sms_consent_at or now) if sms_consent else None
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError as exc:
        raise BookingError("customer_exists", "Another customer already has that phone or email.") from exc
    return customer


@transaction.atomic
def customer_merge(*, keep: Customer, other: Customer) -> Customer:
    """Fold ``other`` into ``keep``: every appointment (and so every payment) moves to ``keep``, which
    gains what it lacked (phone, email, consent, tags, notes); then ``other`` is deleted."""
    if keep.pk == other.pk:
        raise BookingError("invalid", "A customer cannot be merged into themselves.")
    if keep.shop_id != other.shop_id:
        raise BookingError("not_found", "No such customer.")
    Appointment.objects.filter(customer=other).update(customer=keep)
    phone, email = other.phone, other.email
    other_notes, other_tags = other.notes, other.tags
    email_consent, sms_consent = other.email_consent_at, other.sms_consent_at
    other.delete()  # first, so its phone and email are free for ``keep``
    if phone and not keep.phone:
        keep.phone = phone
    if email and not keep.email:
        keep.email = email
    keep.email_consent_at = keep.email_consent_at or email_consent
    keep.sms_consent_at = keep.sms_consent_at or sms_consent
    keep.tags = _tags([*keep.tags, *(other_tags or [])])
    if other_notes.strip() and other_notes.strip() not in keep.notes:
        keep.notes = f"{keep.notes}\n\n{other_notes}".strip()
    keep.save()
    return keep
