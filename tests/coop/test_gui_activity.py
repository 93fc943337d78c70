"""The Activity page: the change log in words, newest first, paged as you scroll."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from coopdesk.coop.members import add_member, update_member
from coopdesk.gui.coop.activity_page import ActivityModel, ActivityPage
from coopdesk.gui.shell.main_window import MainWindow
from tests.gui_helpers import open_window


@pytest.fixture
def window(qtbot, store, ana) -> MainWindow:
    return open_window(qtbot, store, ana)


def row_texts(model: ActivityModel, row: int) -> list[str]:
    return [model.index(row, column).data() for column in range(model.columnCount())]


def test_adding_a_member_appears_on_top_of_the_activity(qtbot, store, ana, window):
    page = window.go_to("activity")
    assert isinstance(page, ActivityPage)
    before = page.model.rowCount()

    members = window.go_to("members")
    qtbot.mouseClick(members.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(members.member_dialog.name_edit, "Tomas Silva")
    qtbot.mouseClick(members.member_dialog.save_button, Qt.MouseButton.LeftButton)
    window.go_to("activity")

    assert page.model.rowCount() == before + 1
    when, who, what, site = row_texts(page.model, 0)
    assert (who, what, site) == ("Ana", "added member Tomas Silva", "Kitchen")
    assert when == "just now"
    assert page.model.item(0).sentence().startswith("Ana added member Tomas Silva · site Kitchen")


def test_the_visible_page_updates_itself_and_names_changed_fields(qtbot, store, ana, window):
    page = window.go_to("activity")
    tomas = add_member(store, ana, "Tomás")
    update_member(store, ana, tomas, email="tomas@example.org", phone="555")
    assert row_texts(page.model, 0)[1:3] == ["Ana", "changed member Tomás (email, phone)"]
    assert row_texts(page.model, 1)[1:3] == ["Ana", "added member Tomás"]
    assert "5 changes in all" in page.subtitle_label.text()


def test_a_hidden_page_catches_up_when_shown(qtbot, store, ana, window):
    page = window.go_to("activity")
    window.go_to("today")
    add_member(store, ana, "Noor")
    assert page.stale  # not reloaded while nobody looks at it
    window.go_to("activity")
    assert row_texts(page.model, 0)[2] == "added member Noor"


def test_a_long_log_is_read_a_page_at_a_time(qtbot, store, ana):
    with store.transaction(ana) as tx:
        for number in range(450):
            tx.insert("member", {"name": f"Member {number:03d}"})
    model = ActivityModel(store, page_size=200)
    model.refresh()
    assert model.rowCount() == 200  # not the whole log
    assert model.fetched_rows == 200
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 400
    model.fetchMore()
    assert model.rowCount() == 453  # 450 + the coop, site and Ana
    assert not model.canFetchMore()
    lsns = [model.item(row).lsn for row in range(model.rowCount())]
    assert lsns == sorted(lsns, reverse=True) and len(set(lsns)) == len(lsns)
