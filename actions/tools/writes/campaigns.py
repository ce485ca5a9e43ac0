"""Write tool: a campaign, an email or a text to one of the shop's customer segments (actions.segments).

``propose`` finds who would get it now (marketing consent on the channel, an address, no STOP or
unsubscribe, their preference: ``notifications.campaigns``), refuses when nobody is left or when it
is over the per-run or the per-day cap (whole, never trimmed: the person is told and chooses), and
shows the count, three samples rendered as the real message, the cost and the send window. The
customer ids it found are kept in the proposal, so ``execute`` sends to those people only, through
``notifications.services.campaigns.campaign_send``, where ``notify`` checks each of them again.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings

from actions import segments
from actions.registry import ProposalDraft, Tool, ToolContext, ToolError, ToolResult
from actions.tools.writes.support import ID, schema_object, when
from notifications import gsm7
from notifications.campaigns import (
    campaign_audience,
    campaign_payload,
    campaign_sample,
    campaign_sms_segments,
)
from notifications.services.campaigns import (
    CampaignError,
    CampaignSent,
    campaign_send,
    daily_cap_check,
    recipients_cap_check,
)

TOOL = "campaign_draft"
MAX_TEXT = 1000
MAX_SMS_PARTS = 3
SEND_WITHIN = dt.timedelta(days=14)
SAMPLES = 3
NOUN = {"email": "email", "sms": "text"}
LEFT_OUT = {
    "no_consent": "no consent",
    "no_address": "no address",
    "invalid_address": "an address that cannot be used",
    "suppressed": "unsubscribed or replied STOP",
    "preference_off": "switched marketing off",
    "channel_off": "texts are switched off",
}
SKIPPED_SINCE = {
    "no_consent": "no consent since",
    "suppressed": "opted out since",
    "preference_off": "switched it off since",
    "no_address": "no address now",
    "invalid_address": "address no longer usable",
    "channel_off": "texts switched off",
    "past_due": "too late",
}


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _reasons(counts: dict[str, int], words: dict[str, str]) -> str:
    return ", ".join(f"{n} {words.get(reason, reason)}" for reason, n in sorted(counts.items(), key=lambda i: -i[1]))


def _send_at(ctx: ToolContext, value: object) -> dt.datetime | None:
    """None for now; else a time within the next two weeks (a wall clock is the shop's time)."""
    if not value:
        return None
    try:
        at = dt.datetime.fromisoformat(str(value))
        at = (at if at.tzinfo else at.replace(tzinfo=ctx.shop.tzinfo)).astimezone(ctx.shop.tzinfo)
    except (ValueError, OverflowError):  # not a time, or one at the calendar's edge (year 1 or 9999)
        raise ToolError(
            "invalid_arguments", "send_at: give a time like 2026-12-10T10:00 (the shop's time) or leave it out."
        ) from None
    if at < ctx.now - dt.timedelta(minutes=5):
        raise ToolError("invalid_arguments", "send_at: that time has passed. Leave it out to send now.")
    if at > ctx.now + SEND_WITHIN:
        raise ToolError("invalid_arguments", f"send_at: at most {SEND_WITHIN.days} days ahead.")
    return at if at > ctx.now else None


def _words(args: dict[str, Any]) -> tuple[str, str]:
    """(subject, text) as they will be sent; an email needs a subject, a text has none."""
    text = "\n\n".join(" ".join(p.split()) for p in str(args["text"]).split("\n\n") if p.strip())
    if not text:
        raise ToolError("invalid_arguments", "text: write the message.")
    if args["channel"] == "sms":
        return "", " ".join(text.split())
    subject = " ".join(str(args.get("subject", "")).split())
    if not subject:
        raise ToolError("invalid_arguments", "subject: an email needs a subject.")
    return subject, text


def _sms_cost(ctx: ToolContext, recipients: list[Any], payload: dict[str, Any]) -> tuple[str, str]:
    """(the length row, the cost row) of a campaign by text; refused past MAX_SMS_PARTS parts."""
    parts = campaign_sms_segments(shop=ctx.shop, customers=recipients, payload=payload)
    longest = max(parts)
    if longest > MAX_SMS_PARTS:
        raise ToolError(
            "text_too_long", f"The text takes {longest} parts (each charged); at most {MAX_SMS_PARTS}. Shorten it."
        )
    price = Decimal(str(settings.COST_SMS_USD))
    special = "" if gsm7.is_gsm7(payload["text"]) else "; special characters make each part 70 characters"
    length = f"{_plural(longest, 'part')} per text{special}"
    return length, f"${sum(parts) * price:.2f} ({_plural(sum(parts), 'text part')} at ${price})"


def _refusals(function: Any) -> Any:
    def wrapped(ctx: ToolContext, args: dict[str, Any]) -> Any:
        try:
            return function(ctx, args)
        except CampaignError as exc:
            raise ToolError(exc.code, exc.message) from exc

    wrapped.__name__ = function.__name__
    return wrapped


@_refusals
def campaign_propose(ctx: ToolContext, args: dict[str, Any]) -> ProposalDraft:
    if "recipients" in args or "campaign" in args:
        raise ToolError("invalid_arguments", "recipients and campaign are filled in by the proposal: leave them out.")
    channel, segment = args["channel"], args["segment"]
    subject, text = _words(args)
    send_at = _send_at(ctx, args.get("send_at"))
    weeks = int(args.get("weeks", segments.DEFAULT_WEEKS[segment]))
    label = f"{segment.replace('_', ' ')} ({weeks} weeks)"
    group = segments.customer_segment(shop=ctx.shop, segment=segment, weeks=weeks, now=ctx.now)
    audience = campaign_audience(shop=ctx.shop, channel=channel, customers=group, at=send_at or ctx.now)
    recipients = audience.recipients
    if not recipients:
        why = _reasons(audience.skipped, LEFT_OUT) or "the segment is empty"
        raise ToolError("no_recipients", f"Nobody in {label} can get this {NOUN[channel]}: {why}.")
    recipients_cap_check(len(recipients))
    daily_cap_check(shop=ctx.shop, count=len(recipients), at=send_at or ctx.now, now=ctx.now)
    payload = campaign_payload(shop=ctx.shop, subject=subject, text=text)
    details: dict[str, Any] = {
        "action": "campaign",
        "channel": "Text (SMS)" if channel == "sms" else "Email",
        "segment": label,
        "recipients": len(recipients),
    }
    if audience.skipped:
        details["left_out"] = _reasons(audience.skipped, LEFT_OUT)
    details["samples"] = [
        campaign_sample(shop=ctx.shop, channel=channel, customer=c, payload=payload) for c in recipients[:SAMPLES]
    ]
    if channel == "sms":
        details["length"], details["cost"] = _sms_cost(ctx, recipients, payload)
    else:
        details["cost"] = "Free (email)"
    window = "Now" if send_at is None else when(ctx, send_at)
    if audience.quiet_delayed:
        window += f"; {audience.quiet_delayed} in their quiet hours get it when those end"
    details["send_window"] = window + "; anyone who opts out before then is left out"
    checked = {"channel": channel, "segment": segment, "weeks": weeks, "subject": subject, "text": text}
    if send_at is not None:
        checked["send_at"] = send_at.isoformat()
    checked |= {"recipients": [str(c.pk) for c in recipients], "campaign": uuid.uuid4().hex}
    summary = f"Send {'a text' if channel == 'sms' else 'an email'} to {_plural(len(recipients), 'customer')} "
    return ProposalDraft(f"{summary}({label}): {subject or text}"[:300], details, checked)


def _outcome(sent: CampaignSent, channel: str) -> str:
    notes = []
    if len(sent.skipped) == 1:
        [(reason, count)] = sent.skipped.items()
        notes.append(f"{count} skipped: {SKIPPED_SINCE.get(reason, reason)}")
    elif sent.skipped:
        notes.append(f"{sum(sent.skipped.values())} skipped: {_reasons(sent.skipped, SKIPPED_SINCE)}")
    if sent.quiet_delayed:
        notes.append(f"{sent.quiet_delayed} held for quiet hours")
    if sent.already:
        notes.append(f"{sent.already} sent already")
    if sent.gone:
        notes.append(f"{sent.gone} no longer customers")
    queued = f"Queued {_plural(sent.queued, NOUN[channel])}"
    return f"{queued} ({'; '.join(notes)})" if notes else queued


@_refusals
def campaign_execute(ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
    send_at = dt.datetime.fromisoformat(args["send_at"]) if args.get("send_at") else None
    sent = campaign_send(
        shop=ctx.shop,
        channel=args["channel"],
        customer_ids=args.get("recipients", []),
        subject=args.get("subject", ""),
        text=args["text"],
        key=str(args.get("campaign") or uuid.uuid4().hex),
        not_before=send_at,
        now=ctx.now,
    )
    data = {
        "queued": sent.queued,
        "skipped": sent.skipped,
        "quiet_delayed": sent.quiet_delayed,
        "send_at": send_at.isoformat() if send_at else None,
    }
    return ToolResult(_outcome(sent, args["channel"]), data)


FILLED_IN = "Leave out: the proposal fills it in."
TOOLS = [
    Tool(
        name=TOOL,
        description=(
            "Propose a marketing campaign: an email or a text (SMS) to one of the shop's customer segments "
            "(as customer_segment gives them). Only customers who agreed to marketing on that channel and "
            "did not opt out get it; the card shows how many, samples, the cost and when it goes. An owner "
            "or manager approves it. Texts: keep them short (160 plain characters is one part); the shop's "
            "name and 'Reply STOP to opt out' are added."
        ),
        parameters=schema_object(
            {
                "channel": {"type": "string", "enum": ["email", "sms"]},
                "segment": {"type": "string", "enum": list(segments.SEGMENTS)},
                "weeks": {"type": "integer", "minimum": 1, "maximum": segments.MAX_WEEKS},
                "subject": {"type": "string", "maxLength": 120, "description": "The email's subject (email only)."},
                "text": {"type": "string", "minLength": 1, "maxLength": MAX_TEXT},
                "send_at": {
                    "type": "string",
                    "maxLength": 40,
                    "description": "When to send, within 14 days: 'YYYY-MM-DDTHH:MM' in the shop's time. "
                    "Leave out to send now.",
                },
                "recipients": {"type": "array", "items": ID, "maxItems": 5000, "description": FILLED_IN},
                "campaign": {"type": "string", "maxLength": 64, "description": FILLED_IN},
            },
            ["channel", "segment", "text"],
        ),
        kind="write",
        propose=campaign_propose,
        execute=campaign_execute,
        shop_wide=True,
    ),
]
