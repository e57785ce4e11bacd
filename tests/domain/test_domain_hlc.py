"""fieldapp.domain.hlc: stamps only go up, even when the phone's clock does not."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldapp.domain.hlc import MAX_COUNTER, HybridClock, Stamp, wall_ms_of

T0 = 1_767_225_600_000  # 2026-01-01T00:00:00Z in ms


class FakeWall:
    """A settable wall clock: phones' clocks jump, stall and go backwards."""

    def __init__(self, ms: int = T0) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


def test_stamp_format_and_parse_round_trip():
    stamp = HybridClock("phone-1", FakeWall()).now()
    assert stamp == f"{T0:013d}:00000:phone-1"
    parsed = Stamp.parse(stamp)
    assert parsed == Stamp(T0, 0, "phone-1") and str(parsed) == stamp
    assert wall_ms_of(stamp) == T0


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1767225600000:00000:",  # no node
        "176722560000:00000:n",  # 12-digit wall
        "1767225600000:0000:n",  # 4-digit counter
        "1767225600000:00000:bad node",
        "1767225600000:00000:" + "n" * 65,
        "1767225600000-00000-n",
        "1767225600000:00000:n\n",  # "$" in a regex would let a trailing newline through
        "١٧٦٧٢٢٥٦٠٠٠٠٠:00000:n",  # non-ASCII digits: \d would accept them
        None,
        12345,
    ],
)
def test_parse_refuses_anything_else(text):
    with pytest.raises(ValueError):
        Stamp.parse(text)


@pytest.mark.parametrize("node", ["", "has space", "x" * 65, "ü"])
def test_node_id_is_checked(node):
    with pytest.raises(ValueError):
        HybridClock(node)


def test_monotonic_when_the_wall_clock_stalls():
    clock = HybridClock("n", FakeWall())
    stamps = [clock.now() for _ in range(50)]
    assert stamps == sorted(stamps) and len(set(stamps)) == 50
    assert Stamp.parse(stamps[-1]) == Stamp(T0, 49, "n")


def test_monotonic_when_the_wall_clock_goes_backwards():
    wall = FakeWall()
    clock = HybridClock("n", wall)
    first = clock.now()
    wall.ms -= 3_600_000  # the phone's clock is set back an hour
    second = clock.now()
    assert second > first and wall_ms_of(second) == T0


def test_counter_resets_when_the_wall_clock_moves_on():
    wall = FakeWall()
    clock = HybridClock("n", wall)
    clock.now()
    clock.now()
    wall.ms += 1
    assert Stamp.parse(clock.now()) == Stamp(T0 + 1, 0, "n")


def test_observe_a_stamp_from_the_future():
    clock = HybridClock("phone", FakeWall())
    remote = f"{T0 + 60_000:013d}:00007:server"
    clock.observe(remote)
    stamp = clock.now()
    assert stamp > remote
    assert Stamp.parse(stamp) == Stamp(T0 + 60_000, 8, "phone")


def test_observe_same_wall_with_higher_counter():
    clock = HybridClock("phone", FakeWall())
    clock.now()
    clock.observe(f"{T0:013d}:00042:other")
    assert Stamp.parse(clock.now()) == Stamp(T0, 43, "phone")


def test_observe_an_older_stamp_changes_nothing():
    wall = FakeWall()
    clock = HybridClock("phone", wall)
    clock.now()
    clock.observe(f"{T0 - 5:013d}:00099:other")
    assert Stamp.parse(clock.now()) == Stamp(T0, 1, "phone")


def test_observe_refuses_a_bad_stamp():
    with pytest.raises(ValueError):
        HybridClock("n").observe("yesterday")


def test_counter_overflow_moves_to_the_next_millisecond():
    clock = HybridClock("n", FakeWall())
    clock.observe(f"{T0:013d}:{MAX_COUNTER - 1:05d}:other")
    near = clock.now()
    over = clock.now()
    assert Stamp.parse(near) == Stamp(T0, MAX_COUNTER, "n")
    assert Stamp.parse(over) == Stamp(T0 + 1, 0, "n")
    assert over > near


def test_a_clock_restarted_from_its_last_stamp_continues_after_it():
    last = f"{T0 + 10_000:013d}:00003:n"
    clock = HybridClock("n", FakeWall(), last=last)
    assert clock.now() > last


def test_threads_never_get_the_same_stamp():
    clock = HybridClock("n", FakeWall())
    seen: list[str] = []
    lock = threading.Lock()

    def take() -> None:
        mine = [clock.now() for _ in range(500)]
        with lock:
            seen.extend(mine)

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(seen) == 2000 and len(set(seen)) == 2000


stamps = st.builds(
    Stamp,
    st.integers(0, 9_999_999_999_999),
    st.integers(0, MAX_COUNTER),
    st.from_regex(r"[A-Za-z0-9_.-]{1,8}", fullmatch=True),
)


@given(stamps, stamps)
def test_string_order_is_stamp_order(a, b):
    assert (str(a) < str(b)) == (a < b)
    assert Stamp.parse(str(a)) == a


steps = st.lists(
    st.one_of(
        st.tuples(st.just("now"), st.integers(-10_000, 10_000)),  # wall clock moves by this much
        st.tuples(st.just("observe"), st.integers(-10_000, 10_000), st.integers(0, MAX_COUNTER)),
    ),
    max_size=60,
)


@given(steps)
def test_every_stamp_exceeds_all_issued_and_observed_before(actions):
    wall = FakeWall()
    clock = HybridClock("me", wall)
    highest = ""
    for action in actions:
        if action[0] == "now":
            wall.ms = max(0, wall.ms + action[1])
            stamp = clock.now()
            assert stamp > highest
            highest = stamp
        else:
            remote = str(Stamp(T0 + action[1], action[2], "zz"))  # "zz" sorts after "me"
            clock.observe(remote)
            # stamps compare as strings, node last: beat the remote's wall+counter
            highest = max(highest, str(Stamp(T0 + action[1], action[2], "me")))
