"""Settling sync conflicts: two sites changed the same field; a person chooses in one click."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from coopdesk.coop import activity
from coopdesk.coop.members import add_member, get_member, update_member
from coopdesk.gui.coop.members_page import MembersPage
from coopdesk.gui.shell.main_window import MainWindow
from coopdesk.gui.sync import drives
from coopdesk.gui.sync.page import SyncPage
from coopdesk.sync.conflicts import list_conflicts
from tests.sync_helpers import Federation


@pytest.fixture
def fed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Kitchen and Warehouse both changed Tomás's phone before syncing; Kitchen has both."""
    monkeypatch.setattr(drives, "scan_drives", list)
    federation = Federation.create(tmp_path / "coop", ["Kitchen", "Warehouse"])
    tomas = add_member(federation["Kitchen"], federation.ana, "Tomás Ruiz", phone="555 0100")
    federation.sync_all()
    update_member(federation["Kitchen"], federation.ana, tomas, phone="555 0101")
    update_member(federation["Warehouse"], federation.ana, tomas, phone="555 0199")
    federation.deliver(federation.export("Warehouse"), "Kitchen")
    federation.tomas = tomas  # type: ignore[attr-defined]
    yield federation
    federation.close()


@pytest.fixture
def page(qtbot, fed) -> SyncPage:
    window = MainWindow(
        fed["Kitchen"], member_id=fed.ana, ask_for_member=False, remember_layout=False
    )
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    window.show_conflicts()
    sync_page = window.pages["sync"]
    assert isinstance(sync_page, SyncPage)
    return sync_page


def listed(page: SyncPage) -> list[str]:
    model = page.conflicts_model
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def test_a_conflict_is_listed_in_words(page, fed):
    assert page.tabs.currentWidget() is page.conflicts_tab
    assert page.tabs.tabText(page.tabs.currentIndex()) == "&Conflicts (1)"  # Alt+C
    phone = get_member(fed["Kitchen"], fed.tomas)["phone"]
    other = "555 0199" if phone == "555 0101" else "555 0101"
    # The value set aside is usually the other site's; it may be this site's own.
    source = "Warehouse (Ana" if other == "555 0199" else "Kitchen (this site; Ana"
    assert listed(page) == [f"Tomás Ruiz · Phone: now {phone}; {source}, just now) said {other}"]
    assert page.use_other_button.isEnabled() and page.keep_button.isEnabled()
    assert f"Now: {phone}" in page.conflict_detail.text()


def test_use_the_other_value_settles_it_everywhere_on_screen(qtbot, page, fed):
    store = fed["Kitchen"]
    other = list_conflicts(store)[0].other_value
    members = page.window_.go_to("members")
    assert isinstance(members, MembersPage)
    page.window_.go_to("sync")

    qtbot.mouseClick(page.use_other_button, Qt.MouseButton.LeftButton)

    assert get_member(store, fed.tomas)["phone"] == other
    assert listed(page) == []
    assert page.conflicts_stack.currentWidget() is page.conflicts_empty
    # Said of what this site has received, not claimed for sites that may not have synced.
    assert page.conflicts_empty.title_label.text() == "No conflicts in what this site has received."
    assert page.conflicts_empty.text_label.text().startswith("Every other site has sent a bundle")
    assert page.tabs.tabText(page.tabs.indexOf(page.conflicts_tab)) == "&Conflicts"
    assert f"Phone is now {other}" in page.window_.notice_label.text()
    assert activity.recent_changes(store, 1)[0].author_id == fed.ana  # an ordinary, signed change
    page.window_.go_to("members")
    members.select_member(fed.tomas)
    assert members.selected_member()["phone"] == other


def test_keep_current_settles_it_and_keeps_the_value(qtbot, page, fed):
    store = fed["Kitchen"]
    current = get_member(store, fed.tomas)["phone"]
    qtbot.mouseClick(page.keep_button, Qt.MouseButton.LeftButton)
    assert get_member(store, fed.tomas)["phone"] == current
    assert list_conflicts(store) == []
    assert listed(page) == []


def test_the_choice_travels_to_the_other_site(qtbot, page, fed):
    qtbot.mouseClick(page.use_other_button, Qt.MouseButton.LeftButton)
    chosen = get_member(fed["Kitchen"], fed.tomas)["phone"]
    fed.deliver(fed.export("Kitchen"), "Warehouse")
    assert get_member(fed["Warehouse"], fed.tomas)["phone"] == chosen
    assert list_conflicts(fed["Warehouse"]) == []


def test_no_conflicts_names_the_sites_not_heard_from(qtbot, store, ana, monkeypatch):
    """ "Every site agrees" was claimed before the other sites had ever synced."""
    from coopdesk.coop import add_site
    from tests.gui_helpers import open_window

    monkeypatch.setattr(drives, "scan_drives", list)
    add_site(store, ana, "Garden")
    page = open_window(qtbot, store, ana).go_to("sync")
    assert isinstance(page, SyncPage)
    assert page.conflicts_stack.currentWidget() is page.conflicts_empty
    assert page.conflicts_empty.title_label.text() == "No conflicts in what this site has received."
    assert page.conflicts_empty.text_label.text().startswith("Not heard from yet: Garden.")
