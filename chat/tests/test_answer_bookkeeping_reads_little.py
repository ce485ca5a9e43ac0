"""What every answer does besides streaming reads as little as it can (issue 19: fifty owners asking
at once spent most of the server's time in these queries): "busy" is announced from the agent as
the checks read it, the quota warning is decided from the count admission read, and the ``end``
frame's quota comes from the shop's count kept under its lock. Each is still right."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from agents.models import Agent
from agents.signals import agent_status_changed
from billing.models import Plan
from billing.services import shop_plan_set_manually
from chat import selectors
from chat.models import Message
from chat.services import chat_request, generation_announce
from chat.tests.support import make_setup
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    announcements: list[dict] = []

    def listen(**kwargs):
        announcements.append({key: kwargs[key] for key in ("agent", "status", "shop_id", "shop_state")})

    agent_status_changed.connect(listen, dispatch_uid="test.heard")
    yield announcements
    agent_status_changed.disconnect(dispatch_uid="test.heard")


def _plan(setup):
    _question, plan = chat_request(user=setup.user, conversation=setup.conversation, content="How busy is Friday?")
    return plan


def test_busy_is_announced_to_the_shop_without_a_query_and_notifies_nobody(
    heard, django_assert_num_queries, django_capture_on_commit_callbacks
):
    setup = make_setup()
    plan = _plan(setup)
    with django_assert_num_queries(0), django_capture_on_commit_callbacks(execute=True):
        generation_announce(plan=plan, busy=True)
    assert heard == [{"agent": "business_coach", "status": "busy", "shop_id": setup.shop.pk, "shop_state": True}]
    assert not Notification.objects.filter(kind="agent_status").exists()


def test_idle_is_announced_with_the_agents_status_read_afresh(heard, django_capture_on_commit_callbacks):
    setup = make_setup()
    plan = _plan(setup)
    Message.objects.filter(pk=plan.message_id).update(status=Message.Status.COMPLETE)
    Agent.objects.filter(slug="business_coach").update(status=Agent.Status.PAUSED)  # an admin, meanwhile
    with django_capture_on_commit_callbacks(execute=True):
        generation_announce(plan=plan, busy=False)
    assert heard == [{"agent": "business_coach", "status": "paused", "shop_id": setup.shop.pk, "shop_state": True}]


def test_idle_while_another_answer_by_the_agent_streams_stays_busy(heard, django_capture_on_commit_callbacks):
    setup = make_setup()
    plan = _plan(setup)  # still streaming: in another process, say
    with django_capture_on_commit_callbacks(execute=True):
        generation_announce(plan=plan, busy=False)
    assert [event["status"] for event in heard] == ["busy"]


def _limited(setup, monthly_chats):
    plan = Plan.objects.filter(limits_set_per_shop=True).first()
    shop_plan_set_manually(shop=setup.shop, plan=plan, monthly_chats=monthly_chats)
    cache.clear()


def test_the_end_frames_quota_comes_from_the_count_admission_kept_and_matches_the_database(
    django_assert_num_queries,
):
    setup = make_setup()
    _limited(setup, 10)
    plan = _plan(setup)
    assert plan.monthly_chats == 10
    with django_assert_num_queries(0):
        quota = selectors.chat_quota(shop_id=setup.shop.pk, counted=(plan.usage_key, plan.monthly_chats))
    assert quota == {"chats_used": 1, "monthly_chats": 10, "chats_remaining": 9}
    assert quota == selectors.chat_quota(shop_id=setup.shop.pk)  # as the usage API counts, in the database

    cache.delete(plan.usage_key)  # evicted: counted in the database instead
    assert selectors.chat_quota(shop_id=setup.shop.pk, counted=(plan.usage_key, 10)) == quota


def test_no_quota_warning_is_read_for_while_a_chat_is_under_every_level(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    setup = make_setup()
    _limited(setup, 5)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        for _ in range(3):
            plan = _plan(setup)
            Message.objects.filter(pk=plan.message_id).update(status=Message.Status.COMPLETE)
    with django_assert_num_queries(0):  # 1, 2 and 3 of 5: under 80 %, nothing to read or send
        for callback in callbacks:
            callback()
    with django_capture_on_commit_callbacks(execute=True):
        _plan(setup)  # 4 of 5: the warning
    assert [(n.kind, n.payload["used"]) for n in Notification.objects.filter(kind__startswith="chat_quota")] == [
        ("chat_quota_80", 4)
    ]
