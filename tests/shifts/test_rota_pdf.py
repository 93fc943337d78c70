"""The printed rota can be read: measured in the PDF itself (pdftotext -bbox), on A4 and
US Letter, for a quiet week and a busy one."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from coopdesk.base.files import OutputError
from coopdesk.coop.members import add_member
from coopdesk.gui.shifts.printing import rota_html, save_rota_pdf
from coopdesk.shifts import shifts

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)"
)
MONDAY = dt.date(2026, 12, 7)
LONG_NAME = "Maria-Fernanda Oyelaran-Castellanos"
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)


def pages_of(pdf: Path) -> list[tuple[float, float, list[tuple[float, float, float, float, str]]]]:
    """Each page's size in points and its words with their boxes (points)."""
    xhtml = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = []
    for width, height, body in PAGE.findall(xhtml):
        words = [
            (float(a), float(b), float(c), float(d), w) for a, b, c, d, w in WORD.findall(body)
        ]
        pages.append((float(width), float(height), words))
    return pages


def week(store, ana, busy: bool) -> list[shifts.ShiftView]:
    people = [ana] + [add_member(store, ana, f"Member {n}") for n in range(1, 12)]
    people.append(add_member(store, ana, LONG_NAME))
    for day in range(7):
        count = 12 if busy and day == 2 else 1
        for n in range(count):
            start = dt.datetime.combine(MONDAY + dt.timedelta(days=day), dt.time(8 + n % 12))
            shift = shifts.add_shift(
                store,
                ana,
                title=f"Shop opening {n + 1}",
                starts_at=start,
                ends_at=start + dt.timedelta(minutes=50),
                capacity=4,
            )
            for member in people[(n % 4) : (n % 4) + 3]:
                shifts.sign_up(store, ana, shift, member)
            if n == 0:
                shifts.sign_up(store, ana, shift, people[-1])
    return shifts.list_shifts(store, MONDAY, MONDAY + dt.timedelta(days=7))


@pytest.mark.parametrize("paper, size", [("a4", (842, 595)), ("letter", (792, 612))])
def test_the_rota_is_printed_at_a_readable_size(qtbot, store, ana, tmp_path, paper, size):
    views = week(store, ana, busy=False)
    pdf = save_rota_pdf(tmp_path / "rota.pdf", rota_html(views, MONDAY, "Riverside"), paper)
    pages = pages_of(pdf)
    assert len(pages) == 1
    width, height, words = pages[0]
    assert (round(width), round(height)) == size  # landscape, in points
    names = [w for w in words if w[4] in ("Member", "Ana")]
    assert names
    # A word's box is about 1.15 times the font size: 10 pt text makes boxes of 11 pt;
    # the rota used to print at under 1 pt.
    assert min(yMax - yMin for _x0, yMin, _x1, yMax, _w in names) >= 10
    # Nothing runs off the page, and long names wrap instead of being cut.
    assert all(x0 >= 0 and x1 <= width and y0 >= 0 and y1 <= height for x0, y0, x1, y1, _ in words)
    text = " ".join(w[4] for w in words)
    for part in ("Maria-Fernanda", "Oyelaran", "Castellanos"):  # wrapped at its hyphens
        assert text.count(part) == 7


def test_a_busy_day_flows_onto_more_pages_with_the_days_repeated(qtbot, store, ana, tmp_path):
    views = week(store, ana, busy=True)
    pdf = save_rota_pdf(tmp_path / "busy.pdf", rota_html(views, MONDAY, "Riverside"), "a4")
    pages = pages_of(pdf)
    assert len(pages) >= 2
    for _width, _height, words in pages:
        texts = [w[4] for w in words]
        for day in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"):
            assert day in texts, f"the day headers are on every page: {day} missing"
    for _width, _height, words in pages:
        # Never a shift cut in two: each title on a page has its four lines (names and
        # open places) on that page too.
        texts = [w[4] for w in words]
        assert texts.count("•") == 4 * texts.count("opening")
    every_word = " ".join(w[4] for _w, _h, words in pages for w in words)
    for n in range(1, 13):  # every shift of the busy day, none lost between pages
        assert f"opening {n} " in every_word + " "


def test_saving_into_a_read_only_folder_says_so(qtbot, store, ana, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(OutputError, match=r"read-only|may not write"):
            save_rota_pdf(folder / "rota.pdf", rota_html([], MONDAY, "Riverside"), "a4")
        assert not (folder / "rota.pdf").exists()
    finally:
        folder.chmod(0o700)


def test_a_missing_folder_is_never_called_saved(qtbot, store, ana, tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        save_rota_pdf(tmp_path / "no" / "rota.pdf", rota_html([], MONDAY, "Riverside"), "a4")
    assert not (tmp_path / "no").exists()
