"""Refusals of a proposal decision, with the HTTP status the API answers."""

from __future__ import annotations

from sixfb.errors import AppError

STATUS_FOR = {
    "proposal_closed": 409,
    "proposal_expired": 409,
    "not_allowed": 403,
    "not_found": 404,
    "test_not_sent": 409,
    "tool_unavailable": 409,
    "rate_limited": 429,
}


class ActionError(AppError):
    """``code``: proposal_closed (declined or expired already), proposal_expired (too late now),
    not_allowed (the role may not decide it), not_found (not this person's proposal); a campaign's
    test send adds not_a_campaign, tool_unavailable (the agent can no longer draft campaigns),
    rate_limited (tested enough) and test_not_sent (the email was skipped, or that copy went already)."""

    def __init__(self, code: str, message: str, **extra: object) -> None:
        super().__init__(code, message, status=STATUS_FOR.get(code, 400), **extra)
