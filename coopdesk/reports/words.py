"""Figures in words: hours, shares, and the spread of work people can read at a glance."""

from __future__ import annotations

from coopdesk.base.i18n import _
from coopdesk.base.text import formatting_locale


def hours_text(minutes: int) -> str:
    """ "45 min", "3 h", "2.5 h", "1,240 h" (in the current language's numbers)."""
    locale = formatting_locale()
    if locale is None:
        if abs(minutes) < 60:
            return f"{minutes} min"
        hours = minutes / 60
        if abs(hours) >= 100:
            return f"{round(hours):,} h"
        return f"{hours:.1f}".rstrip("0").rstrip(".") + " h"
    from babel.numbers import format_decimal

    if abs(minutes) < 60:
        return _("{minutes} min").format(minutes=format_decimal(minutes, locale=locale))
    hours = minutes / 60
    shown = round(hours) if abs(hours) >= 100 else round(hours, 1)
    return _("{hours} h").format(hours=format_decimal(shown, format="#,##0.#", locale=locale))


def percent_text(share: float) -> str:
    """ "52%" (a share between 0 and 1), "52 %" in French."""
    locale = formatting_locale()
    if locale is None:
        return f"{round(share * 100)}%"
    from babel.numbers import format_percent

    return format_percent(round(share * 100) / 100, locale=locale)


def hours_value(minutes: int) -> float:
    """Hours with two decimals, for files and charts."""
    return round(minutes / 60, 2)
