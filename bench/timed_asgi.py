"""The production ASGI application, with each `delta` frame telling how long the coalescing window
held its newest text (`held_ms`), for bench/chat_overhead.py's per-chunk relay figure.

Only bench/run_chat_overhead.sh serves this (`uvicorn --app-dir bench timed_asgi:application`);
the product never adds timing to its frames.
"""

from __future__ import annotations

import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sixfb.asgi import application  # sets Django up, so it comes before chat's modules

__all__ = ["application"]


def instrument() -> None:
    from chat import answering, following, streams

    append, follow = streams.Generation.append, following.follow

    # The stamp is the bench's own attribute, patched in at run time: Generation does not declare it.
    def append_stamped(self: streams.Generation, text: str) -> None:
        append(self, text)
        self.bench_appended_at = time.monotonic()  # type: ignore[attr-defined]

    async def follow_timed(generation: streams.Generation, *, resumed: bool = False) -> AsyncIterator[dict[str, Any]]:
        async for frame in follow(generation, resumed=resumed):
            if frame["type"] == "delta":
                frame["held_ms"] = round((time.monotonic() - generation.bench_appended_at) * 1000, 3)  # type: ignore[attr-defined]
            yield frame

    streams.Generation.append = append_stamped  # type: ignore[method-assign]  # the bench's instrumentation
    answering.follow = follow_timed


instrument()
