"""The Shifts page: the week's rota, the shifts of the member at the keyboard, and templates.

*Week* shows seven day columns with each shift as a block (time, title, filled / needed, its
status in colour and in words). One ``list_shifts`` call per week, whatever the store holds,
so a week opens at once in a store of 100,000 shifts. Click or Enter opens a shift: who is on
it, and Sign me up for the member at the keyboard. *My shifts* lists theirs, upcoming first,
and exports them (or every shift) to a calendar file. *Templates* holds the recurring slots
("Week B, Tuesday 18:00"), their standing members, and "Generate shifts until…".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QModelIndex, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QKeySequence, QPainter, QPalette, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coopdesk.base.errors import NotFoundError
from coopdesk.base.files import Written, shorten_name
from coopdesk.base.i18n import N_, _, ngettext
from coopdesk.base.text import day_month_year_text, weekday_day_text
from coopdesk.coop import sites
from coopdesk.gui.kit import dialogs
from coopdesk.gui.kit.background import run_store_task
from coopdesk.gui.kit.dates import to_datetime
from coopdesk.gui.kit.flow import FlowLayout
from coopdesk.gui.kit.list_model import ListModel
from coopdesk.gui.kit.page import Page
from coopdesk.gui.kit.widgets import (
    EmptyState,
    follow_selection,
    key_text,
    muted,
    point_outward,
    scaled_font,
    table_view,
    week_step_keys,
)
from coopdesk.gui.shifts.dialogs import (
    CYCLE_LETTERS,
    GenerateDialog,
    ShiftDetailsDialog,
    ShiftEditDialog,
    TemplateDialog,
    fill_site_combo,
    fill_type_combo,
    shift_types,
)
from coopdesk.gui.shifts.printing import print_rota, rota_html, save_rota_pdf
from coopdesk.gui.shifts.texts import monday_of, places_text, time_range, week_title
from coopdesk.gui.shifts.types import ShiftTypesTab, length_text
from coopdesk.gui.shifts.week import WeekModel, WeekView, status_colours
from coopdesk.shifts.ics import export_ics
from coopdesk.shifts.shifts import ShiftView, get_shift, list_shifts, my_shifts
from coopdesk.shifts.templates import archive_template, generate_shifts, list_templates
from coopdesk.store.changes import Changes

if TYPE_CHECKING:
    from coopdesk.gui.shell.main_window import MainWindow

SHIFT_PAGE_TABLES = frozenset(
    {
        "shift",
        "shift_signup",
        "shift_template",
        "shift_type",
        "standing_slot",
        "site",
        "member",
        "leave",
        "coop",
    }
)
# What a sign-up, a swap or attendance changes: the week, not its filters.
WEEK_TABLES = frozenset({"shift", "shift_signup", "member", "leave"})
PAST_WEEKS_IN_MY_SHIFTS = 8
ICS_PAST_DAYS = 28


def safe_file_name(name: str) -> str:
    """A suggested file name without characters USB sticks refuse (a site called "A/B")."""
    cleaned = "".join("-" if ch in '/\\:*?"<>|' else ch for ch in name)
    return shorten_name(cleaned)


ICS_FUTURE_DAYS = 366
GENERATE_WEEKS = 8
SHIFT_DETAILS, SHIFT_FORM, TEMPLATE_FORM = "shift details", "shift form", "template form"


def swatch(colour: QColor, size: int) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(colour)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawRoundedRect(0, 0, size, size, 3, 3)
    painter.end()
    return QIcon(pixmap)


# -- My shifts --------------------------------------------------------------------------------


class MyShiftsModel(ListModel[tuple[ShiftView, bool]]):
    """The keyboard member's shifts: upcoming in time order, then recent past ones.

    Rows are ``(shift, is past)``.
    """

    columns = (N_("When"), N_("Shift"), N_("Site"), N_("Places"), N_("You"))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.member_id: str | None = None

    def set_shifts(
        self, member_id: str | None, upcoming: list[ShiftView], past: list[ShiftView]
    ) -> None:
        self.member_id = member_id
        self.set_rows([(s, False) for s in upcoming] + [(s, True) for s in past])

    def shift_at(self, row: int) -> ShiftView | None:
        found = self.row_at(row)
        return found[0] if found else None

    def part(self, shift: ShiftView) -> str:
        for signup in shift.confirmed:
            if signup.member_id == self.member_id:
                words = [_("on it")]
                if signup.swap_wanted:
                    words.append(_("looking for a swap"))
                if signup.makeup:
                    words.append("make-up")
                if signup.attendance != "pending":
                    words.append(signup.attendance)
                return ", ".join(words)
        if any(s.member_id == self.member_id for s in shift.waiting):
            return "waiting"
        return ""

    def display(self, row: tuple[ShiftView, bool], column: int) -> str:
        shift, past = row
        if column == 0:
            start = to_datetime(shift.starts_at)
            when = f"{weekday_day_text(start)}, {time_range(shift)}"
            return _("{when} (past)").format(when=when) if past else when
        if column == 1:
            return shift.title
        if column == 2:
            return shift.site_name or ""
        if column == 3:
            return places_text(shift)
        return self.part(shift)

    def cell_data(self, row: tuple[ShiftView, bool], column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and row[1]:
            return QApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        return None


class TemplatesModel(ListModel[dict[str, Any]]):
    """The active templates with their slot in the cycle and their standing members."""

    columns = (
        N_("Title"),
        N_("Slot"),
        N_("Length"),
        N_("People"),
        N_("Site"),
        N_("Standing members"),
    )

    def display(self, template: dict[str, Any], column: int) -> str:
        standing = [member["name"] for member in template["standing_members"]]
        return (
            template["title"],
            template["label"],
            length_text(int(template.get("duration_minutes") or 0)),
            str(template["capacity"]),
            template["site_name"] or "",
            ", ".join(standing) or "—",
        )[column]

    def cell_data(self, template: dict[str, Any], column: int, role: int) -> Any:
        weeks = int(template.get("cycle_weeks") or 1)
        if role == Qt.ItemDataRole.ToolTipRole and column == 1 and weeks > 1:
            week = int(template.get("cycle_week") or 0)
            return _("Week {value} of a {weeks}-week cycle").format(
                value=CYCLE_LETTERS[week], weeks=weeks
            )
        return None


# -- the page ---------------------------------------------------------------------------------


class ShiftsPage(Page):
    tables = SHIFT_PAGE_TABLES
    keys = (
        (N_("Arrow keys"), N_("Move between the week's shifts")),
        (N_("Enter or Space"), N_("Open the shift")),
        (N_("PageUp / PageDown"), N_("The previous / next week")),
    )

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, _("Shifts"))
        self.week_start = monday_of(dt.date.today())
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self._build_week_tab()
        self._build_my_tab()
        self._build_templates_tab()
        self.types_tab = ShiftTypesTab(window)
        self.tabs.addTab(self.week_tab, _("&Week"))
        self.tabs.addTab(self.my_tab, _("&My shifts"))
        self.tabs.addTab(self.templates_tab, _("T&emplates"))
        self.tabs.addTab(self.types_tab, _("T&ypes"))
        self.tabs.currentChanged.connect(lambda _i: self._load_current_tab())
        self.layout_.addWidget(self.tabs, 1)
        self._templates_stale = True
        self._types_stale = True
        self._my_stale = True

    # -- building ---------------------------------------------------------------------------

    def _build_week_tab(self) -> None:
        self.week_tab = QWidget()
        back_key, forward_key = week_step_keys()
        self.previous_button = QPushButton(_("&Previous"))
        self.previous_button.setToolTip(
            _("The week before (PageUp or {keys})").format(keys=key_text(back_key))
        )
        self.previous_button.clicked.connect(lambda: self.step_week(-1))
        self.this_week_button = QPushButton(_("&This week"))
        self.this_week_button.clicked.connect(self.go_to_this_week)
        self.next_button = QPushButton(_("&Next"))
        self.next_button.setToolTip(
            _("The week after (PageDown or {keys})").format(keys=key_text(forward_key))
        )
        self.next_button.clicked.connect(lambda: self.step_week(1))
        point_outward(self.previous_button, self.next_button)
        self.week_label = QLabel()
        self.week_label.setFont(scaled_font(self, 1.15, bold=True))
        self.site_combo = QComboBox()
        self.site_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.site_combo.setToolTip(_("Show the shifts of one site"))
        self.site_combo.setAccessibleName(_("Site"))
        self.type_combo = QComboBox()
        self.type_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.type_combo.setToolTip(_("Show the shifts of one type"))
        self.type_combo.setAccessibleName(_("Shift type"))
        self.site_combo.currentIndexChanged.connect(lambda _i: self.show_week())
        self.type_combo.currentIndexChanged.connect(lambda _i: self.show_week())
        navigation = FlowLayout()  # a longer language wraps the filters, not cuts them
        navigation.addWidget(self.previous_button)
        navigation.addWidget(self.this_week_button)
        navigation.addWidget(self.next_button)
        navigation.addSpacing(12)
        navigation.addWidget(self.week_label)
        navigation.addStretch(1)
        navigation.addWidget(self.site_combo)
        navigation.addWidget(self.type_combo)

        self.add_button = QPushButton(_("&Add shift…"))
        self.add_button.setToolTip(_("Add a one-off shift (Ctrl+N)"))
        self.add_button.clicked.connect(self.add_new)
        self.print_button = QPushButton(_("P&rint…"))
        self.print_button.setToolTip(_("Print this week's rota to pin on the wall"))
        self.print_button.clicked.connect(self.print_week)
        self.pdf_button = QPushButton(_("Save as P&DF…"))
        self.pdf_button.setToolTip(_("Save this week's rota as a PDF file"))
        self.pdf_button.clicked.connect(self.save_week_pdf)
        self.legend = QHBoxLayout()
        self.legend_labels: list[QLabel] = []
        actions = QHBoxLayout()
        actions.addWidget(self.add_button)
        actions.addWidget(self.print_button)
        actions.addWidget(self.pdf_button)
        actions.addStretch(1)
        actions.addLayout(self.legend)

        self.week_model = WeekModel(self)
        self.week_view = WeekView(self.week_model)
        self.week_view.setAccessibleName(_("Shifts of the week"))
        self.week_view.shift_activated.connect(self.open_details)
        self.week_view.week_step.connect(self.step_week)

        self.empty_week = QWidget()
        empty = EmptyState(
            _("No shifts this week"),
            _(
                "Add a one-off shift, or set up templates for the shifts that come back every "
                "week and generate them."
            ),
        )
        self.empty_title = empty.title_label
        self.empty_add_button = QPushButton(_("Add a shift…"))
        self.empty_add_button.clicked.connect(self.add_new)
        self.empty_templates_button = QPushButton(_("Open templates"))
        self.empty_templates_button.clicked.connect(
            lambda: self.tabs.setCurrentWidget(self.templates_tab)
        )
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.empty_add_button)
        buttons.addWidget(self.empty_templates_button)
        buttons.addStretch(1)
        empty_layout = QVBoxLayout(self.empty_week)
        empty_layout.addWidget(empty)
        empty_layout.addLayout(buttons)
        empty_layout.addStretch(1)

        self.week_stack = QStackedWidget()
        self.week_stack.addWidget(self.week_view)
        self.week_stack.addWidget(self.empty_week)
        layout = QVBoxLayout(self.week_tab)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(navigation)
        layout.addLayout(actions)
        layout.addWidget(self.week_stack, 1)

        for sequence, step in ((back_key, -1), (forward_key, 1)):
            shortcut = QShortcut(QKeySequence(sequence), self.week_tab)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda step=step: self.step_week(step))

    def _fill_legend(self) -> None:
        while self.legend.count():
            item = self.legend.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()
        size = self.fontMetrics().height() - 2
        for status, words in (
            ("open", _("needs people")),
            ("full", _("full")),
            ("overbooked", _("overbooked")),
        ):
            _fill, accent = status_colours(self.palette(), status)
            icon = QLabel()
            icon.setPixmap(swatch(accent, size).pixmap(QSize(size, size)))
            label = muted(QLabel(words))
            self.legend.addWidget(icon)
            self.legend.addWidget(label)
            self.legend.addSpacing(8)

    def _build_my_tab(self) -> None:
        self.my_tab = QWidget()
        self.my_model = MyShiftsModel(self)
        self.my_table = table_view(self.my_model)
        header = self.my_table.horizontalHeader()
        for column, width in enumerate((230, 200, 120, 170)):
            header.resizeSection(column, width)
        self.my_table.activated.connect(self._open_my_shift)
        self.my_table.doubleClicked.connect(self._open_my_shift)
        self.my_empty = EmptyState(on_action=self._my_empty_action)
        self.my_stack = QStackedWidget()
        self.my_stack.addWidget(self.my_table)
        self.my_stack.addWidget(self.my_empty)
        self.my_title = QLabel()
        self.my_title.setFont(scaled_font(self, 1.1, bold=True))
        self.export_mine_button = QPushButton(_("Export my shifts (.ics)…"))
        self.export_mine_button.setToolTip(
            _(
                "A calendar file for your phone or calendar app: your shifts from four weeks ago "
                "to a year ahead"
            )
        )
        self.export_mine_button.clicked.connect(lambda: self.export_calendar(mine=True))
        self.export_all_button = QPushButton(_("Export a calendar (.ics)…"))
        self.export_all_button.setToolTip(
            _(
                "Every shift, or a site's or a shift type's, from four weeks ago to a year "
                "ahead, as a calendar file"
            )
        )
        self.export_all_button.clicked.connect(lambda: self.export_calendar(mine=False))
        tools = FlowLayout()  # the title and the two buttons wrap rather than squeeze
        tools.addWidget(self.my_title)
        tools.addStretch(1)
        tools.addWidget(self.export_mine_button)
        tools.addWidget(self.export_all_button)
        layout = QVBoxLayout(self.my_tab)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(tools)
        layout.addWidget(self.my_stack, 1)

    def _build_templates_tab(self) -> None:
        self.templates_tab = QWidget()
        self.templates_model = TemplatesModel(self)
        self.templates_table = table_view(self.templates_model)
        header = self.templates_table.horizontalHeader()
        for column, width in enumerate((180, 190, 80, 70, 120)):
            header.resizeSection(column, width)
        self.templates_table.activated.connect(lambda _index: self.edit_template())
        follow_selection(self.templates_table, self._update_template_actions)

        self.add_template_button = QPushButton(_("Add template…"))
        self.add_template_button.clicked.connect(self.add_template)
        self.edit_template_button = QPushButton(_("Edit…"))
        self.edit_template_button.clicked.connect(self.edit_template)
        self.archive_template_button = QPushButton(_("Archive…"))
        self.archive_template_button.clicked.connect(self.archive_template)
        self.generate_button = QPushButton(_("Generate shifts until…"))
        self.generate_button.setToolTip(
            _("Put the templates' shifts on the calendar (every site gets the same shifts)")
        )
        self.generate_button.clicked.connect(self.generate)
        tools = QHBoxLayout()
        for button in (
            self.add_template_button,
            self.edit_template_button,
            self.archive_template_button,
        ):
            tools.addWidget(button)
        tools.addStretch(1)
        self.duty_button = QPushButton(_("Duty rule…"))
        self.duty_button.setToolTip(
            _("How many shift hours each member owes (the coop settings, File › Coop settings…)")
        )
        self.duty_button.clicked.connect(lambda: self.window_.open_settings("duty"))
        tools.addWidget(self.duty_button)
        tools.addWidget(self.generate_button)
        self.templates_empty = EmptyState(
            _("No templates yet"),
            _(
                "A template is a shift that comes back: every Tuesday at 18:00, or in week B of a "
                "four-week cycle. Members can stand in its slot and are signed up to every one."
            ),
            _("Add a template…"),
            self.add_template,
        )
        self.templates_stack = QStackedWidget()
        self.templates_stack.addWidget(self.templates_table)
        self.templates_stack.addWidget(self.templates_empty)
        layout = QVBoxLayout(self.templates_tab)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(tools)
        layout.addWidget(self.templates_stack, 1)

    # -- Page -------------------------------------------------------------------------------

    def load(self) -> None:
        self._fill_filters()
        self._fill_legend()
        self.show_week()
        self._my_stale = True
        self._templates_stale = True
        self._types_stale = True
        self._load_current_tab()

    def reload(self, changes: Changes) -> None:
        """Sign-ups and shifts changed: the week again, the other tabs when next shown. The
        filters (sites, types) and the legend are read again only when they changed."""
        if not changes.tables <= WEEK_TABLES:
            self.load()
            return
        self.show_week()
        self._my_stale = True
        self._templates_stale = True
        self._load_current_tab()

    def _load_current_tab(self) -> None:
        current = self.tabs.currentWidget()
        if current is self.my_tab and self._my_stale:
            self.load_my_shifts()
        elif current is self.templates_tab and self._templates_stale:
            self.load_templates()
        elif current is self.types_tab and self._types_stale:
            self._types_stale = False
            self.types_tab.load()

    def focus_main(self) -> None:
        """Ctrl+2: the keyboard in the week's grid, on the first shift (today's)."""
        self.tabs.setCurrentWidget(self.week_tab)
        self.week_view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if self.week_view.current_shift() is None:
            self.week_view.select_first()

    def add_new(self) -> bool:
        if self.tabs.currentWidget() is self.types_tab:
            self.types_tab.add()
            return True
        index = self.week_view.currentIndex()
        day = self.week_model.day(index.column()) if index.isValid() else None
        if day is None:
            today = dt.date.today()
            day = today if self.week_start <= today < self.week_start + dt.timedelta(7) else None
        self.window_.with_author(
            lambda _author: self._open_add_dialog(day or self.week_start),
            _("Choose who you are to add a shift."),
        )
        return True

    def member_changed(self, member_id: str | None) -> None:
        if not self.loaded:
            return
        self.show_week()
        self._my_stale = True
        self._load_current_tab()

    # -- the week ---------------------------------------------------------------------------

    def _fill_filters(self) -> None:
        site, kind = self.site_combo.currentData(), self.type_combo.currentData()
        for combo in (self.site_combo, self.type_combo):
            combo.blockSignals(True)
        fill_site_combo(self.site_combo, self.store, site, _("All sites"))
        fill_type_combo(self.type_combo, shift_types(self.store), kind)
        self.type_combo.setItemText(0, _("All types"))
        self.type_combo.setVisible(self.type_combo.count() > 1)
        self.site_combo.setVisible(self.site_combo.count() > 2)
        for combo in (self.site_combo, self.type_combo):
            combo.blockSignals(False)

    def show_week(self, week_start: dt.date | None = None) -> None:
        """Read and show one week: a single ``list_shifts`` call."""

        if week_start is not None:
            self.week_start = monday_of(week_start)
        keep = self.week_view.current_shift()
        site_id = self.site_combo.currentData()
        start = dt.datetime.combine(self.week_start, dt.time())
        shifts = list_shifts(
            self.store,
            start,
            start + dt.timedelta(days=7),
            site_id=site_id,
            shift_type_id=self.type_combo.currentData(),
        )
        many_sites = site_id is None and len({s.site_id for s in shifts}) > 1
        self.week_model.set_week(self.week_start, shifts, self.session.member_id, many_sites)
        self.week_label.setText(week_title(self.week_start))
        this_week = self.week_start == monday_of(dt.date.today())
        self.this_week_button.setEnabled(not this_week)
        if shifts:
            self.week_stack.setCurrentWidget(self.week_view)
            if keep is None or not self.week_view.select_shift(keep.id):
                self.week_view.select_first()
        else:
            filtered = site_id is not None or self.type_combo.currentData() is not None
            self.empty_title.setText(
                _("No shifts this week") + (_(" for this filter") if filtered else "")
            )
            self.week_stack.setCurrentWidget(self.empty_week)
        count = len(shifts)
        need = sum(1 for s in shifts if s.status == "open")
        over = sum(1 for s in shifts if s.status == "overbooked")
        summary = ngettext("{count} shift this week", "{count} shifts this week", count).format(
            count=count
        )
        if need:
            summary += " · " + ngettext(
                "{need} still needs people", "{need} still need people", need
            ).format(need=need)
        if over:
            summary += " · " + ngettext("{count} overbooked", "{count} overbooked", over).format(
                count=over
            )
        self.subtitle_label.setText(summary)
        self.subtitle_label.show()

    def step_week(self, weeks: int) -> None:
        self.show_week(self.week_start + dt.timedelta(weeks=weeks))

    def go_to_this_week(self) -> None:
        self.show_week(dt.date.today())
        self.week_view.setFocus()

    def show_shift(self, shift_id: str, open_details: bool = True) -> bool:
        """Show a shift's week with it selected (Today's attention items link here)."""

        self.ensure_loaded()
        try:
            shift = get_shift(self.store, shift_id)
        except NotFoundError:
            self.window_.show_notice(_("That shift was cancelled; it is no longer on the rota."))
            return False
        self.tabs.setCurrentWidget(self.week_tab)
        if self.site_combo.currentData() not in (None, shift.site_id):
            self.site_combo.setCurrentIndex(0)
        if self.type_combo.currentData() not in (None, shift.shift_type_id):
            self.type_combo.setCurrentIndex(0)
        self.show_week(to_datetime(shift.starts_at).date())
        self.week_view.select_shift(shift_id)
        self.week_view.setFocus()
        if open_details:
            self.open_details(shift_id)
        return True

    @property
    def add_dialog(self) -> ShiftEditDialog | None:
        """The form for a new shift, while it is open."""
        return cast("ShiftEditDialog | None", self.window_.dialogs.find(SHIFT_FORM))

    @property
    def template_dialog(self) -> TemplateDialog | None:
        """The form for a recurring shift, while it is open."""
        return cast("TemplateDialog | None", self.window_.dialogs.find(TEMPLATE_FORM))

    @property
    def details_dialog(self) -> ShiftDetailsDialog | None:
        """The open details of a shift, if any."""
        found = [
            d for d in self.window_.dialogs.open_dialogs() if isinstance(d, ShiftDetailsDialog)
        ]
        return found[-1] if found else None

    def open_details(self, shift_id: str) -> ShiftDetailsDialog:
        """A shift's details: one dialog per shift, raised if it is open already."""

        def make() -> ShiftDetailsDialog:
            dialog = ShiftDetailsDialog(self.window_, shift_id, self)
            dialog.finished.connect(self._details_closed)
            return dialog

        return self.window_.dialogs.open(SHIFT_DETAILS, make, key=shift_id)

    def _details_closed(self, _result: int) -> None:
        self.week_view.setFocus()

    def _open_add_dialog(self, day: dt.date) -> None:
        def make() -> ShiftEditDialog:
            dialog = ShiftEditDialog(
                self.window_, None, self, day=day, site_id=self.site_combo.currentData()
            )
            dialog.saved.connect(self._after_add)
            return dialog

        self.window_.dialogs.open(SHIFT_FORM, make)

    def _after_add(self, shift_id: str) -> None:
        self.show_shift(shift_id, open_details=False)

    # -- print ------------------------------------------------------------------------------

    def _rota_html(self) -> str:

        shifts = [shift for day in self.week_model.days for shift in day]
        filters = [
            combo.currentText()
            for combo in (self.site_combo, self.type_combo)
            if combo.currentData() is not None
        ]
        return rota_html(
            shifts, self.week_start, self.window_.identity.coop_name, " · ".join(filters)
        )

    def print_week(self) -> None:

        if print_rota(self, self._rota_html()):
            self.window_.show_notice(
                _("Sent the rota of {week_title} to print.").format(
                    week_title=week_title(self.week_start)
                )
            )

    def save_week_pdf(self) -> None:

        suggested = Path.home() / f"rota-{self.week_start.isoformat()}.pdf"
        path = dialogs.save_file_name(self, _("Save the rota as PDF"), suggested, _("PDF (*.pdf)"))
        if path is None:
            return
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        with dialogs.reported_errors(self) as outcome:
            saved = save_rota_pdf(path, self._rota_html(), default_name=suggested.name)
        if outcome.ok:
            self.window_.show_notice(_("Saved the rota as {saved}.").format(saved=saved))

    # -- my shifts --------------------------------------------------------------------------

    def load_my_shifts(self) -> None:

        self._my_stale = False
        member_id = self.session.member_id
        if member_id is None:
            self.my_model.set_shifts(None, [], [])
            self.my_title.setText("")
            self.my_empty.set_text(
                _("Who are you?"),
                _("Choose who you are to see your shifts."),
                _("Choose who I am (Ctrl+K)"),
            )
            self.my_stack.setCurrentWidget(self.my_empty)
            self.export_mine_button.setEnabled(False)
            return
        now = dt.datetime.now()
        today = dt.datetime.combine(now.date(), dt.time())
        upcoming = [
            s for s in my_shifts(self.store, member_id, today) if to_datetime(s.ends_at) >= now
        ]
        past = my_shifts(
            self.store, member_id, today - dt.timedelta(weeks=PAST_WEEKS_IN_MY_SHIFTS), now
        )
        past = [s for s in past if to_datetime(s.ends_at) < now]
        past.sort(key=lambda s: s.starts_at, reverse=True)
        self.my_model.set_shifts(member_id, upcoming, past)
        name = self.session.member_name or ""
        self.my_title.setText(
            ngettext(
                "{name}: {count} shift coming up", "{name}: {count} shifts coming up", len(upcoming)
            ).format(name=name, count=len(upcoming))
        )
        self.export_mine_button.setEnabled(True)
        if upcoming or past:
            self.my_stack.setCurrentWidget(self.my_table)
        else:
            self.my_empty.set_text(
                _("No shifts for you yet"),
                _("Find a shift that needs people in the week view and sign up."),
                _("Open the week"),
            )
            self.my_stack.setCurrentWidget(self.my_empty)

    def _my_empty_action(self) -> None:
        if self.session.member_id is None:
            self.window_.choose_member()
        else:
            self.tabs.setCurrentWidget(self.week_tab)
            self.week_view.setFocus()

    def _open_my_shift(self, index: QModelIndex) -> None:
        shift = self.my_model.shift_at(index.row())
        if shift is not None:
            self.open_details(shift.id)

    def calendar_choices(self) -> list[tuple[str, str, dict[str, str]]]:
        """The calendars offered besides one's own: (label, file name, export_ics filters)."""
        choices = [(_("All shifts"), "coop-shifts.ics", {})]
        active_sites = [site for site in sites(self.store) if not site["archived"]]
        if len(active_sites) > 1:
            choices += [
                (
                    _("Shifts at {site}").format(site=site["name"]),
                    f"shifts-at-{site['name']}.ics",
                    {"site_id": site["id"]},
                )
                for site in active_sites
            ]
        choices += [
            (
                _("{kind} shifts").format(kind=kind["title"]),
                f"{kind['title']}-shifts.ics",
                {"shift_type_id": kind["id"]},
            )
            for kind in shift_types(self.store)
        ]
        return choices

    def export_calendar(self, mine: bool) -> None:
        """Save shifts as an .ics file, on a worker thread (a year of shifts can be many).

        One's own calendar, or the coop's: all shifts, a site's or a shift type's.
        """

        member_id = self.session.member_id if mine else None
        if mine and member_id is None:
            self.window_.with_author(lambda _author: self.export_calendar(mine=True))
            return
        filters: dict[str, str] = {}
        name = "my-shifts.ics"
        if not mine:
            choices = self.calendar_choices()
            chosen = 0
            if len(choices) > 1:
                picked = dialogs.choose_item(
                    self,
                    _("Export a calendar"),
                    _("Which shifts should the calendar hold?"),
                    [label for label, _name, _filters in choices],
                )
                if picked is None:
                    return
                chosen = picked
            _label, name, filters = choices[chosen]
        path = dialogs.save_file_name(
            self,
            _("Export shifts to a calendar file"),
            Path.home() / safe_file_name(name),
            _("Calendar (*.ics)"),
        )
        if path is None:
            return
        if path.suffix.lower() != ".ics":
            path = path.with_suffix(".ics")
        today = dt.date.today()
        start = today - dt.timedelta(days=ICS_PAST_DAYS)
        end = today + dt.timedelta(days=ICS_FUTURE_DAYS)

        def work(store: Any, _progress: Any, _cancelled: Any) -> Written:

            return export_ics(store, path, member_id=member_id, start=start, end=end, **filters)

        def done(written: Written) -> None:
            self.last_export = written.path
            count = written.count
            self.window_.show_notice(
                ngettext(
                    "Saved {count} shift to {name}. Open it with a phone's or computer's "
                    "calendar to add them (importing it again later updates them, and "
                    "removes the cancelled ones).",
                    "Saved {count} shifts to {name}. Open it with a phone's or computer's "
                    "calendar to add them (importing it again later updates them, and "
                    "removes the cancelled ones).",
                    count,
                ).format(count=count, name=written.path.name)
            )

        self.export_task = run_store_task(self, self.store, _("Exporting shifts…"), work, done)

    # -- templates --------------------------------------------------------------------------

    def load_templates(self) -> None:

        self._templates_stale = False
        keep = self.selected_template()
        self.templates_model.set_rows(list_templates(self.store))
        if keep is not None:
            row = self.templates_model.row_where(lambda template: template["id"] == keep["id"])
            if row >= 0:
                self.templates_table.selectRow(row)
        templates = bool(self.templates_model.rows)
        self.templates_stack.setCurrentWidget(
            self.templates_table if templates else self.templates_empty
        )
        self.generate_button.setEnabled(templates)
        self._update_template_actions()

    def selected_template(self) -> dict[str, Any] | None:
        rows = self.templates_table.selectionModel().selectedRows()
        return self.templates_model.row_at(rows[0].row()) if rows else None

    def _update_template_actions(self) -> None:
        selected = self.selected_template() is not None
        self.edit_template_button.setEnabled(selected)
        self.archive_template_button.setEnabled(selected)

    def _open_template_dialog(self, template: dict[str, Any] | None) -> None:
        self.window_.dialogs.open(
            TEMPLATE_FORM, lambda: TemplateDialog(self.window_, template, self)
        )

    def add_template(self) -> None:
        self.window_.with_author(
            lambda _author: self._open_template_dialog(None), _("Choose who you are to add one.")
        )

    def edit_template(self) -> None:
        template = self.selected_template()
        if template is not None:
            self.window_.with_author(lambda _author: self._open_template_dialog(template))

    def archive_template(self) -> None:

        template = self.selected_template()
        if template is None:
            return
        title = template.get("title", "this template")

        def archive(author: str) -> None:
            question = _(
                "Archive the template {title}?\n\nNo new shifts are generated from it. "
                "Shifts already on the calendar stay, with their sign-ups; cancel them "
                "one by one if they should go too."
            ).format(title=title)
            if not dialogs.confirm(
                self,
                _("Archive template"),
                question,
                _("Archive {title}").format(title=title),
                _("Keep the template"),
            ):
                return
            with dialogs.reported_errors(self) as outcome:
                archive_template(self.store, author, template["id"])
            if outcome.ok:
                self.window_.show_notice(_("Archived the template {title}.").format(title=title))

        self.window_.with_author(archive)

    def generate(self) -> None:
        """Ask until when, then put every template's shifts on the calendar."""

        def make() -> GenerateDialog:
            dialog = GenerateDialog(self, dt.date.today() + dt.timedelta(weeks=GENERATE_WEEKS))
            dialog.accepted.connect(lambda: self.generate_until(dialog.until()))
            return dialog

        self.window_.dialogs.open("generate shifts", make)

    def generate_until(self, until: dt.date) -> None:
        """Generate from today up to ``until`` (included) on a worker thread."""

        start = dt.date.today()

        def run(author: str) -> None:
            def work(store: Any, _progress: Any, _cancelled: Any) -> int:

                return int(generate_shifts(store, author, start, until + dt.timedelta(days=1)))

            def done(count: int) -> None:
                self.window_.show_notice(
                    ngettext(
                        "Generated {count} shift up to {day}.",
                        "Generated {count} shifts up to {day}.",
                        count,
                    ).format(count=count, day=day_month_year_text(until))
                    if count
                    else _("Every template's shifts were already there up to {day}.").format(
                        day=day_month_year_text(until)
                    )
                )

            self.generate_task = run_store_task(
                self, self.store, _("Generating shifts…"), work, done
            )

        self.window_.with_author(run, _("Choose who you are to generate shifts."))
