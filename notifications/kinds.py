"""The kinds of notification: who they are for, which preference group they belong to, which channels
they use by default, and whether quiet hours apply. Templates live in ``templates/notifications/<kind>/``:

    title.txt      in-app title (one line)              every kind with ``in_app``
    subject.txt    email subject (one line)             every kind with ``email``
    body.txt       email text part                      every kind with ``email``
    body.html      email HTML part                      every kind with ``email``
    sms.txt        SMS text (160 GSM-7 characters, or  every kind with ``sms``
                   says otherwise in ``sms_segments``)

A kind's templates see the notification's payload plus ``shop``, ``recipient`` and ``links``
(``notifications.rendering``). A variable a template uses and the context lacks is an error, never
a blank in a customer's message (``tests``: every kind rendered from its example payload).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Audience(StrEnum):
    STAFF = "staff"  # a user of the shop (owner, manager, barber)
    CUSTOMER = "customer"  # one of the shop's customers, by their email or phone


class Group(StrEnum):
    """What a person switches on or off, per channel, in their preferences."""

    BOOKINGS = "bookings"
    BILLING = "billing"
    AGENTS = "agents"
    MARKETING = "marketing"
    SUMMARIES = "summaries"
    ACCOUNT = "account"  # welcome and other account mail: not switchable (the person needs it)


SWITCHABLE_GROUPS = (Group.BOOKINGS, Group.BILLING, Group.AGENTS, Group.MARKETING, Group.SUMMARIES)
CHANNELS = ("in_app", "email", "sms")


@dataclass(frozen=True)
class Kind:
    name: str
    audience: Audience
    group: Group
    channels: tuple[str, ...]
    # Sent at once whatever the quiet hours: what the customer needs now (a confirmation).
    urgent: bool = False
    # Marketing: only to customers who gave consent on that channel.
    needs_marketing_consent: bool = False
    # The in-app link, with ``{placeholders}`` filled from the payload.
    url: str = ""
    sms_segments: int = 1
    example: dict[str, object] = field(default_factory=dict, compare=False)


_APPOINTMENT = {
    "appointment_id": "0b7c4d6e-1f2a-4b3c-8d9e-0a1b2c3d4e5f",
    "service": "Skin fade",
    "barber": "Marcus",
    "start": "2026-12-04T10:00:00-05:00",
    "when": "Fri 4 Dec, 10:00 AM",
    "duration_minutes": 45,
    "price": "35.00",
    # A real signed link is this long (bookings.public.links): a text carrying one takes two parts.
    "manage_url": (
        "https://agents.example.com/book/fresh-cuts/a/"
        "ImFmMWQ4YjhjYTVhNzQ3ZGNiOWY0YTdhMGNjMWJkNzI3Ig:1xZ8Y2:NtLo30IUH6OmsCoutuT7kvqyJRiR-16L7_vHyDPCMng/"
    ),
}

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("welcome", Audience.STAFF, Group.ACCOUNT, ("in_app", "email"), urgent=True, url="/dashboard/", example={}),
        # To the customer
        Kind(
            "booking_confirmation",
            Audience.CUSTOMER,
            Group.BOOKINGS,
            ("email", "sms"),
            urgent=True,
            sms_segments=2,
            example=_APPOINTMENT,
        ),
        Kind(
            "booking_reminder_24h",
            Audience.CUSTOMER,
            Group.BOOKINGS,
            ("email", "sms"),
            sms_segments=2,
            example=_APPOINTMENT,
        ),
        Kind(
            "booking_reminder_2h",
            Audience.CUSTOMER,
            Group.BOOKINGS,
            ("email", "sms"),
            urgent=True,
            sms_segments=2,
            example=_APPOINTMENT,
        ),
        Kind(
            "booking_rescheduled",
            Audience.CUSTOMER,
            Group.BOOKINGS,
            ("email", "sms"),
            urgent=True,
            sms_segments=2,
            example={**_APPOINTMENT, "previous_when": "Thu 3 Dec, 4:00 PM"},
        ),
        Kind(
            "booking_cancelled",
            Audience.CUSTOMER,
            Group.BOOKINGS,
            ("email", "sms"),
            urgent=True,
            example={**_APPOINTMENT, "book_url": "https://agents.example.com/book/fresh-cuts/"},
        ),
        Kind(
            "no_show_followup",
            Audience.CUSTOMER,
            Group.BOOKINGS,
            ("email", "sms"),
            example={**_APPOINTMENT, "book_url": "https://agents.example.com/book/fresh-cuts/"},
        ),
        Kind(
            "campaign",
            Audience.CUSTOMER,
            Group.MARKETING,
            ("email", "sms"),
            needs_marketing_consent=True,
            example={
                "subject": "Winter special",
                "text": "20% off beard trims this week.",
                "book_url": "https://agents.example.com/book/fresh-cuts/",
            },
        ),
        # To the shop's staff
        Kind(
            "campaign_test",  # "send to me first": one copy of a campaign the agent proposed
            Audience.STAFF,
            Group.ACCOUNT,
            ("email",),
            urgent=True,
            example={
                "channel": "sms",
                "subject": "Winter special",
                "text": "20% off beard trims this week.",
                "book_url": "https://agents.example.com/book/fresh-cuts/",
                "sms": "Fresh Cuts: 20% off beard trims this week. Reply STOP to opt out",
            },
        ),
        Kind(
            "staff_new_booking",
            Audience.STAFF,
            Group.BOOKINGS,
            ("in_app", "email"),
            url="/bookings/",
            example={**_APPOINTMENT, "customer": "Dee Jones", "source": "online"},
        ),
        Kind(
            "staff_booking_cancelled",
            Audience.STAFF,
            Group.BOOKINGS,
            ("in_app", "email"),
            url="/bookings/",
            example={**_APPOINTMENT, "customer": "Dee Jones"},
        ),
        Kind(
            "payment_received",
            Audience.STAFF,
            Group.BILLING,
            ("in_app", "email"),
            url="/billing/",
            example={"amount": "49.00", "currency": "USD", "invoice_url": ""},
        ),
        Kind(
            "payment_failed",
            Audience.STAFF,
            Group.BILLING,
            ("in_app", "email"),
            urgent=True,
            url="/billing/",
            example={"amount": "49.00", "currency": "USD", "grace_days": 7},
        ),
        Kind(
            "subscription_changed",
            Audience.STAFF,
            Group.BILLING,
            ("in_app", "email"),
            url="/billing/",
            example={"plan": "Professional", "previous_plan": "Starter"},
        ),
        Kind(
            "chat_quota_80",
            Audience.STAFF,
            Group.BILLING,
            ("in_app", "email"),
            url="/billing/",
            example={"used": 80, "limit": 100, "period_end": "31 Dec"},
        ),
        Kind(
            "chat_quota_100",
            Audience.STAFF,
            Group.BILLING,
            ("in_app", "email"),
            url="/billing/",
            example={"used": 100, "limit": 100, "period_end": "31 Dec"},
        ),
        Kind(
            "agent_status",
            Audience.STAFF,
            Group.AGENTS,
            ("in_app",),
            url="/agents/",
            example={"agent": "Marketing Expert", "status": "maintenance", "status_label": "Maintenance"},
        ),
        Kind(
            "weekly_summary",
            Audience.STAFF,
            Group.SUMMARIES,
            ("in_app", "email"),
            url="/dashboard/",
            example={"week": "23-29 Nov", "bookings": 42, "revenue": "1,470.00", "currency": "USD", "chats": 17},
        ),
        # Messages of the old system (import_legacy_sqlite): history, and queued ones still to go.
        Kind(
            "legacy_message",
            Audience.STAFF,
            Group.ACCOUNT,
            ("email", "sms"),
            sms_segments=10,
            example={"subject": "Your weekly report", "content": "Bookings are up 12% this week."},
        ),
        Kind(
            "legacy_customer_message",
            Audience.CUSTOMER,
            Group.BOOKINGS,
            ("email", "sms"),
            sms_segments=10,
            example={"subject": "See you Friday", "content": "Your fade with Marcus is Fri 4 Dec at 10:00 AM."},
        ),
    )
}

# What a recipient gets when they never chose: staff get everything in-app and by email but agent
# news by email; customers get booking messages by email and, with consent, by SMS; marketing only
# with consent (checked separately).
DEFAULT_CHANNELS: dict[Audience, dict[Group, dict[str, bool]]] = {
    Audience.STAFF: {
        Group.BOOKINGS: {"in_app": True, "email": True, "sms": False},
        Group.BILLING: {"in_app": True, "email": True, "sms": False},
        Group.AGENTS: {"in_app": True, "email": False, "sms": False},
        Group.MARKETING: {"in_app": True, "email": True, "sms": False},
        Group.SUMMARIES: {"in_app": True, "email": True, "sms": False},
        Group.ACCOUNT: {"in_app": True, "email": True, "sms": False},
    },
    Audience.CUSTOMER: {
        Group.BOOKINGS: {"in_app": False, "email": True, "sms": True},
        Group.BILLING: {"in_app": False, "email": False, "sms": False},
        Group.AGENTS: {"in_app": False, "email": False, "sms": False},
        Group.MARKETING: {"in_app": False, "email": True, "sms": True},
        Group.SUMMARIES: {"in_app": False, "email": False, "sms": False},
        Group.ACCOUNT: {"in_app": False, "email": True, "sms": False},
    },
}


def get(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"Unknown notification kind {name!r}.") from None
