"""Words for people, the same everywhere: counts, lists of names, days, and text from
elsewhere made safe to show (``shown``)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from coopdesk.base.i18n import SOURCE_LANGUAGE, _, current_language, is_right_to_left, ngettext

# -- by language ----------------------------------------------------------------------------
# English keeps the code paths it always had (the tests compare its strings); any other
# language formats dates and numbers through Babel (CLDR) for that language.


@functools.lru_cache(maxsize=32)
def _babel_locale(language: str) -> object | None:
    """Babel's locale for ``language`` ("es", "pt_BR"); None for English or one Babel lacks."""
    if language == SOURCE_LANGUAGE:
        return None
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None


def formatting_locale() -> object | None:
    """The Babel locale dates and numbers are formatted for now; None: the English paths."""
    return _babel_locale(current_language())


def number_text(number: int) -> str:
    """ "1,234" in English, "1.234" in Spanish, "1 234" in French."""
    locale = formatting_locale()
    if locale is None:
        return f"{number:,}"
    from babel.numbers import format_decimal

    return format_decimal(number, locale=locale)


def weekday_name(index: int) -> str:
    """The weekday's name, Monday being 0: "Tuesday", "martes", "mardi", "الثلاثاء"."""
    locale = formatting_locale()
    if locale is None:
        return WEEKDAYS[index % 7]
    from babel.dates import get_day_names

    return str(get_day_names("wide", locale=locale)[index % 7])


def weekday_abbreviation(index: int) -> str:
    """ "Tue", "mar", "mar.", "الثلاثاء" (Monday being 0)."""
    locale = formatting_locale()
    if locale is None:
        return WEEKDAYS[index % 7][:3]
    from babel.dates import get_day_names

    return str(get_day_names("abbreviated", locale=locale)[index % 7])


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _skeleton(skeleton: str, day: dt.date | dt.datetime, locale: object) -> str:
    from babel.dates import format_skeleton

    return format_skeleton(skeleton, day, locale=locale)


def short_day_text(day: dt.date) -> str:
    """ "3 Dec", "3 dic", "3 déc."."""
    locale = formatting_locale()
    if locale is None:
        return f"{day.day} {day.strftime('%b')}"
    return _skeleton("MMMd", day, locale)


def moment_text(moment: dt.datetime) -> str:
    """ "Thu 03 Dec 2026, 18:00" (a weekday, a date and a time of day)."""
    locale = formatting_locale()
    if locale is None:
        return moment.strftime("%a %d %b %Y, %H:%M")
    from babel.dates import format_datetime

    return format_datetime(moment, "EEE d MMM y, HH:mm", locale=locale)


def _pattern(value: dt.date | dt.datetime, pattern: str, locale: object) -> str:
    from babel.dates import format_date, format_datetime

    if isinstance(value, dt.datetime):
        return str(format_datetime(value, pattern, locale=locale))
    return str(format_date(value, pattern, locale=locale))


# strftime's %a, %b, %A and %B speak the C library's locale (English here whatever the
# member's language), so every weekday and month name shown goes through these.


def weekday_day_text(day: dt.date, with_year: bool = False) -> str:
    """ "Tue 2 Dec" ("Tue 2 Dec 2026"); "mar 2 dic", "mar. 2 déc."."""
    locale = formatting_locale()
    if locale is None:
        text = f"{day:%a} {day.day} {day:%b}"
        return f"{text} {day.year}" if with_year else text
    return _pattern(day, "EEE d MMM y" if with_year else "EEE d MMM", locale)


def month_year_short_text(day: dt.date) -> str:
    """ "Mar 26": a month on a chart's axis."""
    locale = formatting_locale()
    if locale is None:
        return day.strftime("%b %y")
    return _skeleton("yyMMM", day, locale)


def day_month_year_text(day: dt.date) -> str:
    """ "3 December 2026"."""
    locale = formatting_locale()
    if locale is None:
        return f"{day.day} {day:%B %Y}"
    return _skeleton("yMMMMd", day, locale)


def short_moment_text(moment: dt.datetime) -> str:
    """ "3 Dec 18:05": when something happened this season."""
    locale = formatting_locale()
    if locale is None:
        return f"{moment.day} {moment:%b %H:%M}"
    return _pattern(moment, "d MMM HH:mm", locale)


def long_moment_text(moment: dt.datetime) -> str:
    """ "Thursday 3 December 2026, 18:00": a meeting's or a bundle's moment in full."""
    locale = formatting_locale()
    if locale is None:
        return f"{moment:%A} {moment.day} {moment:%B %Y, %H:%M}"
    return _pattern(moment, "EEEE d MMMM y, HH:mm", locale)


# -- words ----------------------------------------------------------------------------------


class Words(Mapping[str, str]):
    """Labels by key ("consent": "Consent proposal"), read in the current language.

    Define the English with ``N_`` (for extraction): every lookup (``[key]``, ``get``,
    ``items``, ``values``) translates it then, so a module constant follows the member at
    the keyboard. ``source`` keeps the English, for what is stored or printed for scripts.
    """

    def __init__(self, source: dict[Any, str]) -> None:
        self.source = source

    def __getitem__(self, key: Any) -> str:
        return _(self.source[key])

    def __iter__(self) -> Iterator[Any]:
        return iter(self.source)

    def __len__(self) -> int:
        return len(self.source)


def day_text(day: dt.date, today: dt.date | None = None) -> str:
    """ "3 December" (with the year when it is not this year's)."""
    this_year = day.year == (today or dt.date.today()).year
    locale = formatting_locale()
    if locale is not None:
        return _skeleton("MMMMd" if this_year else "yMMMMd", day, locale)
    text = f"{day.day} {day.strftime('%B')}"
    return text if this_year else f"{text} {day.year}"


def names_text(names: Sequence[str], nobody: str | None = None) -> str:
    """ "Ana", "Ana and Tomás", "Ana, Bongani and Tomás"."""
    names = [name for name in names if name]
    if len(names) <= 1:
        return "".join(names) or (_("nobody") if nobody is None else nobody)
    return _("{names} and {last}").format(names=_(", ").join(names[:-1]), last=names[-1])


# The nouns ``plural`` is given, each with its forms in every language (an unknown noun
# falls back to the English "s").
_COUNTED: dict[str, Callable[[int], str]] = {
    "ballot": lambda n: ngettext("{count} ballot", "{count} ballots", n),
    "bundle": lambda n: ngettext("{count} bundle", "{count} bundles", n),
    "change": lambda n: ngettext("{count} change", "{count} changes", n),
    "day": lambda n: ngettext("{count} day", "{count} days", n),
    "holder": lambda n: ngettext("{count} holder", "{count} holders", n),
    "item": lambda n: ngettext("{count} item", "{count} items", n),
    "member": lambda n: ngettext("{count} member", "{count} members", n),
    "other member": lambda n: ngettext("{count} other member", "{count} other members", n),
    "row": lambda n: ngettext("{count} row", "{count} rows", n),
    "seat": lambda n: ngettext("{count} seat", "{count} seats", n),
    "shift": lambda n: ngettext("{count} shift", "{count} shifts", n),
    "task": lambda n: ngettext("{count} task", "{count} tasks", n),
    "term": lambda n: ngettext("{count} term", "{count} terms", n),
    "time": lambda n: ngettext("{count} time", "{count} times", n),
    "transaction": lambda n: ngettext("{count} transaction", "{count} transactions", n),
    "transfer": lambda n: ngettext("{count} transfer", "{count} transfers", n),
    "use": lambda n: ngettext("{count} use", "{count} uses", n),
    "vote": lambda n: ngettext("{count} vote", "{count} votes", n),
    "week": lambda n: ngettext("{count} week", "{count} weeks", n),
}


def plural(count: int, noun: str) -> str:
    """ "1 change", "1,204 changes": the count and the noun in the current language."""
    counted = _COUNTED.get(noun)
    if counted is None:
        return f"{number_text(count)} {noun}{'' if count == 1 else 's'}"
    return counted(count).format(count=number_text(count))


def span_text(start: dt.date, end: dt.date, today: dt.date | None = None) -> str:
    """ "3 – 30 November", "28 November – 25 December" (years only when not this year)."""
    locale = formatting_locale()
    if locale is not None:
        this_year = (today or dt.date.today()).year
        if start.year == end.year == this_year:
            from babel.dates import format_interval

            return format_interval(start, end, "MMMMd", locale=locale)
        return f"{day_text(start, today)} – {day_text(end, today)}"
    end_text = day_text(end, today)
    if start.year == end.year and start.month == end.month:
        return f"{start.day} – {end_text}"
    if start.year == end.year:
        return f"{start.day} {start.strftime('%B')} – {end_text}"
    return f"{start.day} {start.strftime('%B')} {start.year} – {end_text}"


def term_length_text(days: int) -> str:
    if days % 7 == 0:
        weeks = days // 7
        return ngettext("{count} week", "{count} weeks", weeks).format(count=weeks)
    return ngettext("{count} day", "{count} days", days).format(count=days)


# Control characters (C0, DEL, C1), bidirectional marks, overrides and isolates, line and
# paragraph separators, and the other invisible format characters that can make text lie
# about itself.
_UNSHOWABLE_RE = re.compile(
    "(?:\x1b\\[|\x9b)[0-?]*[ -/]*[@-~]"  # an ANSI control sequence, as a whole (7 or 8 bit)
    "|\x1b\\][^\x07\x1b]*(?:\x07|\x1b\\\\)?"  # an operating system command (a title, a link)
    "|[\x1b\x9b]"  # any other escape (never part of a run below: it could start a sequence)
    "|[\x00-\x1a\x1c-\x1f\x7f-\x9a\x9c-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069"
    "\ufeff\ufff9-\ufffb\ud800-\udfff]+"  # lone surrogates too: no terminal can encode them
)
_SPACES_RE = re.compile(r"\s{2,}")


def shown(text: object, limit: int = 80) -> str:
    """Text that came from another computer (a site's name, a member's, a reason), made safe
    to put in a message: one line, no control characters, ANSI escapes or bidirectional
    overrides, at most ``limit`` characters (cut with "…").

    Such text is never trusted to look like what it is: a name could otherwise end the
    line and print a second, made-up sentence, recolour a terminal, or reverse itself.
    """
    value = "" if text is None else str(text)
    value = _UNSHOWABLE_RE.sub(" ", value)
    value = _SPACES_RE.sub(" ", value).strip()
    if len(value) > limit:
        value = value[: max(1, limit - 1)].rstrip() + "…"
    return value


def showable(text: str) -> bool:
    """Whether ``text`` holds nothing ``shown`` would remove (for tests and checks)."""
    return _UNSHOWABLE_RE.search(text) is None


def terminal_text(text: str) -> str:
    """Text to print on a terminal: what ``shown`` removes, except the line breaks and tabs
    CoopDesk puts there itself (a safety net under ``shown``, which names get first)."""
    return "\n".join(
        "\t".join(_UNSHOWABLE_RE.sub("", part) for part in line.split("\t"))
        for line in text.split("\n")
    )


def left_to_right(text: str) -> str:
    """``text`` (times, a range of numbers) kept left to right inside right-to-left words.

    In Arabic "08:00–11:00" would otherwise read "11:00–08:00": the Unicode bidi algorithm
    lays the two numbers out right to left. A left-to-right isolate keeps them in order; in
    a left-to-right language the text is returned as it is.
    """
    return f"\u2066{text}\u2069" if is_right_to_left() else text
