"""Exponential backoff with full jitter, bounded in attempts AND total time.

A phone on a bad line must neither hammer the server nor give up at the first
dropped packet; it must also stop by itself so the user sees "offline" rather
than a spinner forever. Every wait wakes early when the sync is cancelled.
"""
from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from .errors import RETRYABLE, RateLimited

T = TypeVar("T")


class SyncCancelledError(Exception):
    """The user (or the app) cancelled the sync; state is consistent and resumable."""


Cancelled = SyncCancelledError


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6  # tries per request, the first included
    base_delay: float = 0.5  # seconds before the 1st retry; doubles each time
    max_delay: float = 15.0  # cap of one wait
    total_seconds: float = 90.0  # give up once this much time went into one request
    max_retry_after: float = 30.0  # cap on a server's 429 retry_after

    def delay(self, retry: int, rng: random.Random) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2**retry)] — spreads phones out."""
        return rng.uniform(0.0, min(self.max_delay, self.base_delay * (2 ** retry)))


async def wait_or_cancel(seconds: float, cancel: asyncio.Event | None) -> None:
    if cancel is None:
        await asyncio.sleep(seconds)
        return
    try:
        await asyncio.wait_for(cancel.wait(), timeout=seconds)
    except TimeoutError:
        return
    raise Cancelled()


def check_cancel(cancel: asyncio.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled()


async def call_with_retry(policy: RetryPolicy, rng: random.Random, cancel: asyncio.Event | None,
                          func: Callable[..., T], *args: Any,
                          on_retry: Callable[[Exception], None] | None = None) -> T:
    """Run the blocking `func(*args)` in a worker thread, retrying retryable errors."""
    started = time.monotonic()
    for attempt in range(policy.attempts):
        check_cancel(cancel)
        try:
            return await asyncio.to_thread(func, *args)
        except RETRYABLE as exc:
            last_try = attempt + 1 >= policy.attempts
            delay = policy.delay(attempt, rng)
            if isinstance(exc, RateLimited):
                delay = max(delay, min(exc.retry_after, policy.max_retry_after))
            if last_try or time.monotonic() - started + delay > policy.total_seconds:
                raise
            if on_retry:
                on_retry(exc)
            await wait_or_cancel(delay, cancel)
    raise AssertionError("unreachable: the loop returns or raises")
