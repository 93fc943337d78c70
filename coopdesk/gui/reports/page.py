"""The Reports page: who carries the work, who has held authority, where supplies go.

A period (from, to, by week or month) and a site at the top; three tabs, each with its
sentences, its charts (QtCharts, imported with this page: the window opens without it) and
its table. Every report prints, saves as PDF and exports as CSV. What is shown is computed
from synced rows only, so every site shows the same report.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coopdesk.base.csvfile import FORMATS as CSV_FORMATS
from coopdesk.base.csvfile import locale_format, write_csv
from coopdesk.base.i18n import N_, _
from coopdesk.base.text import plural
from coopdesk.coop import sites
from coopdesk.gui.kit import dialogs
from coopdesk.gui.kit.dates import date_edit, from_qdate, to_qdate
from coopdesk.gui.kit.flow import FlowLayout
from coopdesk.gui.kit.page import AfterFirstPaint, Page
from coopdesk.gui.kit.widgets import muted, table_view
from coopdesk.gui.reports import printing
from coopdesk.gui.reports.charts import ChartView
from coopdesk.gui.reports.figures import (
    Figure,
    authority_figures,
    supplies_figures,
    work_figures,
)
from coopdesk.gui.reports.models import HoldingModel, SupplyModel, WorkModel
from coopdesk.reports.authority import AuthorityReport, authority_report, authority_rows
from coopdesk.reports.period import Period, last_year, make_period, this_month
from coopdesk.reports.supplies import (
    SuppliesReport,
    add_trend,
    busiest_item,
    supplies_report,
    supplies_rows,
)
from coopdesk.reports.work import WorkReport, work_report, work_rows

if TYPE_CHECKING:
    from coopdesk.gui.shell.main_window import MainWindow
    from coopdesk.store.changes import Changes

KINDS = ("work", "roles", "stock")
# What the Work report reads (coopdesk/reports/work.py): a change elsewhere leaves it as it is.
WORK_TABLES = frozenset(
    {"coop", "site", "member", "leave", "shift", "shift_signup", "task", "chore"}
)
RESIZE_ROWS = 30
PRESETS = (
    ("this-month", N_("This month")),
    ("last-3-months", N_("The last three months")),
    ("last-12-months", N_("The last twelve months")),
    ("this-year", N_("This year")),
    ("custom", N_("Other dates")),
)


def preset_period(key: str, today: dt.date) -> Period | None:
    if key == "this-month":
        return this_month(today)
    if key == "last-12-months":
        return last_year(today)
    if key == "last-3-months":
        month = today.month - 2
        start = dt.date(today.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
        return make_period(start, today, "week", today=today)
    if key == "this-year":
        return make_period(today.replace(month=1, day=1), today, "month", today=today)
    return None


class ReportTab(QWidget):
    """One report: sentences, then charts, then its table, in one scrolling column."""

    def __init__(self, model: Any, empty: str) -> None:
        super().__init__()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes = muted(QLabel())
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.PlainText)
        self.chart_box = QVBoxLayout()
        self.chart_views: list[ChartView] = []
        self.model = model
        self.table = table_view(model, stretch_last=False)
        self.table.setMinimumHeight(240)
        # The names take the spare width (never cut to "Fatima Lindq…"), the numbers their own:
        # measured once per report, when its rows come (kept measured, as ResizeToContents
        # does, every layout pass measured them again: a fifth of opening the page).
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Measured on the first rows only: 300 members would take long to measure.
        header.setResizeContentsPrecision(RESIZE_ROWS)
        model.modelReset.connect(self.table.resizeColumnsToContents)
        self.empty = empty
        self._waiting: list[Figure] | None = None  # the figures to draw after the first paint
        inner = QWidget()
        column = QVBoxLayout(inner)
        column.setContentsMargins(0, 0, 8, 0)
        column.addWidget(self.summary)
        column.addLayout(self.chart_box)
        column.addWidget(self.notes)
        column.addWidget(self.table, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(scroll)

    def show_figures(self, figures: list[Figure], after_paint: QWidget | None = None) -> None:
        """Draw ``figures``; with ``after_paint``, just after that widget is first painted
        (the page opening: its sentences and table are on screen first, the charts, which
        take a third of opening it, a moment later). A later call draws at once."""
        first_wait = after_paint is not None and self._waiting is None
        self._waiting = figures if after_paint is not None else None
        if first_wait:
            AfterFirstPaint(after_paint, self._draw_waiting)
        if after_paint is None:
            self._draw(figures)

    def _draw_waiting(self) -> None:
        figures, self._waiting = self._waiting, None
        if figures is not None:
            self._draw(figures)

    def _draw(self, figures: list[Figure]) -> None:
        while len(self.chart_views) < len(figures):
            view = ChartView(_("chart {number}").format(number=len(self.chart_views) + 1))
            self.chart_views.append(view)
            self.chart_box.addWidget(view)
        for view, figure in zip(self.chart_views, figures, strict=False):
            # A reload that leaves a chart's figures as they were keeps the chart drawn.
            drawn = _drawn_from(figure)
            if drawn is None or drawn != view.drawn_from or view.chart() is None:
                view.show_chart(figure.build(), figure.words, figure.height)
                view.drawn_from = drawn
            view.setAccessibleName(figure.key)
            view.show()
        for view in self.chart_views[len(figures) :]:
            view.hide()

    def chart_words(self) -> list[str]:
        return [view.words for view in self.chart_views if not view.isHidden()]

    def set_rows(self, rows: list[Any]) -> None:
        """The table's rows; the same rows again (a reload that changed nothing shown here)
        keep the table as it is, unmeasured again."""
        if rows != self.model.rows:
            self.model.set_rows(rows)


def _drawn_from(figure: Figure) -> tuple[Any, ...] | None:
    """What a figure's chart is drawn from, to compare; None when it cannot be told."""
    build = figure.build
    if not isinstance(build, partial):
        return None
    return (figure.words, figure.height, build.func, build.args, build.keywords)


class ReportsPage(Page):
    """Work, roles and supplies over a period, with charts, print, PDF and CSV."""

    tables = frozenset(
        {
            "member",
            "leave",
            "coop",
            "site",
            "shift",
            "shift_signup",
            "task",
            "chore",
            "role",
            "role_member",
            "role_term",
            "mandate_use",
            "item",
            "item_minimum",
            "stock_move",
            "transfer",
        }
    )

    def __init__(self, window: MainWindow) -> None:
        super().__init__(
            window,
            _("Reports"),
            _(
                "Who carries the work, who has held authority and where supplies go, so that an"
                " imbalance is seen and can be put right."
            ),
        )
        self.today = dt.date.today()
        # The reports shown, by tab, all for ``_shown_for`` (the period and site of the last
        # load); a tab not shown since is computed when it comes to the front.
        self.reports: dict[str, Any] = {}
        self._shown_for: tuple[Period, str | None] | None = None
        # While the page first loads (it is not painted yet), charts wait for its first paint.
        self._opening = False
        self._build_controls()
        self.tabs = QTabWidget()
        self.work_tab = ReportTab(WorkModel(self), _("No work recorded in this period."))
        self.roles_tab = ReportTab(HoldingModel(self), _("Nobody held a role in this period."))
        self.stock_tab = ReportTab(SupplyModel(self), _("Nothing moved in this period."))
        self.tabs.addTab(self.work_tab, _("Work"))
        self.tabs.addTab(self.roles_tab, _("Roles"))
        self.tabs.addTab(self.stock_tab, _("Supplies"))
        # Print and save sit beside the tabs, not in the period's row: in French or with
        # large text one row of both was wider than a 1024-pixel screen.
        actions = QWidget()
        actions_row = QHBoxLayout(actions)
        actions_row.setContentsMargins(0, 0, 0, 2)
        for button in (self.print_button, self.pdf_button, self.csv_button):
            actions_row.addWidget(button)
        self.tabs.setCornerWidget(actions, Qt.Corner.TopRightCorner)
        self.layout_.addWidget(self.tabs, 1)
        self.tabs.currentChanged.connect(self._tab_changed)

    def ensure_loaded(self) -> None:
        self._opening = not self.loaded
        try:
            super().ensure_loaded()
        finally:
            self._opening = False

    def _charts_wait_for(self) -> QWidget | None:
        return self if self._opening else None

    def _build_controls(self) -> None:
        self.preset_combo = QComboBox()
        for key, label in PRESETS:
            self.preset_combo.addItem(_(label), key)
        self.preset_combo.setCurrentIndex(2)
        self.preset_combo.setAccessibleName(_("Period"))
        self.from_edit = date_edit(last_year(self.today).start)
        self.to_edit = date_edit(self.today)
        self.from_edit.setAccessibleName(_("From"))
        self.to_edit.setAccessibleName(_("To"))
        self.by_combo = QComboBox()
        self.by_combo.addItem(_("by week"), "week")
        self.by_combo.addItem(_("by month"), "month")
        self.by_combo.setCurrentIndex(1)
        self.by_combo.setAccessibleName(_("Trend counted"))
        self.site_combo = QComboBox()
        self.site_combo.setAccessibleName(_("Site"))
        self.print_button = QPushButton(_("Print…"))
        self.pdf_button = QPushButton(_("Save PDF…"))
        self.csv_button = QPushButton(_("Save CSV…"))
        self.print_button.clicked.connect(self.print_report)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.csv_button.clicked.connect(self.save_csv)
        row = FlowLayout()  # at large text it wraps instead of cutting the dates
        row.addWidget(self.preset_combo)
        row.addWidget(QLabel(_("From")))
        row.addWidget(self.from_edit)
        row.addWidget(QLabel(_("to")))
        row.addWidget(self.to_edit)
        row.addWidget(self.by_combo)
        row.addWidget(self.site_combo)
        row.addStretch(1)
        self.layout_.addLayout(row)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setObjectName("errorLabel")
        self.error_label.hide()
        self.layout_.addWidget(self.error_label)
        self.preset_combo.activated.connect(self._preset_chosen)
        self.from_edit.dateChanged.connect(self._dates_changed)
        self.to_edit.dateChanged.connect(self._dates_changed)
        self.by_combo.activated.connect(lambda _index: self.load())
        self.site_combo.activated.connect(lambda _index: self.load())

    # -- the period -------------------------------------------------------------------------

    def _preset_chosen(self, _index: int = 0) -> None:
        period = preset_period(str(self.preset_combo.currentData()), self.today)
        if period is not None:
            self._show_period(period)
        self.load()

    def _show_period(self, period: Period) -> None:
        for edit, day in ((self.from_edit, period.start), (self.to_edit, period.end)):
            edit.blockSignals(True)
            edit.setDate(to_qdate(day))
            edit.blockSignals(False)
        self.by_combo.setCurrentIndex(self.by_combo.findData(period.by))

    def _dates_changed(self) -> None:
        self.preset_combo.setCurrentIndex(self.preset_combo.findData("custom"))
        self.load()

    def set_period(self, start: dt.date, end: dt.date, by: str | None = None) -> None:
        """Show the reports for another period (tests, and Today's fairness line)."""
        self._show_period(make_period(start, end, by, today=self.today))
        self.preset_combo.setCurrentIndex(self.preset_combo.findData("custom"))
        self.load()

    def period(self) -> Period:
        return make_period(
            from_qdate(self.from_edit.date()),
            from_qdate(self.to_edit.date()),
            str(self.by_combo.currentData()),
            today=self.today,
        )

    def site_id(self) -> str | None:
        data = self.site_combo.currentData()
        return str(data) if data else None

    def _fill_sites(self) -> None:
        chosen = self.site_id()
        self.site_combo.blockSignals(True)
        self.site_combo.clear()
        self.site_combo.addItem(_("All sites"), None)
        for site in sites(self.store):
            if not site["archived"]:
                self.site_combo.addItem(site["name"], site["id"])
        self.site_combo.setCurrentIndex(max(0, self.site_combo.findData(chosen)))
        self.site_combo.blockSignals(False)

    def _tab_changed(self, _index: int) -> None:
        self._sync_site_picker()
        self._show_current()

    def _sync_site_picker(self) -> None:
        # Roles belong to the whole coop: the site picker does not apply to them.
        self.site_combo.setEnabled(self.current_kind() != "roles")

    # -- loading ----------------------------------------------------------------------------

    def reload(self, changes: Changes) -> None:
        """A write the Work report cannot show (a stock move, a role's term) keeps it as
        computed and drawn; the other reports are computed again."""
        if changes.touches(WORK_TABLES) or "work" not in self.reports:
            self.load()
        else:
            self.load(keep={"work": self.reports["work"]})

    def load(self, keep: dict[str, Any] | None = None) -> None:
        """Check the period, then compute and show the report of the tab in front; the other
        tabs are computed when they are first shown (opening the page costs one report).
        ``keep``: reports still right, kept if the period and site are those they are for."""
        self._fill_sites()
        self._sync_site_picker()
        try:
            period = self.period()
        except Exception as exc:  # a period that cannot be: say so, keep what is shown
            self.error_label.setText(str(exc))
            self.error_label.show()
            return
        if self.from_edit.date() > self.to_edit.date():
            self.error_label.setText(
                _("The period starts after it ends: choose another From date.")
            )
            self.error_label.show()
            return
        self.error_label.hide()
        shown_for = (period, self.site_id())
        self.reports = dict(keep) if keep and shown_for == self._shown_for else {}
        self._shown_for = shown_for
        self._show_current()

    def _show_current(self) -> None:
        """Compute the report of the tab in front, unless it is up to date."""
        kind = self.current_kind()
        if kind in self.reports or self._shown_for is None:
            return
        period, site = self._shown_for
        if kind == "work":
            work = work_report(self.store, period, site)
            self.reports[kind] = work
            self._show_work(work)
        elif kind == "roles":
            authority = authority_report(self.store, period)
            self.reports[kind] = authority
            self._show_authority(authority)
        else:
            # Only the item the chart draws gets its trend: ten years of every item's
            # months are many numbers nobody looks at here (`report stock --json` has them).
            supplies = supplies_report(self.store, period, site, trends=False)
            busiest = busiest_item(supplies)
            if busiest:
                add_trend(self.store, supplies, busiest)
            self.reports[kind] = supplies
            self._show_supplies(supplies)

    def _show_work(self, report: WorkReport) -> None:
        tab = self.work_tab
        tab.summary.setText("\n".join(report.summary_lines()))
        tab.show_figures(work_figures(report), self._charts_wait_for())
        notes = []
        if report.behind:
            notes.append(_("Drifting behind (worth a friendly word):"))
            notes += [f"  {b.sentence()}" for b in report.behind[:12]]
            if len(report.behind) > 12:
                notes.append(
                    _("  … and {plural}.").format(
                        plural=plural(len(report.behind) - 12, "other member")
                    )
                )
        tab.notes.setText("\n".join(notes))
        tab.notes.setVisible(bool(notes))
        tab.set_rows(report.members)

    def _show_authority(self, report: AuthorityReport) -> None:
        tab = self.roles_tab
        tab.summary.setText("\n".join(report.summary_lines()))
        tab.show_figures(authority_figures(report), self._charts_wait_for())
        tab.notes.hide()
        tab.set_rows(report.members)

    def _show_supplies(self, report: SuppliesReport) -> None:
        tab = self.stock_tab
        tab.summary.setText("\n".join(report.summary_lines()))
        tab.show_figures(supplies_figures(report), self._charts_wait_for())
        flows = [f"  {flow.sentence()}" for flow in report.flows[:20]]
        tab.notes.setText("\n".join([_("Between sites:"), *flows]) if flows else "")
        tab.notes.setVisible(bool(flows))
        tab.set_rows(report.items)

    # -- printing and files -----------------------------------------------------------------

    def current_kind(self) -> str:
        return KINDS[max(0, self.tabs.currentIndex())]

    def _stem(self) -> str:
        kind = self.current_kind()
        period = self.reports[kind].period
        return f"{kind}-report-{period.start.isoformat()}-{period.end.isoformat()}"

    def print_report(self) -> None:
        kind = self.current_kind()
        if kind not in self.reports:
            return
        coop = self.window_.identity.coop_name
        if printing.print_report(self, kind, self.reports[kind], coop):
            self.window_.show_notice(_("The report went to the printer."))

    def save_pdf(self) -> None:
        kind = self.current_kind()
        if kind not in self.reports:
            return
        suggested = Path.home() / f"{self._stem()}.pdf"
        path = dialogs.save_file_name(
            self, _("Save the report as PDF"), suggested, _("PDF (*.pdf)")
        )
        if path is None:
            return
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        with dialogs.reported_errors(self) as outcome:
            written = printing.save_report_pdf(
                path,
                kind,
                self.reports[kind],
                coop_name=self.window_.identity.coop_name,
                default_name=f"{self._stem()}.pdf",
            )
        if outcome.ok:
            self.window_.show_notice(_("Report saved as {name}.").format(name=written.name))

    def save_csv(self) -> None:
        kind = self.current_kind()
        if kind not in self.reports:
            return
        default = locale_format()
        formats = [default, *(f for f in CSV_FORMATS if f != default)]
        filters = [
            _("CSV, {format} (*.csv)").format(format=csv_format.label) for csv_format in formats
        ]
        suggested = Path.home() / f"{self._stem()}.csv"
        answer = dialogs.save_file_with_choice(
            self, _("Save the report as CSV"), suggested, filters
        )
        if answer is None:
            return
        path, chosen = answer
        if path.suffix.lower() != ".csv":
            path = path.with_name(path.name + ".csv")
        rows = {"work": work_rows, "roles": authority_rows, "stock": supplies_rows}[kind]
        header, body = rows(self.reports[kind])
        with dialogs.reported_errors(self) as outcome:
            written = write_csv(
                path, header, body, formats[chosen], default_name=f"{self._stem()}.csv"
            )
        if outcome.ok:
            self.window_.show_notice(
                _("Report saved: {plural} in {name} ({label}).").format(
                    plural=plural(len(body), "row"), name=written.name, label=formats[chosen].label
                )
            )
