"""The body of a demo answer for each topic, built from the shop's own facts: a lead, a short list,
and, when a fact is missing, the setting that would unlock it. Agents add their own angle (voices)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from chat.demo.facts import ShopSnapshot

ADD_SERVICES = "Add your services and prices on the Services page and I will work with your real menu."
ADD_BOOKINGS = "Take bookings through your booking page (or add them on the calendar) and I will use your real week."
ADD_HOURS = "Set your opening hours in the shop settings so I can plan around them."


@dataclass
class Section:
    lead: str
    bullets: list[str]
    unlock: str = ""
    extra: list[str] = field(default_factory=list)


def percent(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate * 100:.0f}%"


def _change(now: Decimal | int, before: Decimal | int) -> str:
    if not before:
        return "with nothing the week before to compare"
    delta = (Decimal(now) - Decimal(before)) / Decimal(before) * 100
    if abs(delta) < 2:
        return "level with the week before"
    return f"{'up' if delta > 0 else 'down'} {abs(delta):.0f}% on the week before"


def top_service(s: ShopSnapshot) -> str:
    top = s.figure("top_services") or []
    if top:
        return str(top[0])
    return s.services[0][0] if s.services else "your signature cut"


def addon(s: ShopSnapshot) -> str:
    ends = s.cheapest_and_dearest()
    return s.service_text(ends[0]) if ends else "a beard tidy or line-up"


def slow_day(s: ShopSnapshot) -> str:
    return s.weekday_name(s.figure("slowest_weekday")) or "your quiet days"


def busy_day(s: ShopSnapshot) -> str:
    return s.weekday_name(s.figure("busiest_weekday")) or "your busy days"


def pricing(s: ShopSnapshot) -> Section:
    ends = s.cheapest_and_dearest()
    if ends is None:
        return Section(
            f"I can't see a price list for {s.name} yet, so I can only speak in general terms.",
            [
                "Price by time in the chair: work out what an hour must earn, then each service's share of it.",
                "Raise in small steps, a few dollars a service, announced two weeks ahead.",
                "Keep one entry-level service for new clients to try you.",
            ],
            ADD_SERVICES,
        )
    cheap, dear = ends
    lead = f"{s.owns} menu runs from {s.service_text(cheap)} to {s.service_text(dear)}."
    if s.figure("average_ticket"):
        lead += f" Your average ticket over the last four weeks was {s.money(s.figure('average_ticket'))}."
    return Section(
        lead,
        [
            f"Raise the most-booked service first ({top_service(s)}): demand shows it can carry a few dollars more.",
            "Move in small steps, announced two weeks ahead; regulars rarely leave over that.",
            f"Sell the add-on, not a new price list: {addon(s)} beside a cut lifts the ticket.",
        ],
        "" if s.has_bookings else ADD_BOOKINGS,
    )


def revenue(s: ShopSnapshot) -> Section:
    if not s.has_bookings:
        return Section(
            f"I can't see bookings or payments for {s.name} yet, so there are no real numbers to read.",
            [
                "Track three figures every week: bookings, revenue and average ticket.",
                "Compare each week with the one before, not with your best week ever.",
                "Note no-shows as they happen: they are the leak owners underestimate.",
            ],
            ADD_BOOKINGS,
        )
    week, before = s.figure("week_revenue") or 0, s.figure("last_week_revenue") or 0
    return Section(
        f"This week {s.name} took {s.money(week)} from {s.figure('week_bookings')} bookings, {_change(week, before)}.",
        [
            f"Last four weeks: {s.money(s.figure('month_revenue') or 0)} from {s.figure('month_bookings')} bookings"
            + (f", average ticket {s.money(s.figure('average_ticket'))}." if s.figure("average_ticket") else "."),
            f"Busiest day: {busy_day(s)}; slowest: {slow_day(s)}.",
            f"No-shows: {percent(s.figure('no_show_rate'))}; rebooked before leaving: "
            f"{percent(s.figure('rebooking_rate'))}.",
            "Most booked: " + (", ".join(s.figure("top_services") or []) or "nothing yet") + ".",
        ],
    )


def slow_days(s: ShopSnapshot) -> Section:
    if not s.has_bookings:
        return Section(
            f"Once bookings come in I'll name {s.owns} quietest day; until then, the usual way to fill gaps:",
            [
                f"Open hours to fill: {', '.join(s.hours_text(d) for d in s.open_days[:3]) or 'none set yet'}.",
                "Offer a weekday add-on rather than a discount, so prices keep their value.",
                "Keep a waitlist and text it when a slot frees up.",
            ],
            ADD_BOOKINGS if s.hours else ADD_HOURS,
        )
    counts = s.figure("bookings_by_weekday") or [0] * 7
    slow, busy = s.figure("slowest_weekday"), s.figure("busiest_weekday")
    lead = (
        f"{slow_day(s)} is {s.owns} quietest day: {counts[slow]} bookings in four weeks, "
        f"against {counts[busy]} on {busy_day(s)}."
    )
    ahead = s.figure("quietest_day_ahead")
    if ahead:
        lead += f" Next week, {s.day_text(ahead[0])} has only {ahead[1]} booked so far."
    return Section(
        lead,
        [
            f"{s.hours_text(slow)}: that is the window to fill.",
            f"Offer {addon(s)} free with any cut on {slow_day(s)}, not a discount.",
            f"Text the {s.figure('lapsed_customers')} clients who haven't been back in six weeks, "
            f"{slow_day(s)} slots first."
            if s.figure("lapsed_customers")
            else f"Text last month's first-time clients: a {slow_day(s)} slot is the easiest yes.",
        ],
    )


def no_shows(s: ShopSnapshot) -> Section:
    rate = s.figure("no_show_rate")
    if not s.has_bookings or rate is None:
        return Section(
            f"{s.name} has no finished appointments on record yet, so I can't measure no-shows.",
            [
                "Send a reminder 24 hours and 2 hours before: most no-shows forgot.",
                "Take a card or a small deposit for the longest services.",
                "Mark each no-show on the client's record, so repeat offenders pay up front.",
            ],
            ADD_BOOKINGS,
        )
    lost = Decimal(str(rate)) * (s.figure("month_bookings") or 0) * (s.figure("average_ticket") or Decimal(0))
    dear = s.cheapest_and_dearest()
    return Section(
        f"No-shows at {s.name} ran at {percent(rate)} over the last four weeks: roughly {s.money(lost)} of "
        f"chair time at your average ticket. Cancellations: {percent(s.figure('cancellation_rate'))}.",
        [
            "Send a reminder 24 hours and 2 hours before: most no-shows forgot.",
            f"Ask for a card on file for {dear[1][0] if dear else 'the longest services'} booked online.",
            "Keep a waitlist, so a slot freed the day before is filled again.",
        ],
    )


def rebooking(s: ShopSnapshot) -> Section:
    if not s.has_bookings:
        return Section(
            f"I can't see repeat visits for {s.name} yet; here is how to build them from day one.",
            [
                "Book the next visit in the chair, before the client pays.",
                "Ask for a phone number and consent to texts at the first visit.",
                "Follow up after four weeks with a one-line text and your booking link.",
            ],
            ADD_BOOKINGS,
        )
    names = s.figure("lapsed_names") or []
    return Section(
        f"{percent(s.figure('rebooking_rate'))} of {s.owns} visits in the last four weeks left with a next booking, "
        + (
            f"and {s.figure('lapsed_customers')} clients haven't been back in six weeks or more."
            if s.figure("lapsed_customers")
            else "and no client has been gone six weeks yet: keep it that way."
        ),
        [
            'Book the next visit in the chair: "Same time in three weeks?" before the card comes out.',
            f"Start the win-back with {', '.join(names)}."
            if names
            else "Start a win-back list from your customers page.",
            f"{s.figure('new_customers') or 0} new clients in four weeks"
            + (f" and {s.figure('returning_customers')} returning" if s.figure("returning_customers") else "")
            + ": turning new into regulars is the cheapest growth you have.",
        ],
    )


def marketing(s: ShopSnapshot) -> Section:
    lead = f"The marketing that pays for {s.name} fills {slow_day(s)} and brings lapsed clients back"
    lead += f" ({s.figure('lapsed_customers')} right now)." if s.figure("lapsed_customers") else "."
    return Section(
        lead,
        [
            f"Post the work: a before-and-after of {top_service(s)} three times a week, same time each day.",
            f"A Google Business post with open slots and your booking link, first thing on {slow_day(s)}.",
            f"Referrals: {addon(s)} free for the client and the friend they bring.",
        ],
        "" if s.services else ADD_SERVICES,
    )


def reviews(s: ShopSnapshot) -> Section:
    lead = f"Reviews decide whether people nearby pick {s.name} or the shop down the street."
    if s.has_bookings:
        lead += f" You finished about {s.figure('month_bookings')} visits in four weeks: each is a review to ask for."
    return Section(
        lead,
        [
            "Ask in the chair when the client sees the mirror, then text the link the same day.",
            "Reply to every review within two days, by name.",
            "A bad one: reply once, calmly, and offer to fix it in person.",
        ],
        "" if s.has_bookings else ADD_BOOKINGS,
    )


def hiring(s: ShopSnapshot) -> Section:
    if not s.has_bookings:
        return Section(
            f"Hire when {s.owns} chairs are full, not before; I can't see bookings yet to tell.",
            [
                "Count turned-away clients for two weeks: that is the demand a new barber would serve.",
                "Commission (40-50%) suits a barber still building a book; booth rent suits one who has it.",
                "Run a paid trial shift on your busiest day.",
            ],
            ADD_BOOKINGS,
        )
    return Section(
        f"{s.name} took {s.figure('month_bookings')} bookings in four weeks, busiest on {busy_day(s)}. "
        f"Hire when {busy_day(s)} turns people away, not because {slow_day(s)} feels slow.",
        [
            f"Run a paid trial shift on {busy_day(s)}: the real pace, the real clients.",
            "Commission (40-50%) suits a barber building a book; booth rent suits one who has it.",
            f"Start the new barber on {slow_day(s)} and evenings to build their own clients.",
        ],
    )


def hours(s: ShopSnapshot) -> Section:
    if not s.hours:
        return Section(
            f"{s.name} has no opening hours set yet, so bookings and reminders have nothing to follow.",
            [
                "Set the hours you really work, per day.",
                "Add one late evening for 9-to-5 clients.",
                "Close the day that never fills rather than staffing it.",
            ],
            ADD_HOURS,
        )
    listed = "; ".join(s.hours_text(d) for d in range(7))
    bullets = [
        f"{busy_day(s)} is the busiest day: an hour earlier there catches the before-work crowd.",
        f"{slow_day(s)} is the quietest: run it with one chair, or shorten it.",
        "One late evening a week (until 8pm) wins clients who work nine to five.",
    ]
    return Section(
        f"{s.owns} hours: {listed}.",
        bullets if s.has_bookings else bullets[2:],
        "" if s.has_bookings else ADD_BOOKINGS,
    )


BUILDERS = {
    "pricing": pricing,
    "revenue": revenue,
    "slow_days": slow_days,
    "no_shows": no_shows,
    "rebooking": rebooking,
    "marketing": marketing,
    "reviews": reviews,
    "hiring": hiring,
    "hours": hours,
}
