"""What a question is about: keyword families, counted; the most matches wins, ties by the order below."""

from __future__ import annotations

import re

# Topic → stems. A stem matches at the start of a word, so "price" also finds "prices" and "pricing".
FAMILIES: dict[str, tuple[str, ...]] = {
    "no_shows": ("no-show", "no show", "noshow", "didn't show", "did not show", "cancel", "deposit", "late"),
    "rebooking": (
        "rebook",
        "retention",
        "retain",
        "come back",
        "coming back",
        "return",
        "loyal",
        "lapsed",
        "churn",
        "regular",
        "win back",
        "win-back",
        "lost client",
        "lost customer",
        "haven't been back",
    ),
    "slow_days": ("slow", "quiet", "empty", "gap", "dead", "fill", "downtime", "idle", "busier"),
    "pricing": ("price", "pricing", "charge", "raise", "increase", "expensive", "cheap", "discount", "menu"),
    "revenue": (
        "revenue",
        "money",
        "income",
        "sales",
        "profit",
        "margin",
        "earn",
        "made",
        "numbers",
        "how did we do",
        "cash",
        "finance",
        "week go",
        "takings",
        "turnover",
    ),
    "reviews": ("review", "rating", "stars", "yelp", "google", "feedback", "testimonial", "reputation"),
    "marketing": (
        "marketing",
        "market",
        "instagram",
        "tiktok",
        "social",
        "post",
        "caption",
        "content",
        "advert",
        "ads",
        "promot",
        "facebook",
        "campaign",
        "follower",
        "brand",
        "new client",
        "new customer",
        "flyer",
    ),
    "hiring": (
        "hire",
        "hiring",
        "staff",
        "new barber",
        "team",
        "employee",
        "commission",
        "booth",
        "chair rent",
        "payroll",
        "recruit",
        "apprentice",
    ),
    "hours": ("hours", "open", "close", "closing", "schedule", "shift", "sunday", "weekend", "holiday", "evening"),
}
GREETINGS = (
    "hi",
    "hello",
    "hey",
    "yo",
    "good morning",
    "good afternoon",
    "good evening",
    "what can you do",
    "who are you",
)
TOPIC_TITLES = {
    "no_shows": "No-shows",
    "rebooking": "Bringing clients back",
    "slow_days": "Filling the slow days",
    "pricing": "Pricing",
    "revenue": "This week's numbers",
    "reviews": "Reviews",
    "marketing": "Marketing that fills chairs",
    "hiring": "Hiring and the team",
    "hours": "Opening hours",
    "greeting": "Hello",
    "unknown": "Where I would start",
}
_PATTERNS = {
    topic: re.compile(r"\b(" + "|".join(re.escape(stem) for stem in stems) + ")", re.IGNORECASE)
    for topic, stems in FAMILIES.items()
}
_GREETING = re.compile(r"^\W*(" + "|".join(re.escape(g) for g in GREETINGS) + r")\b", re.IGNORECASE)


def topic_of(question: str) -> str:
    """One of ``TOPIC_TITLES``' keys: the family with the most matches, a short hello, or unknown."""
    scores = {topic: len(pattern.findall(question)) for topic, pattern in _PATTERNS.items()}
    best = max(scores, key=lambda topic: scores[topic])  # the first of the highest, in FAMILIES' order
    if scores[best]:
        return best
    if _GREETING.search(question) or "what can you" in question.lower():
        return "greeting"
    return "unknown"
