"""Hybrid logical clock (Kulkarni et al. 2014, as CockroachDB's ``hlc.go`` implements it).

A timestamp is wall-clock milliseconds plus a counter, packed into one integer so that
integer order is timestamp order: ``wall_ms << 16 | counter``. It stays close to real time
(good for showing "2 min ago") and never goes backwards on one site even if the computer's
clock does.

The clock is used for tie-breaks and display only, never to decide causality: a site whose
clock is a year fast must not win every edit. A remote timestamp more than ``MAX_DRIFT_MS``
(an hour) ahead of our wall clock is therefore not allowed to drag our clock along; ``observe``
reports it so the caller can warn that the other site's clock looks wrong. So a site's clock is
never moved ahead of its computer's by more than that hour, however fast the others are.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

COUNTER_BITS = 16
COUNTER_MASK = (1 << COUNTER_BITS) - 1
# A clock further ahead than this is wrong (warned about, never followed); within it,
# computers' clocks differ by minutes, and a time zone set wrong by an hour or so.
MAX_DRIFT_MS = 60 * 60 * 1000


def pack(wall_ms: int, counter: int) -> int:
    return (wall_ms << COUNTER_BITS) | counter


def unpack(stamp: int) -> tuple[int, int]:
    return stamp >> COUNTER_BITS, stamp & COUNTER_MASK


def wall_seconds(stamp: int) -> float:
    """The wall-clock part of a timestamp, as Unix seconds (for display)."""
    return (stamp >> COUNTER_BITS) / 1000.0


def system_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass
class HybridClock:
    """The clock of one site. ``last`` is persisted by the store with every change."""

    last: int = 0
    now_ms: Callable[[], int] = system_ms

    def tick(self) -> int:
        """A timestamp for a local event, greater than every timestamp seen so far."""
        wall, counter = unpack(self.last)
        physical = self.now_ms()
        if physical > wall:
            wall, counter = physical, 0
        else:
            counter += 1
            if counter > COUNTER_MASK:
                wall, counter = wall + 1, 0
        self.last = pack(wall, counter)
        return self.last

    def observe(self, remote: int) -> bool:
        """Take a remote timestamp into account; False (and no change) if it is implausible.

        Implausible means more than ``MAX_DRIFT_MS`` ahead of our wall clock.
        """
        remote_wall, remote_counter = unpack(remote)
        physical = self.now_ms()
        if remote_wall > physical + MAX_DRIFT_MS:
            return False
        wall, counter = unpack(self.last)
        new_wall = max(wall, remote_wall, physical)
        if new_wall == wall == remote_wall:
            counter = max(counter, remote_counter) + 1
        elif new_wall == wall:
            counter += 1
        elif new_wall == remote_wall:
            counter = remote_counter + 1
        else:
            counter = 0
        if counter > COUNTER_MASK:
            new_wall, counter = new_wall + 1, 0
        self.last = pack(new_wall, counter)
        return True
