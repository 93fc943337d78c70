"""The Reports page in the window: the three reports with their charts, the period and site
pickers, files, Today's fair-share panel, charts loaded only with the page, and a page that
holds up when opened, changed and reloaded again and again."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCharts import QChart
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from coopdesk.coop.coop import add_site
from coopdesk.coop.members import add_member
from coopdesk.gui.kit import dialogs
from coopdesk.gui.reports import charts
from coopdesk.gui.reports.page import ReportsPage
from coopdesk.gui.shell.today_page import TodayPage
from coopdesk.inventory.items import add_item
from coopdesk.inventory.stock import move
from coopdesk.reports.period import make_period, this_month
from coopdesk.reports.work import work_report
from coopdesk.roles.roles import add_role
from coopdesk.shifts.duty import set_duty_rule
from coopdesk.store.changes import Changes
from tests.gui_helpers import open_window
from tests.reports.helpers import MONTH_END, MONTH_START, worked

TODAY = dt.date.today()
MONTH_DAY = TODAY.replace(day=1)


@pytest.fixture
def people(store, ana) -> dict[str, str]:
    ids = {"Ana": ana}
    for name in ("Bea", "Cai", "Dov", "Eli"):
        ids[name] = add_member(store, ana, name)
    return ids


@pytest.fixture
def market(store, ana) -> str:
    return add_site(store, ana, "Market")


@pytest.fixture
def history(store, ana, people, market) -> None:
    """March 2025: Ana 6 h, Bea 2 h at the Kitchen, Cai 3 h at the Market; rice moved."""
    set_duty_rule(store, ana, minutes=240, period_days=28, duty_from=dt.date(2025, 1, 6))
    worked(store, ana, [people["Ana"]], dt.date(2025, 3, 3), 6)
    worked(store, ana, [people["Bea"]], dt.date(2025, 3, 4), 2)
    worked(store, ana, [people["Cai"]], dt.date(2025, 3, 5), 3, site_id=market)
    add_role(
        store,
        ana,
        "Coordinator",
        term_days=7,
        member_ids=[ana, people["Bea"]],
        starts_on=MONTH_START,
    )
    rice = add_item(store, ana, "Rice", unit="kg", decimals=1, minimum=5)
    move(store, ana, rice, 200, "received", when=dt.datetime(2025, 3, 2, 9))
    move(store, ana, rice, 180, "used", when=dt.datetime(2025, 3, 9, 9))


def reports_page(qtbot, store, member_id) -> ReportsPage:
    window = open_window(qtbot, store, member_id)
    page = window.go_to("reports")
    assert isinstance(page, ReportsPage)
    return page


def test_the_three_reports_with_charts_for_a_period_and_a_site(
    qtbot, store, ana, people, market, history
):
    page = reports_page(qtbot, store, ana)
    page.set_period(MONTH_START, MONTH_END)
    assert page.period() == make_period(MONTH_START, MONTH_END)
    work = page.work_tab
    assert "1 member did half the work (of 5 counted)" in work.summary.text()
    # Charts drawn by QtCharts, each described in words.
    assert len(work.chart_words()) == 3
    assert work.chart_words()[0].startswith("Hours per member: Ana 6 h; Cai 3 h; Bea 2 h")
    assert all(view.chart() is not None for view in work.chart_views)
    model = work.model
    assert [model.index(r, 0).data() for r in range(3)] == ["Ana", "Cai", "Bea"]
    assert model.index(0, 4).data() == "6 h"
    assert "Drifting behind" in work.notes.text() and "Bea has done 2 h" in work.notes.text()
    # One site: only its work, and its stock.
    page.site_combo.setCurrentIndex(page.site_combo.findData(market))
    page.site_combo.activated.emit(page.site_combo.currentIndex())
    assert page.reports["work"].site_id == market
    shown = {model.index(r, 0).data(): model.index(r, 4).data() for r in range(model.rowCount())}
    assert shown["Cai"] == "3 h" and shown["Ana"] == "–"
    # The other tabs are computed when they come to the front, for the same period and site.
    assert set(page.reports) == {"work"}
    page.tabs.setCurrentWidget(page.stock_tab)
    assert page.reports["stock"].site_id == market
    assert page.stock_tab.model.rowCount() == 0
    # Roles belong to the whole coop: the site picker does not apply to them.
    page.tabs.setCurrentWidget(page.roles_tab)
    assert not page.site_combo.isEnabled()
    assert "Coordinator: 2 members held it" in page.roles_tab.summary.text()
    page.site_combo.setCurrentIndex(0)
    page.site_combo.activated.emit(0)
    page.tabs.setCurrentWidget(page.stock_tab)
    assert page.site_combo.isEnabled()
    assert page.stock_tab.model.index(0, 0).data() == "Rice"
    assert "Ran low most often: Rice at Kitchen" in page.stock_tab.summary.text()
    # A preset puts its dates in the pickers.
    page.preset_combo.setCurrentIndex(page.preset_combo.findData("this-month"))
    page.preset_combo.activated.emit(page.preset_combo.currentIndex())
    assert page.period() == this_month(page.today)


def test_a_period_that_cannot_be_is_explained_and_the_report_stays(qtbot, store, ana, history):
    page = reports_page(qtbot, store, ana)
    page.set_period(MONTH_START, MONTH_END)
    before = page.work_tab.summary.text()
    page.from_edit.setDate(page.to_edit.date().addDays(3))
    assert page.error_label.isVisible() and "after it ends" in page.error_label.text()
    assert page.work_tab.summary.text() == before
    page.from_edit.setDate(page.to_edit.date().addDays(-10))
    assert not page.error_label.isVisible()


def test_each_report_saves_as_csv_and_pdf(qtbot, store, ana, history, tmp_path, monkeypatch):
    page = reports_page(qtbot, store, ana)
    page.set_period(MONTH_START, MONTH_END)
    saved = {}
    for tab, kind in (
        (page.work_tab, "work"),
        (page.roles_tab, "roles"),
        (page.stock_tab, "stock"),
    ):
        page.tabs.setCurrentWidget(tab)
        csv_path = tmp_path / f"{kind}.csv"
        pdf_path = tmp_path / f"{kind}"  # no suffix: .pdf is added
        monkeypatch.setattr(dialogs, "save_file_with_choice", lambda *a, p=csv_path: (p, 0))
        monkeypatch.setattr(dialogs, "save_file_name", lambda *a, p=pdf_path: p)
        page.save_csv()
        page.save_pdf()
        with open(csv_path, newline="", encoding="utf-8-sig") as handle:
            saved[kind] = list(csv.reader(handle, delimiter=page_separator(csv_path)))
        assert (tmp_path / f"{kind}.pdf").read_bytes().startswith(b"%PDF")
    assert saved["work"][0][0] == "Member" and len(saved["work"]) == 1 + 5
    assert saved["roles"][1][:2] == ["Coordinator", "Ana"]
    assert saved["stock"][1][0] == "Rice"
    assert "Report saved as stock.pdf" in page.window_.notice_label.text()


def page_separator(path: Path) -> str:
    first = path.read_text(encoding="utf-8-sig").splitlines()[0]
    return ";" if first.count(";") > first.count(",") else ","


def test_charts_follow_a_dark_palette_and_print_black_on_white(qtbot):
    dark = QPalette(QColor("#202020"))
    dark.setColor(QPalette.ColorRole.Base, QColor("#181818"))
    light = QPalette(QColor("#F0F0F0"))
    light.setColor(QPalette.ColorRole.Base, QColor("white"))
    view = charts.ChartView("test")
    qtbot.addWidget(view)
    view.setPalette(dark)
    view.show_chart(charts.stacked_people_chart("Hours", ["Ana"], {"Shifts": [3]}, "h"), "Ana 3 h")
    assert view.chart().theme() == QChart.ChartTheme.ChartThemeDark
    view.setPalette(light)  # the system turns light while the chart is shown
    assert view.chart().theme() == QChart.ChartTheme.ChartThemeLight
    assert view.chart().backgroundBrush().color() == QColor("white")
    image = charts.render_image(
        charts.stacked_people_chart("Hours", ["Ana"], {"Shifts": [3]}, "h"),
        charts.QSize(300, 200),
        10,
        scale=1,
    )
    assert image.pixelColor(1, 1) == QColor("white")


def test_today_shows_your_share_and_coordinators_the_spread(qtbot, store, ana, people):
    set_duty_rule(store, ana, minutes=240, period_days=28, duty_from=MONTH_DAY)
    worked(store, ana, [people["Ana"]], MONTH_DAY, 3)
    worked(store, ana, [people["Bea"]], MONTH_DAY, 1)
    add_role(store, ana, "Coordinator", term_days=28, member_ids=[ana], starts_on=MONTH_DAY)

    def fair_share(member_id):
        window = open_window(qtbot, store, member_id)
        today = window.go_to("today")
        assert isinstance(today, TodayPage)
        (panel,) = [p for p in today.panels if p.title_label.text() == "Fair share"]
        return window, panel

    window, panel = fair_share(ana)
    assert panel.isVisible()
    assert panel.text.startswith("You: ") and "3 h of work" in panel.text
    assert "did half the work this month" in panel.text
    panel.reports_button.click()
    assert window.current_section() == "reports"
    window.close()
    window, panel = fair_share(people["Bea"])
    assert "1 h of work" in panel.text and "half the work" not in panel.text
    assert not panel.reports_button.isVisible()
    window.close()
    window, panel = fair_share(None)
    assert not panel.isVisible()


def test_charts_are_imported_with_the_reports_page_not_with_the_window(tmp_path):
    """Start-up does not grow: QtCharts is loaded when Reports is first opened."""
    script = f"""
import json, sys
from pathlib import Path
from coopdesk.coop.coop import start_coop
from PySide6.QtWidgets import QApplication
app = QApplication([])
store = start_coop(Path({str(tmp_path / "site")!r}), "C", "Kitchen", "Ana")
from coopdesk.gui.shell.main_window import MainWindow
window = MainWindow(store, member_id=store.local_get("default_member_id"),
                    ask_for_member=False, remember_layout=False)
window.show(); app.processEvents()
before = "PySide6.QtCharts" in sys.modules
window.go_to("reports"); app.processEvents()
after = "PySide6.QtCharts" in sys.modules
print(json.dumps([before, after]))
window.close(); store.close()
"""
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=True,
    ).stdout
    assert json.loads(out.strip().splitlines()[-1]) == [False, True]


def test_the_page_holds_up_opened_changed_and_reloaded_again_and_again(
    qtbot, store, ana, people, market, history
):
    """Random steps, events processed between: every time the page shows what the core says."""
    window = open_window(qtbot, store, ana)
    rng = random.Random(17)
    sections = ["today", "members", "shifts", "reports"]
    day = MONTH_START
    for step in range(60):
        action = rng.choice(["open", "away", "tab", "preset", "site", "work", "period"])
        if action == "open":
            window.go_to("reports")
        elif action == "away":
            window.go_to(rng.choice(sections))
        elif action == "work":
            day += dt.timedelta(days=1)
            member = rng.choice(list(people.values()))
            worked(store, ana, [member], day, rng.choice([1, 2, 3]))
        page = window.pages.get("reports")
        if isinstance(page, ReportsPage) and page.loaded:
            if action == "tab":
                page.tabs.setCurrentIndex(rng.randrange(3))
            elif action == "preset":
                page.preset_combo.setCurrentIndex(rng.randrange(4))
                page.preset_combo.activated.emit(page.preset_combo.currentIndex())
            elif action == "site":
                page.site_combo.setCurrentIndex(rng.randrange(page.site_combo.count()))
                page.site_combo.activated.emit(page.site_combo.currentIndex())
            elif action == "period":
                page.set_period(MONTH_START, MONTH_END)
        QApplication.processEvents()
        qtbot.wait(1)
        page = window.pages.get("reports")
        if isinstance(page, ReportsPage) and page.loaded and window.current_section() == "reports":
            # The tab in front always shows its report for the period and site picked.
            kind = page.current_kind()
            shown = page.reports[kind]
            assert shown.period == page.period(), step
            if kind == "work":
                expected = work_report(store, page.period(), page.site_id())
                assert shown.spread.total_minutes == expected.spread.total_minutes, step
                assert page.work_tab.model.rowCount() == len(expected.members), step
            views = [v for v in page.work_tab.chart_views if not v.isHidden()]
            assert all(v.chart() is not None for v in views), step
            assert len(page.work_tab.chart_views) <= 3, step
    assert window.go_to("reports") is page


def test_the_page_opens_with_its_sentences_and_table_and_draws_its_charts_just_after(
    qtbot, store, ana, people
):
    worked(store, ana, [people["Bea"]], TODAY - dt.timedelta(days=3), 2)
    window = open_window(qtbot, store, ana)
    page = window.go_to("reports")
    assert isinstance(page, ReportsPage)
    work = page.work_tab
    # Built and loaded, not painted yet: the figures in words and the table are there...
    assert "1 member did half the work" in work.summary.text()
    assert work.model.index(0, 0).data() == "Bea"
    assert work.chart_words() == []
    # ... and the charts come once the page is on screen.
    qtbot.waitUntil(lambda: len(work.chart_words()) == 3)
    assert work.chart_words()[0].startswith("Hours per member: Bea 2 h")
    assert all(view.chart() is not None for view in work.chart_views)
    # A load after the first draws its charts at once.
    page.set_period(TODAY - dt.timedelta(days=7), TODAY)
    assert work.chart_words()[0].startswith("Hours per member: Bea 2 h")


def test_a_reload_that_changes_nothing_shown_keeps_the_charts_and_table_as_drawn(
    qtbot, store, ana, people
):
    worked(store, ana, [people["Bea"]], TODAY - dt.timedelta(days=3), 2)
    page = reports_page(qtbot, store, ana)
    page.load()  # drawn now, not after the first paint
    work = page.work_tab
    drawn = [view.chart() for view in work.chart_views]
    resets = []
    work.model.modelReset.connect(lambda: resets.append(1))
    rice = add_item(store, ana, "Rice", unit="kg")
    move(store, ana, rice, 5, "received")  # the Supplies change, not the Work
    page.load()
    assert [view.chart() for view in work.chart_views] == drawn
    assert resets == []
    worked(store, ana, [people["Cai"]], TODAY - dt.timedelta(days=2), 3)
    page.load()
    assert work.chart_words()[0].startswith("Hours per member: Cai 3 h; Bea 2 h")
    assert work.chart_views[0].chart() is not drawn[0]
    assert resets and work.model.rowCount() >= 2


def test_a_write_the_work_report_cannot_show_keeps_it_and_one_it_shows_counts_it_again(
    qtbot, store, ana, people
):
    worked(store, ana, [people["Bea"]], TODAY - dt.timedelta(days=3), 2)
    page = reports_page(qtbot, store, ana)
    computed = page.reports["work"]
    page.reload(Changes.of({"stock_move", "item"}, source="local"))
    assert page.reports["work"] is computed
    worked(store, ana, [people["Cai"]], TODAY - dt.timedelta(days=2), 3)
    page.reload(Changes.of({"shift", "shift_signup"}, source="local"))
    assert page.reports["work"] is not computed
    assert [m.name for m in page.reports["work"].members][:2] == ["Cai", "Bea"]
    assert page.work_tab.model.index(0, 0).data() == "Cai"
    # Another period: nothing kept, whatever changed.
    page.preset_combo.setCurrentIndex(page.preset_combo.findData("this-year"))
    page.preset_combo.activated.emit(page.preset_combo.currentIndex())
    page.reload(Changes.of({"stock_move"}, source="local"))
    assert page.reports["work"].period == page.period()
