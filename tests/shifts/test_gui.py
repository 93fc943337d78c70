"""The Shifts page, its dialogs, Today's shift panels and the Members page's balances."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from coopdesk.coop.members import add_member
from coopdesk.gui.coop.member_model import BALANCE_COLUMN, STATUS_COLUMN, balance_text
from coopdesk.gui.coop.members_page import MembersPage
from coopdesk.gui.kit import dialogs
from coopdesk.gui.shell.today_page import TodayPage
from coopdesk.gui.shifts.page import ShiftsPage
from coopdesk.gui.shifts.texts import monday_of, week_title
from coopdesk.gui.shifts.today import NeedPeoplePanel, TodayShiftsPanel
from coopdesk.shifts.duty import set_duty_rule
from coopdesk.shifts.shifts import add_shift, get_shift, list_shifts, sign_up, signup_id_for
from coopdesk.shifts.templates import add_template, list_templates
from coopdesk.store.store import Store
from tests.gui_helpers import open_window

THIS_MONDAY = monday_of(dt.date.today())
NEXT_MONDAY = THIS_MONDAY + dt.timedelta(days=7)


def at(day: dt.date, hour: int, minutes: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minutes))


def shift_on(store: Store, author: str, day: dt.date, title: str, capacity: int, hour=18) -> str:
    return add_shift(
        store,
        author,
        title=title,
        starts_at=at(day, hour),
        ends_at=at(day, hour + 3),
        capacity=capacity,
        site_id=store.site_id,
    )


def shifts_page(qtbot, store: Store, member_id: str | None) -> ShiftsPage:
    window = open_window(qtbot, store, member_id)
    page = window.go_to("shifts")
    assert isinstance(page, ShiftsPage)
    return page


def block_texts(page: ShiftsPage) -> list[str]:
    """Each block's words in one line (what a screen reader says), day by day."""
    model = page.week_model
    return [
        model.data(model.index(row, column), Qt.ItemDataRole.AccessibleTextRole)
        for column in range(7)
        for row in range(len(model.days[column]))
    ]


@pytest.fixture
def bo(store: Store, ana: str) -> str:
    return add_member(store, ana, "Bo Lindqvist")


@pytest.fixture(autouse=True)
def _no_file_dialogs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Saving asks for a file name: answer with a file in the test's folder."""
    monkeypatch.setattr(
        dialogs,
        "save_file_name",
        lambda _parent, _title, suggested, _filter: tmp_path / suggested.name,
    )


def test_the_week_view_shows_the_weeks_shifts_with_filled_and_needed(qtbot, store, ana, bo):
    meal = shift_on(store, ana, NEXT_MONDAY + dt.timedelta(days=1), "Tuesday meal", 2)
    shift_on(store, ana, NEXT_MONDAY + dt.timedelta(days=3), "Shop opening", 1, hour=8)
    sign_up(store, ana, meal, bo)
    opening = list_shifts(store, NEXT_MONDAY, NEXT_MONDAY + dt.timedelta(days=7))[1].id
    sign_up(store, ana, opening, ana)

    page = shifts_page(qtbot, store, ana)
    assert page.week_start == THIS_MONDAY
    assert page.week_stack.currentWidget() is page.empty_week
    assert page.empty_title.text() == "No shifts this week"

    qtbot.mouseClick(page.next_button, Qt.MouseButton.LeftButton)
    assert page.week_start == NEXT_MONDAY
    assert page.week_label.text() == week_title(NEXT_MONDAY)
    assert page.week_stack.currentWidget() is page.week_view
    model = page.week_model
    assert model.shift_count() == 2
    tuesday = NEXT_MONDAY + dt.timedelta(days=1)
    assert model.headerData(1, Qt.Orientation.Horizontal).startswith(f"Tue {tuesday.day} ")
    assert [s.title for s in model.days[1]] == ["Tuesday meal"]
    assert [s.title for s in model.days[3]] == ["Shop opening"]
    texts = block_texts(page)
    assert "18:00–21:00, Tuesday meal, 1 / 2 · needs 1" in texts[0]
    assert "1 / 1 · full" in texts[1] and "✓ you" in texts[1]
    shown = model.data(model.index(0, 1)).split("\n")  # the block's lines on screen
    assert shown[:2] == ["18:00–21:00", "Tuesday meal"] and shown[3] == "needs 1 · 1/2"
    assert "2 shifts this week · 1 still needs people" in page.subtitle_label.text()

    qtbot.mouseClick(page.previous_button, Qt.MouseButton.LeftButton)
    assert page.week_start == THIS_MONDAY
    assert page.week_model.shift_count() == 0


def test_page_keys_and_alt_arrows_change_the_week(qtbot, store, ana):
    shift_on(store, ana, NEXT_MONDAY, "Monday clean", 2)
    page = shifts_page(qtbot, store, ana)
    qtbot.mouseClick(page.next_button, Qt.MouseButton.LeftButton)
    page.week_view.setFocus()
    qtbot.keyClick(page.week_view, Qt.Key.Key_PageDown)
    assert page.week_start == NEXT_MONDAY + dt.timedelta(days=7)
    qtbot.keyClick(page.week_view, Qt.Key.Key_PageUp)
    assert page.week_start == NEXT_MONDAY
    assert page.week_view.current_shift() is not None  # the cursor sits on the shift
    page.go_to_this_week()
    assert page.week_start == THIS_MONDAY
    assert not page.this_week_button.isEnabled()


def test_sign_the_member_at_the_keyboard_up_from_the_week_view_and_cancel(qtbot, store, ana):
    meal = shift_on(store, ana, NEXT_MONDAY + dt.timedelta(days=1), "Tuesday meal", 2)
    page = shifts_page(qtbot, store, ana)
    qtbot.mouseClick(page.next_button, Qt.MouseButton.LeftButton)

    assert page.week_view.select_shift(meal)
    page.week_view.setFocus()
    qtbot.keyClick(page.week_view, Qt.Key.Key_Return)
    details = page.details_dialog
    assert details is not None and details.isVisible()
    assert details.title_label.text() == "Tuesday meal"
    assert "Needs 2 more" in details.status_label.text()
    assert details.sign_up_button.isEnabled()

    qtbot.mouseClick(details.sign_up_button, Qt.MouseButton.LeftButton)
    signup = store.get("shift_signup", signup_id_for(meal, ana))
    assert signup is not None and not signup["archived"]
    assert [s.member_id for s in get_shift(store, meal).confirmed] == [ana]
    assert "Ana (you)" in details.confirmed_list.item(0).text()
    assert "You are signed up for Tuesday meal" in page.window_.notice_label.text()
    assert "✓ you" in block_texts(page)[0]  # the week view reloaded behind the dialog
    assert not details.sign_up_button.isEnabled()

    qtbot.mouseClick(details.cancel_button, Qt.MouseButton.LeftButton)
    assert store.get("shift_signup", signup_id_for(meal, ana))["archived"]
    assert get_shift(store, meal).confirmed == []
    page.window_.undo()  # Undo signs up again
    assert [s.member_id for s in get_shift(store, meal).confirmed] == [ana]


def test_a_full_shift_offers_the_waiting_list_and_an_overbooked_one_says_who_waits(
    qtbot, store, ana, bo, monkeypatch
):
    dinner = shift_on(store, ana, NEXT_MONDAY + dt.timedelta(days=2), "Dinner", 1)
    sign_up(store, ana, dinner, bo)
    page = shifts_page(qtbot, store, ana)
    page.show_shift(dinner)
    details = page.details_dialog
    assert details is not None
    assert details.sign_up_button.text() == "Join the waiting list"

    qtbot.mouseClick(details.sign_up_button, Qt.MouseButton.LeftButton)
    shift = get_shift(store, dinner)
    assert shift.status == "overbooked"
    assert [s.member_name for s in shift.waiting] == ["Ana"]
    assert details.status_label.text() == ("Overbooked. 2 signed up for 1 place: Ana is waiting.")
    assert details.waiting_box.isVisible()
    assert "2 / 1 · overbooked" in block_texts(page)[0]

    # A coordinator resolves it by raising the places (after confirming).
    asked = []
    monkeypatch.setattr(dialogs, "confirm", lambda *args: asked.append(args[2]) or True)
    assert details.raise_button.isVisible()
    qtbot.mouseClick(details.raise_button, Qt.MouseButton.LeftButton)
    assert "from 1 to 2" in asked[0]
    assert get_shift(store, dinner).status == "full"
    assert "Full" in details.status_label.text()


def test_a_coordinator_removes_someone_after_confirming(qtbot, store, ana, bo, monkeypatch):
    dinner = shift_on(store, ana, NEXT_MONDAY + dt.timedelta(days=2), "Dinner", 2)
    sign_up(store, ana, dinner, bo)
    page = shifts_page(qtbot, store, ana)
    details = page.open_details(dinner)
    details.confirmed_list.setCurrentRow(0)
    monkeypatch.setattr(dialogs, "confirm", lambda *args: False)
    qtbot.mouseClick(details.remove_button, Qt.MouseButton.LeftButton)
    assert get_shift(store, dinner).filled == 1  # cancelled: nothing changed
    monkeypatch.setattr(dialogs, "confirm", lambda *args: True)
    qtbot.mouseClick(details.remove_button, Qt.MouseButton.LeftButton)
    assert get_shift(store, dinner).filled == 0
    assert store.get("shift_signup", signup_id_for(dinner, bo))["archived"]  # kept, archived


def test_swap_and_take_over(qtbot, store, ana, bo):
    dinner = shift_on(store, ana, NEXT_MONDAY + dt.timedelta(days=2), "Dinner", 1)
    sign_up(store, ana, dinner, bo)
    page = shifts_page(qtbot, store, bo)
    details = page.open_details(dinner)
    qtbot.mouseClick(details.swap_button, Qt.MouseButton.LeftButton)
    assert get_shift(store, dinner).confirmed[0].swap_wanted
    assert details.swap_button.text() == "Withdraw swap request"
    details.close()

    page.window_.session.set_member(ana)
    details = page.open_details(dinner)
    assert details.take_over_button.isVisible()
    assert details.take_over_button.text() == "Take over from Bo Lindqvist"
    qtbot.mouseClick(details.take_over_button, Qt.MouseButton.LeftButton)
    confirmed = get_shift(store, dinner).confirmed
    assert [(s.member_id, s.taken_over_from) for s in confirmed] == [(ana, bo)]
    assert "took over from Bo Lindqvist" in details.confirmed_list.item(0).text()


def test_add_a_shift_from_the_page(qtbot, store, ana):
    page = shifts_page(qtbot, store, ana)
    assert page.add_new()
    dialog = page.add_dialog
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "title" in dialog.error_label.text()  # nothing saved without a title
    dialog.title_edit.setText("Fix the bikes")
    dialog.capacity_spin.setValue(3)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    shifts = list_shifts(store, THIS_MONDAY, THIS_MONDAY + dt.timedelta(days=7))
    assert [(s.title, s.capacity) for s in shifts] == [("Fix the bikes", 3)]
    assert page.week_model.shift_count() == 1


def test_my_shifts_lists_the_members_shifts_upcoming_first(qtbot, store, ana):
    later = shift_on(store, ana, NEXT_MONDAY + dt.timedelta(days=4), "Later", 2)
    sooner = shift_on(store, ana, NEXT_MONDAY, "Sooner", 2)
    shift_on(store, ana, NEXT_MONDAY + dt.timedelta(days=2), "Not mine", 2)
    sign_up(store, ana, later, ana)
    sign_up(store, ana, sooner, ana)
    page = shifts_page(qtbot, store, ana)
    page.tabs.setCurrentWidget(page.my_tab)
    model = page.my_model
    assert [model.shift_at(row).title for row in range(model.rowCount())] == ["Sooner", "Later"]
    assert model.data(model.index(0, 4)) == "on it"
    assert "2 shifts coming up" in page.my_title.text()


def test_export_calendar_files_and_the_rota_as_pdf(qtbot, store, ana, tmp_path):
    meal = shift_on(store, ana, NEXT_MONDAY + dt.timedelta(days=1), "Tuesday meal", 2)
    sign_up(store, ana, meal, ana)
    page = shifts_page(qtbot, store, ana)
    page.tabs.setCurrentWidget(page.my_tab)
    qtbot.mouseClick(page.export_mine_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.export_task.done, timeout=10_000)
    text = (tmp_path / "my-shifts.ics").read_text()
    assert "BEGIN:VCALENDAR" in text and "Tuesday meal" in text
    assert "Saved 1 shift to my-shifts.ics" in page.window_.notice_label.text()

    page.tabs.setCurrentWidget(page.week_tab)
    qtbot.mouseClick(page.next_button, Qt.MouseButton.LeftButton)
    assert "Ana" in page._rota_html() and "Tuesday meal" in page._rota_html()
    qtbot.mouseClick(page.pdf_button, Qt.MouseButton.LeftButton)
    pdf = tmp_path / f"rota-{NEXT_MONDAY.isoformat()}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")


def test_a_calendar_of_one_site_or_one_shift_type(qtbot, store, ana, tmp_path, monkeypatch):
    from coopdesk.coop.coop import add_site
    from coopdesk.shifts.templates import add_shift_type

    market = add_site(store, ana, "Market")
    clean = add_shift_type(store, ana, title="Deep clean")
    shift_on(store, ana, NEXT_MONDAY, "Kitchen meal", 2)
    add_shift(
        store,
        ana,
        title="Market clean",
        starts_at=at(NEXT_MONDAY, 9),
        ends_at=at(NEXT_MONDAY, 11),
        capacity=2,
        site_id=market,
        shift_type_id=clean,
    )
    page = shifts_page(qtbot, store, ana)
    offered = []

    def choose(_parent, _title, _label, items, current=0):
        offered.append(items)
        return items.index("Shifts at Market")

    monkeypatch.setattr(dialogs, "choose_item", choose)
    page.export_calendar(mine=False)
    qtbot.waitUntil(lambda: page.export_task.done, timeout=10_000)
    assert offered == [["All shifts", "Shifts at Kitchen", "Shifts at Market", "Deep clean shifts"]]
    text = (tmp_path / "shifts-at-Market.ics").read_text()
    assert "Market clean" in text and "Kitchen meal" not in text
    assert "X-WR-CALNAME:Test Coop: shifts at Market" in text


def test_a_rota_that_cannot_be_saved_says_why(qtbot, store, ana, tmp_path, monkeypatch):
    page = shifts_page(qtbot, store, ana)
    shown = []
    monkeypatch.setattr(dialogs, "show_error", lambda _parent, message, *a: shown.append(message))
    missing = tmp_path / "unplugged" / "rota.pdf"
    monkeypatch.setattr(dialogs, "save_file_name", lambda *_args: missing)
    page.save_week_pdf()
    assert len(shown) == 1 and "does not exist" in shown[0]
    assert not missing.parent.exists()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
def test_the_rota_pdf_has_readable_text(qtbot, store, ana, tmp_path):
    """Its 9 pt text was once laid out in printer pixels and came out under 1 pt tall."""
    shift_on(store, ana, NEXT_MONDAY, "Tuesday meal", 2)
    page = shifts_page(qtbot, store, ana)
    qtbot.mouseClick(page.next_button, Qt.MouseButton.LeftButton)
    page.save_week_pdf()
    pdf = tmp_path / f"rota-{NEXT_MONDAY.isoformat()}.pdf"
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    heights = [
        float(y_max) - float(y_min)
        for y_min, y_max in re.findall(
            r'word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', boxes
        )
    ]
    assert heights and min(heights) > 6  # points: 7 pt footnote and up


def test_a_rota_that_could_not_be_saved_is_never_called_saved(
    qtbot, store, ana, tmp_path, monkeypatch
):
    page = shifts_page(qtbot, store, ana)
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda _parent, message, *_a: errors.append(message))
    missing = tmp_path / "gone" / "rota.pdf"
    monkeypatch.setattr(dialogs, "save_file_name", lambda *_args: missing)
    qtbot.mouseClick(page.pdf_button, Qt.MouseButton.LeftButton)
    assert errors and "does not exist" in errors[0]
    assert "Saved" not in page.window_.notice_label.text()
    assert not missing.exists()


def test_templates_tab_lists_slots_and_generates_shifts(qtbot, store, ana, bo):
    template = add_template(
        store,
        ana,
        title="Community meal",
        weekday=1,
        start_time="18:00",
        duration_minutes=180,
        capacity=4,
        cycle_start=THIS_MONDAY,
        cycle_weeks=4,
        cycle_week=1,
    )
    page = shifts_page(qtbot, store, ana)
    page.tabs.setCurrentWidget(page.templates_tab)
    table, model = page.templates_table, page.templates_model
    assert model.rowCount() == 1
    assert model.index(0, 1).data() == "Week B, Tuesday 18:00"

    table.selectRow(0)
    page.edit_template()
    dialog = page.template_dialog
    dialog.member_combo.setEditText("Bo Lindqvist")
    dialog.add_standing()
    dialog.save()
    assert [m["member_id"] for m in list_templates(store)[0]["standing_members"]] == [bo]
    assert model.index(0, 5).data() == "Bo Lindqvist"

    # Generate five weeks: week B of the cycle falls in exactly one of them.
    until = THIS_MONDAY + dt.timedelta(weeks=5)
    page.generate_until(until)
    qtbot.waitUntil(lambda: page.generate_task.done, timeout=10_000)
    shifts = list_shifts(store, THIS_MONDAY, until)
    assert [s.template_id for s in shifts] == [template]
    assert [s.member_id for s in shifts[0].confirmed] == [bo]
    assert "Generated 1 shift" in page.window_.notice_label.text()


def test_today_panels_list_todays_shift_and_overbooked_ones_need_attention(qtbot, store, ana, bo):
    today = dt.date.today()
    add_shift(
        store,
        ana,
        title="Lunch",
        starts_at=at(today, 0),
        ends_at=at(today, 0, 30),
        capacity=2,
    )
    lunch = list_shifts(store, today, today + dt.timedelta(days=1))[0]
    store_signup_now = dt.datetime.combine(today, dt.time(0)) - dt.timedelta(hours=1)
    sign_up(store, ana, lunch.id, bo, now=store_signup_now)
    dinner = shift_on(store, ana, NEXT_MONDAY + dt.timedelta(days=2), "Dinner", 1)
    sign_up(store, ana, dinner, bo)
    sign_up(store, ana, dinner, ana, allow_waitlist=True)

    window = open_window(qtbot, store, ana)
    today_page = window.go_to("today")
    assert isinstance(today_page, TodayPage)
    panels = {type(panel): panel for panel in today_page.panels}
    todays = panels[TodayShiftsPanel]
    assert "Lunch 00:00–00:30 (1/2): Bo Lindqvist" in todays.text()
    assert isinstance(panels[NeedPeoplePanel], NeedPeoplePanel)
    attention = today_page.attention_text()
    assert "Dinner on" in attention
    assert "2 signed up for 1 place: Ana is waiting." in attention

    row = next(r for r in today_page.attention_rows if r.item.key.startswith("shift-"))
    assert row.button is not None and row.button.text() == "Open shift"
    qtbot.mouseClick(row.button, Qt.MouseButton.LeftButton)
    page = window.pages["shifts"]
    assert isinstance(page, ShiftsPage)
    assert window.current_section() == "shifts"
    assert page.week_view.current_shift().id == dinner
    assert page.details_dialog is not None and page.details_dialog.shift_id == dinner


def test_need_people_panel_lists_open_shifts_of_the_next_week(qtbot, store, ana):
    soon = dt.date.today() + dt.timedelta(days=2)
    shift_on(store, ana, soon, "Sorting", 3)
    window = open_window(qtbot, store, ana)
    today_page = window.go_to("today")
    panel = next(p for p in today_page.panels if isinstance(p, NeedPeoplePanel))
    assert "Sorting" in panel.text() and "needs 3 more (0/3)" in panel.text()


def test_members_page_shows_each_members_balance_and_status(qtbot, store, ana, bo):
    today = dt.date.today()
    set_duty_rule(store, ana, minutes=180, period_days=28, duty_from=today - dt.timedelta(days=31))
    window = open_window(qtbot, store, ana)
    page = window.go_to("members")
    assert isinstance(page, MembersPage)
    model = page.model
    row = model.row_of(ana)
    assert model.headerData(BALANCE_COLUMN, Qt.Orientation.Horizontal) == "Balance"
    assert model.data(model.index(row, BALANCE_COLUMN)) == "−3 h"
    assert model.data(model.index(row, STATUS_COLUMN)) == "Alert"
    assert balance_text(90) == "+1.5 h" and balance_text(-90) == "−1.5 h"

    set_duty_rule(store, ana, minutes=0, period_days=28, duty_from=None)  # the page reloads
    assert model.data(model.index(model.row_of(ana), BALANCE_COLUMN)) == "0 h"
    assert model.data(model.index(model.row_of(ana), STATUS_COLUMN)) == "Up to date"


def test_record_attendance_after_the_shift(qtbot, store, ana, bo):
    yesterday = dt.date.today() - dt.timedelta(days=1)
    shift = add_shift(
        store,
        ana,
        title="Sorting",
        starts_at=at(yesterday, 9),
        ends_at=at(yesterday, 11),
        capacity=2,
    )
    sign_up(store, ana, shift, bo, now=at(yesterday, 8))
    page = shifts_page(qtbot, store, ana)
    details = page.open_details(shift)
    assert details.attendance_box.isVisible()
    assert not details.sign_up_button.isEnabled()  # too late to sign up
    details.confirmed_list.setCurrentRow(0)
    qtbot.mouseClick(details.attendance_buttons["attended"], Qt.MouseButton.LeftButton)
    assert get_shift(store, shift).confirmed[0].attendance == "attended"
    assert "attended" in details.confirmed_list.item(0).text()
    page.window_.undo()
    assert get_shift(store, shift).confirmed[0].attendance == "pending"


def test_closed_details_dialogs_hear_no_member_switch(qtbot, store, ana, bo, monkeypatch):
    """Open and close the details N times, then switch member: N error boxes, once."""
    from PySide6.QtCore import SIGNAL, QCoreApplication, QEvent

    meal = shift_on(store, ana, THIS_MONDAY + dt.timedelta(days=8), "Tuesday meal", 2)
    page = shifts_page(qtbot, store, ana)
    window = page.window_
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda _parent, message, *_a: errors.append(message))
    session = window.session
    before = (
        session.receivers(SIGNAL("member_changed(PyObject)")),
        window.hub.receivers(SIGNAL("changed(PyObject)")),
    )
    for _ in range(4):
        dialog = page.open_details(meal)
        assert page.open_details(meal) is dialog  # open already: raised, not a second one
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        qtbot.wait(1)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert page.details_dialog is None
    after = (
        session.receivers(SIGNAL("member_changed(PyObject)")),
        window.hub.receivers(SIGNAL("changed(PyObject)")),
    )
    assert after == before
    session.set_member(bo)
    session.set_member(ana)
    sign_up(store, ana, meal, bo)  # a change the closed dialogs would have reloaded for
    qtbot.wait(1)
    assert errors == []
    assert window.go_to("members").add_button.isEnabled()  # no stale permission state


def test_managing_a_shift_says_who_may_before_the_core_refuses(qtbot, store, ana, bo):
    """Where a role carries the "shifts" mandate, taking someone else off and cancelling the
    shift are the holders' buttons; one's own place stays one's own."""
    from coopdesk.roles.roles import add_role

    add_role(
        store,
        ana,
        "Coordinator",
        term_days=14,
        member_ids=[ana],
        starts_on=dt.date.today(),
        mandates=("shifts",),
    )
    dinner = shift_on(store, ana, NEXT_MONDAY + dt.timedelta(days=2), "Dinner", 3)
    sign_up(store, ana, dinner, ana)
    sign_up(store, bo, dinner, bo)
    page = shifts_page(qtbot, store, bo)
    details = page.open_details(dinner)
    names = [details.confirmed_list.item(row).text() for row in range(2)]
    details.confirmed_list.setCurrentRow(next(i for i, n in enumerate(names) if "Ana" in n))
    assert not details.remove_button.isEnabled()
    assert "Only this term's Coordinator" in details.remove_button.toolTip()
    assert not details.cancel_shift_button.isEnabled()
    details.confirmed_list.setCurrentRow(next(i for i, n in enumerate(names) if "(you)" in n))
    assert details.remove_button.isEnabled()  # Bo may take himself off
    page.window_.session.set_member(ana)
    assert details.cancel_shift_button.isEnabled()
