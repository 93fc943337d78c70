"""How evenly a load is spread: the busiest fifth's share, how few did half, and Gini.

Plain functions of a list of numbers (minutes of work, days in a role), so every site that
has the same rows gets the same figures. Each figure comes with the sentence people read.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from coopdesk.base.i18n import _, ngettext
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
            return _("Nobody has recorded any work in this period.")
        if self.members < 5:
            return _(
                "The busiest member did {percent} of the hours ({members} members counted)."
            ).format(percent=percent_text(self.top_fifth_share), members=self.members)
        return _(
            "The busiest fifth of members ({top_fifth_count} of {members}) did "
            "{percent} of the hours."
        ).format(
            top_fifth_count=self.top_fifth_count,
            members=self.members,
            percent=percent_text(self.top_fifth_share),
        )

    def half_sentence(self, when: str = "") -> str:
        """ "3 members did half the work this month (of 24)." """
        if not self.total_minutes:
            if when:
                return _("Nobody has recorded any work {when}.").format(when=when)
            return _("Nobody has recorded any work.")
        who = ngettext("{count} member", "{count} members", self.half_count).format(
            count=self.half_count
        )
        if when:
            return _("{who} did half the work {when} (of {members} counted).").format(
                who=who, when=when, members=self.members
            )
        return _("{who} did half the work (of {members} counted).").format(
            who=who, members=self.members
        )

    def gini_sentence(self) -> str:
        return _("Gini coefficient {gini:.2f} (0 is perfectly even, 1 is one person).").format(
            gini=self.gini
        )

    def as_json(self) -> dict[str, Any]:
        return asdict(self)
