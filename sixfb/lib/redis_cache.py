"""Django's Redis cache backend, made an optimisation that fails soft, with one shared client.

The cache holds nothing that is only there (rate-limit counters, cached counts, prices, flags), so
while Redis is unreachable a read is a miss and a write is dropped (reported done, so a lock taken
with ``add`` does not wait): answers are still saved and people can still sign in; rate limits
are not enforced until Redis is back. The outage is logged once when it starts and once when it ends, not per
call. ``/healthz`` asks ``check()``, which does not fail soft, so it still reports the cache down.

Django's own client builds a ``redis.Redis`` for every operation, which costs about twice the
round trip in CPU (bench/cache_client_cost.py), a dozen times an answer; the 50-chat figures of
bench/chat_overhead.py were worse without this (docs/benchmarks.md). So one client per pool is kept
(a ``redis.Redis`` is safe to share between threads).
"""

from __future__ import annotations

import functools
import logging
import threading
import uuid
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
T = TypeVar("T")


class CacheUnavailable(ValueError):
    """``incr``/``decr`` while Redis is unreachable: a ``ValueError`` like a missing key, so callers
    that treat a missing counter as "not cached" need no second code path."""


class ReusingRedisCacheClient(RedisCacheClient):
    """One connection pool and one ``redis.Redis`` per server for the whole process.

    Django keeps a cache backend per async context, and an answer's generation runs in a context of
    its own (chat/streams.py): with pools per backend, every answer opened a new Redis connection."""

    _shared: ClassVar[dict[tuple[str, str], Any]] = {}
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._by_index: dict[int, Any] = {}  # this backend's look-up of the shared clients

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's own client's internals, which django-stubs does not declare.
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        client = self._by_index.get(index)
        if client is None:
            identity = (self._servers[index], repr(sorted(self._pool_options.items())))  # type: ignore[attr-defined]
            with self._shared_lock:
                client = self._shared.get(identity)
                if client is None:
                    pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
                    client = self._shared[identity] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
            self._by_index[index] = client
        return client


class _Outage:
    """Whether Redis is unreachable, so the start and the end of an outage are each logged once."""

    def __init__(self) -> None:
        self.down = False
        self._lock = threading.Lock()

    def failed(self, operation: str, exc: BaseException) -> None:
        with self._lock:
            if self.down:
                return
            self.down = True
        logger.error("cache unreachable (%s: %r); serving without it until it is back", operation, exc)

    def succeeded(self) -> None:
        if not self.down:
            return
        with self._lock:
            if not self.down:
                return
            self.down = False
        logger.warning("cache reachable again")


_outages: dict[str, _Outage] = {}


def _soft(fallback: Callable[..., Any]) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Run the operation; while Redis is unreachable, answer ``fallback(*args, **kwargs)`` instead."""

    def decorate(method: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(method)
        def wrapper(self: RedisCache, *args: Any, **kwargs: Any) -> T:
            try:
                result = method(self, *args, **kwargs)
            except UNREACHABLE as exc:
                self.outage.failed(method.__name__, exc)
                return fallback(*args, **kwargs)
            self.outage.succeeded()
            return result

        return wrapper

    return decorate


def _default(key: Any, default: Any = None, *args: Any, **kwargs: Any) -> Any:
    return default


def _unavailable(*args: Any, **kwargs: Any) -> Any:
    raise CacheUnavailable("the cache is unreachable")


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        # One per server for the process, like the client: each async context has a backend of its own.
        self.outage = _outages.setdefault(server, _Outage())

    get = _soft(_default)(DjangoRedisCache.get)
    get_many = _soft(lambda *a, **k: {})(DjangoRedisCache.get_many)
    has_key = _soft(lambda *a, **k: False)(DjangoRedisCache.has_key)
    set = _soft(lambda *a, **k: None)(DjangoRedisCache.set)
    set_many = _soft(lambda keys, *a, **k: list(keys))(DjangoRedisCache.set_many)
    # "Added": a lock taken with ``add`` (allauth's rate limits) must not wait for a Redis that is gone.
    add = _soft(lambda *a, **k: True)(DjangoRedisCache.add)
    touch = _soft(lambda *a, **k: False)(DjangoRedisCache.touch)
    delete = _soft(lambda *a, **k: False)(DjangoRedisCache.delete)
    delete_many = _soft(lambda *a, **k: None)(DjangoRedisCache.delete_many)
    clear = _soft(lambda *a, **k: False)(DjangoRedisCache.clear)
    incr = _soft(_unavailable)(DjangoRedisCache.incr)

    def check(self) -> None:
        """A write read back, raising when Redis is unreachable (for ``/healthz``)."""
        nonce = uuid.uuid4().hex
        key = f"healthz:probe:{nonce}"  # one key per probe: concurrent probes must not overwrite each other
        DjangoRedisCache.set(self, key, nonce, 30)
        try:
            if DjangoRedisCache.get(self, key) != nonce:
                raise RuntimeError("value written was not read back")
        finally:
            DjangoRedisCache.delete(self, key)
