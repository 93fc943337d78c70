"""Weekday and month names follow the member's language: strftime's %a, %A, %b and %B speak
the C library's locale (English here whatever the language), so only the English branches of
base/text.py may use them."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from coopdesk.base import i18n, text

PACKAGE = Path(text.__file__).resolve().parent.parent
NAMED = re.compile(r"%[aAbB]")
# Where an English name is right: the English branch of a formatter, and text the store
# keeps (it stays English, like every stored phrase) or the demo coop writes.
ENGLISH_ON_PURPOSE = {
    "base/text.py": "the English branches of the formatters",
    "gui/shifts/texts.py": "the English branches of the week's titles",
    "shifts/words.py": "a shift's name as the store keeps it",
    "decisions/demo.py": "the demo coop's English story",
}


def test_no_weekday_or_month_name_bypasses_the_language():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative in ENGLISH_ON_PURPOSE:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if NAMED.search(line) and not line.rstrip().endswith("# stored in English"):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert not found, "use coopdesk.base.text's formatters:\n" + "\n".join(found)


MOMENT = dt.datetime(2026, 12, 1, 18, 5)


@pytest.mark.parametrize(
    "language, month, weekday",
    [("es", "dic", "mar"), ("fr", "déc", "mar"), ("ar", "ديسمبر", "الثلاثاء")],
)
def test_dates_are_written_in_the_language(language, month, weekday):
    i18n.set_language(language)
    try:
        assert month in text.weekday_day_text(MOMENT.date())
        assert weekday in text.weekday_day_text(MOMENT.date())
        assert month in text.month_year_short_text(MOMENT.date())
        assert month in text.short_moment_text(MOMENT) and "18:05" in text.short_moment_text(MOMENT)
        assert "2026" in text.day_month_year_text(MOMENT.date())
        assert "18:05" in text.long_moment_text(MOMENT)
        assert "Dec" not in text.long_moment_text(MOMENT)
    finally:
        i18n.set_language("en")


def test_english_dates_read_as_before():
    assert text.weekday_day_text(MOMENT.date()) == "Tue 1 Dec"
    assert text.weekday_day_text(MOMENT.date(), with_year=True) == "Tue 1 Dec 2026"
    assert text.month_year_short_text(MOMENT.date()) == "Dec 26"
    assert text.day_month_year_text(MOMENT.date()) == "1 December 2026"
    assert text.short_moment_text(MOMENT) == "1 Dec 18:05"
    assert text.long_moment_text(MOMENT) == "Tuesday 1 December 2026, 18:05"
