"""Retries with exponential back-off and jitter, in one place for whatever retries later (deliveries
today). It decides when the next attempt may run, or that there is none; the caller records it."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int  # the first try included
    base_seconds: float
    cap_seconds: float = 3600.0

    def delay_seconds(self, attempts_made: int, *, rng: random.Random | None = None) -> float:
        """Delay before the next attempt after ``attempts_made`` (>= 1): base * 2^(n-1), capped, times
        a jitter between 0.5 and 1.5 so failures that happened together do not retry together."""
        exponent = max(attempts_made - 1, 0)
        delay = min(self.cap_seconds, self.base_seconds * (2**exponent))
        return delay * (rng or random).uniform(0.5, 1.5)

    def next_attempt_at(
        self, attempts_made: int, *, now: dt.datetime, rng: random.Random | None = None
    ) -> dt.datetime | None:
        """When to try again, or ``None`` once ``max_attempts`` have been made."""
        if attempts_made >= self.max_attempts:
            return None
        return now + dt.timedelta(seconds=self.delay_seconds(attempts_made, rng=rng))
