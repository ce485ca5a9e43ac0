"""What every websocket consumer of ours shares, whichever app it lives in (`/ws/live/` in
notifications, `/ws/chat/<uuid>/` in chat), so a lower app's consumer needs nothing from a higher one."""

from __future__ import annotations

# A consumer's ``channel_layer_alias`` for no channel of its own (Channels gives it no layer when the
# alias is not configured): our sockets receive live events through the live hub
# (notifications/live_hub.py), not by channel name.
NO_CHANNEL_LAYER = "sixfb.no-channel"

# The close code of a socket whose person is no longer a member of the shop it is about.
MEMBERSHIP_ENDED_CLOSE_CODE = 4403
