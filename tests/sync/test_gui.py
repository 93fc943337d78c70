"""The Sync page: export to a USB stick, import through the preview, refusals, backups, invites.

Two real sites (tests/sync_helpers.py) exchange real bundle files; the window is driven as a
person would: click the buttons, read what the page says. File pickers and confirmations
are replaced through ``dialogs`` and ``drives`` (they would block, or see this computer's
real USB sticks).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from coopdesk.coop.members import add_member, find_member
from coopdesk.gui.coop.members_page import MembersPage
from coopdesk.gui.kit import dialogs
from coopdesk.gui.sync import drives
from coopdesk.gui.sync.drives import Drive
from coopdesk.gui.sync.page import SyncPage
from coopdesk.store import hlc
from coopdesk.store.dump import dump_json
from coopdesk.sync import backups
from coopdesk.sync.importing import preview_bundle
from coopdesk.sync.invite import read_invitation
from tests.gui_helpers import open_window
from tests.sync_helpers import Federation

TASK_TIMEOUT_MS = 30_000


@pytest.fixture
def fed(tmp_path: Path):
    federation = Federation.create(tmp_path / "coop", ["Kitchen", "Warehouse"])
    yield federation
    federation.close()


@pytest.fixture
def usb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Drive:
    """A USB stick called COOPSTICK, plugged in for the whole test."""
    root = tmp_path / "COOPSTICK"
    root.mkdir()
    drive = Drive(root, "COOPSTICK", 8_000_000_000)
    monkeypatch.setattr(drives, "scan_drives", lambda: [drive])
    return drive


@pytest.fixture
def no_usb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drives, "scan_drives", list)


@pytest.fixture
def confirmations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []

    def accept(parent, title, text, action_label, cancel_label) -> bool:
        asked.append(text)
        return True

    monkeypatch.setattr(dialogs, "confirm", accept)
    return asked


@pytest.fixture
def kitchen(qtbot, fed, no_usb) -> SyncPage:
    """The Sync page at Kitchen, with Ana at the keyboard and no USB stick plugged in."""
    window = open_window(qtbot, fed["Kitchen"], fed.ana)
    page = window.go_to("sync")
    assert isinstance(page, SyncPage)
    return page


def wait_for_task(qtbot, page: SyncPage) -> None:
    qtbot.waitUntil(lambda: page.task is None, timeout=TASK_TIMEOUT_MS)


def pick_file(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(dialogs, "open_file_name", lambda *args: path)


def open_preview(qtbot, page: SyncPage):
    """Click "Import file…" (the file is already chosen) and wait for the preview."""
    qtbot.mouseClick(page.import_file_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (
            (page.preview_dialog is not None and page.preview_dialog.isVisible())
            or page.message.kind == "error"
        ),
        timeout=TASK_TIMEOUT_MS,
    )
    return page.preview_dialog


def site_row(page: SyncPage, name: str) -> list[str]:
    model = page.sites_model
    for row in range(model.rowCount()):
        cells = [model.index(row, column).data() for column in range(model.columnCount())]
        if cells[0] == name:
            return cells
    raise AssertionError(f"no site {name} listed")


# -- the drives ----------------------------------------------------------------------------------


def test_without_a_usb_stick_the_page_says_so_and_finds_one_when_plugged_in(
    qtbot, kitchen, monkeypatch, tmp_path
):
    assert kitchen.no_drive_frame.isVisible()
    assert kitchen.empty_state.title_label.text() == "No USB stick found"
    assert kitchen.drive_rows == []

    stick = Drive(tmp_path, "KINGSTON", 3_100_000_000)
    monkeypatch.setattr(drives, "scan_drives", lambda: [stick])
    # The page re-scans by itself every few seconds.
    qtbot.waitUntil(
        lambda: len(kitchen.drive_rows) == 1 and kitchen.drive_rows[0].isVisible(), timeout=10_000
    )
    assert not kitchen.no_drive_frame.isVisible()
    assert kitchen.drive_rows[0].export_button.isVisible()
    assert kitchen.drive_rows[0].name_label.text() == "USB stick KINGSTON"


def test_export_to_usb_in_one_click_writes_a_checked_bundle(qtbot, fed, usb):
    window = open_window(qtbot, fed["Kitchen"], fed.ana)
    page = window.go_to("sync")
    add_member(fed["Kitchen"], fed.ana, "Rosa Lima")
    assert [row.drive for row in page.drive_rows] == [usb]

    qtbot.mouseClick(page.drive_rows[0].export_button, Qt.MouseButton.LeftButton)
    wait_for_task(qtbot, page)

    written = list(usb.root.glob("*.coopsync"))
    assert len(written) == 1 and written[0].name.startswith("Kitchen-")
    said = page.message.full_text()
    assert "Safe to remove the USB stick" in said
    assert f"{written[0].name} (1 change," in said and "was written and checked" in said
    assert "It is on COOPSTICK." in said
    assert "Safe to remove the USB stick" in window.notice_label.text()
    # What was written is a sound bundle the other site can read.
    assert "1 new member" in preview_bundle(fed["Warehouse"], written[0]).summary()


def test_ctrl_e_exports_to_the_usb_stick_while_the_sync_page_is_shown(qtbot, fed, usb):
    window = open_window(qtbot, fed["Kitchen"], fed.ana)
    window.go_to("members")
    qtbot.keyClick(window.sidebar, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert "sync" not in window.pages or window.pages["sync"].task is None
    assert list(usb.root.iterdir()) == []  # not from another page

    page = window.go_to("sync")
    window.sidebar.setFocus()
    qtbot.keyClick(window.sidebar, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert page.task is not None
    wait_for_task(qtbot, page)
    assert len(list(usb.root.glob("*.coopsync"))) == 1
    assert "Safe to remove the USB stick" in page.message.full_text()


def test_export_to_a_file_for_a_chosen_site(qtbot, kitchen, fed, monkeypatch, tmp_path):
    folder = tmp_path / "shared folder"
    folder.mkdir()
    suggested: list[Path] = []

    def save_as(parent, title, default: Path, name_filter: str) -> Path:
        suggested.append(default)
        return folder / "for-the-warehouse"

    monkeypatch.setattr(dialogs, "save_file_name", save_as)
    names = [kitchen.for_combo.itemText(i) for i in range(kitchen.for_combo.count())]
    assert names == ["Any site", "Warehouse"]  # not this site itself
    kitchen.for_combo.setCurrentIndex(1)
    qtbot.mouseClick(kitchen.export_file_button, Qt.MouseButton.LeftButton)
    wait_for_task(qtbot, kitchen)

    assert suggested[0].name.startswith("Kitchen-to-Warehouse-")
    path = folder / "for-the-warehouse.coopsync"
    assert path.exists()
    assert "Safe to remove the USB stick" in kitchen.message.full_text()
    assert "for Warehouse" in kitchen.message.full_text()
    assert preview_bundle(fed["Warehouse"], path).for_this_site


# -- importing -----------------------------------------------------------------------------------


def test_import_from_another_site_through_the_preview(qtbot, fed, kitchen, monkeypatch):
    kitchen_store, warehouse = fed["Kitchen"], fed["Warehouse"]
    # Kitchen has a change the Warehouse lacks; the Sites list says so.
    add_member(kitchen_store, fed.ana, "Rosa Lima")
    assert site_row(kitchen, "Warehouse")[2] == "1 change"
    # The Warehouse gets it, adds a member of its own, and sends a bundle back.
    fed.deliver(fed.export("Kitchen"), "Warehouse")
    add_member(warehouse, fed.ana, "Tomas Ruiz", phone="555 0199")
    bundle = fed.export("Warehouse")
    members = kitchen.window_.go_to("members")
    assert isinstance(members, MembersPage)
    kitchen.window_.go_to("sync")

    pick_file(monkeypatch, bundle)
    preview = open_preview(qtbot, kitchen)
    assert preview is not None
    text = preview.text()
    assert text.startswith("From site Warehouse, made just now (bundle ")
    assert "1 new member" in text
    assert find_member(kitchen_store, "Tomas Ruiz") is None  # a preview writes nothing

    qtbot.mouseClick(preview.import_button, Qt.MouseButton.LeftButton)
    wait_for_task(qtbot, kitchen)

    assert find_member(kitchen_store, "Tomas Ruiz") is not None
    assert kitchen.message.title_label.text() == "Imported from Warehouse"
    assert "1 new member" in kitchen.message.full_text()
    assert site_row(kitchen, "Warehouse")[1] == "just now"
    assert site_row(kitchen, "Warehouse")[2] == "none: up to date"
    assert kitchen.backups_model.rowCount() == 1  # the day's backup, made after the import
    kitchen.window_.go_to("members")  # pages off screen catch up when shown
    assert "Tomas Ruiz" in [
        members.model.index(row, 0).data() for row in range(members.model.rowCount())
    ]


def test_undo_on_the_notice_takes_an_import_back_and_the_bundle_comes_in_again(
    qtbot, fed, kitchen, monkeypatch
):
    kitchen_store = fed["Kitchen"]
    add_member(fed["Warehouse"], fed.ana, "Tomas Ruiz")
    bundle = fed.export("Warehouse")
    kitchen.window_.go_to("sync")
    pick_file(monkeypatch, bundle)
    preview = open_preview(qtbot, kitchen)
    qtbot.mouseClick(preview.import_button, Qt.MouseButton.LeftButton)
    wait_for_task(qtbot, kitchen)
    assert find_member(kitchen_store, "Tomas Ruiz") is not None
    window = kitchen.window_
    assert window.undo_button.isVisibleTo(window) and window.undo_action.isEnabled()

    window.undo_action.trigger()  # Ctrl+Z, or the notice's Undo button
    assert find_member(kitchen_store, "Tomas Ruiz") is None
    assert kitchen.message.title_label.text() == "Import from Warehouse taken back"
    assert window.notice_label.text() == "The import from Warehouse was taken back."
    assert site_row(kitchen, "Warehouse")[2] == "none: up to date"  # Kitchen had nothing new

    preview = open_preview(qtbot, kitchen)  # not "already imported": it can come in again
    assert preview.import_button is not None
    qtbot.mouseClick(preview.import_button, Qt.MouseButton.LeftButton)
    wait_for_task(qtbot, kitchen)
    assert find_member(kitchen_store, "Tomas Ruiz") is not None


def test_a_damaged_bundle_is_refused_and_nothing_changes(qtbot, fed, kitchen, monkeypatch):
    add_member(fed["Warehouse"], fed.ana, "Tomas Ruiz")
    bundle = fed.export("Warehouse")
    data = bytearray(bundle.read_bytes())
    data[len(data) // 2] ^= 0xFF
    bundle.write_bytes(bytes(data))
    before = dump_json(fed["Kitchen"])

    pick_file(monkeypatch, bundle)
    assert open_preview(qtbot, kitchen) is None
    said = kitchen.message.full_text()
    assert f"{bundle.name} was not imported" in said
    assert "is damaged" in said
    assert "The file was kept, and nothing was changed here." in said
    assert bundle.exists()
    assert dump_json(fed["Kitchen"]) == before


def test_a_bundle_of_another_coop_is_refused_with_its_reason(
    qtbot, kitchen, store, monkeypatch, tmp_path
):
    other = tmp_path / "other-coop.coopsync"
    from coopdesk.sync.export import export_bundle

    export_bundle(store, other)  # the `store` fixture is a different coop
    pick_file(monkeypatch, other)
    assert open_preview(qtbot, kitchen) is None
    assert "belongs to another coop" in kitchen.message.full_text()


def test_an_already_imported_bundle_says_so_and_offers_nothing(qtbot, fed, kitchen, monkeypatch):
    add_member(fed["Warehouse"], fed.ana, "Tomas Ruiz")
    bundle = fed.export("Warehouse")
    fed.deliver(bundle, "Kitchen")
    before = dump_json(fed["Kitchen"])

    pick_file(monkeypatch, bundle)
    preview = open_preview(qtbot, kitchen)
    assert preview is not None
    assert "already imported here; there is nothing to apply" in preview.text()
    assert preview.import_button is None
    preview.reject()
    assert dump_json(fed["Kitchen"]) == before


def test_import_from_usb_lets_the_person_pick_among_several(qtbot, fed, usb, monkeypatch):
    window = open_window(qtbot, fed["Kitchen"], fed.ana)
    page = window.go_to("sync")
    assert isinstance(page, SyncPage)
    add_member(fed["Kitchen"], fed.ana, "Rosa Lima")
    qtbot.mouseClick(page.drive_rows[0].export_button, Qt.MouseButton.LeftButton)
    wait_for_task(qtbot, page)
    add_member(fed["Warehouse"], fed.ana, "Tomas Ruiz")
    from coopdesk.sync.export import export_bundle

    theirs = export_bundle(fed["Warehouse"], usb.root).path
    offered: list[tuple[list[str], int]] = []

    def choose(parent, title, label, items, current) -> int:
        offered.append((items, current))
        return current

    monkeypatch.setattr(dialogs, "choose_item", choose)
    qtbot.mouseClick(page.drive_rows[0].import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.preview_dialog is not None, timeout=TASK_TIMEOUT_MS)

    items, current = offered[0]
    assert len(items) == 2
    assert "from Warehouse" in items[current] and items[current].startswith(theirs.name)
    assert any("made here" in item for item in items)
    assert page.preview_dialog.preview.site_name == "Warehouse"
    page.preview_dialog.reject()


def test_an_empty_usb_stick_says_there_is_nothing_to_import(qtbot, fed, usb):
    window = open_window(qtbot, fed["Kitchen"], fed.ana)
    page = window.go_to("sync")
    qtbot.mouseClick(page.drive_rows[0].import_button, Qt.MouseButton.LeftButton)
    assert page.message.title_label.text() == "No sync bundles on COOPSTICK"
    assert page.task is None


# -- backups, invitations, the coop's setting -----------------------------------------------


def test_restoring_a_backup_after_confirmation_takes_a_new_site_identity(
    qtbot, fed, kitchen, confirmations
):
    store = fed["Kitchen"]
    backups.make_backup(store, reason="before the party")
    add_member(store, fed.ana, "Made After The Backup")
    old_site = store.site_id
    kitchen.tabs.setCurrentWidget(kitchen.backups_tab)
    assert kitchen.backups_model.rowCount() == 1
    assert kitchen.backups_model.index(0, 1).data() == "Before the party"

    qtbot.mouseClick(kitchen.restore_button, Qt.MouseButton.LeftButton)
    wait_for_task(qtbot, kitchen)

    assert "The current state is backed up first" in confirmations[0]
    assert "new site identity" in confirmations[0]
    assert store.site_id != old_site
    assert find_member(store, "Made After The Backup") is None
    said = kitchen.message.full_text()
    assert kitchen.message.title_label.text() == "Backup restored"
    assert "new site identity" in said
    assert "new site identity" in kitchen.window_.notice_label.text()
    assert kitchen.backups_model.rowCount() == 2  # the state before restoring was kept
    assert site_row(kitchen, "Kitchen")[4] == "this site"
    assert kitchen.window_.identity.site_id == store.site_id


def test_a_restore_is_not_done_without_confirmation(qtbot, fed, kitchen, monkeypatch):
    store = fed["Kitchen"]
    backups.make_backup(store, reason="manual")
    old_site = store.site_id
    monkeypatch.setattr(dialogs, "confirm", lambda *args: False)
    kitchen.tabs.setCurrentWidget(kitchen.backups_tab)
    qtbot.mouseClick(kitchen.restore_button, Qt.MouseButton.LeftButton)
    assert kitchen.task is None
    assert store.site_id == old_site


def test_invite_a_new_site_shows_the_passphrase_once(qtbot, kitchen, fed, monkeypatch, tmp_path):
    monkeypatch.setattr(
        dialogs, "save_file_name", lambda *args: tmp_path / "for the bakery.coopinvite"
    )
    qtbot.mouseClick(kitchen.invite_button, Qt.MouseButton.LeftButton)
    dialog = kitchen.invite_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.name_edit, "Bakery")
    assert Path(dialog.path_edit.text()).name == "Test-Coop-invitation-Bakery.coopinvite"
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kitchen.passphrase_dialog is not None, timeout=TASK_TIMEOUT_MS)

    shown = kitchen.passphrase_dialog
    passphrase = shown.passphrase_label.text()
    assert "separately from the file. It is shown only now." in shown.instruction.text()
    qtbot.mouseClick(shown.copy_button, Qt.MouseButton.LeftButton)
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == passphrase
    secrets, _snapshot = read_invitation(tmp_path / "for the bakery.coopinvite", passphrase)
    assert secrets["site_name"] == "Bakery"
    assert "Bakery" in [kitchen.sites_model.index(r, 0).data() for r in range(3)]


def test_an_invitation_needs_a_site_name(qtbot, kitchen):
    qtbot.mouseClick(kitchen.invite_button, Qt.MouseButton.LeftButton)
    dialog = kitchen.invite_dialog
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.error.text() == "Give the new site a name."


def test_the_encryption_setting_is_a_checkbox_and_asks_before_turning_it_off(
    qtbot, fed, kitchen, confirmations
):
    store = fed["Kitchen"]
    kitchen.tabs.setCurrentIndex(0)
    assert kitchen.encrypt_check.isChecked()
    qtbot.mouseClick(kitchen.encrypt_check, Qt.MouseButton.LeftButton)
    assert "whoever finds a lost USB stick can read" in confirmations[0]
    assert not store.get("coop", store.coop_id)["encrypt_bundles"]
    assert not kitchen.encrypt_check.isChecked()
    qtbot.mouseClick(kitchen.encrypt_check, Qt.MouseButton.LeftButton)
    assert store.get("coop", store.coop_id)["encrypt_bundles"]
    assert kitchen.encrypt_check.isChecked()
    assert len(confirmations) == 1  # turning it on needs no confirmation


def test_sites_list_names_this_site_and_warns_about_a_wrong_clock(qtbot, fed, kitchen):
    store = fed["Kitchen"]
    heard_at = time.time() - 9 * 86400
    # Its last bundle was made, by its clock, two years after it arrived here.
    created = hlc.pack(int((heard_at + 2 * 365 * 86400) * 1000), 0)
    store.conn.execute(
        "UPDATE _peer SET clock_warning = ?, heard_at = ?, last_hlc = ? WHERE site_id = ?",
        (
            "its clock looks wrong (about 2 years ahead)",
            heard_at,
            created,
            fed["Warehouse"].site_id,
        ),
    )
    kitchen.load()
    assert site_row(kitchen, "Kitchen")[1:] == ["—", "—", "looks right", "this site"]
    warehouse = site_row(kitchen, "Warehouse")
    assert warehouse[1] == "9 days ago"
    assert warehouse[3] == "about 2 years ahead"
    assert warehouse[4] == "not heard from for 9 days; its clock looks wrong (about 2 years ahead)"
    row = next(
        r
        for r in range(kitchen.sites_model.rowCount())
        if kitchen.sites_model.index(r, 0).data() == "Warehouse"
    )
    index = kitchen.sites_model.index(row, 0)
    assert index.data(Qt.ItemDataRole.DecorationRole) is not None  # highlighted


# -- who imports, and changing one's mind ------------------------------------------------------


def test_import_asks_who_is_at_the_keyboard_first(qtbot, fed, no_usb, monkeypatch):
    add_member(fed["Warehouse"], fed.ana, "Tomas Ruiz")
    pick_file(monkeypatch, fed.export("Warehouse"))
    window = open_window(qtbot, fed["Kitchen"], None)
    page = window.go_to("sync")
    assert isinstance(page, SyncPage)

    qtbot.mouseClick(page.import_file_button, Qt.MouseButton.LeftButton)
    assert window.picker is not None and window.picker.isVisible()
    assert page.task is None  # nothing is read before someone is at the keyboard
    window.picker.accept()  # Ana, the only member
    qtbot.waitUntil(lambda: page.preview_dialog is not None, timeout=TASK_TIMEOUT_MS)
    qtbot.mouseClick(page.preview_dialog.import_button, Qt.MouseButton.LeftButton)
    wait_for_task(qtbot, page)
    assert find_member(fed["Kitchen"], "Tomas Ruiz") is not None


def wait_until_cancelled(progress, cancelled) -> None:
    """Stand-in for a long export or import: runs until the person presses Cancel."""
    deadline = time.monotonic() + 30
    while not cancelled() and time.monotonic() < deadline:
        progress(1, 100)
        time.sleep(0.01)


def press_cancel(qtbot, page: SyncPage) -> None:
    from PySide6.QtWidgets import QPushButton

    handle = page.task
    assert handle is not None
    qtbot.waitUntil(handle.dialog.isVisible, timeout=TASK_TIMEOUT_MS)  # shown for long work
    qtbot.mouseClick(handle.dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    wait_for_task(qtbot, page)


def test_cancelling_an_export_says_nothing_was_written(qtbot, fed, usb, monkeypatch):
    from coopdesk.sync import export as sync

    def slow_export(store, path, for_site=None, progress=None, cancelled=None):
        wait_until_cancelled(progress, cancelled)
        raise sync.ExportCancelled("Export cancelled; no bundle was written.")

    monkeypatch.setattr(sync, "export_bundle", slow_export)
    window = open_window(qtbot, fed["Kitchen"], fed.ana)
    page = window.go_to("sync")
    qtbot.mouseClick(page.drive_rows[0].export_button, Qt.MouseButton.LeftButton)
    press_cancel(qtbot, page)
    assert page.message.title_label.text() == "Export cancelled"
    assert "No bundle was written" in page.message.full_text()
    assert list(usb.root.iterdir()) == []


def test_cancelling_an_import_says_nothing_changed(qtbot, fed, kitchen, monkeypatch):
    from coopdesk.sync import importing
    from coopdesk.sync.merge import ImportCancelled

    add_member(fed["Warehouse"], fed.ana, "Tomas Ruiz")
    bundle = fed.export("Warehouse")
    before = dump_json(fed["Kitchen"])

    def slow_import(store, path, author=None, progress=None, cancelled=None, backup=True):
        wait_until_cancelled(progress, cancelled)
        raise ImportCancelled()

    pick_file(monkeypatch, bundle)
    preview = open_preview(qtbot, kitchen)
    monkeypatch.setattr(importing, "import_bundle", slow_import)
    qtbot.mouseClick(preview.import_button, Qt.MouseButton.LeftButton)
    press_cancel(qtbot, kitchen)
    assert kitchen.message.title_label.text() == "Import cancelled"
    assert "Nothing was changed here" in kitchen.message.full_text()
    assert dump_json(fed["Kitchen"]) == before


def test_a_change_made_after_an_import_is_stamped_after_what_it_brought(
    qtbot, fed, kitchen, monkeypatch
):
    from coopdesk.store.hlc import system_ms

    warehouse, store = fed["Warehouse"], fed["Kitchen"]
    warehouse.clock.now_ms = lambda: system_ms() + 3_600_000  # an hour fast: plausible
    add_member(warehouse, fed.ana, "Tomas Ruiz")
    pick_file(monkeypatch, fed.export("Warehouse"))
    qtbot.mouseClick(open_preview(qtbot, kitchen).import_button, Qt.MouseButton.LeftButton)
    wait_for_task(qtbot, kitchen)

    add_member(store, fed.ana, "Rosa Lima")  # on the window's own store, after the import

    def newest(site_id: str) -> int:
        query = "SELECT max(hlc) FROM _change WHERE origin = ?"
        return store.conn.execute(query, (site_id,)).fetchone()[0]

    assert newest(store.site_id) > newest(warehouse.site_id)


def test_a_background_import_announces_only_what_it_touched_and_the_poll_adds_nothing(qtbot, fed):
    from coopdesk.coop import add_member
    from coopdesk.gui.kit.background import run_store_task
    from coopdesk.gui.kit.hub import StoreHub
    from coopdesk.sync import import_bundle

    kitchen = fed["Kitchen"]
    tomas = add_member(fed["Warehouse"], fed.ana, "Tomás Ruiz")
    bundle = fed.export("Warehouse")
    hub = StoreHub.for_store(kitchen)
    heard = []
    hub.changed.connect(heard.append)
    handle = run_store_task(
        None,
        kitchen,
        "Importing",
        lambda worker, _progress, _cancelled: import_bundle(worker, bundle, author=fed.ana),
        lambda _result: None,
    )
    with qtbot.waitSignal(handle.finished, timeout=10_000):
        pass
    assert [(c.source, c.tables, c.rows.get("member")) for c in heard] == [
        ("import", frozenset({"member", "peers"}), frozenset({tomas}))
    ]
    hub.check_outside_changes()  # SQLite's data_version moved: the worker's connection wrote
    assert len(heard) == 1  # ...but that write was announced already: nothing more


def test_changes_held_aside_are_shown_with_why(qtbot, fed, kitchen, monkeypatch):
    from coopdesk.roles.roles import add_role
    from tests.sync.hostile import HostileSite

    kitchen_store = fed["Kitchen"]
    bea = add_member(kitchen_store, fed.ana, "Bea")
    add_role(
        kitchen_store,
        fed.ana,
        "Coordinator",
        term_days=90,
        member_ids=[fed.ana],
        mandates=["members"],
    )
    fed.sync_all()
    assert kitchen.held_model.rowCount() == 0 and kitchen.held_stack.currentWidget() is (
        kitchen.held_empty
    )
    warehouse = HostileSite(fed["Warehouse"])
    with warehouse.unchecked():
        from coopdesk.coop.members import archive_member

        archive_member(fed["Warehouse"], bea, fed.ana)  # Bea holds no mandate
    pick_file(monkeypatch, fed.export("Warehouse"))
    preview = open_preview(qtbot, kitchen)
    qtbot.mouseClick(preview.import_button, Qt.MouseButton.LeftButton)
    wait_for_task(qtbot, kitchen)
    assert not kitchen_store.get("member", fed.ana)["archived"]
    assert "held aside, not applied" in kitchen.message.full_text()
    assert kitchen.held_model.rowCount() == 1
    assert kitchen.held_stack.currentWidget() is kitchen.held_table
    assert kitchen.tabs.tabText(kitchen.tabs.indexOf(kitchen.held_tab)) == "Hel&d aside (1)"
    index = kitchen.held_model.index(0, 1)
    assert index.data() == "Bea"
    assert "mandate" in kitchen.held_model.index(0, 3).data()


def test_archiving_a_lost_computers_site_asks_first_then_refuses_it(
    qtbot, fed, kitchen, confirmations
):
    warehouse_id = fed["Warehouse"].site_id
    row = kitchen.sites_model.row_where(lambda status: status.site_id == warehouse_id)
    kitchen.sites_table.setCurrentIndex(kitchen.sites_model.index(row, 0))
    assert kitchen.archive_site_button.isEnabled()
    assert kitchen.archive_site_button.text() == "&Archive site…"
    qtbot.mouseClick(kitchen.archive_site_button, Qt.MouseButton.LeftButton)
    assert confirmations and "lost or stolen" in confirmations[0]
    assert fed["Kitchen"].get("site", warehouse_id)["archived"]
    qtbot.waitUntil(lambda: kitchen.archive_site_button.text() == "&Restore site…")
    # This computer's own site cannot be archived from here.
    own = kitchen.sites_model.row_where(lambda status: status.this_site)
    kitchen.sites_table.setCurrentIndex(kitchen.sites_model.index(own, 0))
    assert not kitchen.archive_site_button.isEnabled()


# -- a site used on two computers ------------------------------------------------------------


def test_a_site_used_on_two_computers_is_named_with_what_to_do(
    qtbot, fed, kitchen, monkeypatch, tmp_path
):
    """One invitation joined on two computers: importing the second history through the
    window works (the other changes arrive), and the page says which site and what to do."""
    from coopdesk.sync.export import export_bundle
    from coopdesk.sync.invite import join_with_secrets, new_site_secrets

    snapshot = tmp_path / "shed.coopsync"
    secrets = new_site_secrets(fed["Kitchen"], fed.ana, "Shed", snapshot)
    halves = [join_with_secrets(tmp_path / f"shed-{n}", secrets, snapshot)[0] for n in (1, 2)]
    for number, half in enumerate(halves):
        add_member(half, fed.ana, f"Typed on computer {number + 1}")
        export_bundle(half, tmp_path / f"half-{number}.coopsync")
    assert not kitchen.split_bar.isVisible()
    for number in range(2):
        pick_file(monkeypatch, tmp_path / f"half-{number}.coopsync")
        preview = open_preview(qtbot, kitchen)
        qtbot.mouseClick(preview.import_button, Qt.MouseButton.LeftButton)
        wait_for_task(qtbot, kitchen)
    assert kitchen.message.kind == "warning"
    assert "Site Shed was used on two computers" in kitchen.message.full_text()
    qtbot.waitUntil(kitchen.split_bar.isVisible, timeout=TASK_TIMEOUT_MS)
    text = kitchen.split_label.text()
    assert "Site Shed is used on two computers" in text
    assert "Carry a bundle to it" in text and "coopdesk repair" in text
    for half in halves:
        half.close()
