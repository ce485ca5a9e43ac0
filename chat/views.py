"""Chat pages: the conversation list (search, rename, delete) and a conversation."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from agents.selectors import agents_for_shop
from chat import llm, selectors, services
from chat.markdown import render_markdown
from chat.models import Message
from chat.proposals import actions_for_page, proposal_card
from chat.services.availability import chat_is_open
from sixfb.middleware import SignedInRequest

AUTOSEND_SESSION_KEY = "chat_autosend"


@login_required
def chat_home(request: SignedInRequest) -> HttpResponse:
    search = request.GET.get("q", "")
    agents = [a for a in agents_for_shop(shop=request.shop) if a.enabled] if request.shop else []
    context = {
        "conversations": selectors.conversations_for_user(user=request.user, search=search)[:100],
        "search": search,
        "agents": agents,
        "chosen_agent": request.GET.get("agent", ""),
        "prompt": request.GET.get("prompt", "")[:2000],
        "chat_paused": not chat_is_open(),
    }
    return render(request, "chat/index.html", context)


@login_required
@require_POST
def conversation_new(request: SignedInRequest) -> HttpResponse:
    try:
        conversation = services.conversation_start(
            user=request.user, shop=request.shop, agent_slug=request.POST.get("agent", "")
        )
    except services.ChatError as exc:
        messages.error(request, exc.message)
        return redirect("chat")
    prompt = request.POST.get("prompt", "").strip()
    if prompt:  # sent by the chat page once its socket is open; a reload does not send it again
        request.session[AUTOSEND_SESSION_KEY] = {str(conversation.uuid): prompt}
    return redirect("chat_conversation", conversation_uuid=conversation.uuid)


@login_required
def conversation_detail(request: SignedInRequest, conversation_uuid: str) -> HttpResponse:
    conversation = selectors.get_conversation_for_user(user=request.user, conversation_uuid=conversation_uuid)
    autosend = request.session.pop(AUTOSEND_SESSION_KEY, {}).get(str(conversation.uuid), "")
    messages_shown = list(selectors.conversation_messages(conversation=conversation))
    acted = actions_for_page(message_ids=[m.pk for m in messages_shown if m.role == Message.Role.ASSISTANT])
    items = [
        # nh3 has sanitised the rendered markdown, so it may go into the page as HTML.
        {
            "message": m,
            "html": mark_safe(render_markdown(m.content)) if m.role == Message.Role.ASSISTANT else "",  # noqa: S308
            "steps": acted[m.pk].steps if m.pk in acted else [],
            "proposals": [proposal_card(frame) for frame in acted[m.pk].proposals] if m.pk in acted else [],
        }
        for m in messages_shown
    ]
    usage = selectors.chat_usage_for_shop(shop=conversation.shop)
    paused = not chat_is_open()  # the ai_chat_enabled switch: composer off, a question waits in it
    config = {
        "socket": f"/ws/chat/{conversation.uuid}/",
        "autosend": "" if paused else autosend,
        "paused": paused,
        "demo": llm.is_demo(),
        "chatsLeft": usage.chats_remaining,
    }
    context = {
        "conversation": conversation,
        "items": items,
        "usage": usage,
        "demo": llm.is_demo(),
        "starters": conversation.agent.starter_prompts if not items and not paused else [],
        "config": config,
        "max_chars": settings.CHAT_MAX_MESSAGE_CHARS,
        "chat_paused": paused,
        "draft": autosend if paused else "",
    }
    with timezone.override(conversation.shop.tzinfo):  # a card's times as the shop lives them
        return render(request, "chat/conversation.html", context)


@login_required
@require_POST
def conversation_rename(request: SignedInRequest, conversation_uuid: str) -> HttpResponse:
    conversation = selectors.get_conversation_for_user(user=request.user, conversation_uuid=conversation_uuid)
    services.conversation_rename(conversation=conversation, title=request.POST.get("title", ""))
    if request.POST.get("next") == "list":
        return redirect("chat")
    return redirect("chat_conversation", conversation_uuid=conversation.uuid)


@login_required
@require_POST
def conversation_delete(request: SignedInRequest, conversation_uuid: str) -> HttpResponse:
    conversation = selectors.get_conversation_for_user(user=request.user, conversation_uuid=conversation_uuid)
    if selectors.streaming_message(conversation=conversation) is not None:
        raise Http404("Stop the answer before deleting the conversation.")
    services.conversation_delete(conversation=conversation)
    messages.success(request, "Conversation deleted.")
    return redirect("chat")
