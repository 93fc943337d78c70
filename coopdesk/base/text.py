"""Words for people, the same everywhere: counts, lists of names, days, and text from
elsewhere made safe to show (``shown``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence


def day_text(day: dt.date, today: dt.date | None = None) -> str:
    """ "3 December" (with the year when it is not this year's)."""
    text = f"{day.day} {day.strftime('%B')}"
    return text if day.year == (today or dt.date.today()).year else f"{text} {day.year}"


def names_text(names: Sequence[str], nobody: str = "nobody") -> str:
    """ "Ana", "Ana and Tomás", "Ana, Bongani and Tomás"."""
    names = [name for name in names if name]
    if len(names) <= 1:
        return "".join(names) or nobody
    return ", ".join(names[:-1]) + " and " + names[-1]


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def span_text(start: dt.date, end: dt.date, today: dt.date | None = None) -> str:
    """ "3 – 30 November", "28 November – 25 December" (years only when not this year)."""
    end_text = day_text(end, today)
    if start.year == end.year and start.month == end.month:
        return f"{start.day} – {end_text}"
    if start.year == end.year:
        return f"{start.day} {start.strftime('%B')} – {end_text}"
    return f"{start.day} {start.strftime('%B')} {start.year} – {end_text}"


def term_length_text(days: int) -> str:
    if days % 7 == 0:
        weeks = days // 7
        return f"{weeks} week{'s' if weeks != 1 else ''}"
    return f"{days} day{'s' if days != 1 else ''}"


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
