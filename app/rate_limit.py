"""Rate limits per API client: a token bucket per client, in this worker process.

Every request with a verified token takes one token from its client's bucket (the token's
`sub`: the API client id). A bucket holds RATE_LIMIT_PER_MINUTE tokens and refills at that
many a minute, so a client may spend a minute's allowance at once and then keeps to the rate;
an empty bucket answers 429 with `Retry-After`. The token endpoint is limited the same way
per source address instead: it runs scrypt (tens of milliseconds of CPU) on every attempt,
and a limit per `client_id` would let anyone lock a client out by guessing at its secret.

The buckets live in the process, not in the database: a shared counter would turn every
request, reads included, into a committed write on one hot row per client, serialising that
client's concurrent requests. So the limit holds per worker process; with several workers
and replicas a client may get up to workers × replicas times it (README, "Rate limits").
"""

import math
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Annotated

from fastapi import Depends, Request

from app.config import Settings, current_settings
from app.errors import DomainError
from app.i18n import msg

# An untouched bucket is full again after a minute, whatever the limit: forgetting it then
# changes nothing, which is what keeps memory bounded by the clients of the last minute.
REFILL_SECONDS = 60.0
# Past this many recent callers the least recent is forgotten early (it starts full again).
MAX_BUCKETS = 10_000


class TooManyRequests(DomainError):
    status, code, title = 429, "TOO_MANY_REQUESTS", "Too many requests"


class TokenBuckets:
    """Buckets by key, least recently used first. `take` never awaits between reading and
    writing a bucket, so on the event loop concurrent requests of one client share it
    exactly: no lock is needed, and none could be cheaper."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, max_buckets: int = MAX_BUCKETS
    ) -> None:
        self._clock = clock
        self._max_buckets = max_buckets
        self._buckets: OrderedDict[Hashable, tuple[float, float]] = OrderedDict()  # tokens, at

    def take(self, key: Hashable, per_minute: int) -> int:
        """Take a token: 0 when there was one, else the whole seconds (at least 1) until
        there is."""
        now = self._clock()
        rate = per_minute / REFILL_SECONDS
        tokens, at = self._buckets.pop(key, (per_minute, now))
        tokens = min(per_minute, tokens + (now - at) * rate)
        if tokens >= 1:
            self._buckets[key] = (tokens - 1, now)
            wait = 0
        else:
            self._buckets[key] = (tokens, now)
            wait = max(1, math.ceil((1 - tokens) / rate))
        self._forget_idle(now)
        return wait

    def _forget_idle(self, now: float) -> None:
        buckets = self._buckets
        while buckets:
            _, at = buckets[next(iter(buckets))]
            if now - at < REFILL_SECONDS and len(buckets) <= self._max_buckets:
                return
            buckets.popitem(last=False)

    def __len__(self) -> int:
        return len(self._buckets)


buckets = TokenBuckets()


def _headers(per_minute: int, seconds: int) -> dict[str, str]:
    return {
        "Retry-After": str(seconds),
        # IETF draft-ietf-httpapi-ratelimit-headers: the allowance, what is left of it, and
        # when the next request will pass.
        "RateLimit-Limit": str(per_minute),
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": str(seconds),
    }


def admit_client(client_id: str, settings: Settings) -> None:
    """Charge one request to the API client; 429 when its allowance is spent."""
    per_minute = settings.rate_limit_per_minute
    if per_minute and (seconds := buckets.take(client_id, per_minute)):
        detail = msg("rate_limit.client", limit=per_minute, seconds=seconds)
        raise TooManyRequests(detail, headers=_headers(per_minute, seconds))


async def limit_by_address(
    request: Request, settings: Annotated[Settings, Depends(current_settings)]
) -> None:
    """The token endpoint's limit, per source address (the proxy's X-Forwarded-For when
    FORWARDED_ALLOW_IPS trusts it)."""
    per_minute = settings.rate_limit_per_minute
    address = request.client.host if request.client else ""
    # A tuple: never equal to a client id, though both share the buckets.
    if per_minute and (seconds := buckets.take(("address", address), per_minute)):
        detail = msg("rate_limit.address", seconds=seconds)
        raise TooManyRequests(detail, headers=_headers(per_minute, seconds))


def _header(description: str) -> dict[str, object]:
    return {"description": description, "schema": {"type": "integer", "minimum": 0}}


# The 429's headers in the OpenAPI document (app/openapi_problems.py).
OPENAPI_HEADERS = {
    "Retry-After": _header("Seconds until the next request will pass (at least 1)"),
    "RateLimit-Limit": _header("Requests allowed a minute (RATE_LIMIT_PER_MINUTE)"),
    "RateLimit-Remaining": _header("Requests left now: 0"),
    "RateLimit-Reset": _header("Seconds until the next request will pass"),
}
