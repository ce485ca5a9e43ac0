"""Signals chat sends for apps above it to react to (chat imports none of them)."""

from django.dispatch import Signal

# A reply was admitted and counted against the shop's chats for the period. Sent once the
# transaction that saved it commits, with ``sender=Message`` and ``shop_id`` (int); chat also
# sends ``chats_used`` (the period's count with this reply, or None when it was not read: no
# limit) and ``monthly_chats`` (the plan's limit, None for none). Receivers (``notifications``:
# the quota warnings) must be cheap: it fires for every chat.
chat_counted = Signal()
