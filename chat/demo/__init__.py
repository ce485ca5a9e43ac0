"""Demo answers: what the agents say when no AI model is configured (chat.llm decides that).

An answer is specific to the agent (its angle and next step, chat.demo.voices) and to the question's
topic (keyword families, chat.demo.topics), and built from the shop's own facts (chat.demo.facts):
name, hours, services and prices, and its recent bookings numbers when it has any. Deterministic: the
same question to the same agent about the same shop gets the same answer (wording varies by a hash of
the question, never by chance). It never tells the owner how to connect a model: that is said to
staff only (the staff banner and the admin).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from agents.models import ShopAgent
from chat.demo.facts import ShopSnapshot, shop_snapshot
from chat.demo.sections import ADD_BOOKINGS, BUILDERS, Section, addon, busy_day, slow_day, top_service
from chat.demo.topics import TOPIC_TITLES, topic_of
from chat.demo.voices import VOICES, Voice

__all__ = ["AgentIdentity", "agent_identity", "compose", "demo_answer", "topic_of"]

# Said to a barber instead of "take bookings": the shop has them, they are the owner's to see.
NUMBERS_FOR_MANAGERS = "The shop's bookings and revenue are for its owner and managers: ask them for this week."

OPENERS = ("", "Short version first. ", "Here's the picture. ")


@dataclass(frozen=True)
class AgentIdentity:
    slug: str
    persona: str  # "Avery", or the agent's name
    role: str  # "Business coach"


def agent_identity(shop_agent: ShopAgent) -> AgentIdentity:
    """Who answers: the live answers and seed_demo's conversations use this one builder."""
    agent = shop_agent.agent
    persona = (shop_agent.display_name or agent.persona_name or agent.name)[:80]
    return AgentIdentity(slug=agent.slug, persona=persona, role=agent.role or agent.name)


def demo_answer(*, shop_agent: ShopAgent, question: str, numbers: bool) -> str:
    """The demo answer to ``question`` from the shop's agent, for the shop as it is now (a few queries);
    with the shop's business numbers only when ``numbers`` (the asker may see them)."""
    snapshot = shop_snapshot(shop=shop_agent.shop, numbers=numbers)
    return compose(agent=agent_identity(shop_agent), snapshot=snapshot, question=question)


def _fields(s: ShopSnapshot) -> dict[str, str]:
    lapsed = s.figure("lapsed_customers")
    ends = s.cheapest_and_dearest()
    return {
        "name": s.name,
        "owns": s.owns,
        "slow": slow_day(s),
        "busy": busy_day(s),
        "top": top_service(s),
        "addon": ends[0][0] if ends else addon(s),  # the name alone: it goes into ready-to-paste texts
        "lapsed": str(lapsed) if lapsed else "lapsed",
    }


def _greeting(agent: AgentIdentity, voice: Voice, s: ShopSnapshot, fields: dict[str, str]) -> tuple[Section, str]:
    known = f"open {len(s.open_days)} days a week" if s.hours else "no opening hours set yet"
    if s.services:
        cheap, dear = s.cheapest_and_dearest() or (s.services[0], s.services[0])
        known += f", {len(s.services)} services from {s.money(cheap[2])} to {s.money(dear[2])}"
    if s.has_bookings:
        known += f", {s.figure('week_bookings')} bookings this week"
    section = Section(
        f"Hi, I'm {agent.persona}, {agent.role.lower()} for {s.name}. "
        f"I answer from {s.owns} own settings and bookings; today I can see {known}. With that, I can:",
        [line.format(**fields) for line in voice.can],
        "" if s.services else "Add your services and prices on the Services page and I can say more.",
    )
    step = f"Ask me about {TOPIC_TITLES[voice.home].lower()} and I'll start from {s.owns} numbers."
    return section, step


def compose(*, agent: AgentIdentity, snapshot: ShopSnapshot, question: str) -> str:
    """The answer's markdown: a bold heading, a lead with the shop's facts, a short list, the agent's
    angle, what would unlock more (when something is missing), and a next step."""
    topic = topic_of(question)
    voice = VOICES.get(agent.slug, VOICES["business_coach"])
    fields = _fields(snapshot)
    variant = int.from_bytes(hashlib.sha256(" ".join(question.lower().split()).encode()).digest()[:4], "big")
    if topic == "greeting":
        section, step = _greeting(agent, voice, snapshot, fields)
        angle = ""
    else:
        section = BUILDERS[voice.home if topic == "unknown" else topic](snapshot)
        if topic == "unknown":
            section.lead = f"I can't answer that one in full as a demo; here is what I'd look at first. {section.lead}"
        else:
            section.lead = OPENERS[variant % len(OPENERS)] + section.lead
        angle = voice.angles.get(topic, voice.angle).format(**fields)
        step = voice.steps.get(topic, voice.step).format(**fields)
    parts = [
        f"**{agent.persona} · {TOPIC_TITLES[topic]} at {snapshot.name}**",
        section.lead,
        "\n".join(f"- {bullet}" for bullet in section.bullets),
    ]
    if angle:
        parts.append(angle)
    if section.unlock == ADD_BOOKINGS and snapshot.numbers_withheld:
        parts.append(f"**To see more:** {NUMBERS_FOR_MANAGERS}")
    elif section.unlock:
        parts.append(f"**To see more:** {section.unlock}")
    parts.append(f"**Next step:** {step}")
    return "\n\n".join(parts)
