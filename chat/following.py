"""Following an answer as frames: one written in this process (``follow``), or in another one,
through the row it saves every second (``follow_stored``)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

from channels.db import database_sync_to_async

from chat.frames import delta_frame, start_frame, stored_end_frame
from chat.models import Message
from chat.streams import Generation

# Deltas are sent at most this often per follower: the first token at once, later ones batched.
COALESCE_SECONDS = 0.04
STORED_POLL_SECONDS = 0.5


async def follow(generation: Generation, *, resumed: bool = False) -> AsyncIterator[dict[str, Any]]:
    """``start`` (with the text so far when resuming, then the ``tool`` and ``proposal`` frames so
    far), coalesced ``delta`` frames with the later ``tool`` and ``proposal`` frames in their place
    among them, then ``end``."""
    plan = await asyncio.shield(generation.planned)
    if plan is None:
        return  # refused before it was saved: there is nothing to follow
    event = generation.subscribe()
    try:
        sent = generation.length if resumed else 0
        relayed = len(generation.events) if resumed else 0
        yield start_frame(plan.message_uuid, text=generation.text[:sent], resumed=resumed)
        for frame in generation.events[:relayed]:
            yield frame
        last_send = 0.0
        while True:
            await event.wait()
            event.clear()
            # Throttle rather than debounce: the first token goes out at once, later ones in batches.
            wait = COALESCE_SECONDS - (time.monotonic() - last_send)
            if wait > 0 and generation.final is None:
                await asyncio.sleep(wait)
                event.clear()
            while relayed < len(generation.events):  # the text before each event goes out first
                offset = generation.event_offsets[relayed]
                if offset > sent:
                    last_send = time.monotonic()
                    yield delta_frame(plan.message_uuid, generation.text[sent:offset])
                    sent = offset
                yield generation.events[relayed]
                relayed += 1
            if generation.length > sent:
                text = generation.text
                last_send = time.monotonic()
                yield delta_frame(plan.message_uuid, text[sent:])
                sent = len(text)
            if generation.final is not None:
                yield generation.final
                return
    finally:
        generation.unsubscribe(event)


async def follow_stored(message: Message) -> AsyncIterator[dict[str, Any]]:
    """Follow a generation running in another process through the row it saves every second."""
    message_uuid = str(message.uuid)
    sent = len(message.content)
    yield start_frame(message_uuid, text=message.content, resumed=True)
    while True:
        await asyncio.sleep(STORED_POLL_SECONDS)
        current = await database_sync_to_async(Message.objects.filter(pk=message.pk).first)()
        if current is None:
            return
        if len(current.content) > sent:
            yield delta_frame(message_uuid, current.content[sent:])
            sent = len(current.content)
        if current.status != Message.Status.STREAMING:
            yield await database_sync_to_async(stored_end_frame)(current)  # counts the quota: off the loop
            return
