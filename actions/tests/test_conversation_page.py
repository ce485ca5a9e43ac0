"""The conversation page shows, under each answer, what the agent did (its tool steps) and its
proposal cards, as the live frames drew them: a pending card has Approve and Decline, a decided or
lapsed one says what became of it and offers nothing to tap."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from actions.models import Proposal
from actions.tests.proposal_support import make_world, proposed

pytestmark = pytest.mark.django_db


def page_of(world) -> str:
    client = Client()
    client.force_login(world.owner)
    response = client.get(f"/chat/{world.conversation.uuid}/")
    assert response.status_code == 200
    return response.content.decode()


@dataclass
class Card:
    classes: list[str]
    html: str

    def status(self) -> str:
        found = re.search(r'<p class="proposal-status[^"]*"[^>]*>(.*?)</p>', self.html, re.S)
        assert found is not None
        return found.group(1).strip()


def card_in(html: str, proposal: Proposal) -> Card:
    found = re.search(rf'<section class="([^"]*)" data-proposal-id="{proposal.uuid}"[^>]*>(.*?)</section>', html, re.S)
    assert found is not None, "no card for the proposal"
    return Card(found.group(1).split(), found.group(2))


def book(world, hhmm: str = "10:00") -> Proposal:
    arguments = {
        "service": str(world.booking.cut.pk),
        "start": world.at(hhmm).isoformat(),
        "customer": str(world.booking.customer.pk),
    }
    return proposed(world, "appointment_book", arguments)


def test_a_pending_proposal_shows_its_card_with_both_buttons_under_the_answer_that_made_it():
    world = make_world()
    proposal = book(world)
    html = page_of(world)
    bubble = html.split(f'data-message-id="{world.answer.uuid}"', 1)[1].split("</li>\n", 1)[0]
    assert re.findall(r'data-tool="([^"]+)"', bubble) == ["appointment_book"]
    card = card_in(bubble, proposal)
    assert "decided" not in card.classes
    assert f'<p class="proposal-summary">{proposal.summary}</p>' in card.html
    labels = re.findall(r"<dt>(.*?)</dt>", card.html)
    assert "Customer" in labels and "Action" not in labels and "Start" not in labels
    assert "proposal-approve" in card.html and "proposal-decline" in card.html
    assert "Nothing changes until you approve" in card.status()


def test_a_pending_proposal_past_its_time_shows_as_expired_with_nothing_to_tap():
    world = make_world()
    proposal = book(world)
    Proposal.objects.filter(pk=proposal.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    card = card_in(page_of(world), proposal)
    assert "expired" in card.classes and "decided" in card.classes
    assert "proposal-approve" not in card.html
    assert card.status().startswith("Expired")


def test_a_declined_proposal_says_so():
    world = make_world()
    proposal = book(world)
    Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.DECLINED)
    card = card_in(page_of(world), proposal)
    assert "declined" in card.classes and "proposal-decline" not in card.html
    assert card.status() == "Declined."


def test_answers_that_did_nothing_show_no_steps_or_cards():
    world = make_world()
    html = page_of(world)
    assert 'class="tool-steps"' not in html and "data-proposal-id" not in html


def test_a_pending_cards_expiry_reads_in_the_shops_time_zone():
    world = make_world()
    proposal = book(world)
    world.shop.timezone = "America/Los_Angeles"
    world.shop.save(update_fields=["timezone"])
    expires = dt.datetime(2031, 1, 15, 18, 30, tzinfo=dt.UTC)  # 10:30 in Los Angeles (winter, UTC-8)
    Proposal.objects.filter(pk=proposal.pk).update(expires_at=expires)
    assert card_in(page_of(world), proposal).status().endswith("Expires at 10:30.")
