"""Figures in words: hours, shares, and the spread of work people can read at a glance."""

from __future__ import annotations


def hours_text(minutes: int) -> str:
    """ "45 min", "3 h", "2.5 h", "1,240 h"."""
    if abs(minutes) < 60:
        return f"{minutes} min"
    hours = minutes / 60
    if abs(hours) >= 100:
        return f"{round(hours):,} h"
    return f"{hours:.1f}".rstrip("0").rstrip(".") + " h"


def percent_text(share: float) -> str:
    """ "52%" (a share between 0 and 1)."""
    return f"{round(share * 100)}%"


def hours_value(minutes: int) -> float:
    """Hours with two decimals, for files and charts."""
    return round(minutes / 60, 2)
