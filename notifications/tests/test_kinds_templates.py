"""Every kind's every part, rendered strictly from its example payload through the real context
(``deliveries.context_for``): nothing missing, texts within their segments, subjects on one line,
HTML escaped."""

from __future__ import annotations

import pytest

from bookings import services as bookings
from notifications import gsm7, rendering
from notifications.kinds import KINDS, Audience, Kind
from notifications.models import Notification
from notifications.services.deliveries import context_for
from tests.base import make_owner

pytestmark = pytest.mark.django_db

PARTS = {"in_app": ["title.txt"], "email": ["subject.txt", "body.txt", "body.html"], "sms": ["sms.txt"]}
# The SMS helper writes campaign's text; every other part is here.
NOT_OURS: set[tuple[str, str]] = set()


def _parts(kind: Kind) -> list[str]:
    return [part for channel in kind.channels for part in PARTS[channel] if (kind.name, part) not in NOT_OURS]


@pytest.fixture
def shop_people():
    owner, shop = make_owner(email="marcus@freshcuts.example", shop_name="Fresh Cuts Barbershop")
    owner.full_name = "Marcus Reed"
    owner.save()
    shop.phone, shop.address = "+1 212 555 0100", "12 Main St, Brooklyn"
    shop.save()
    customer = bookings.customer_create(shop=shop, name="Dee Walker", phone="+12125550101", email="dee@example.com")
    return owner, shop, customer


def _context(kind: Kind, payload: dict, shop_people) -> dict:
    owner, shop, customer = shop_people
    who = {"customer": customer} if kind.audience == Audience.CUSTOMER else {"user": owner}
    notification = Notification(shop=shop, kind=kind.name, payload=payload, dedupe_key="example", **who)
    notification.recipient_key = notification.recipient_key or f"{'customer' if 'customer' in who else 'user'}:x"
    return context_for(notification)


@pytest.mark.parametrize("kind", KINDS.values(), ids=lambda kind: kind.name)
def test_every_part_renders_from_the_example(kind, shop_people):
    context = _context(kind, kind.example, shop_people)
    for part in _parts(kind):
        text = rendering.render_part(kind.name, part, context)
        assert text.strip(), f"{kind.name}/{part} is empty"
        if part in {"subject.txt", "title.txt"}:
            assert "\n" not in text and len(text) <= 140, f"{kind.name}/{part}: {text!r}"
        if part == "body.html":
            assert context["links"]["preferences"] in text.replace("&amp;", "&")
            assert context["links"]["unsubscribe"] in text.replace("&amp;", "&")
        if part == "body.txt":
            assert context["links"]["preferences"] in text and context["links"]["unsubscribe"] in text
        if kind.audience == Audience.CUSTOMER and part in {"body.txt", "sms.txt"}:
            assert "Fresh Cuts Barbershop" in text


@pytest.mark.parametrize("kind", [k for k in KINDS.values() if "sms" in k.channels], ids=lambda kind: kind.name)
def test_texts_fit_their_segments(kind, shop_people):
    if (kind.name, "sms.txt") in NOT_OURS:
        pytest.skip("written by the SMS channel's helper")
    text = rendering.render_sms(kind.name, _context(kind, kind.example, shop_people))
    length = gsm7.measure(text)
    assert length.encoding == "gsm7", f"{kind.name}: {text!r} holds a character outside GSM-7"
    assert length.segments <= kind.sms_segments, f"{kind.name}: {length} for {text!r}"
    if kind.needs_marketing_consent:
        assert text.endswith("Reply STOP to opt out")


def test_a_missing_variable_fails_never_a_blank(shop_people):
    kind = KINDS["booking_confirmation"]
    payload = {k: v for k, v in kind.example.items() if k != "barber"}
    with pytest.raises(rendering.MissingVariable):
        rendering.render_sms(kind.name, _context(kind, payload, shop_people))


@pytest.mark.parametrize("kind", KINDS.values(), ids=lambda kind: kind.name)
def test_payload_values_are_escaped_in_html(kind, shop_people):
    if "email" not in kind.channels:
        pytest.skip("no HTML part")
    evil = "<script>alert(1)</script>"
    hostile = {k: evil if isinstance(v, str) and k != "manage_url" else v for k, v in kind.example.items()}
    html = rendering.render_part(kind.name, "body.html", _context(kind, hostile, shop_people))
    assert "<script>" not in html
    if any(isinstance(v, str) and k not in {"manage_url", "book_url", "invoice_url"} for k, v in kind.example.items()):
        assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("a" * 160, "gsm7", 160, 1),
        ("a" * 161, "gsm7", 161, 2),
        ("a" * 306, "gsm7", 306, 2),
        ("a" * 307, "gsm7", 307, 3),
        ("{}" * 40, "gsm7", 160, 1),  # extension characters take two septets
        ("€" * 81, "gsm7", 162, 2),
        ("It\u2019s ready" + "a" * 60, "ucs2", 70, 1),  # a curly apostrophe: UCS-2, 70 a part
        ("It\u2019s ready" + "a" * 61, "ucs2", 71, 2),
        ("✂️" * 35, "ucs2", 70, 1),
        ("💈" * 35, "ucs2", 70, 1),  # outside the BMP: two UTF-16 units each
        ("💈" * 36, "ucs2", 72, 2),
        ("", "gsm7", 0, 0),
    ],
)
def test_gsm7_lengths(text, encoding, units, segments):
    assert gsm7.measure(text) == gsm7.Length(encoding=encoding, units=units, segments=segments)
