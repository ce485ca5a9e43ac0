"""Demo answers (no model configured): specific to the agent and the question's topic, built from the
shop's own facts, and never telling an owner how to connect a model."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from agents.models import Agent, ShopAgent
from agents.services import shop_agent_enable
from billing.models import Plan
from billing.services import shop_plan_set_manually
from bookings.demo import demo_business_seed
from bookings.models import Appointment
from chat.demo import demo_answer, topic_of
from chat.demo.topics import TOPIC_TITLES
from chat.services import chat_request, conversation_start
from sixfb.signals import shop_facts_wanted
from tests.base import add_member, make_owner

pytestmark = pytest.mark.django_db

AGENTS = [
    "business_coach",
    "marketing_expert",
    "financial_advisor",
    "customer_intelligence",
    "content_generator",
    "booking_manager",
]
QUESTIONS = {
    "pricing": "Should I raise my prices?",
    "revenue": "How much money did we make this week?",
    "slow_days": "How do I fill the quiet afternoons?",
    "no_shows": "What are no-shows costing us?",
    "rebooking": "How do I get clients to come back and rebook?",
    "marketing": "Give me ideas for Instagram posts",
    "reviews": "How do I get more Google reviews?",
    "hiring": "Should I hire another barber?",
    "hours": "Should I change our opening hours?",
    "greeting": "Hello!",
    "unknown": "What's the capital of Peru?",
}
DEVELOPER_WORDS = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "README", "environment variable", "restart")


def shop_with_agents(name: str, *, business: bool):
    _owner, shop = make_owner(shop_name=name)
    shop_plan_set_manually(shop=shop, plan=Plan.objects.get(slug="professional"))
    if business:
        demo_business_seed(shop=shop)
    return {
        slug: shop_agent_enable(shop=shop, agent=Agent.objects.get(slug=slug, shop__isnull=True)) for slug in AGENTS
    }


def words(text: str) -> int:
    return len(re.findall(r"[A-Za-z0-9$%']+", text))


@pytest.mark.parametrize(("topic", "question"), QUESTIONS.items())
def test_the_topic_is_read_from_the_question(topic, question):
    assert topic_of(question) == topic


def test_every_agent_answers_differently_from_the_shops_own_facts():
    agents = shop_with_agents("Kings Row Barbers", business=True)
    shop = agents["business_coach"].shop
    answers = {
        slug: demo_answer(shop_agent=sa, question="How did we do this week?", numbers=True)
        for slug, sa in agents.items()
    }
    assert len(set(answers.values())) == len(AGENTS)
    # This week's bookings, counted here from the rows, not through the code under test.
    today = timezone.now().astimezone(shop.tzinfo).date()
    first = dt.datetime.combine(today - dt.timedelta(days=6), dt.time(), tzinfo=shop.tzinfo)
    booked = (
        Appointment.objects.filter(shop=shop, start__gte=first, start__lt=first + dt.timedelta(days=7))
        .exclude(status=Appointment.Status.CANCELLED)
        .count()
    )
    for slug, answer in answers.items():
        assert "Kings Row Barbers" in answer, slug
        assert f"from {booked} bookings" in answer, slug
    assert "Avery" in answers["business_coach"] and "Marcus" in answers["financial_advisor"]


def test_the_topic_changes_the_answer_and_each_uses_its_facts():
    coach = shop_with_agents("Kings Row Barbers", business=True)["business_coach"]
    pricing = demo_answer(shop_agent=coach, question="Should I raise my prices?", numbers=True)
    hours = demo_answer(shop_agent=coach, question="What about our opening hours?", numbers=True)
    no_shows = demo_answer(shop_agent=coach, question="People keep not showing up, the no-show problem", numbers=True)
    assert len({pricing, hours, no_shows}) == 3
    assert "Line-Up (15 min, $15.00)" in pricing  # the cheapest service on the seeded menu
    assert "Long Hair Scissor Cut (60 min, $55.00)" not in hours
    assert "Saturday 09:00-17:00" in hours and "Sunday 10:00-16:00" in hours
    assert "No-shows at Kings Row Barbers ran at" in no_shows


def test_the_same_question_gets_the_same_answer():
    coach = shop_with_agents("Kings Row Barbers", business=False)["business_coach"]
    first = demo_answer(shop_agent=coach, question="How do I fill slow days?", numbers=True)
    assert demo_answer(shop_agent=coach, question="How do I fill slow days?", numbers=True) == first


@pytest.mark.parametrize("business", [True, False], ids=["demo shop", "new shop"])
def test_every_answer_is_a_short_markdown_answer_without_set_up_instructions(business):
    agents = shop_with_agents("Fresh Cuts", business=business)
    for slug, shop_agent in agents.items():
        for topic, question in QUESTIONS.items():
            answer = demo_answer(shop_agent=shop_agent, question=question, numbers=True)
            where = f"{slug}/{topic}"
            assert 80 <= words(answer) <= 180, (where, words(answer), answer)
            assert answer.startswith("**") and "\n- " in answer and "**Next step:**" in answer, where
            assert f"{TOPIC_TITLES[topic]} at Fresh Cuts" in answer, where
            assert not any(w.lower() in answer.lower() for w in DEVELOPER_WORDS), (where, answer)


def test_a_new_shop_is_told_which_setting_unlocks_more():
    coach = shop_with_agents("Fresh Cuts", business=False)["business_coach"]
    pricing = demo_answer(shop_agent=coach, question="How should I price my cuts?", numbers=True)
    revenue = demo_answer(shop_agent=coach, question="How much revenue did we make?", numbers=True)
    assert "I can't see a price list for Fresh Cuts yet" in pricing
    assert "**To see more:** Add your services and prices on the Services page" in pricing
    assert "**To see more:** Take bookings through your booking page" in revenue


def test_the_name_the_shop_gave_its_agent_is_used():
    coach = shop_with_agents("Fresh Cuts", business=False)["business_coach"]
    ShopAgent.objects.filter(pk=coach.pk).update(display_name="Coach Kim")
    coach.refresh_from_db()
    assert demo_answer(shop_agent=coach, question="Hi", numbers=True).startswith("**Coach Kim · Hello at Fresh Cuts**")


def test_a_failing_source_of_figures_costs_the_figures_not_the_answer(caplog):
    coach = shop_with_agents("Kings Row Barbers", business=True)["business_coach"]

    def broken(sender, **kwargs):
        raise RuntimeError("insights is down")

    shop_facts_wanted.connect(broken, dispatch_uid="test.broken")
    try:
        answer = demo_answer(shop_agent=coach, question="Should I raise my prices?", numbers=True)
    finally:
        shop_facts_wanted.disconnect(dispatch_uid="test.broken")
    assert "Line-Up (15 min, $15.00)" in answer  # the other sources still answered
    assert "shop facts from" in caplog.text


@pytest.mark.parametrize(("role", "sees_numbers"), [("owner", True), ("manager", True), ("barber", False)])
def test_only_those_allowed_the_shops_numbers_get_them_in_a_demo_answer(settings, role, sees_numbers):
    settings.OPENAI_API_KEY, settings.OPENAI_BASE_URL = "", ""  # demo mode
    agents = shop_with_agents("Kings Row Barbers", business=True)
    shop = agents["business_coach"].shop
    asker = shop.memberships.get(role="owner").user if role == "owner" else add_member(shop=shop, role=role)
    conversation = conversation_start(user=asker, shop=shop, agent_slug="financial_advisor")
    _question, plan = chat_request(user=asker, conversation=conversation, content="How much money did we make?")
    # The week's bookings and revenue are the owner's numbers (/insights/ refuses a barber them too).
    week_revenue = re.search(r"took \$[\d,]+ from \d+ bookings", plan.demo_text)
    assert (week_revenue is not None) == sees_numbers, plan.demo_text
    assert ("for its owner and managers" in plan.demo_text) != sees_numbers, plan.demo_text
    assert "Take bookings through your booking page" not in plan.demo_text  # the shop has bookings
