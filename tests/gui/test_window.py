"""The main window: sections, keyboard, status bar, remembered layout, and the self-test."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea

from coopdesk.base.paths import store_path
from coopdesk.coop.coop import start_coop
from coopdesk.gui.kit.page import Page
from coopdesk.gui.shell import app as gui_app
from coopdesk.gui.shell.main_window import SECTIONS, MainWindow
from tests.cli_helpers import coopdesk
from tests.gui_helpers import open_window


@pytest.fixture
def window(qtbot, store, ana) -> MainWindow:
    return open_window(qtbot, store, ana)


def test_title_status_bar_and_sidebar(window):
    assert window.windowTitle() == "Test Coop"
    assert window.identity_label.text() == "Test Coop · site Kitchen"
    assert window.member_label.text() == "At the keyboard: Ana"
    assert window.switch_button.text() == "Switch (Ctrl+K)"
    titles = [window.sidebar.item(row).text() for row in range(window.sidebar.count())]
    assert titles == [
        "Today",
        "Shifts",
        "Tasks",
        "Roles",
        "Decisions",
        "Inventory",
        "Members",
        "Activity",
        "Sync",
        "Reports",
    ]
    assert window.current_section() == "today"


def test_ctrl_number_switches_sections(qtbot, window):
    for number, section in enumerate(SECTIONS, start=1):
        qtbot.keyClick(
            window.sidebar, Qt.Key(Qt.Key.Key_0 + number % 10), Qt.KeyboardModifier.ControlModifier
        )
        assert window.current_section() == section.key
        assert window.stack.currentWidget() is window.pages[section.key]


def test_every_section_opens_its_page(window):
    for section in SECTIONS:
        page = window.go_to(section.key)
        assert isinstance(page, Page), section.key
        assert window.stack.currentWidget() is page
        assert page.title_label.text(), section.key


def test_pages_are_built_only_when_first_shown(window):
    assert set(window.pages) == {"today"}
    window.go_to("members")
    assert set(window.pages) == {"today", "members"}


def test_the_first_page_names_its_controls_once_it_is_on_screen(qtbot, store, ana):
    """Opening the window, the first page's controls are named for a screen reader just
    after its first paint (the window is up sooner); a page asked for is named at once."""
    window = MainWindow(store, ask_for_member=False, remember_layout=False)
    qtbot.addWidget(window)
    today = window.current_page()
    scroll = today.findChild(QScrollArea, "todayScroll")
    assert today.loaded and scroll.accessibleName() == ""
    window.show()
    qtbot.waitUntil(lambda: scroll.accessibleName() == "Today at Test Coop")

    window = MainWindow(store, ask_for_member=False, remember_layout=False)
    qtbot.addWidget(window)
    scroll = window.current_page().findChild(QScrollArea, "todayScroll")
    assert window.go_to("today").findChild(QScrollArea, "todayScroll") is scroll
    assert scroll.accessibleName() == "Today at Test Coop"  # asked for: no paint needed


def test_today_summarises_the_coop(window):
    today = window.pages["today"]
    assert today.title_label.text() == "Today at Test Coop"
    assert today.members_figure.number.text() == "1"
    assert "Ana added member Ana" in today.recent_label.text()


def test_renaming_the_coop_updates_the_title(store, ana, window):
    with store.transaction(ana) as tx:
        tx.update("coop", store.coop_id, {"name": "Hillside Pantry"})
    assert window.windowTitle() == "Hillside Pantry"
    assert window.coop_label.text() == "Hillside Pantry"


def test_renaming_the_member_at_the_keyboard_updates_the_status_bar(store, ana, window):
    with store.transaction(ana) as tx:
        tx.update("member", ana, {"name": "Ana Lima"})
    assert window.member_label.text() == "At the keyboard: Ana Lima"


def test_ctrl_k_opens_the_member_picker(qtbot, window):
    qtbot.keyClick(window.sidebar, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.picker is not None and window.picker.isVisible()
    qtbot.keyClick(window.picker.search, Qt.Key.Key_Escape)
    assert window.session.member_id is not None  # cancelling keeps whoever was there


def test_geometry_and_section_are_remembered_on_the_same_store(qtbot, store, ana):
    first = MainWindow(store, member_id=ana, ask_for_member=False)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.resize(640, 480)
    first.go_to("activity")
    qtbot.waitUntil(lambda: first.size().width() == 640)
    first.close()

    second = MainWindow(store, ask_for_member=False)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert (second.width(), second.height()) == (640, 480)
    assert second.current_section() == "activity"


def test_a_window_without_saved_layout_opens_at_a_comfortable_size(qtbot, store, ana):
    window = MainWindow(store, member_id=ana, ask_for_member=False, remember_layout=False)
    qtbot.addWidget(window)
    room = window.screen().availableGeometry()
    if room.width() >= 1100 and room.height() >= 700:
        assert (window.width(), window.height()) == (1100, 700)
    else:  # never wider or taller than the screen (1024x600: the right edge was cut)
        assert window.width() <= room.width() and window.height() <= room.height()


def test_on_a_small_screen_the_first_size_fits_it(qtbot, store, ana, monkeypatch):
    from PySide6.QtCore import QRect

    window = MainWindow(store, member_id=ana, ask_for_member=False, remember_layout=False)
    qtbot.addWidget(window)
    monkeypatch.setattr(
        type(window.screen()), "availableGeometry", lambda _screen: QRect(0, 0, 1024, 576)
    )
    size = window.first_size()
    assert size.width() <= 1024 and size.height() <= 576


def test_self_test_on_an_empty_data_dir_uses_a_demo(qtbot, data_dir, capsys):
    assert gui_app.self_test(data_dir) == 0
    out = capsys.readouterr().out
    assert out.startswith("self-test: main window shown in ")
    assert "(Riverside Food Coop, " in out
    assert not store_path(data_dir).exists()  # the demo lived in a temporary folder


def test_self_test_on_an_existing_store(qtbot, tmp_path, capsys):
    site = tmp_path / "existing"
    start_coop(site, "Test Coop", "Kitchen", "Ana").close()
    before = store_path(site).read_bytes()
    assert gui_app.self_test(site) == 0
    assert "(Test Coop, 1 member)" in capsys.readouterr().out
    assert store_path(site).read_bytes() == before  # a self-test changes nothing


def test_self_test_reports_a_store_it_cannot_open(qtbot, tmp_path, capsys):
    site = tmp_path / "broken"
    site.mkdir()
    store_path(site).write_text("not a store")
    assert gui_app.self_test(site) == 1
    assert "not a CoopDesk store" in capsys.readouterr().err


def test_changes_made_by_another_program_show_up(store, ana, window, qtbot):
    from coopdesk.gui.kit.hub import StoreHub

    members_page = window.go_to("members")
    announced = []
    StoreHub.for_store(store).changed.connect(announced.append)
    coopdesk(store.path.parent, "member", "add", "Added From A Script")  # another program
    StoreHub.for_store(store).check_outside_changes()  # the timer would, within 2 s
    assert [(c.source, "member" in c.tables) for c in announced] == [("outside", True)]
    model = members_page.model
    qtbot.waitUntil(
        lambda: any(
            model.row_data(row) and model.row_data(row)["name"] == "Added From A Script"
            for row in range(model.rowCount())
        )
    )


def test_ctrl_2_puts_the_keyboard_in_the_week_grid_on_a_shift(qtbot, store, ana, window):
    """Ctrl+2 showed the week but left the keyboard in the sidebar: arrows did nothing."""
    import datetime as dt

    from coopdesk.gui.shifts.week import FocusOutline
    from coopdesk.shifts import add_shift

    start = dt.datetime.combine(dt.date.today(), dt.time(23, 0))
    add_shift(store, ana, title="Late stock count", starts_at=start,
              ends_at=start + dt.timedelta(minutes=30), capacity=1)  # fmt: skip
    qtbot.keyClick(window.sidebar, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = window.pages["shifts"]
    qtbot.waitUntil(lambda: window.focusWidget() is page.week_view)
    assert page.week_view.current_shift() is not None
    assert page.week_view.current_shift().title == "Late stock count"
    assert isinstance(page.week_view.itemDelegate(), FocusOutline)  # and it can be seen


def test_help_lists_the_week_and_board_keys(window):
    text = window.shortcuts_text()
    assert "On Shifts:" in text and "PageUp / PageDown\tThe previous / next week" in text
    assert "On Tasks:" in text and "Ctrl+Right / Ctrl+Left" in text
    assert "Ctrl+2\tShifts" in text


def test_writes_in_the_window_are_checkpointed_on_a_thread_after_them(qtbot, store, ana):
    """No commit made from the window copies the write-ahead log back itself (half a second
    at ten years); the window's thread does, shortly after (coopdesk.store.checkpoints)."""
    from coopdesk.coop.members import add_member
    from coopdesk.store.checkpoints import AUTOMATIC_PAGES

    def autocheckpoint(conn) -> int:
        return int(conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])

    window = open_window(qtbot, store, ana)
    assert autocheckpoint(store.conn) == 0
    window.checkpoint_timer.setInterval(0)
    add_member(store, ana, "Bea")
    assert window.checkpoint_timer.isActive()
    qtbot.waitUntil(lambda: window.checkpoints.runs >= 1, timeout=10_000)
    window.checkpoints.wait(timeout=30)
    assert window.checkpoints.last_result is not None
    assert window.checkpoints.last_result[0] == 0  # nothing kept it from copying all

    window.close()
    assert autocheckpoint(store.conn) == AUTOMATIC_PAGES


def test_only_the_page_in_front_answers_for_its_height(window):
    """The window's stack asks every page it holds for its height whenever one changes:
    pages not shown answer nothing, so a reload lays out the page in front only."""
    members = window.go_to("members")
    today = window.go_to("today")
    assert members.isHidden() and today.isVisible()
    assert members.heightForWidth(900) == -1
    assert today.heightForWidth(900) > 0
    window.go_to("members")
    assert members.heightForWidth(900) > 0 and today.heightForWidth(900) == -1
