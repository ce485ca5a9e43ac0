"""Signals agents sends for apps above it to react to (agents imports none of them)."""

from django.dispatch import Signal

# An agent's status changed, or how one shop sees it (``busy`` while it answers someone there).
# Sent by ``agents.services`` once the transaction that made the change commits (never for one
# rolled back), with ``sender=Agent`` and JSON-able arguments only:
#   agent: str             the agent's slug
#   status: str            what is shown now: an ``Agent.Status`` value
#   at: str                when, ISO 8601
#   shop_id: int | None    the one shop that sees it (a custom agent, or a shop's busy state);
#                          None: every shop (a catalog agent's own status)
#   shop_state: bool       True for a shop's busy state (an answer began or ended), not a change
#                          of the agent's own status: nobody is notified of it
# ``notifications.receivers`` turns it into the ``agent.status`` frame on `/ws/live/`.
agent_status_changed = Signal()
