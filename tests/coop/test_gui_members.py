"""The Members page: add, find, sort, edit, archive and restore, as a person would."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from coopdesk.coop import activity
from coopdesk.coop.members import add_member, count_members, find_member
from coopdesk.gui.coop.member_model import MemberTableModel
from coopdesk.gui.coop.members_page import MembersPage
from coopdesk.gui.kit import dialogs
from coopdesk.gui.kit.hub import StoreHub
from coopdesk.gui.shell.main_window import MainWindow
from coopdesk.store.changes import Changes
from tests.gui_helpers import open_window


@pytest.fixture
def window(qtbot, store, ana) -> MainWindow:
    """The main window with Ana at the keyboard, on screen and active."""
    return open_window(qtbot, store, ana)


@pytest.fixture
def page(window) -> MembersPage:
    members = window.go_to("members")
    assert isinstance(members, MembersPage)
    return members


@pytest.fixture
def confirmations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Accept every confirmation, remembering what was asked."""
    asked: list[str] = []

    def accept(parent, title, text, action_label, cancel_label) -> bool:
        asked.append(text)
        return True

    monkeypatch.setattr(dialogs, "confirm", accept)
    return asked


def names_shown(page: MembersPage) -> list[str]:
    model = page.model
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def fill_member_dialog(qtbot, page: MembersPage, name: str, email: str = "", skills: str = ""):
    dialog = page.member_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.name_edit, name)
    if email:
        qtbot.keyClicks(dialog.email_edit, email)
    if skills:
        qtbot.keyClicks(dialog.skills_edit, skills)
    return dialog


def test_add_a_member_through_the_dialog_and_find_them_by_search(qtbot, store, ana, page):
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    # (QTest can only type ASCII; accents are covered by the search test below.)
    dialog = fill_member_dialog(qtbot, page, "Joana Reis", "joana@example.org", "driving, baking")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert not dialog.isVisible()
    joana = find_member(store, "Joana Reis")
    assert joana is not None
    assert joana["email"] == "joana@example.org"
    assert joana["skills"] == ["baking", "driving"]
    assert joana["home_site_id"] == store.site_id  # this site, unless chosen otherwise
    assert (
        activity.recent_changes(store, 1)[0].author_id == ana
    )  # signed by the member at the keyboard
    assert names_shown(page) == ["Ana", "Joana Reis"]  # the list refreshed by itself
    assert page.selected_member()["id"] == joana["id"]  # and selects the new member
    assert "Added Joana Reis" in page.window_.notice_label.text()

    qtbot.keyClicks(page.search_edit, "joana re")
    assert names_shown(page) == ["Joana Reis"]
    page.search_edit.clear()
    qtbot.keyClicks(page.search_edit, "baking")
    assert names_shown(page) == ["Joana Reis"]


def test_search_ignores_case_and_accents_and_filters_as_you_type(qtbot, store, ana, page):
    add_member(store, ana, "Tomás García", email="tomas@example.org")
    add_member(store, ana, "Lucía Fernández", phone="+1 555 777 1234")
    qtbot.keyClicks(page.search_edit, "LUCIA")
    assert names_shown(page) == ["Lucía Fernández"]
    page.search_edit.clear()
    qtbot.keyClicks(page.search_edit, "garc")
    assert names_shown(page) == ["Tomás García"]
    page.search_edit.clear()
    qtbot.keyClicks(page.search_edit, "777")
    assert names_shown(page) == ["Lucía Fernández"]


def test_ctrl_n_opens_the_form_and_enter_saves_it(qtbot, store, window, page):
    qtbot.keyClick(page.search_edit, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = fill_member_dialog(qtbot, page, "Priya Khan")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert find_member(store, "Priya Khan") is not None


def test_an_invalid_email_is_explained_and_nothing_is_written(qtbot, store, page):
    changes_before = activity.count_changes(store)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = fill_member_dialog(qtbot, page, "Li Wei", "li.wei-at-example.org")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible()  # stays open, nothing typed is lost
    assert "does not look like an email address" in dialog.error_label.text()
    assert dialog.error_label.isVisible()
    assert dialog.focusWidget() is dialog.email_edit
    assert dialog.name_edit.text() == "Li Wei"
    assert activity.count_changes(store) == changes_before
    assert count_members(store) == 1

    dialog.email_edit.clear()
    qtbot.keyClicks(dialog.email_edit, "li.wei@example.org")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert find_member(store, "Li Wei")["email"] == "li.wei@example.org"


def test_clicking_a_header_sorts_in_sql_and_again_reverses(qtbot, store, ana, page):
    add_member(store, ana, "Zoe Adams", email="a@example.org")
    add_member(store, ana, "Bea Brown", email="z@example.org")
    add_member(store, ana, "Carl Cole", email="m@example.org")
    assert names_shown(page) == ["Ana", "Bea Brown", "Carl Cole", "Zoe Adams"]

    header = page.table.horizontalHeader()
    email_x = header.sectionViewportPosition(1) + header.sectionSize(1) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=_point(email_x, 5))
    assert page.model.query.sort == "email"
    # Ana has no email: empty text sorts first.
    assert names_shown(page) == ["Ana", "Zoe Adams", "Carl Cole", "Bea Brown"]

    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=_point(email_x, 5))
    assert page.model.query.descending is True
    assert names_shown(page) == ["Bea Brown", "Carl Cole", "Zoe Adams", "Ana"]


def _point(x: int, y: int):
    from PySide6.QtCore import QPoint

    return QPoint(x, y)


def test_enter_edits_the_selected_member_and_keeps_them_selected(qtbot, store, ana, page):
    tomas = add_member(store, ana, "Tomás García")
    assert page.select_member(tomas)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dialog = page.member_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.name_edit.text() == "Tomás García"
    qtbot.keyClicks(dialog.phone_edit, "+1 555 010 2030")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert find_member(store, "Tomás García")["phone"] == "+1 555 010 2030"
    assert page.selected_member()["id"] == tomas
    assert page.model.index(page.model.row_of(tomas), 2).data() == "+1 555 010 2030"


def test_archive_asks_first_moves_to_archived_and_undo_restores(
    qtbot, store, ana, page, window, confirmations
):
    tomas = add_member(store, ana, "Tomás García")
    assert page.select_member(tomas)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)

    assert len(confirmations) == 1 and "Archive Tomás García?" in confirmations[0]
    assert store.get("member", tomas)["archived"] is True
    assert names_shown(page) == ["Ana"]
    assert window.undo_button.isVisible()

    page.status_combo.setCurrentIndex(page.status_combo.findData("archived"))
    assert names_shown(page) == ["Tomás García"]
    assert page.restore_button.isVisible()

    qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)
    assert store.get("member", tomas)["archived"] is False
    assert names_shown(page) == []
    assert page.empty_state.title_label.text() == "No archived members"
    assert not window.undo_button.isVisible()


def test_declining_the_confirmation_archives_nothing(qtbot, store, ana, page, monkeypatch):
    monkeypatch.setattr(dialogs, "confirm", lambda *args: False)
    tomas = add_member(store, ana, "Tomás García")
    page.select_member(tomas)
    qtbot.mouseClick(page.archive_button, Qt.MouseButton.LeftButton)
    assert store.get("member", tomas)["archived"] is False
    assert names_shown(page) == ["Ana", "Tomás García"]


def test_restore_button_brings_back_an_archived_member(qtbot, store, ana, page, confirmations):
    tomas = add_member(store, ana, "Tomás García")
    page.select_member(tomas)
    page.archive_selected()
    page.status_combo.setCurrentIndex(page.status_combo.findData("all"))
    assert page.select_member(tomas)
    assert page.restore_button.isEnabled() and not page.archive_button.isEnabled()
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    assert store.get("member", tomas)["archived"] is False
    assert "Restored Tomás García" in page.window_.notice_label.text()


def test_empty_states_say_what_is_missing(qtbot, store, ana, page):
    qtbot.keyClicks(page.search_edit, "xyz")
    assert page.results.currentWidget() is page.empty_state
    assert page.empty_state.title_label.text() == "No members match “xyz”"
    qtbot.mouseClick(page.empty_state.action_button, Qt.MouseButton.LeftButton)  # Clear search
    assert page.search_edit.text() == ""
    assert page.results.currentWidget() is page.table

    page.status_combo.setCurrentIndex(page.status_combo.findData("archived"))
    assert page.empty_state.title_label.text() == "No archived members"


def test_a_change_from_elsewhere_refreshes_the_list_but_others_do_not(qtbot, store, ana, page):
    resets: list[int] = []
    page.model.modelReset.connect(lambda: resets.append(1))
    add_member(store, ana, "Noor Begum")  # e.g. the command line, same store
    assert names_shown(page) == ["Ana", "Noor Begum"]
    assert len(resets) == 1
    StoreHub.for_store(store).announce(Changes.of({"shift"}))  # not a table the list shows
    assert len(resets) == 1


def test_ctrl_f_focuses_the_search(qtbot, window, page):
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search_edit.hasFocus()


def test_lazy_model_counts_5000_members_without_reading_them(qtbot, store, ana):
    with store.transaction(ana) as tx:
        for number in range(5000):
            tx.insert("member", {"name": f"Member {number:05d}", "email": f"m{number}@example.org"})
    model = MemberTableModel(store)
    model.refresh()
    assert model.rowCount() == 5001
    assert model.fetched_rows == 0  # only the ids were read

    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)
    assert model.index(0, 0).data() == "Ana"
    assert 0 < model.fetched_rows <= model.page_size  # one page for what is on screen

    assert model.index(4321, 0).data() == "Member 04320"  # a jump far down reads its page only
    assert model.fetched_rows <= 2 * model.page_size
    assert model.row_of(model.id_at(4321)) == 4321


def test_at_1024_by_600_every_column_stays_in_view(qtbot, store, ana):
    """Balance and Status slid off the right edge on a small screen: others shrink first."""
    from tests.gui_helpers import open_window

    window = open_window(qtbot, store, ana)
    window.resize(1024, 600)
    page = window.go_to("members")
    qtbot.waitUntil(lambda: page.table.viewport().width() < 900)
    qtbot.wait(10)
    header = page.table.horizontalHeader()
    last = page.model.columnCount() - 1
    right_edge = header.sectionPosition(last) + header.sectionSize(last)
    assert right_edge <= page.table.viewport().width()
    assert header.sectionSize(0) >= 150  # the name stays readable
    assert header.sectionSize(last) >= 130  # "Shift status" whole
    window.resize(1600, 900)
    qtbot.waitUntil(lambda: header.sectionSize(1) == 220)  # room again: the wanted widths


def test_a_mouse_click_on_a_row_enables_its_buttons(qtbot, store, ana, page):
    """Clicking a row did nothing: the handler read the selection before the press set it."""
    from coopdesk.coop.members import add_member

    add_member(store, ana, "Tomás Ruiz")
    page.load()
    page.table.clearSelection()
    page.table.setCurrentIndex(page.model.index(-1, -1))
    page._update_actions()
    assert not page.edit_button.isEnabled()
    rect = page.table.visualRect(page.model.index(1, 0))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.selected_member()["name"] == "Tomás Ruiz"
    for button in (page.edit_button, page.archive_button, page.leave_button):
        assert button.isEnabled(), button.text()


@pytest.mark.parametrize("section", ["members", "tasks"])
def test_esc_on_an_edited_form_asks_before_dropping_it(qtbot, window, monkeypatch, section):
    """Esc on an edited member or task form threw the edits away without a word."""
    from PySide6.QtWidgets import QApplication, QLineEdit

    from coopdesk.gui.kit import dialogs

    answers: list[bool] = []
    asked: list[str] = []

    def confirm(_parent, title, _text, action, keep) -> bool:
        asked.append(f"{title}: {action} / {keep}")
        return answers.pop(0)

    monkeypatch.setattr(dialogs, "confirm", confirm)
    page = window.go_to(section)
    assert page.add_new()
    form = QApplication.activeModalWidget()
    field = next(f for f in form.findChildren(QLineEdit) if f.isVisible() and f.isEnabled())
    qtbot.keyClicks(field, "Half-typed")
    answers.append(False)  # "Keep editing"
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert form.isVisible() and field.text().endswith("Half-typed")
    answers.append(True)  # "Discard changes"
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert not form.isVisible()
    assert asked == ["Discard your changes?: Discard changes / Keep editing"] * 2
