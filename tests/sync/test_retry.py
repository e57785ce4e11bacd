"""Backoff policy: bounded attempts, bounded time, cancel wakes a wait."""
from __future__ import annotations

import asyncio
import random

import pytest

from fieldapp.sync import AuthRequired, Cancelled, RetryPolicy, ServerError, Unreachable
from fieldapp.sync.retry import call_with_retry

POLICY = RetryPolicy(attempts=4, base_delay=0.001, max_delay=0.01, total_seconds=5)


class Flaky:
    """Fails `failures` times with `error`, then answers."""

    def __init__(self, failures: int, error: Exception) -> None:
        self.failures, self.error, self.calls = failures, error, 0

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return "ok"


def run(func, policy=POLICY, cancel=None):
    return asyncio.run(call_with_retry(policy, random.Random(1), cancel, func))


def test_retries_transient_errors_then_succeeds() -> None:
    flaky = Flaky(3, Unreachable("reset"))
    assert run(flaky) == "ok" and flaky.calls == 4


def test_gives_up_after_the_attempts() -> None:
    flaky = Flaky(10, ServerError(503))
    with pytest.raises(ServerError):
        run(flaky)
    assert flaky.calls == POLICY.attempts


def test_gives_up_when_the_next_wait_would_pass_the_time_budget() -> None:
    flaky = Flaky(10, Unreachable("down"))
    slow = RetryPolicy(attempts=50, base_delay=10, max_delay=10, total_seconds=0.001)
    with pytest.raises(Unreachable):
        run(flaky, slow)
    assert flaky.calls <= 2


def test_auth_errors_are_not_retried() -> None:
    flaky = Flaky(1, AuthRequired("revoked"))
    with pytest.raises(AuthRequired):
        run(flaky)
    assert flaky.calls == 1


def test_cancel_wakes_a_backoff_wait() -> None:
    async def scenario() -> None:
        cancel = asyncio.Event()
        policy = RetryPolicy(attempts=5, base_delay=60, max_delay=60, total_seconds=600)
        failing = Flaky(5, Unreachable("x"))
        task = asyncio.create_task(call_with_retry(policy, random.Random(3), cancel, failing))
        await asyncio.sleep(0.05)
        cancel.set()
        with pytest.raises(Cancelled):
            await asyncio.wait_for(task, 5)

    asyncio.run(scenario())


def test_delays_grow_and_stay_under_the_cap() -> None:
    policy = RetryPolicy(base_delay=1, max_delay=8)
    rng = random.Random(5)
    for retry in range(8):
        assert 0 <= policy.delay(retry, rng) <= min(8, 2 ** retry)
