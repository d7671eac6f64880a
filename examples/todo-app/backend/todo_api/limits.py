"""Bounded inputs: a request body size limit and per-client rate limits."""

import math
import time
from collections import OrderedDict
from typing import Callable, Optional

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .config import Rate


class BodySizeLimit:
    """413 JSON for a request body over `max_bytes`, declared or streamed, before the app reads it into memory.

    The body (at most `max_bytes`) is read here and handed on whole: FastAPI's own limit answers an oversized
    Content-Length in plain text, and every error of this app is JSON.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared == -1:
            await _error(scope, send, 400, "Content-Length must be a number of bytes")
            return
        if declared is not None and declared > self.max_bytes:
            await self._too_large(scope, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_bytes:
                await self._too_large(scope, send)
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, send: Send) -> None:
        await _error(scope, send, 413, f"the request body is larger than {self.max_bytes} bytes")


def _content_length(scope: Scope) -> Optional[int]:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else -1
    return None


async def _error(scope: Scope, send: Send, status: int, detail: str) -> None:
    # Connection: close, as the unread rest of the body must not be taken for the next request.
    response = JSONResponse({"detail": detail}, status_code=status, headers={"Connection": "close"})

    async def nothing() -> Message:
        return {"type": "http.disconnect"}

    await response(scope, nothing, send)


class RateLimiter:
    """A token bucket per client: `rate.count` requests at once, refilled evenly over `rate.period_seconds`.

    In memory, per process: with N replicas a client gets up to N times the rate. Holds at most `max_clients`
    buckets, forgetting the least recently seen (a forgotten client starts with a full bucket).
    """

    def __init__(self, rate: Rate, max_clients: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(rate.count)
        self.per_second = rate.count / rate.period_seconds
        self.max_clients = max_clients
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def acquire(self, client: str) -> float:
        """Takes a token for `client`: 0 when allowed, else the seconds until one is available."""
        now = self.clock()
        tokens, seen = self._buckets.pop(client, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - seen) * self.per_second)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / self.per_second
        self._buckets[client] = (tokens, now)
        if len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        return wait


def retry_after(wait_seconds: float) -> str:
    return str(max(1, math.ceil(wait_seconds)))
