"""The Tasks page: the board (keyboard and drop moves), the filtered list, chores, Today."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from coopdesk.coop.members import add_member
from coopdesk.gui.tasks.dialogs import ChoreTasksDialog, TaskDialog
from coopdesk.gui.tasks.page import TasksPage
from coopdesk.tasks import chores
from coopdesk.tasks import tasks as tasklist
from tests.gui_helpers import open_window

TODAY = dt.date.today()


@pytest.fixture
def people(store, ana) -> dict[str, str]:
    return {
        "Ana": ana,
        "Tomás": add_member(store, ana, "Tomás"),
        "Mei": add_member(store, ana, "Mei"),
    }


@pytest.fixture
def tasks(store, ana, people) -> dict[str, str]:
    return {
        "oats": tasklist.add_task(
            store, ana, "Order oat flakes", assignee_id=ana, due_on=TODAY + dt.timedelta(days=3)
        ),
        "door": tasklist.add_task(
            store,
            ana,
            "Fix the cold room door",
            assignee_id=people["Tomás"],
            due_on=TODAY - dt.timedelta(days=2),
            priority=3,
        ),
        "sign": tasklist.add_task(store, ana, "Repaint the sign", notes="green, like the door"),
    }


@pytest.fixture
def page(qtbot, store, ana, tasks) -> TasksPage:
    window = open_window(qtbot, store, ana)
    shown = window.go_to("tasks")
    assert isinstance(shown, TasksPage)
    return shown


def status(store, task_id: str) -> str:
    return store.get("task", task_id)["status"]


def test_the_board_has_a_column_per_status(page, tasks):
    todo = page.board.columns["todo"]
    assert set(todo.task_ids()) == set(tasks.values())
    assert page.board.columns["doing"].count() == 0
    assert page.board.columns["done"].count() == 0


def test_ctrl_arrows_move_the_selected_card_between_columns(qtbot, store, page, tasks):
    board = page.board
    assert board.select_task(tasks["oats"], focus=True)
    todo = board.columns["todo"]

    qtbot.keyClick(todo, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert status(store, tasks["oats"]) == "doing"
    doing = board.columns["doing"]
    assert doing.task_ids() == [tasks["oats"]]
    assert doing.selected_task_id() == tasks["oats"]  # the card stays selected: move it again

    qtbot.keyClick(doing, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert status(store, tasks["oats"]) == "done"
    assert store.get("task", tasks["oats"])["done_by"] == page.session.member_id

    done = board.columns["done"]
    qtbot.keyClick(done, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)  # no 4th column
    assert status(store, tasks["oats"]) == "done"
    qtbot.keyClick(done, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert status(store, tasks["oats"]) == "doing"
    assert store.get("task", tasks["oats"])["done_by"] is None


def test_move_to_and_undo(store, page, tasks):
    page.board.select_task(tasks["sign"])
    page.move_actions["done"].trigger()
    assert status(store, tasks["sign"]) == "done"
    page.window_.undo()
    assert status(store, tasks["sign"]) == "todo"


def test_a_card_dropped_on_another_column_moves_there(qtbot, store, page, tasks):
    page.board.columns["doing"].drop_task(tasks["door"])
    qtbot.waitUntil(lambda: status(store, tasks["door"]) == "doing")
    assert page.board.columns["doing"].task_ids() == [tasks["door"]]


def test_enter_opens_the_card(qtbot, page, tasks):
    page.board.select_task(tasks["door"], focus=True)
    qtbot.keyClick(page.board.columns["todo"], Qt.Key.Key_Return)
    dialog = page.dialog
    assert isinstance(dialog, TaskDialog) and dialog.isVisible()
    assert dialog.title_edit.text() == "Fix the cold room door"
    dialog.title_edit.setText("Fix the cold room door hinge")
    dialog.accept()
    assert tasklist.get_task(page.store, tasks["door"])["title"] == "Fix the cold room door hinge"


def test_adding_a_task_needs_a_title(page, store):
    page.add_new()
    dialog = page.dialog
    assert isinstance(dialog, TaskDialog)
    before = tasklist.count_tasks(store)
    dialog.accept()  # no title: the core's message shows, nothing is written
    assert dialog.isVisible() and "Title" in dialog.error_label.text()
    assert tasklist.count_tasks(store) == before


def list_titles(page: TasksPage) -> list[str]:
    model = page.list_model
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def test_the_list_filters(qtbot, store, page, people, tasks):
    tasklist.move_task(store, people["Ana"], tasks["sign"], "done")
    page.show_list()
    assert page.views.currentWidget() is page.list_stack
    assert len(list_titles(page)) == 3

    page.status_combo.setCurrentIndex(page.status_combo.findData("done"))
    assert list_titles(page) == ["Repaint the sign"]
    page.status_combo.setCurrentIndex(0)

    page.assignee_combo.setCurrentIndex(page.assignee_combo.findData(people["Tomás"]))
    assert list_titles(page) == ["Fix the cold room door"]
    page.assignee_combo.setCurrentIndex(page.assignee_combo.findData("__me__"))
    assert list_titles(page) == ["Order oat flakes"]
    page.assignee_combo.setCurrentIndex(0)

    page.overdue_check.setChecked(True)
    assert list_titles(page) == ["Fix the cold room door"]
    page.overdue_check.setChecked(False)

    qtbot.keyClicks(page.search_edit, "green")  # notes are searched too
    assert list_titles(page) == ["Repaint the sign"]
    qtbot.keyClicks(page.search_edit, "zzz")
    assert page.list_stack.currentWidget() is page.list_empty
    page.list_empty.action_button.click()  # "Clear filters"
    assert len(list_titles(page)) == 3


def test_chores_show_the_next_turn_and_make_tasks(qtbot, store, ana, people, page):
    chore = chores.add_chore(
        store,
        ana,
        "Sweep the yard",
        every_days=7,
        strategy="round-robin",
        member_ids=[people["Mei"], people["Tomás"]],
        starts_on=TODAY,
    )
    page.tabs.setCurrentIndex(1)
    row = page.chores_model.rows[0]
    first = row["next_name"]
    second = ({"Mei", "Tomás"} - {first}).pop()  # round-robin between the two
    names = {people["Mei"]: "Mei", people["Tomás"]: "Tomás"}
    assert row["id"] == chore and first == names[chores.next_assignee(store, chore, TODAY)]
    assert page.chores_model.index(0, 3).data().endswith(f": {first}")

    page.create_chore_tasks()
    dialog = page.dialog
    assert isinstance(dialog, ChoreTasksDialog)
    dialog.set_until(TODAY + dt.timedelta(days=7))
    dialog.accept()
    made = tasklist.list_tasks(store, tasklist.TaskQuery(search="sweep"))
    assert [(t["due_on"], t["assignee_name"]) for t in made] == [
        (TODAY.isoformat(), first),
        ((TODAY + dt.timedelta(days=7)).isoformat(), second),
    ]
    assert "Created 2 chore tasks" in page.window_.notice_label.text()


def test_today_shows_my_tasks_and_overdue_ones(qtbot, store, ana, tasks):
    window = open_window(qtbot, store, ana)
    today = window.go_to("today")
    panels = {panel.title_label.text(): panel for panel in today.panels}
    assert "Order oat flakes" in panels["My tasks"].text_label.text()
    assert "Fix the cold room door" not in panels["My tasks"].text_label.text()  # Tomás's
    assert "1 overdue task: Fix the cold room door (Tomás)." in today.attention_text()
    assert "No roles yet" in panels["Roles now"].text_label.text()


def test_the_chore_form_labels_show_no_stray_ampersand(qtbot, page):
    """ "&How often" labelled a layout, which has no buddy: the "&" showed as itself."""
    from PySide6.QtWidgets import QLabel

    page.add_chore()
    dialog = page.dialog
    assert dialog is not None and dialog.windowTitle() == "Add a chore"
    labels = [label for label in dialog.findChildren(QLabel) if "&" in label.text()]
    assert labels and all(label.buddy() is not None for label in labels)
    assert any(label.text() == "&How often" for label in labels)
    dialog.reject()


def test_task_titles_keep_their_width_on_a_small_screen(qtbot, store, ana):
    """The list cut titles to 15 characters at 1024 wide."""
    from coopdesk.tasks import add_task
    from tests.gui_helpers import open_window

    add_task(store, ana, "Take the compost to the allotment on Saturday morning", assignee_id=ana)
    window = open_window(qtbot, store, ana)
    window.resize(1024, 600)
    page = window.go_to("tasks")
    qtbot.mouseClick(page.list_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(page.table.isVisible)
    qtbot.wait(10)
    header = page.table.horizontalHeader()
    assert header.sectionSize(0) >= 220
    last = page.list_model.columnCount() - 1
    assert header.sectionPosition(last) + header.sectionSize(last) <= page.table.viewport().width()


def test_a_date_typed_that_the_field_cannot_take_is_said_not_swapped(qtbot, store, page):
    """ "31" typed as a day of February silently became the 3rd."""
    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QDateTimeEdit

    page.add_new()
    dialog = page.dialog
    dialog.title_edit.setText("Order flour")
    dialog.due_check.setChecked(True)
    dialog.due_edit.setDate(QDate(2030, 2, 10))
    dialog.due_edit.setFocus()
    dialog.due_edit.setCurrentSection(QDateTimeEdit.Section.DaySection)
    qtbot.keyClicks(dialog.due_edit, "31")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()  # not saved with a date nobody typed
    shown = dialog.due_edit.date().toString("yyyy-MM-dd")
    assert shown != "2030-02-31"
    message = dialog.error_label.text()
    assert f"could not take “31” as typed: it is now {dialog.due_edit.text()}" in message
    assert not store.query("SELECT * FROM task WHERE title = 'Order flour'")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)  # seen: saved as shown
    assert [row["due_on"] for row in store.query(
        "SELECT due_on FROM task WHERE title = 'Order flour'"
    )] == [shown]  # fmt: skip


def test_anothers_task_is_the_mandate_holders_to_move(qtbot, store, ana, people, page, tasks):
    """Where a role carries the "tasks" mandate, the buttons say so before the core refuses."""
    from coopdesk.roles.roles import add_role

    add_role(
        store,
        ana,
        "Coordinator",
        term_days=14,
        member_ids=[ana],
        starts_on=TODAY,
        mandates=("tasks",),
    )
    page.session.set_member(people["Mei"])
    assert page.board.select_task(tasks["door"], focus=True)  # Tomás's task
    for button in (page.move_button, page.archive_button, page.edit_button):
        assert not button.isEnabled()
        assert "Only this term's Coordinator" in button.toolTip()
    assert page.board.select_task(tasks["sign"], focus=True)  # nobody's: anyone's to move
    assert page.move_button.isEnabled() and page.archive_button.isEnabled()
    page.session.set_member(ana)  # the holder
    assert page.board.select_task(tasks["door"], focus=True)
    assert page.move_button.isEnabled() and page.archive_button.isEnabled()
