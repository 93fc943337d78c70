"""The period a report covers: from a day to a day (both included), counted by week or month."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from coopdesk.base.errors import NotFoundError, ValidationError
from coopdesk.base.i18n import _
from coopdesk.base.periods import BY_CHOICES, By, buckets
from coopdesk.base.text import span_text
from coopdesk.coop import sites
from coopdesk.store.schema import parse_date
from coopdesk.store.store import Store

# Longer than this, a trend is counted by month; shorter, by week.
WEEKS_UP_TO_DAYS = 92
# The longest period a report covers: a coop's whole history fits (sixty years).
MAX_DAYS = 366 * 60


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end`` (both included); trends count by ``by``."""

    start: dt.date
    end: dt.date
    by: By

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def buckets(self) -> list[dt.date]:
        return buckets(self.start, self.end, self.by)

    def label(self) -> str:
        """ "1 – 30 November 2026" (with years, so it reads the same next year on paper)."""
        return span_text(self.start, self.end, today=dt.date(1, 1, 1))

    def as_json(self) -> dict[str, Any]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "by": self.by}


def this_month(today: dt.date | None = None) -> Period:
    day = today or dt.date.today()
    return Period(day.replace(day=1), day, "week")


def last_year(today: dt.date | None = None) -> Period:
    """The twelve months up to today: from the first of the month eleven months back."""
    day = today or dt.date.today()
    month = day.month - 11
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return Period(dt.date(year, month, 1), day, "month")


def make_period(
    start: Any = None,
    end: Any = None,
    by: str | None = None,
    *,
    today: dt.date | None = None,
) -> Period:
    """The period asked for; what is not given: up to today, the last twelve months, and by
    week for periods up to three months, else by month."""
    last = parse_date(end, "To") if end else (today or dt.date.today())
    first = parse_date(start, "From") if start else last_year(last).start
    if first > last:
        raise ValidationError(
            _(
                "The period starts ({first}) after it ends ({last}): give a From date on "
                "or before the To date."
            ).format(first=first.isoformat(), last=last.isoformat())
        )
    if (last - first).days + 1 > MAX_DAYS:
        raise ValidationError(_("A report covers at most sixty years: give a later From date."))
    if by is None:
        chosen: By = "week" if (last - first).days + 1 <= WEEKS_UP_TO_DAYS else "month"
    else:
        word = str(by).strip().lower()
        if word not in BY_CHOICES:
            raise ValidationError(
                _("Count trends by {by_choices}, not {by!r}.").format(
                    by_choices=", ".join(BY_CHOICES), by=by
                )
            )
        chosen = word  # type: ignore[assignment]
    return Period(first, last, chosen)


def site_name(store: Store, site_id: str | None) -> str:
    """The name of the site a report is limited to ("" for the whole coop)."""
    if not site_id:
        return ""
    for row in sites(store):
        if row["id"] == site_id:
            return str(row["name"])
    raise NotFoundError(
        _("There is no site with id {site_id} (see 'coopdesk sites').").format(site_id=site_id)
    )
