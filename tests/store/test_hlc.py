"""The hybrid logical clock: monotonic on one site, close to wall time, skeptical of others."""

from __future__ import annotations

from coopdesk.store.hlc import MAX_DRIFT_MS, HybridClock, pack, unpack


class FakeTime:
    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


def test_ticks_follow_wall_time_and_never_repeat():
    now = FakeTime(1_000_000)
    clock = HybridClock(now_ms=now)
    first = clock.tick()
    second = clock.tick()
    assert unpack(first) == (1_000_000, 0)
    assert unpack(second) == (1_000_000, 1)
    now.ms += 5
    assert unpack(clock.tick()) == (1_000_005, 0)


def test_a_clock_that_jumps_backwards_does_not_make_time_go_back():
    now = FakeTime(2_000_000)
    clock = HybridClock(now_ms=now)
    before = clock.tick()
    now.ms = 1_000_000
    after = clock.tick()
    assert after > before
    assert unpack(after)[0] == 2_000_000


def test_observing_a_later_remote_stamp_moves_past_it():
    now = FakeTime(1_000_000)
    clock = HybridClock(now_ms=now)
    clock.tick()
    remote = pack(1_000_500, 3)
    assert clock.observe(remote)
    assert clock.last > remote
    assert clock.tick() > remote


def test_a_remote_clock_a_day_ahead_does_not_drag_ours_along():
    now = FakeTime(10_000_000_000)
    clock = HybridClock(now_ms=now)
    clock.tick()
    before = clock.last
    far = pack(now.ms + MAX_DRIFT_MS + 60_000, 0)
    assert clock.observe(far) is False
    assert clock.last == before
    near = pack(now.ms + MAX_DRIFT_MS - 60_000, 0)
    assert clock.observe(near) is True


def test_counter_overflow_moves_to_the_next_millisecond():
    now = FakeTime(5)
    clock = HybridClock(last=pack(5, 0xFFFF), now_ms=now)
    assert unpack(clock.tick()) == (6, 0)
