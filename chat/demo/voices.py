"""Each agent's angle on a topic: one line from its specialty and its own next step. Templates take
the shop's facts by name ({name}, {slow}, {busy}, {top}, {addon}, {lapsed})."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Voice:
    home: str  # the topic an unknown question falls back to
    can: tuple[str, str, str]  # what it offers, for a hello
    angle: str  # its line on any topic not listed below
    step: str  # its next step on any topic not listed below
    angles: dict[str, str] = field(default_factory=dict)
    steps: dict[str, str] = field(default_factory=dict)


VOICES: dict[str, Voice] = {
    "business_coach": Voice(
        home="revenue",
        can=(
            "read {owns} week and name the one move that matters",
            "price the menu against demand",
            "decide when to hire and when to wait",
        ),
        angle="As your coach: pick one lever for the next four weeks and measure it, rather than five at once.",
        step="Choose the single change above you will make this week and check its number next Monday.",
        angles={
            "revenue": "The coach's read: demand is there on {busy}; the growth is in {slow} and the ticket.",
            "pricing": "Price is the fastest lever you have: no new clients needed, only the nerve to ask.",
        },
        steps={"pricing": "Put the new price of {top} on the booking page from the first of next month."},
    ),
    "marketing_expert": Voice(
        home="marketing",
        can=(
            "fill {slow} with offers that keep your prices",
            "plan a month of posts around {top}",
            "win back the {lapsed} clients who stopped coming",
        ),
        angle="Marketing's angle: one audience, one offer, one channel at a time, and count the bookings it brings.",
        step="Send one offer this week to one group, and count the bookings it brings in 14 days.",
        angles={
            "slow_days": "Aim the offer at people already nearby: your Google profile beats paid ads for this.",
            "reviews": "Every new review lifts you on Maps, where most new clients find a barber.",
        },
        steps={"reviews": "Text today's clients the review link tonight; count new reviews on Friday."},
    ),
    "financial_advisor": Voice(
        home="revenue",
        can=(
            "show where {owns} money comes from and where it leaks",
            "cost your no-shows",
            "check whether a price rise beats a new chair",
        ),
        angle="Let's look at the numbers: I only use figures from your own bookings and payments, never guesses.",
        step="Put this week's revenue and no-shows in one line of a sheet every Monday; trends beat snapshots.",
        angles={
            "no_shows": "A no-show costs the full ticket and the chair time: the cheapest revenue to win back.",
            "hiring": "A new barber pays when their commission is covered by clients you now turn away.",
        },
        steps={"pricing": "Work out what {top} earns per chair-hour before and after the rise; go if it's higher."},
    ),
    "customer_intelligence": Voice(
        home="rebooking",
        can=(
            "find the {lapsed} clients drifting away",
            "split regulars from one-timers",
            "tell who to invite back and when",
        ),
        angle="From the client side: regulars who come every 3-4 weeks are worth a dozen visits a year each.",
        step="Make two lists tonight, regulars and lapsed, and give each one message this week.",
        angles={
            "rebooking": "Lapsed at six weeks is the moment: wait three months and most are gone for good.",
            "marketing": "Your best audience is people who already sat in your chair.",
        },
    ),
    "content_generator": Voice(
        home="marketing",
        can=(
            "write posts and captions in {owns} voice",
            "draft win-back and reminder texts",
            "turn {top} into a week of content",
        ),
        angle='Ready to paste: "{name}: book {top} in under a minute. Link in bio."',
        step="Pick the line above, post or send it today, and ask me for two more variants.",
        angles={
            "rebooking": "Ready to paste: \"Hi, it's {name}. Your chair misses you: book your next visit "
            'here. Reply STOP to opt out."',
            "slow_days": 'Ready to paste: "Free on {slow}? {name} has chairs open: {addon} on us with any cut."',
            "reviews": 'Ready to paste: "Thanks for coming to {name}! A quick review helps a lot: [link]"',
            "no_shows": 'Ready to paste: "Reminder from {name}: see you tomorrow. Reply C to cancel."',
        },
    ),
    "booking_manager": Voice(
        home="slow_days",
        can=(
            "spot gaps in {owns} week before they happen",
            "cut no-shows with reminders and deposits",
            "plan hours and shifts around {busy}",
        ),
        angle="From the calendar: set reminders and buffers once in the booking settings and they work every day.",
        step="Open the booking settings and turn on reminders for every appointment this week.",
        angles={
            "hours": "Shifts should follow bookings: put your strongest barbers on {busy}.",
            "slow_days": "Block nothing on {slow}: every open slot should be bookable online.",
        },
        steps={
            "hours": "Update the shop's hours in settings; the booking page follows at once.",
            "slow_days": "Look at the calendar for {slow}: offer each free slot to your waitlist today.",
        },
    ),
}
