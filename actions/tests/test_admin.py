"""The admin pages of the catalog and the audit open for an operator; the audit is read-only."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from actions.models import AgentTool, Proposal, ToolCall
from agents.models import Agent
from chat.models import Conversation, Message
from tests.base import make_owner, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    client.force_login(make_user(email="ops@example.com", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def audit():
    owner, shop = make_owner(shop_name="Fresh Cuts")
    agent = Agent.objects.get(slug="booking_manager", shop=None)
    conversation = Conversation.objects.create(shop=shop, user=owner, agent=agent)
    message = Message.objects.create(shop=shop, conversation=conversation, role="assistant", content="Done.")
    call = ToolCall.objects.create(
        shop=shop, message=message, call_id="call_1", name="availability", arguments={"service": "Skin Fade"},
        status=ToolCall.Status.DONE, summary="12 free slots", result_chars=812, duration_ms=14,
    )  # fmt: skip
    proposal = Proposal.objects.create(
        shop=shop, conversation=conversation, message=message, tool="appointment_book", summary="Book Sam",
        expires_at=dt.datetime(2026, 12, 8, tzinfo=dt.UTC), requested_by=owner,
    )  # fmt: skip
    return call, proposal


def test_the_audit_pages_open_and_are_read_only(operator, audit):
    call, proposal = audit
    listing = operator.get("/admin/actions/toolcall/").content.decode()
    assert "availability" in listing and "Fresh Cuts" in listing and "812" in listing
    page = operator.get(f"/admin/actions/toolcall/{call.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert operator.get("/admin/actions/toolcall/add/").status_code == 403
    assert "appointment_book" in operator.get("/admin/actions/proposal/").content.decode()
    page = operator.get(f"/admin/actions/proposal/{proposal.pk}/change/")
    assert page.status_code == 200 and "Book Sam" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert operator.get("/admin/actions/toolcall/", {"q": "availability", "status": "done"}).status_code == 200


def test_the_catalog_is_edited_with_a_choice_of_registered_tools(operator):
    coach = Agent.objects.get(slug="business_coach", shop=None)
    listing = operator.get("/admin/actions/agenttool/").content.decode()
    assert "shop_metrics" in listing
    form = operator.get("/admin/actions/agenttool/add/").content.decode()
    options = set(re.findall(r'<option value="([a-z_]+)"', form))
    assert {"availability", "customer_segment", "shop_notes"} <= options
    refused = operator.post("/admin/actions/agenttool/add/", {"agent": coach.pk, "tool": "rm_rf", "enabled": "on"})
    assert refused.status_code == 200 and not AgentTool.objects.filter(tool="rm_rf").exists()
    added = operator.post(
        "/admin/actions/agenttool/add/", {"agent": coach.pk, "tool": "customer_lookup", "enabled": "on"}
    )
    assert added.status_code == 302
    assert AgentTool.objects.filter(agent=coach, tool="customer_lookup", enabled=True).exists()


def test_a_row_naming_a_tool_not_yet_registered_still_opens(operator):
    row = AgentTool.objects.get(agent__slug="booking_manager", tool="appointment_book")
    page = operator.get(f"/admin/actions/agenttool/{row.pk}/change/").content.decode()
    assert 'value="appointment_book" selected' in page


def test_the_catalog_list_switches_tools_off_in_place(operator):
    rows = list(AgentTool.objects.filter(agent__slug="content_generator").order_by("pk"))
    data = {"form-TOTAL_FORMS": len(rows), "form-INITIAL_FORMS": len(rows), "_save": "Save"}
    for i, row in enumerate(rows):
        data[f"form-{i}-id"] = row.pk
        if row.tool != "shop_notes":
            data[f"form-{i}-enabled"] = "on"
    response = operator.post("/admin/actions/agenttool/?agent__id__exact=" + str(rows[0].agent_id), data)
    assert response.status_code == 302
    assert not AgentTool.objects.get(agent__slug="content_generator", tool="shop_notes").enabled
    assert AgentTool.objects.get(agent__slug="content_generator", tool="services_and_prices").enabled


def test_agent_actions_come_right_after_chat_in_the_admin(operator):
    html = operator.get("/admin/").content.decode()
    titles = re.findall(r'<caption>\s*<a href="/admin/[^"]*" class="section"[^>]*>([^<]+)</a>', html)
    assert titles[titles.index("Chat") + 1] == "Agent actions"
