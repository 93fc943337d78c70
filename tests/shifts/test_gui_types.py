"""Shift types in the window: the Types tab of the Shifts page, and the dialogs that offer them."""

from __future__ import annotations

import pytest

from coopdesk.gui.kit import dialogs
from coopdesk.gui.shifts.dialogs import ShiftEditDialog, TemplateDialog
from coopdesk.gui.shifts.types import ShiftTypeDialog, skills_from_text
from coopdesk.shifts import templates as st
from tests.gui_helpers import open_window


@pytest.fixture
def confirm_yes(monkeypatch) -> None:
    monkeypatch.setattr(dialogs, "confirm", lambda *args: True)


def types_tab(qtbot, store, member_id):
    window = open_window(qtbot, store, member_id)
    page = window.go_to("shifts")
    page.tabs.setCurrentWidget(page.types_tab)
    return window, page, page.types_tab


def test_skills_are_split_on_commas():
    assert skills_from_text(" food safety, till ,,") == ["food safety", "till"]


def test_add_a_type_from_the_types_tab(qtbot, store, ana):
    window, _page, tab = types_tab(qtbot, store, ana)
    assert tab.stack.currentWidget() is tab.empty
    tab.add_button.click()
    dialog = window.findChild(ShiftTypeDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.save_button.click()  # no title: refused in words
    assert "title" in dialog.error_label.text() and st.list_shift_types(store) == []

    dialog.title_edit.setText("Shop opening")
    dialog.skills_edit.setText("till, food safety")
    dialog.capacity_spin.setValue(3)
    dialog.duration_spin.setValue(150)
    dialog.save_button.click()

    (saved,) = st.list_shift_types(store)
    assert (saved["title"], saved["capacity"], saved["duration_minutes"]) == (
        "Shop opening",
        3,
        150,
    )
    assert saved["skills"] == ["food safety", "till"]
    assert tab.stack.currentWidget() is tab.table
    assert tab.model.index(0, 0).data() == "Shop opening"
    assert tab.model.index(0, 1).data() == "2 h 30"
    assert tab.selected_type()["id"] == saved["id"]


def test_edit_writes_only_the_changed_fields(qtbot, store, ana):
    type_id = st.add_shift_type(store, ana, title="Meal", capacity=4, skills=["cooking"])
    window, _page, tab = types_tab(qtbot, store, ana)
    assert tab.select_type(type_id)
    tab.edit_button.click()
    dialog = window.findChild(ShiftTypeDialog)
    assert dialog.changed_fields() == {}
    dialog.skills_edit.setText("cooking ")
    dialog.capacity_spin.setValue(6)
    assert dialog.changed_fields() == {"capacity": 6}
    dialog.save_button.click()
    assert st.list_shift_types(store)[0]["capacity"] == 6
    assert tab.model.index(0, 2).data() == "6"


def test_archive_a_type(qtbot, store, ana, confirm_yes):
    type_id = st.add_shift_type(store, ana, title="Meal")
    _window, _page, tab = types_tab(qtbot, store, ana)
    tab.select_type(type_id)
    tab.archive_button.click()
    assert st.list_shift_types(store) == []
    assert tab.stack.currentWidget() is tab.empty


def test_ctrl_n_on_the_types_tab_adds_a_type(qtbot, store, ana):
    window, _page, _tab = types_tab(qtbot, store, ana)
    window.new_action.trigger()
    dialog = window.findChild(ShiftTypeDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.reject()


def test_the_shift_and_template_dialogs_offer_the_types(qtbot, store, ana):
    type_id = st.add_shift_type(store, ana, title="Shop opening", capacity=3)
    window = open_window(qtbot, store, ana)
    for dialog in (ShiftEditDialog(window), TemplateDialog(window, None)):
        qtbot.addWidget(dialog)
        assert dialog.type_combo.findData(type_id) > 0
    shift_dialog = ShiftEditDialog(window)
    qtbot.addWidget(shift_dialog)
    shift_dialog.type_combo.setCurrentIndex(shift_dialog.type_combo.findData(type_id))
    assert shift_dialog.title_edit.text() == "Shop opening"
    assert shift_dialog.capacity_spin.value() == 3
