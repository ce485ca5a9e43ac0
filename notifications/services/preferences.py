"""Saving a recipient's notification choices (validated here, whatever the caller)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from bookings.models import Customer
from notifications.kinds import CHANNELS, SWITCHABLE_GROUPS
from notifications.models import Preference
from sixfb.errors import AppError
from sixfb.models import Shop


class PreferenceError(AppError):
    status = 400


def _clean_channels(channels: Any) -> dict[str, dict[str, bool]]:
    if not isinstance(channels, dict):
        raise PreferenceError("invalid", "channels must be an object.", fields={"channels": ["Must be an object."]})
    groups = {group.value for group in SWITCHABLE_GROUPS}
    cleaned: dict[str, dict[str, bool]] = {}
    for group, values in channels.items():
        if group not in groups:
            raise PreferenceError(
                "invalid", f"Unknown group {group!r}.", fields={"channels": [f"Unknown group {group!r}."]}
            )
        if not isinstance(values, dict):
            raise PreferenceError(
                "invalid", f"{group} must be an object.", fields={"channels": [f"{group} must be an object."]}
            )
        for channel, on in values.items():
            if channel not in CHANNELS or not isinstance(on, bool):
                raise PreferenceError(
                    "invalid",
                    f"{group}.{channel} must be a known channel set to true or false.",
                    fields={"channels": [f"{group}.{channel} must be a known channel set to true or false."]},
                )
        cleaned[group] = dict(values)
    return cleaned


def _clean_quiet_hours(quiet_hours: Any) -> tuple[dt.time | None, dt.time | None]:
    if quiet_hours is None:
        return None, None
    try:
        start = dt.time.fromisoformat(quiet_hours["start"])
        end = dt.time.fromisoformat(quiet_hours["end"])
    except (TypeError, KeyError, ValueError) as exc:
        raise PreferenceError(
            "invalid",
            'quiet_hours must be null or {"start": "HH:MM", "end": "HH:MM"}.',
            fields={"quiet_hours": ["Use null or start and end as HH:MM."]},
        ) from exc
    if start == end:
        raise PreferenceError(
            "invalid",
            "Quiet hours must not start and end at the same time.",
            fields={"quiet_hours": ["Start and end must differ."]},
        )
    return start.replace(second=0, microsecond=0), end.replace(second=0, microsecond=0)


@transaction.atomic
def preference_update(
    *,
    shop: Shop,
    user: Any = None,
    customer: Customer | None = None,
    channels: Any = None,
    quiet_hours: Any = ...,
    merge: bool = True,
) -> Preference:
    """Save choices for a staff member of ``shop`` or for a customer. ``channels`` is merged into the
    saved ones (only what is given changes) unless ``merge`` is false; ``quiet_hours`` left out keeps them."""
    if (user is None) == (customer is None):
        raise ValueError("Preferences belong to a user or a customer.")
    if user is not None:
        preference, _ = Preference.objects.select_for_update().get_or_create(shop=shop, user=user)
    else:
        assert customer is not None
        preference, _ = Preference.objects.select_for_update().get_or_create(customer=customer, defaults={"shop": shop})
    if channels is not None:
        cleaned = _clean_channels(channels)
        current = {g: dict(v) for g, v in (preference.channels or {}).items()} if merge else {}
        for group, values in cleaned.items():
            current.setdefault(group, {}).update(values)
        preference.channels = current
    if quiet_hours is not ...:
        preference.quiet_hours_start, preference.quiet_hours_end = _clean_quiet_hours(quiet_hours)
    preference.save()
    return preference
