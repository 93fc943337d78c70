"""How evenly a load is spread: the busiest fifth's share, how few did half, and Gini.

Plain functions of a list of numbers (minutes of work, days in a role), so every site that
has the same rows gets the same figures. Each figure comes with the sentence people read.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from coopdesk.reports.words import percent_text


def gini(values: Sequence[float]) -> float:
    """The Gini coefficient of non-negative ``values``: 0 when all are equal, towards 1 when
    one carries everything. 0 for an empty list or when nobody carries anything."""
    ordered = sorted(max(0.0, float(v)) for v in values)
    count, total = len(ordered), sum(ordered)
    if count == 0 or total == 0:
        return 0.0
    weighted = sum((rank + 1) * value for rank, value in enumerate(ordered))
    return round((2 * weighted) / (count * total) - (count + 1) / count, 4)


def top_fifth(values: Sequence[float]) -> tuple[int, float]:
    """How many make the busiest fifth (at least one), and their share of the total."""
    ordered = sorted((max(0.0, float(v)) for v in values), reverse=True)
    total = sum(ordered)
    if not ordered or total == 0:
        return 0, 0.0
    count = max(1, math.ceil(len(ordered) / 5))
    return count, round(sum(ordered[:count]) / total, 4)


def half_count(values: Sequence[float]) -> int:
    """The fewest who together carried at least half the total (0 if nobody did anything)."""
    ordered = sorted((max(0.0, float(v)) for v in values), reverse=True)
    total = sum(ordered)
    if total == 0:
        return 0
    running = 0.0
    for number, value in enumerate(ordered, start=1):
        running += value
        if running * 2 >= total:
            return number
    return len(ordered)


@dataclass(frozen=True)
class Spread:
    """The spread of work over the members counted."""

    members: int
    working: int  # members who did any
    total_minutes: int
    top_fifth_count: int
    top_fifth_share: float
    half_count: int
    gini: float

    @classmethod
    def of(cls, minutes: Sequence[int]) -> Spread:
        count, share = top_fifth(minutes)
        return cls(
            members=len(minutes),
            working=sum(1 for m in minutes if m > 0),
            total_minutes=int(sum(minutes)),
            top_fifth_count=count,
            top_fifth_share=share,
            half_count=half_count(minutes),
            gini=gini(minutes),
        )

    def fifth_sentence(self) -> str:
        """ "The busiest fifth of members (5 of 24) did 52% of the hours." """
        if not self.total_minutes:
            return "Nobody has recorded any work in this period."
        if self.members < 5:
            return (
                f"The busiest member did {percent_text(self.top_fifth_share)} of the hours"
                f" ({self.members} members counted)."
            )
        return (
            f"The busiest fifth of members ({self.top_fifth_count} of {self.members}) did"
            f" {percent_text(self.top_fifth_share)} of the hours."
        )

    def half_sentence(self, when: str = "") -> str:
        """ "3 members did half the work this month (of 24)." """
        if not self.total_minutes:
            return "Nobody has recorded any work" + (f" {when}" if when else "") + "."
        who = "1 member" if self.half_count == 1 else f"{self.half_count} members"
        verb = "did"
        when_text = f" {when}" if when else ""
        return f"{who} {verb} half the work{when_text} (of {self.members} counted)."

    def gini_sentence(self) -> str:
        return f"Gini coefficient {self.gini:.2f} (0 is perfectly even, 1 is one person)."

    def as_json(self) -> dict[str, Any]:
        return asdict(self)
