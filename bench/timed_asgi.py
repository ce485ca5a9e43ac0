"""The production ASGI application, with each `delta` frame telling how long the coalescing window
held its newest text (`held_ms`), for bench/chat_overhead.py's per-chunk relay figure.

Only bench/run_chat_overhead.sh serves this (`uvicorn --app-dir bench timed_asgi:application`);
the product never adds timing to its frames.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sixfb.asgi import application  # noqa: E402  (sets Django up first)

from chat import answering, following, streams  # noqa: E402

__all__ = ["application"]

_append = streams.Generation.append
_follow = following.follow


def append_stamped(generation: streams.Generation, text: str) -> None:
    _append(generation, text)
    generation.bench_appended_at = time.monotonic()


async def follow_timed(generation: streams.Generation, *, resumed: bool = False):
    async for frame in _follow(generation, resumed=resumed):
        if frame["type"] == "delta":
            frame["held_ms"] = round((time.monotonic() - generation.bench_appended_at) * 1000, 3)
        yield frame


streams.Generation.append = append_stamped
answering.follow = follow_timed
