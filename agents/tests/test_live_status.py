"""Status changes reach connected browsers after commit, through the API and the admin."""

from __future__ import annotations

import asyncio
import json
import threading

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connection as db_connection
from django.db import transaction
from django.test import Client
from rest_framework.authtoken.models import Token

from agents import services
from agents.models import Agent
from sixfb.asgi import application
from tests.base import make_owner, make_user, session_cookie

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ORIGIN = (b"origin", b"http://testserver")


@database_sync_to_async
def owner_cookie(shop_name="Fresh Cuts"):
    user, shop = make_owner(shop_name=shop_name)
    return shop, (b"cookie", session_cookie(user).encode())


class StatusSocket(WebsocketCommunicator):
    """What the agents page listens to: ``agent.status`` frames. A change that matters also makes an
    in-app notification for the staff of shops using the agent (its frames are skipped here; the
    notifications tests cover them)."""

    async def receive_json_from(self, timeout: float = 1) -> dict:
        while True:
            frame = await super().receive_json_from(timeout)
            if not frame["type"].startswith("notification"):
                return frame


async def live_socket(cookie):
    communicator = StatusSocket(application, "/ws/live/", headers=[ORIGIN, cookie])
    connected, _ = await communicator.connect()
    assert connected
    return communicator


@database_sync_to_async
def staff_client():
    staff = make_user(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff)
    return client, staff


async def test_api_status_change_reaches_a_connected_browser():
    _shop, cookie = await owner_cookie()
    socket = await live_socket(cookie)
    client, _staff = await staff_client()

    response = await database_sync_to_async(client.post)(
        "/api/v1/agents/marketing_expert/status", {"status": "maintenance"}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "maintenance"
    event = await socket.receive_json_from(timeout=2)
    assert event["type"] == "agent.status"
    assert (event["agent"], event["status"]) == ("marketing_expert", "maintenance")
    assert event["at"] == response.json()["at"].replace("Z", "+00:00")
    await socket.disconnect()


async def test_admin_action_on_many_agents_reaches_the_browser():
    _shop, cookie = await owner_cookie()
    socket = await live_socket(cookie)
    client, _staff = await staff_client()
    ids = await database_sync_to_async(
        lambda: [
            str(pk)
            for pk in Agent.objects.filter(slug__in=["business_coach", "booking_manager"]).values_list("pk", flat=True)
        ]
    )()

    response = await database_sync_to_async(client.post)(
        "/admin/agents/agent/", {"action": "set_status_paused", "_selected_action": ids}
    )

    assert response.status_code == 302
    events = [await socket.receive_json_from(timeout=2) for _ in range(2)]
    assert {(e["agent"], e["status"]) for e in events} == {("business_coach", "paused"), ("booking_manager", "paused")}
    await socket.disconnect()


async def test_admin_change_form_broadcasts_a_status_change():
    _shop, cookie = await owner_cookie()
    socket = await live_socket(cookie)
    client, _staff = await staff_client()

    @database_sync_to_async
    def edit_in_admin():
        agent = Agent.objects.get(slug="content_generator")
        page = client.get(f"/admin/agents/agent/{agent.pk}/change/")
        form = page.context["adminform"].form
        data = {name: form[name].value() for name in form.fields}
        data.update(status="maintenance", starter_prompts=json.dumps(agent.starter_prompts), shop="")
        return client.post(f"/admin/agents/agent/{agent.pk}/change/", data)

    response = await edit_in_admin()
    assert response.status_code == 302, response.content[:2000]
    event = await socket.receive_json_from(timeout=2)
    assert (event["agent"], event["status"]) == ("content_generator", "maintenance")
    await socket.disconnect()


async def test_nothing_is_sent_before_commit():
    _shop, cookie = await owner_cookie()
    socket = await live_socket(cookie)
    inside, release = threading.Event(), threading.Event()

    def change_and_hold_the_transaction_open():
        try:
            with transaction.atomic():
                services.agent_status_set(agent=Agent.objects.get(slug="business_coach"), status="paused")
                inside.set()
                release.wait(5)
        finally:
            db_connection.close()

    worker = threading.Thread(target=change_and_hold_the_transaction_open)
    worker.start()
    await asyncio.to_thread(inside.wait, 5)
    assert await socket.receive_nothing(timeout=0.3)  # saved but not committed: nothing sent

    release.set()
    await asyncio.to_thread(worker.join, 5)
    event = await socket.receive_json_from(timeout=2)
    assert (event["agent"], event["status"]) == ("business_coach", "paused")
    await socket.disconnect()


async def test_a_rolled_back_status_change_is_never_broadcast():
    _shop, cookie = await owner_cookie()
    socket = await live_socket(cookie)

    @database_sync_to_async
    def change_and_roll_back():
        try:
            with transaction.atomic():
                services.agent_status_set(agent=Agent.objects.get(slug="business_coach"), status="paused")
                raise RuntimeError
        except RuntimeError:
            pass
        return Agent.objects.get(slug="business_coach").status

    assert await change_and_roll_back() == "active"
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


async def test_a_shops_busy_status_never_reaches_another_shop():
    shop, cookie = await owner_cookie("Fresh Cuts")
    _other_shop, other_cookie = await owner_cookie("Rival Fades")
    mine, theirs = await live_socket(cookie), await live_socket(other_cookie)

    @database_sync_to_async
    def mark_busy():
        services.agent_busy_for_shop(shop_id=shop.pk, agent=Agent.objects.get(slug="financial_advisor"), busy=True)

    await mark_busy()
    event = await mine.receive_json_from(timeout=2)
    assert (event["agent"], event["status"]) == ("financial_advisor", "busy")
    assert await theirs.receive_nothing(timeout=0.3)
    await mine.disconnect()
    await theirs.disconnect()


async def test_a_custom_agents_status_goes_only_to_its_shop():
    shop, cookie = await owner_cookie("Fresh Cuts")
    _other_shop, other_cookie = await owner_cookie("Rival Fades")
    mine, theirs = await live_socket(cookie), await live_socket(other_cookie)

    @database_sync_to_async
    def make_and_pause():
        agent = Agent.objects.create(
            shop=shop, slug="fresh-cuts-retail", name="Retail", role="r", description="d", system_prompt="p"
        )
        services.agent_status_set(agent=agent, status="paused")

    await make_and_pause()
    assert (await mine.receive_json_from(timeout=2))["agent"] == "fresh-cuts-retail"
    assert await theirs.receive_nothing(timeout=0.3)
    await mine.disconnect()
    await theirs.disconnect()


@pytest.mark.parametrize(
    ("slug", "body", "expected", "code"),
    [
        ("business_coach", {"status": "sleeping"}, 400, "invalid_status"),
        ("business_coach", {}, 400, "invalid_status"),
        ("no_such_agent", {"status": "paused"}, 404, "not_found"),
    ],
)
def test_bad_status_requests_get_json_errors(slug, body, expected, code):
    client = Client()
    client.force_login(make_user(is_staff=True))
    response = client.post(f"/api/v1/agents/{slug}/status", body, content_type="application/json")
    assert response.status_code == expected
    assert response.json()["code"] == code
    assert Agent.objects.get(slug="business_coach").status == "active"


def test_non_staff_cannot_change_a_status():
    owner, _shop = make_owner()
    token = Token.objects.create(user=owner)
    response = Client().post(
        "/api/v1/agents/business_coach/status",
        {"status": "paused"},
        content_type="application/json",
        headers={"Authorization": f"Token {token.key}"},
    )
    assert response.status_code == 403
    assert Client().post("/api/v1/agents/business_coach/status", {"status": "paused"}).status_code in {401, 403}
    assert Agent.objects.get(slug="business_coach").status == "active"


def test_agent_list_api_shows_enabled_state_and_status_for_the_callers_shop():
    owner, _shop = make_owner()
    token = Token.objects.create(user=owner)
    client = Client()
    client.force_login(owner)
    client.post("/agents/business_coach/enable/")
    Agent.objects.filter(slug="booking_manager").update(status="maintenance")

    response = client.get("/api/v1/agents/", headers={"Authorization": f"Token {token.key}"})

    assert response.status_code == 200
    by_slug = {a["slug"]: a for a in response.json()}
    assert by_slug["business_coach"]["enabled"] is True
    assert by_slug["marketing_expert"]["enabled"] is False
    assert by_slug["booking_manager"]["status"] == "maintenance"
    assert len(by_slug) == 6


def test_both_endpoints_are_in_the_openapi_schema():
    schema = Client().get("/api/schema/").content.decode()
    assert "/api/v1/agents/:" in schema
    assert "/api/v1/agents/{slug}/status:" in schema
