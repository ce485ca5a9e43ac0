"""CPU of building a redis client per cache operation (Django's RedisCacheClient does) against
keeping one (sixfb/lib/redis_cache.py), next to the round trip itself.

    python bench/cache_client_cost.py [--redis redis://127.0.0.1:6379/5] [--repeat 20000]
"""

from __future__ import annotations

import argparse
import os
import timeit

import redis


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--repeat", type=int, default=20_000)
    args = parser.parse_args()
    pool = redis.ConnectionPool.from_url(args.redis)
    kept = redis.Redis(connection_pool=pool)
    kept.set("bench:cache-client", "1")

    def per_operation() -> object:
        return redis.Redis(connection_pool=pool).get("bench:cache-client")

    def one_client() -> object:
        return kept.get("bench:cache-client")

    def build_only() -> object:
        return redis.Redis(connection_pool=pool)

    print(f"{'what':<28} {'µs per call':>11}   (load {os.getloadavg()[0]:.2f})")
    for name, call in (("GET, a client per operation", per_operation), ("GET, one client", one_client),
                       ("building a client", build_only)):  # fmt: skip
        seconds = min(timeit.repeat(call, number=args.repeat, repeat=3)) / args.repeat
        print(f"{name:<28} {seconds * 1e6:>11.1f}")
    kept.delete("bench:cache-client")


if __name__ == "__main__":
    main()
