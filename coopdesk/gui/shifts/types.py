"""Shift types: the kinds of shift a coop runs ("Shop opening", "Tuesday meal").

A type holds what its shifts have in common (title, description, site, skills, people needed,
length); the add-shift and template dialogs offer the types and fill those in. The *Types* tab
of the Shifts page lists them and adds, edits or archives one through
coopdesk/shift_templates.py as the member at the keyboard. Archiving a type only stops it
being offered: shifts and templates made from it keep their details.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from coopdesk.base.i18n import N_, _
from coopdesk.gui.kit import dialogs
from coopdesk.gui.kit.form_dialog import FormDialog
from coopdesk.gui.kit.list_model import ListModel
from coopdesk.gui.kit.widgets import EmptyState, follow_selection, table_view
from coopdesk.gui.shifts.dialogs import fill_site_combo
from coopdesk.shifts.templates import (
    add_shift_type,
    archive_shift_type,
    edit_shift_type,
    list_shift_types,
)

if TYPE_CHECKING:
    from coopdesk.gui.shell.main_window import MainWindow

TYPE_FORM = "shift type form"


def length_text(minutes: int) -> str:
    """ "3 h", "1 h 30" """
    return f"{minutes // 60} h {minutes % 60:02d}" if minutes % 60 else f"{minutes // 60} h"


def skills_from_text(text: str) -> list[str]:
    return [skill.strip() for skill in text.split(",") if skill.strip()]


class ShiftTypeDialog(FormDialog):
    """Add or edit one shift type. Only changed fields are written when editing."""

    def __init__(
        self, window: MainWindow, shift_type: dict[str, Any] | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            _("Edit shift type") if shift_type else _("Add a shift type"), None, parent or window
        )
        self.window_ = window
        self.store = window.store
        self.shift_type = shift_type
        self.setMinimumWidth(440)
        get = (shift_type or {}).get

        self.title_edit = QLineEdit(get("title", ""))
        self.title_edit.setPlaceholderText(_("e.g. Shop opening"))
        self.title_edit.setMaxLength(120)
        self.description_edit = QPlainTextEdit(get("description", "") or "")
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setFixedHeight(self.fontMetrics().height() * 4)
        self.site_combo = QComboBox()
        fill_site_combo(self.site_combo, self.store, get("site_id"), _("Any site"))
        self.skills_edit = QLineEdit(", ".join(get("skills", []) or []))
        self.skills_edit.setPlaceholderText(_("e.g. food safety, till (comma between skills)"))
        self.capacity_spin = QSpinBox()
        self.capacity_spin.setRange(1, 1000)
        self.capacity_spin.setValue(int(get("capacity", 2) or 2))
        self.duration_spin = QSpinBox()
        self.duration_spin.setRange(5, 1440)
        self.duration_spin.setSingleStep(15)
        self.duration_spin.setSuffix(_(" minutes"))
        self.duration_spin.setValue(int(get("duration_minutes", 180) or 180))

        form = QFormLayout()
        form.addRow(_("&Title"), self.title_edit)
        form.addRow(_("&Description"), self.description_edit)
        form.addRow(_("&Site"), self.site_combo)
        form.addRow(_("S&kills needed"), self.skills_edit)
        form.addRow(_("&People needed"), self.capacity_spin)
        form.addRow(_("&Length"), self.duration_spin)
        self.save_button = self.ok_button
        self.field_for_error = {"Title": self.title_edit, "People needed": self.capacity_spin}
        self.lay_out(form)

    def values(self) -> dict[str, Any]:
        return {
            "title": self.title_edit.text().strip(),
            "description": self.description_edit.toPlainText().strip(),
            "site_id": self.site_combo.currentData(),
            "skills": skills_from_text(self.skills_edit.text()),
            "capacity": self.capacity_spin.value(),
            "duration_minutes": self.duration_spin.value(),
        }

    def changed_fields(self) -> dict[str, Any]:
        values = self.values()
        if self.shift_type is None:
            return values
        get = self.shift_type.get
        before = {
            "title": get("title") or "",
            "description": get("description") or "",
            "site_id": get("site_id") or None,
            "skills": list(get("skills") or []),
            "capacity": int(get("capacity") or 2),
            "duration_minutes": int(get("duration_minutes") or 180),
        }
        values_cmp = {**values, "skills": sorted(values["skills"])}
        before["skills"] = sorted(before["skills"])  # the store keeps tags sorted
        return {key: values[key] for key in values if values_cmp[key] != before[key]}

    def accept(self) -> None:
        self.save()

    def save(self) -> None:
        values = self.values()
        if not values["title"]:
            self.show_error(_("Give the type a title, e.g. “Shop opening”."))
            self.title_edit.setFocus()
            return
        changed = self.changed_fields()
        if self.shift_type is not None and not changed:
            self.finish(self.shift_type["id"])
            return

        def write(author: str) -> str:
            if self.shift_type is None:
                return add_shift_type(self.store, author, **values)
            edit_shift_type(self.store, author, self.shift_type["id"], **changed)
            return self.shift_type["id"]

        def run(author: str) -> None:
            ok, type_id = self.attempt(lambda: write(author))
            if ok:
                verb = _("Added") if self.shift_type is None else _("Saved")
                self.window_.show_notice(
                    _("{verb} the shift type {title}.").format(verb=verb, title=values["title"])
                )
                self.finish(type_id)

        self.window_.with_author(run, _("Choose who you are to add or change shift types."))


class ShiftTypesModel(ListModel[dict[str, Any]]):
    """The active shift types (a coop has a handful)."""

    columns = (N_("Title"), N_("Length"), N_("People"), N_("Site"), N_("Skills"), N_("Description"))

    def display(self, shift_type: dict[str, Any], column: int) -> str:
        return (
            shift_type["title"],
            length_text(int(shift_type["duration_minutes"] or 0)),
            str(shift_type["capacity"]),
            shift_type["site_name"] or _("Any site"),
            ", ".join(shift_type["skills"]) or "—",
            (shift_type["description"] or "").replace("\n", " "),
        )[column]


class ShiftTypesTab(QWidget):
    """The Types tab: every active shift type, with Add, Edit and Archive."""

    def __init__(self, window: MainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.window_ = window
        self.store = window.store

        self.model = ShiftTypesModel(self)
        self.table = table_view(self.model)
        self.table.setAccessibleName(_("Shift types"))
        header = self.table.horizontalHeader()
        for column, width in enumerate((180, 70, 70, 120, 160)):
            header.resizeSection(column, width)
        self.table.activated.connect(lambda _index: self.edit_selected())
        follow_selection(self.table, self._update_actions)

        self.add_button = QPushButton(_("Add type…"))
        self.add_button.setToolTip(
            _("A kind of shift the coop runs, reused by shifts and templates")
        )
        self.add_button.clicked.connect(self.add)
        self.edit_button = QPushButton(_("Edit…"))
        self.edit_button.clicked.connect(self.edit_selected)
        self.archive_button = QPushButton(_("Archive…"))
        self.archive_button.setToolTip(_("Stop offering this type (its shifts stay)"))
        self.archive_button.clicked.connect(self.archive_selected)
        self.tools = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.archive_button):
            self.tools.addWidget(button)
        self.tools.addStretch(1)

        self.empty = EmptyState(
            _("No shift types yet"),
            _(
                "A shift type is a kind of shift the coop runs, such as “Shop opening” for three "
                "people, three hours. Adding a shift or a template then fills in its details."
            ),
            _("Add a type…"),
            self.add,
        )
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(self.tools)
        layout.addWidget(self.stack, 1)

    def load(self) -> None:

        keep = self.selected_type()
        self.model.set_rows(list_shift_types(self.store))
        if keep is not None:
            self.select_type(keep["id"])
        self.stack.setCurrentWidget(self.table if self.model.rows else self.empty)
        self._update_actions()

    def selected_type(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_type(self, type_id: str) -> bool:
        row = self.model.row_where(lambda shift_type: shift_type["id"] == type_id)
        if row >= 0:
            self.table.selectRow(row)
        return row >= 0

    def _update_actions(self) -> None:
        selected = self.selected_type() is not None
        self.edit_button.setEnabled(selected)
        self.archive_button.setEnabled(selected)

    @property
    def dialog(self) -> ShiftTypeDialog | None:
        """The shift type form, while it is open."""
        return cast("ShiftTypeDialog | None", self.window_.dialogs.find(TYPE_FORM))

    def _open_dialog(self, shift_type: dict[str, Any] | None) -> None:
        def make() -> ShiftTypeDialog:
            dialog = ShiftTypeDialog(self.window_, shift_type, self)
            dialog.saved.connect(self._after_save)
            return dialog

        self.window_.dialogs.open(TYPE_FORM, make)

    def _after_save(self, type_id: str) -> None:
        self.load()
        self.select_type(type_id)

    def add(self) -> None:
        self.window_.with_author(
            lambda _author: self._open_dialog(None), _("Choose who you are to add a shift type.")
        )

    def edit_selected(self) -> None:
        shift_type = self.selected_type()
        if shift_type is not None:
            self.window_.with_author(lambda _author: self._open_dialog(shift_type))

    def archive_selected(self) -> None:

        shift_type = self.selected_type()
        if shift_type is None:
            return
        title = shift_type["title"]

        def archive(author: str) -> None:
            question = _(
                "Archive the shift type {title}?\n\nIt is no longer offered for new "
                "shifts and templates. Shifts and templates already made from it stay as "
                "they are."
            ).format(title=title)
            if not dialogs.confirm(
                self,
                _("Archive shift type"),
                question,
                _("Archive {title}").format(title=title),
                _("Keep the type"),
            ):
                return
            with dialogs.reported_errors(self) as outcome:
                archive_shift_type(self.store, author, shift_type["id"])
            if outcome.ok:
                self.window_.show_notice(_("Archived the shift type {title}.").format(title=title))
                self.load()

        self.window_.with_author(archive)
