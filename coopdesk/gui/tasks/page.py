"""The Tasks page: a board and a list of tasks, and the recurring chores that make tasks.

Board and list show the same tasks through one ``TaskQuery`` filter (who, where, which
role, overdue, words); the list adds a status filter, the board has a column per status.
Anyone may add, move and finish tasks: shared work needs no mandate. Every change goes
through the core as the member at the keyboard; the hub then reloads what changed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coopdesk.base.errors import CoopDeskError
from coopdesk.base.i18n import N_, _, ngettext
from coopdesk.base.text import day_text, names_text, term_length_text
from coopdesk.coop import active_members, sites
from coopdesk.gui.kit import dialogs
from coopdesk.gui.kit.list_model import ListModel
from coopdesk.gui.kit.mandate_gate import gate, refusal
from coopdesk.gui.kit.page import Page
from coopdesk.gui.kit.widgets import (
    EmptyState,
    fit_columns,
    follow_selection,
    muted,
    scaled_font,
    selected_row,
    table_view,
)
from coopdesk.gui.tasks.board import DONE_SHOWN, STATUSES, TaskBoard, TaskListModel
from coopdesk.gui.tasks.dialogs import ChoreDialog, ChoreTasksDialog, TaskDialog
from coopdesk.roles import active_roles
from coopdesk.tasks import chores
from coopdesk.tasks import tasks as tasklist
from coopdesk.tasks.tasks import STATUS_LABELS, TaskQuery

if TYPE_CHECKING:
    from coopdesk.gui.shell.main_window import MainWindow

ME = "__me__"  # the assignee filter's "Me": whoever is at the keyboard
TASK_FORM, CHORE_FORM, CHORE_TASKS = "task form", "chore form", "chore tasks"


def next_due(chore: dict[str, Any], today: dt.date) -> dt.date:
    """The chore's first turn on or after ``today``."""
    start = dt.date.fromisoformat(str(chore["starts_on"]))
    if today <= start:
        return start
    every = int(chore["every_days"])
    turns = -(-(today - start).days // every)
    return start + dt.timedelta(days=turns * every)


class ChoresModel(ListModel[dict[str, Any]]):
    """The coop's chores with who takes turns and whose turn is next (a short list)."""

    columns = (
        N_("Chore"),
        N_("How often"),
        N_("Next one goes to"),
        N_("Next turn"),
        N_("Who takes turns"),
    )

    def display(self, row: dict[str, Any], column: int) -> str:
        return (
            row["title"],
            "Every " + term_length_text(int(row["every_days"])).removeprefix("1 "),
            chores.STRATEGY_LABELS.get(row["strategy"], row["strategy"]).capitalize(),
            f"{day_text(row['next_due'])}: {row['next_name'] or 'nobody'}",
            names_text(row["member_names"]),
        )[column]

    def cell_data(self, row: dict[str, Any], column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and row["notes"]:
            return row["notes"]
        return None


class TasksPage(Page):
    tables = frozenset({"task", "chore", "member", "site", "role", "role_member", "leave"})
    keys = (
        (N_("Left / Right"), N_("The board's next / previous column")),
        (N_("Ctrl+Right / Ctrl+Left"), N_("Move the card to the next / previous column")),
        (N_("Enter"), N_("Open the task")),
        (N_("Delete"), N_("Archive the selected task")),
    )

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, _("Tasks"))
        self.list_model = TaskListModel(self.store, parent=self)
        self.chores_model = ChoresModel(self)
        self.member_choices: list[tuple[str, str]] = []
        self.site_choices: list[tuple[str, str]] = []
        self.role_choices: list[tuple[str, str]] = []

        # The chores' next turns walk each chore's history since it began: they are worked
        # out when their tab is in front, not on every load of the board.
        self._chores_due = True
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_tasks_tab(), _("&Tasks"))
        self.tabs.addTab(self._build_chores_tab(), _("C&hores"))
        self.tabs.currentChanged.connect(self._tab_changed)
        self._show_view()
        self.layout_.addWidget(self.tabs, 1)

    # -- building ---------------------------------------------------------------------------

    def _build_tasks_tab(self) -> QWidget:
        self.board_button = QPushButton(_("&Board"))
        self.list_button = QPushButton(_("&List"))
        self.view_group = QButtonGroup(self)
        for button in (self.board_button, self.list_button):
            button.setCheckable(True)
            self.view_group.addButton(button)
        self.board_button.setChecked(True)
        self.board_button.setToolTip(_("Cards in three columns: drag them, or Ctrl+Right / Left"))
        self.list_button.setToolTip(_("A table of tasks, with a status filter"))
        self.view_group.buttonClicked.connect(lambda _b: self._show_view())

        self.add_button = QPushButton(_("Add a task…"))
        self.add_button.setToolTip(_("Add a task (Ctrl+N)"))
        self.add_button.clicked.connect(self.add_new)
        self.edit_button = QPushButton(_("Open…"))
        self.edit_button.setToolTip(_("Open the selected task (Enter)"))
        self.edit_button.clicked.connect(self.edit_selected)
        self.move_button = QPushButton(_("Move to"))
        self.move_button.setToolTip(
            _("Move the selected task to another column (Ctrl+Right / Left)")
        )
        self.move_menu = QMenu(self.move_button)
        self.move_actions: dict[str, QAction] = {}
        for status in STATUSES:
            action = self.move_menu.addAction(_(STATUS_LABELS[status]))
            action.triggered.connect(lambda _c=False, s=status: self.move_selected(s))
            self.move_actions[status] = action
        self.move_button.setMenu(self.move_menu)
        self.archive_button = QPushButton(_("Archive…"))
        self.archive_button.setToolTip(_("Archive the selected task (Delete)"))
        self.archive_button.clicked.connect(self.archive_selected)
        actions = QHBoxLayout()
        actions.addWidget(self.board_button)
        actions.addWidget(self.list_button)
        actions.addSpacing(16)
        actions.addWidget(self.add_button)
        actions.addWidget(self.edit_button)
        actions.addWidget(self.move_button)
        actions.addWidget(self.archive_button)
        actions.addStretch(1)

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(_("Search titles and notes  (Ctrl+F)"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(lambda _t: self._filter_changed())
        self.status_combo = QComboBox()
        self.status_combo.addItem(_("Any status"), None)
        for status, label in STATUS_LABELS.items():
            self.status_combo.addItem(_(label), status)
        self.status_combo.setToolTip(_("Which tasks the list shows (the board has a column each)"))
        self.assignee_combo = QComboBox()
        self.site_combo = QComboBox()
        self.role_combo = QComboBox()
        for combo in (self.status_combo, self.assignee_combo, self.site_combo, self.role_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(lambda _i: self._filter_changed())
        self.overdue_check = QCheckBox(_("Overdue only"))
        self.overdue_check.toggled.connect(lambda _on: self._filter_changed())
        filters = QHBoxLayout()
        filters.addWidget(self.search_edit, 1)
        for widget in (
            self.status_combo,
            self.assignee_combo,
            self.site_combo,
            self.role_combo,
            self.overdue_check,
        ):
            filters.addWidget(widget)

        self.board = TaskBoard()
        self.board.move_requested.connect(self.move_task)
        self.board.open_requested.connect(self.open_task)
        for column in self.board.columns.values():
            column.itemSelectionChanged.connect(self._update_actions)
            column.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            column.customContextMenuRequested.connect(
                lambda point, c=column: self._card_menu(c, point)
            )
        self.table = table_view(self.list_model, stretch_last=False)
        # The title takes the spare width and keeps at least 220 px (titles were cut to 15
        # characters at 1024 wide); the other columns give up space first.
        self.column_fit = fit_columns(
            self.table,
            ((220, 220), (80, 60), (140, 90), (210, 100), (75, 60), (110, 80), (120, 80)),
            stretch=0,
        )
        self.table.activated.connect(lambda _index: self.edit_selected())
        follow_selection(self.table, self._update_actions)
        self.list_empty = EmptyState(on_action=self._clear_filters)
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.list_empty)
        self.views = QStackedWidget()
        self.views.addWidget(self.board)
        self.views.addWidget(self.list_stack)
        for widget in [self.table, *self.board.columns.values()]:
            shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), widget)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.archive_selected)

        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(actions)
        layout.addLayout(filters)
        layout.addWidget(self.views, 1)
        return tab

    def _build_chores_tab(self) -> QWidget:
        explanation = muted(
            QLabel(
                _(
                    "Chores come back every so often and pass between the members who take turns. "
                    "Create their tasks ahead; each goes to the member whose turn it is."
                )
            )
        )
        explanation.setWordWrap(True)
        self.add_chore_button = QPushButton(_("Add a chore…"))
        self.add_chore_button.clicked.connect(self.add_chore)
        self.make_tasks_button = QPushButton(_("Create chore tasks until…"))
        self.make_tasks_button.setToolTip(_("Each chore's turns up to a day become tasks"))
        self.make_tasks_button.clicked.connect(self.create_chore_tasks)
        self.archive_chore_button = QPushButton(_("Archive chore…"))
        self.archive_chore_button.clicked.connect(self.archive_chore)
        tools = QHBoxLayout()
        tools.addWidget(self.add_chore_button)
        tools.addWidget(self.make_tasks_button)
        tools.addWidget(self.archive_chore_button)
        tools.addStretch(1)
        self.chores_table = table_view(self.chores_model)
        header = self.chores_table.horizontalHeader()
        for column, width in enumerate((200, 110, 200, 210)):
            header.resizeSection(column, width)
        follow_selection(self.chores_table, self._show_chore_history)
        history_title = QLabel(_("Turns so far"))
        history_title.setFont(scaled_font(self, 1.05, bold=True))
        self.history_label = QLabel()
        self.history_label.setTextFormat(Qt.TextFormat.PlainText)
        self.history_label.setWordWrap(True)
        self.history_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # Twelve turns and the tally, in a longer language, on a 600-pixel screen: they
        # scroll in their pane instead of being cut at its bottom.
        history_scroll = QScrollArea()
        history_scroll.setWidgetResizable(True)
        history_scroll.setFrameShape(QFrame.Shape.NoFrame)
        history_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        history_scroll.setWidget(self.history_label)
        history_scroll.setAccessibleName(_("Turns so far"))  # it takes the arrow keys
        history = QWidget()
        history_layout = QVBoxLayout(history)
        history_layout.setContentsMargins(0, 6, 0, 0)
        history_layout.addWidget(history_title)
        history_layout.addWidget(history_scroll, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(self.chores_table)
        split.addWidget(history)
        split.setSizes([260, 200])
        self.chores_empty = EmptyState(
            _("No chores yet"),
            _(
                "A chore comes back every week or so: clean the cold room, take out the compost. "
                "CoopDesk gives each turn to the member whose turn it is."
            ),
            _("Add a chore"),
            on_action=self.add_chore,
        )
        self.chores_stack = QStackedWidget()
        self.chores_stack.addWidget(split)
        self.chores_stack.addWidget(self.chores_empty)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(explanation)
        layout.addLayout(tools)
        layout.addWidget(self.chores_stack, 1)
        return tab

    # -- Page -------------------------------------------------------------------------------

    def load(self) -> None:
        self._load_choices()
        self._load_tasks()
        self._chores_due = True
        self._load_chores_if_shown()
        self._update_actions()

    def _tab_changed(self, _index: int) -> None:
        self._load_chores_if_shown()
        self._update_actions()

    def _load_chores_if_shown(self) -> None:
        if self.loaded and self._chores_due and self.tabs.currentIndex() == 1:
            self._chores_due = False
            self._load_chores()

    def focus_search(self) -> bool:
        self.tabs.setCurrentIndex(0)
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()
        return True

    def add_new(self) -> bool:
        if self.tabs.currentIndex() == 1:
            self.add_chore()
        else:
            self.window_.with_author(lambda _author: self._open_task_dialog(None))
        return True

    def member_changed(self, member_id: str | None) -> None:
        if self.loaded and self.assignee_combo.currentData() == ME:
            self._filter_changed()
        self._update_actions()

    # -- filters ----------------------------------------------------------------------------

    def _load_choices(self) -> None:
        self.member_choices = [(row["id"], row["name"]) for row in active_members(self.store)]
        self.site_choices = [
            (row["id"], row["name"]) for row in sites(self.store) if not row["archived"]
        ]
        self.role_choices = [(row["id"], row["name"]) for row in active_roles(self.store)]
        self._refill(self.assignee_combo, _("Anyone"), [(ME, _("Me")), *self.member_choices])
        self._refill(self.site_combo, _("Every site"), self.site_choices)
        self._refill(self.role_combo, _("Any role"), self.role_choices)
        self.role_combo.setVisible(bool(self.role_choices) or self.role_combo.currentIndex() > 0)
        self.site_combo.setVisible(len(self.site_choices) > 1)

    @staticmethod
    def _refill(combo: QComboBox, any_label: str, choices: list[tuple[str, str]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(any_label, None)
        for value, label in choices:
            combo.addItem(label, value)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)

    def query(self) -> TaskQuery:
        """The filter both views share (the list adds its status filter)."""
        assignee = self.assignee_combo.currentData()
        if assignee == ME:
            assignee = self.session.member_id or "-nobody-"
        return TaskQuery(
            assignee_id=assignee,
            site_id=self.site_combo.currentData(),
            role_id=self.role_combo.currentData(),
            search=self.search_edit.text().strip(),
            overdue_only=self.overdue_check.isChecked(),
        )

    def _filter_changed(self) -> None:
        if self.loaded:
            self._load_tasks()
            self._update_actions()

    def _clear_filters(self) -> None:
        for combo in (self.status_combo, self.assignee_combo, self.site_combo, self.role_combo):
            combo.setCurrentIndex(0)
        self.overdue_check.setChecked(False)
        self.search_edit.clear()

    def _show_view(self) -> None:
        board = self.board_button.isChecked()
        self.views.setCurrentIndex(0 if board else 1)
        self.status_combo.setVisible(not board)
        self._update_actions()

    def show_list(self) -> None:
        self.list_button.setChecked(True)
        self._show_view()

    def show_overdue(self) -> None:
        """The list of every overdue task (Today's "Show overdue")."""
        self.tabs.setCurrentIndex(0)
        self._clear_filters()
        self.overdue_check.setChecked(True)
        self.show_list()

    def board_shown(self) -> bool:
        return self.views.currentIndex() == 0

    # -- loading ----------------------------------------------------------------------------

    def _load_tasks(self) -> None:
        query = self.query()
        today = dt.date.today()
        open_tasks = tasklist.list_tasks(self.store, replace(query, include_done=False))
        done, done_total = tasklist.latest_done_tasks(self.store, query, DONE_SHOWN)
        self.board.set_tasks(open_tasks + done, done_total=done_total)
        self.list_model.query = replace(query, status=self.status_combo.currentData())
        self.list_model.refresh()
        self._update_list_empty()
        overdue = sum(1 for t in open_tasks if t["overdue"])
        if query == TaskQuery():
            text = ngettext("{count} open task", "{count} open tasks", len(open_tasks)).format(
                count=len(open_tasks)
            )
        else:
            text = ngettext(
                "{count} open task matches", "{count} open tasks match", len(open_tasks)
            ).format(count=len(open_tasks))
        if overdue:
            text += " · " + _("{count} overdue").format(count=overdue)
        self.subtitle_label.setText(text + f" · {day_text(today)}")
        self.subtitle_label.show()

    def _update_list_empty(self) -> None:
        if self.list_model.rowCount():
            self.list_stack.setCurrentWidget(self.table)
            return
        filtered = replace(self.list_model.query, today=None) != TaskQuery()
        if filtered:
            self.list_empty.set_text(
                _("No tasks match"), _("Change the filters, or clear them."), _("Clear filters")
            )
        else:
            self.list_empty.set_text(
                _("No tasks yet"), _("Add what needs doing, and who takes it on."), ""
            )
        self.list_stack.setCurrentWidget(self.list_empty)

    def _load_chores(self) -> None:
        kept = self.selected_chore()
        today = dt.date.today()
        names = dict(self.member_choices)
        rows = chores.list_chores(self.store)
        for row in rows:
            row["next_due"] = next_due(row, today)
            assignee = chores.next_assignee(self.store, row["id"], row["next_due"])
            row["next_name"] = names.get(assignee or "", "")
            row["member_names"] = [names.get(m, "") for m in row["member_ids"]]
        self.chores_model.set_rows(rows)
        self.chores_stack.setCurrentIndex(0 if rows else 1)
        if rows:
            ids = [row["id"] for row in rows]
            self.chores_table.selectRow(ids.index(kept["id"]) if kept and kept["id"] in ids else 0)
        self._show_chore_history()

    # -- selection --------------------------------------------------------------------------

    def selected_task_id(self) -> str | None:
        if self.board_shown():
            return self.board.selected_task_id()
        task_id = self.list_model.id_at(selected_row(self.table))
        return None if task_id is None else str(task_id)

    def selected_chore(self) -> dict[str, Any] | None:
        return self.chores_model.row_at(selected_row(self.chores_table))

    def _update_actions(self) -> None:
        task_id = self.selected_task_id()
        # Another member's task is theirs to move, or a holder's of the "tasks" mandate when a
        # role carries it: say who may up front; the core refuses anyway.
        member = self.session.member_id
        task = self.store.get("task", task_id) if task_id else None
        theirs = bool(task and task["assignee_id"] and task["assignee_id"] != member)
        refused = refusal(self.store, member, "tasks") if theirs else ""
        for button in (self.edit_button, self.move_button, self.archive_button):
            gate(button, task_id is not None, refused)
        status = self._status_of(task_id) if task_id else None
        for value, action in self.move_actions.items():
            action.setEnabled(value != status)
        self.archive_chore_button.setEnabled(self.selected_chore() is not None)

    def _status_of(self, task_id: str) -> str | None:
        row = self.store.get("task", task_id)
        return row["status"] if row else None

    def _card_menu(self, column: Any, point: Any) -> None:
        item = column.itemAt(point)
        if item is None:
            return
        column.setCurrentItem(item)
        menu = QMenu(self)
        menu.addAction(_("Open…"), self.edit_selected)
        move = menu.addMenu(_("Move to"))
        for status in STATUSES:
            action = move.addAction(_(STATUS_LABELS[status]))
            action.setEnabled(status != column.status)
            action.triggered.connect(lambda _c=False, s=status: self.move_selected(s))
        menu.addSeparator()
        menu.addAction(_("Archive…"), self.archive_selected)
        menu.exec(column.viewport().mapToGlobal(point))

    # -- task changes -----------------------------------------------------------------------

    def move_task(self, task_id: str, status: str) -> None:
        """Move a card (from the board, the keyboard or "Move to"), then keep it selected."""

        def move(author: str) -> None:
            with dialogs.reported_errors(self) as outcome:
                task = tasklist.get_task(self.store, task_id)
                tasklist.move_task(self.store, author, task_id, status)
            if not outcome.ok:
                return
            if self.board_shown():
                focus = self.board.focused_status() is not None
                self.board.select_task(task_id, focus=focus or self.board.isVisible())
            self._update_actions()
            previous = task["status"]
            self.window_.show_notice(
                _("“{title}” moved to {value}.").format(
                    title=task["title"], value=_(STATUS_LABELS[status])
                ),
                undo=lambda: self.move_task(task_id, previous),
            )

        self.window_.with_author(move, _("Choose who you are before moving a task."))

    def move_selected(self, status: str) -> None:
        task_id = self.selected_task_id()
        if task_id is not None:
            self.move_task(task_id, status)

    def open_task(self, task_id: str) -> None:
        self.window_.with_author(
            lambda _author: self._open_task_dialog(tasklist.get_task(self.store, task_id))
        )

    def edit_selected(self) -> None:
        task_id = self.selected_task_id()
        if task_id is not None:
            self.open_task(task_id)

    @property
    def dialog(self) -> QDialog | None:
        """The page's form (a task or a chore), while one is open."""
        found = [self.window_.dialogs.find(kind) for kind in (TASK_FORM, CHORE_FORM, CHORE_TASKS)]
        return next((dialog for dialog in found if dialog is not None), None)

    def _open_task_dialog(self, task: dict[str, Any] | None) -> None:
        task_id = task["id"] if task else None

        def save(values: dict[str, Any]) -> str:
            author = self.session.member_id
            if author is None:
                raise CoopDeskError(_("Nobody is at the keyboard: choose who you are (Ctrl+K)."))
            if task_id is None:
                title = values.pop("title")
                return tasklist.add_task(self.store, author, title, **values)
            tasklist.edit_task(self.store, author, task_id, **values)
            return task_id

        defaults = {
            "assignee_id": self.assignee_combo.currentData()
            if self.assignee_combo.currentData() != ME
            else self.session.member_id,
            "site_id": self.site_combo.currentData(),
            "role_id": self.role_combo.currentData(),
        }

        def make() -> TaskDialog:
            dialog = TaskDialog(
                self.member_choices,
                self.site_choices,
                self.role_choices,
                save,
                task,
                defaults=defaults,
                parent=self,
            )
            dialog.saved.connect(lambda saved_id: self._after_task_saved(saved_id, task is None))
            return dialog

        self.window_.dialogs.open(TASK_FORM, make)

    def _after_task_saved(self, task_id: str, added: bool) -> None:
        task = tasklist.get_task(self.store, task_id)
        self.window_.show_notice(
            _("Added “{title}”.").format(title=task["title"]) if added else _("Saved the task.")
        )
        if self.board_shown():
            self.board.select_task(task_id, focus=True)
        else:
            row = self.list_model.row_of(task_id)
            if row >= 0:
                self.table.selectRow(row)

    def archive_selected(self) -> None:
        task_id = self.selected_task_id()
        if task_id is None:
            return

        def archive(author: str) -> None:
            task = tasklist.get_task(self.store, task_id)
            question = _(
                "Archive the task “{title}”?\n\nIt leaves the board and the list. "
                "Nothing is deleted: Undo brings it back."
            ).format(title=task["title"])
            if not dialogs.confirm(
                self, _("Archive task"), question, _("Archive task"), _("Keep the task")
            ):
                return
            with dialogs.reported_errors(self) as outcome:
                tasklist.archive_task(self.store, author, task_id)
            if outcome.ok:
                self.window_.show_notice(
                    _("Archived “{title}”.").format(title=task["title"]),
                    undo=lambda: self._restore_task(task_id),
                )

        self.window_.with_author(archive)

    def _restore_task(self, task_id: str) -> None:
        def restore(author: str) -> None:
            with dialogs.reported_errors(self) as outcome:
                tasklist.restore_task(self.store, author, task_id)
            if outcome.ok:
                self.window_.show_notice(_("Restored the task."))

        self.window_.with_author(restore)

    # -- chores -----------------------------------------------------------------------------

    def _show_chore_history(self) -> None:
        chore = self.selected_chore()
        self._update_actions()
        if chore is None:
            self.history_label.clear()
            return
        turns = [t for t in chores.chore_history(self.store, chore["id"]) if not t["archived"]]
        if not turns:
            self.history_label.setText(
                _("No turns yet. The first is due {day}, for {value}.").format(
                    day=day_text(chore["next_due"]), value=chore["next_name"] or _("nobody")
                )
            )
            return
        lines = []
        for turn in turns[-12:]:
            due = day_text(dt.date.fromisoformat(turn["due_on"]))
            if turn["status"] == "done":
                who = turn["done_by_name"] or turn["assignee_name"] or _("someone")
                lines.append(_("{due}: done by {who}").format(due=due, who=who))
            else:
                state = _(STATUS_LABELS[turn["status"]]).lower()
                lines.append(
                    _("{due}: {who} ({state})").format(
                        due=due, who=turn["assignee_name"] or _("nobody"), state=state
                    )
                )
        counts = chores.done_counts(self.store, chore["id"])
        names = dict(self.member_choices)
        tally = ", ".join(
            f"{names.get(m, '?')} {n}" for m, n in sorted(counts.items(), key=lambda kv: -kv[1])
        )
        self.history_label.setText(
            "\n".join(lines) + (_("\n\nDone so far: {tally}.").format(tally=tally) if tally else "")
        )

    def add_chore(self) -> None:
        def open_dialog(_author: str) -> None:
            def save(values: dict[str, Any]) -> str:
                author = self.session.member_id
                if author is None:
                    raise CoopDeskError(
                        _("Nobody is at the keyboard: choose who you are (Ctrl+K).")
                    )
                title = values.pop("title")
                return chores.add_chore(self.store, author, title, **values)

            def make() -> ChoreDialog:
                dialog = ChoreDialog(
                    self.member_choices, self.site_choices, self.role_choices, save, parent=self
                )
                dialog.saved.connect(lambda _id: self.window_.show_notice(_("Added the chore.")))
                return dialog

            self.window_.dialogs.open(CHORE_FORM, make)

        self.tabs.setCurrentIndex(1)
        self.window_.with_author(open_dialog, _("Choose who you are before adding a chore."))

    def create_chore_tasks(self) -> None:
        def open_dialog(_author: str) -> None:
            def save(values: dict[str, Any]) -> int:
                author = self.session.member_id
                if author is None:
                    raise CoopDeskError(
                        _("Nobody is at the keyboard: choose who you are (Ctrl+K).")
                    )
                return chores.generate_chore_tasks(self.store, author, values["until"])

            def make() -> ChoreTasksDialog:
                dialog = ChoreTasksDialog(save, parent=self)
                dialog.saved.connect(self._after_chore_tasks)
                return dialog

            self.window_.dialogs.open(CHORE_TASKS, make)

        self.window_.with_author(open_dialog, _("Choose who you are before creating tasks."))

    def _after_chore_tasks(self, made: int) -> None:
        self.window_.show_notice(
            ngettext("Created {made} chore task.", "Created {made} chore tasks.", made).format(
                made=made
            )
            if made
            else _("Every turn up to that day already has its task.")
        )

    def archive_chore(self) -> None:
        chore = self.selected_chore()
        if chore is None:
            return

        def archive(author: str) -> None:
            question = _(
                "Archive the chore “{title}”?\n\nNo more turns are planned. Its tasks, "
                "done and open, stay on the board."
            ).format(title=chore["title"])
            if not dialogs.confirm(
                self, _("Archive chore"), question, _("Archive chore"), _("Keep the chore")
            ):
                return
            with dialogs.reported_errors(self) as outcome:
                chores.archive_chore(self.store, author, chore["id"])
            if outcome.ok:
                self.window_.show_notice(
                    _("Archived the chore “{title}”.").format(title=chore["title"])
                )

        self.window_.with_author(archive)
