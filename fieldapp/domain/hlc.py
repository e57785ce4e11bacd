"""Hybrid logical clock: orders operations even when a phone's clock is wrong.

A stamp is a string "<wall ms, 13 digits>:<counter, 5 digits>:<node>" so
stamps compare correctly as plain strings (lexicographic = causal order).
"""
from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

HLC_RE = re.compile(r"^([0-9]{13}):([0-9]{5}):([A-Za-z0-9_.-]{1,64})\Z")  # \Z: no trailing newline
MAX_COUNTER = 99_999


@dataclass(frozen=True, order=True)
class Stamp:
    wall_ms: int
    counter: int
    node: str

    def __str__(self) -> str:
        return f"{self.wall_ms:013d}:{self.counter:05d}:{self.node}"

    @classmethod
    def parse(cls, text: str) -> Stamp:
        match = HLC_RE.match(text) if isinstance(text, str) else None
        if not match:
            raise ValueError(f"not an HLC stamp: {text!r}")
        return cls(int(match[1]), int(match[2]), match[3])


def wall_ms_of(stamp: str) -> int:
    return Stamp.parse(stamp).wall_ms


class HybridClock:
    """Thread-safe HLC for one node (a device, or the server)."""

    def __init__(self, node: str, now_ms: Callable[[], int] | None = None, last: str | None = None):
        if not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", node):
            raise ValueError("node id must be 1-64 of [A-Za-z0-9_.-]")
        self.node = node
        self._now_ms = now_ms or (lambda: int(time.time() * 1000))
        self._wall = 0
        self._counter = 0
        self._lock = threading.Lock()
        if last:
            self.observe(last)

    def now(self) -> str:
        """A stamp greater than every stamp this clock has issued or observed."""
        with self._lock:
            physical = self._now_ms()
            if physical > self._wall:
                self._wall, self._counter = physical, 0
            else:
                self._bump()
            return str(Stamp(self._wall, self._counter, self.node))

    def observe(self, remote: str) -> None:
        """Fold in a stamp seen from elsewhere so later stamps sort after it."""
        other = Stamp.parse(remote)
        with self._lock:
            if other.wall_ms > self._wall:
                self._wall, self._counter = other.wall_ms, other.counter
            elif other.wall_ms == self._wall and other.counter > self._counter:
                self._counter = other.counter

    def _bump(self) -> None:
        if self._counter >= MAX_COUNTER:
            self._wall += 1
            self._counter = 0
        else:
            self._counter += 1
