"""Arabic reads from the right everywhere, not only where Qt mirrors layouts by itself:
charts, the week's Previous/Next arrows and keys, and emphasis on paper."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import unicodedata

import pytest
from PySide6.QtCharts import QBarCategoryAxis, QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QKeySequence, QPixmap
from PySide6.QtTest import QTest

from coopdesk.base import i18n
from coopdesk.coop import update_member
from coopdesk.coop.members import add_member
from coopdesk.gui.reports import charts
from coopdesk.gui.shifts.printing import rota_html, save_rota_pdf
from coopdesk.shifts import shifts
from tests.gui_helpers import open_window

MONDAY = dt.date(2026, 12, 7)


@pytest.fixture
def arabic():
    i18n.set_language("ar")
    yield
    i18n.set_language("en")


def _axis(chart, kind, alignment=None):
    (axis,) = [
        axis
        for axis in chart.axes()
        if isinstance(axis, kind) and (alignment is None or axis.alignment() == alignment)
    ]
    return axis


def test_a_chart_of_people_reads_from_the_right_in_arabic(qapp, arabic):
    chart = charts.stacked_people_chart("h", ["Ana", "Bo"], {"shifts": [3, 1]}, "hours")
    names = _axis(chart, QBarCategoryAxis)
    hours = _axis(chart, QValueAxis)
    assert names.alignment() == Qt.AlignmentFlag.AlignRight
    assert hours.isReverse()  # the bars grow from the names, to the left


def test_a_chart_over_time_runs_from_the_right_in_arabic(qapp, arabic):
    weeks = ["1", "2", "3"]
    trend = charts.stacked_trend_chart("t", weeks, {"shifts": [10, 20, 30]}, "hours")
    assert _axis(trend, QBarCategoryAxis).categories() == ["3", "2", "1"]  # the first on the right
    (bars,) = trend.series()[0].barSets()
    assert [bars.at(n) for n in range(3)] == [30, 20, 10]
    assert _axis(trend, QValueAxis).alignment() == Qt.AlignmentFlag.AlignRight
    line = charts.line_chart("l", weeks, {"share": [1, None, 3]}, "%")
    assert _axis(line, QBarCategoryAxis).categories() == ["3", "2", "1"]
    (points,) = line.series()
    assert [(p.x(), p.y()) for p in points.points()] == [(0, 3), (2, 1)]
    assert _axis(line, QValueAxis).alignment() == Qt.AlignmentFlag.AlignRight


def test_charts_read_from_the_left_in_english(qapp):
    chart = charts.stacked_people_chart("h", ["Ana"], {"shifts": [3]}, "hours")
    assert _axis(chart, QBarCategoryAxis).alignment() == Qt.AlignmentFlag.AlignLeft
    assert not _axis(chart, QValueAxis).isReverse()
    line = charts.line_chart("l", ["1", "2"], {"share": [1, 2]}, "%")
    assert _axis(line, QBarCategoryAxis).categories() == ["1", "2"]


@pytest.mark.parametrize(
    "language, back_key, forward_key",
    [("en", "Alt+Left", "Alt+Right"), ("ar", "Alt+Right", "Alt+Left")],
)
def test_the_week_steps_toward_the_arrow_pressed(
    qtbot, store, ana, language, back_key, forward_key
):
    """The week before is on the left in English and on the right in Arabic: the arrow
    keys, the buttons' arrows and the tooltips agree with where the buttons are."""
    update_member(store, ana, ana, language=language)
    window = open_window(qtbot, store, ana)
    page = window.go_to("shifts")
    qtbot.waitUntil(lambda: page.loaded)
    start = page.week_start
    assert "‹" not in page.previous_button.text() and "›" not in page.next_button.text()
    assert not page.previous_button.icon().isNull() and not page.next_button.icon().isNull()
    # Each arrow sits at the pair's outer edge: left of "Previous" in English, right of it
    # in Arabic (where Previous is the right-hand button).
    back_side, forward_side = ("right", "left") if language == "ar" else ("left", "right")
    assert icon_side(page.previous_button) == back_side
    assert icon_side(page.next_button) == forward_side
    native = QKeySequence(back_key).toString(QKeySequence.SequenceFormat.NativeText)
    assert native in page.previous_button.toolTip()

    inside = page.previous_button  # somewhere in the week tab (an empty week shows no grid)
    inside.setFocus()
    qtbot.waitUntil(inside.hasFocus)
    QTest.keySequence(inside, QKeySequence(back_key))
    assert page.week_start == start - dt.timedelta(days=7)
    QTest.keySequence(inside, QKeySequence(forward_key))
    QTest.keySequence(inside, QKeySequence(forward_key))
    assert page.week_start == start + dt.timedelta(days=7)
    if language == "ar":
        # The week before sits right of the week after.
        assert page.previous_button.x() > page.next_button.x()


def icon_side(button) -> str:
    """Which side of its words a button draws its icon: painted with a red square in place
    of the arrow, then looked at."""
    red = QPixmap(button.iconSize())
    red.fill(QColor("red"))
    arrow = button.icon()
    button.setIcon(QIcon(red))
    try:
        image = button.grab().toImage()
    finally:
        button.setIcon(arrow)
    columns = [
        x
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y) == QColor("red")
    ]
    assert columns, "no icon drawn"
    return "left" if sum(columns) / len(columns) < image.width() / 2 else "right"


def _waiting_week(store, ana) -> list[shifts.ShiftView]:
    bo = add_member(store, ana, "Bo")
    start = dt.datetime.combine(MONDAY, dt.time(9))
    shift = shifts.add_shift(
        store,
        ana,
        title="Shop",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        capacity=1,
    )
    shifts.sign_up(store, ana, shift, ana)
    shifts.sign_up(store, ana, shift, bo, allow_waitlist=True)  # on the waiting list
    return shifts.list_shifts(store, MONDAY, MONDAY + dt.timedelta(days=7))


def test_arabic_on_paper_is_set_apart_without_italic(qapp, store, ana, tmp_path, arabic):
    """Arabic fonts here have no italic: the waiting list printed in italic came out as
    empty boxes. Emphasis is a lighter shade instead, and the words are in the PDF."""
    html = rota_html(_waiting_week(store, ana), MONDAY, "Riverside")
    assert "<i>" not in html and "الانتظار" in html
    if shutil.which("pdftotext") is None:
        pytest.skip("needs pdftotext (poppler-utils)")
    pdf = save_rota_pdf(tmp_path / "rota.pdf", html, "a4")
    words = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    # pdftotext gives Arabic as presentation forms (the shapes drawn): NFKC names the letters.
    assert "الانتظار" in unicodedata.normalize("NFKC", words)


def test_english_on_paper_keeps_its_italic(qapp, store, ana):
    html = rota_html(_waiting_week(store, ana), MONDAY, "Riverside")
    assert "<i>Bo (waiting)</i>" in html
