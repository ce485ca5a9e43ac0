"""The prompt is built here, on the server: the client never supplies a system message.

Shops in the ``ai_agent_v2`` beta (the flag, decided per shop and person) get the improved prompt
set (agents.prompts) with the shop's services and today's hours; the others get each agent's
stored prompt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from agents import prompts
from agents.models import Agent, ShopAgent
from chat import tokens
from sixfb.flags import AI_AGENT_V2, flag_is_active
from sixfb.models import WEEKDAYS, Shop, User
from sixfb.signals import ShopFacts, shop_facts_wanted


@dataclass(frozen=True)
class Turn:
    """One message of the conversation as the prompt sees it (``pk`` is None for the new question)."""

    pk: int | None
    role: str
    content: str


def _hours_line(shop: Shop) -> str:
    hours = shop.business_hours or {}
    parts = []
    for day in WEEKDAYS:
        entry = hours.get(day) or {}
        if entry.get("closed") or not entry.get("open"):
            parts.append(f"{day.title()} closed")
        else:
            parts.append(f"{day.title()} {entry.get('open')}-{entry.get('close')}")
    return "; ".join(parts)


# What the shop wrote goes to the model with every question; forms cap it (sixfb.forms, agents.forms),
# and rows written another way (the admin, an import) are cut here, so it never crowds out the turns.
SHOP_TEXT_MAX_CHARS = 4000


def _bounded(text: str) -> str:
    text = text.strip()
    return text if len(text) <= SHOP_TEXT_MAX_CHARS else text[:SHOP_TEXT_MAX_CHARS].rstrip() + " …"


def system_prompt(*, agent: Agent, shop_agent: ShopAgent | None, shop: Shop, user: User | None = None) -> str:
    """The system message for ``agent`` working for ``shop``, asked by ``user``."""
    if flag_is_active(AI_AGENT_V2, shop=shop, user=user):
        return improved_system_prompt(agent=agent, shop_agent=shop_agent, shop=shop)
    today = timezone.now().astimezone(shop.tzinfo)
    sections = [agent.system_prompt.strip()]
    if shop_agent is not None and shop_agent.instructions.strip():
        sections.append("Instructions from the shop:\n" + _bounded(shop_agent.instructions))
    facts = [
        f"Shop name: {shop.name}",
        f"Time zone: {shop.timezone}",
        f"Opening hours: {_hours_line(shop)}",
        f"Today is {today.strftime('%A %-d %B %Y')} in the shop's time zone.",
    ]
    if shop_agent is not None and shop_agent.display_name:
        facts.append(f"The shop calls you {shop_agent.display_name[:80]}.")
    if shop.notes_for_agents.strip():
        facts.append("About the shop: " + _bounded(shop.notes_for_agents))
    sections.append("Facts about the shop you work for:\n" + "\n".join(f"- {fact}" for fact in facts))
    return "\n\n".join(sections)


def _today_line(shop: Shop) -> str:
    now = timezone.now().astimezone(shop.tzinfo)
    entry = (shop.business_hours or {}).get(WEEKDAYS[now.weekday()]) or {}
    closed = entry.get("closed") or not entry.get("open")
    hours = "closed today" if closed else f"open {entry['open']}-{entry.get('close')} today"
    return f"Now it is {now.strftime('%A %-d %B %Y, %H:%M')} in the shop's time zone; the shop is {hours}."


def _facts_from_other_apps(shop: Shop) -> list[str]:
    """Lines from the apps that know more about the shop (bookings: its services and prices)."""
    answers = shop_facts_wanted.send(sender=Shop, shop=shop)
    return [line for _receiver, facts in answers for line in facts_lines(facts)]


def facts_lines(facts: object) -> list[str]:
    """A receiver's lines: ``ShopFacts``, or a plain list of lines (the older contract)."""
    if isinstance(facts, ShopFacts):
        return facts.lines
    return list(facts) if isinstance(facts, list) else []


def improved_system_prompt(*, agent: Agent, shop_agent: ShopAgent | None, shop: Shop) -> str:
    """The improved prompt set (ai_agent_v2): a sharper role, the working rules, the shop's facts."""
    sections = [prompts.improved_role(agent), prompts.RULES]
    if shop_agent is not None and shop_agent.instructions.strip():
        sections.append("Instructions from the shop:\n" + _bounded(shop_agent.instructions))
    facts = [
        f"Shop name: {shop.name}",
        f"Time zone: {shop.timezone}",
        _today_line(shop),
        f"Opening hours: {_hours_line(shop)}",
        *_facts_from_other_apps(shop),
    ]
    if shop_agent is not None and shop_agent.display_name:
        facts.append(f"The shop calls you {shop_agent.display_name[:80]}.")
    if shop.notes_for_agents.strip():
        facts.append("About the shop: " + _bounded(shop.notes_for_agents))
    sections.append("The shop's facts (the only shop numbers you may use):\n" + "\n".join(f"- {f}" for f in facts))
    return "\n\n".join(sections)


def build_messages(
    *, system: str, history: Sequence[Turn], model: str, budget: int
) -> tuple[list[dict[str, str]], int]:
    """System prompt plus as many recent turns as fit ``budget`` tokens; the newest turn always goes.

    Returns the messages and their prompt token count (as OpenAI bills it).
    """
    messages = [{"role": "system", "content": system}]
    used = tokens.count_messages(messages, model=model)
    turns: list[dict[str, str]] = []
    costs: list[int] = []
    for message in reversed(history):
        if not message.content:
            continue
        cost = tokens.TOKENS_PER_MESSAGE + tokens.count_text(message.content, model=model)
        if turns and used + cost > budget:
            break
        turns.append({"role": message.role, "content": message.content})
        costs.append(cost)
        used += cost
    # A conversation must not open with an assistant turn cut from its question.
    while len(turns) > 1 and turns[-1]["role"] == "assistant":
        turns.pop()
        used -= costs.pop()
    return messages + list(reversed(turns)), used
