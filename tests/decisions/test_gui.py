"""Decisions in the window: voting at the keyboard, secret results hidden until the close,
the facilitator's buttons, Today's "you have not voted yet", assemblies, and paper."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from coopdesk.coop.members import add_member
from coopdesk.coop.pins import set_pin
from coopdesk.decisions.ballots import vote
from coopdesk.decisions.decisions import add_decision, get_decision
from coopdesk.decisions.meetings import add_meeting
from coopdesk.decisions.outcomes import close_decision
from coopdesk.decisions.results import tally
from coopdesk.gui.decisions import printing
from coopdesk.gui.decisions.dialogs import VoteDialog
from coopdesk.gui.decisions.page import DecisionsPage
from coopdesk.gui.kit import dialogs
from coopdesk.roles.roles import add_role
from tests.gui_helpers import open_window

WEEK = dt.datetime.now().replace(microsecond=0) + dt.timedelta(days=7)


@pytest.fixture
def people(store, ana) -> dict[str, str]:
    ids = {"Ana": ana}
    for name in ("Bea", "Cai", "Dee"):
        ids[name] = add_member(store, ana, name)
    return ids


def decisions_page(qtbot, store, member_id) -> DecisionsPage:
    window = open_window(qtbot, store, member_id)
    page = window.go_to("decisions")
    assert isinstance(page, DecisionsPage)
    return page


def test_the_member_at_the_keyboard_votes_from_the_window(qtbot, store, people):
    van = add_decision(store, people["Ana"], "Buy a van", kind="consent", closes_at=WEEK)
    page = decisions_page(qtbot, store, people["Bea"])
    assert page.select_decision(van)
    assert page.mine_label.text() == "You have not voted yet."
    page.vote()
    dialog = page.dialog
    assert isinstance(dialog, VoteDialog) and dialog.pin_edit is None
    dialog.stance_buttons["object"].setChecked(True)
    dialog.accept()  # no reason: refused inline, nothing written
    assert dialog.isVisible() and "Reason is required" in dialog.error_label.text()
    assert tally(store, van).voters == 0
    dialog.reason_edit.setPlainText("Parking is a problem.")
    dialog.accept()
    assert not dialog.isVisible()
    assert tally(store, van).counts == {"consent": 0, "object": 1}
    assert "Your vote: Object" in page.mine_label.text()
    assert page.vote_button.text() == "Change my vote…"
    assert "Object: 1" in page.chart.text()
    assert "is counted" in page.window_.notice_label.text()


def test_a_secret_decision_shows_who_took_part_and_hides_the_tally_until_it_closes(
    qtbot, store, people
):
    election = add_decision(
        store,
        people["Ana"],
        "Treasurer",
        kind="ranked",
        options=["Bea", "Cai", "Dee"],
        secret=True,
        closes_at=WEEK,
    )
    for name, ranking in (("Ana", ["Cai"]), ("Bea", ["Cai", "Bea"]), ("Dee", ["Dee"])):
        vote(store, people[name], election, choice=ranking)
    page = decisions_page(qtbot, store, people["Cai"])
    page.select_decision(election)
    assert page.chart.bars == [] and page.chart.text() == "Results show when it closes."
    assert "results when it closes" in page.headline_label.text()
    assert "Took part: Ana, Bea and Dee" in page.participants_label.text()

    page.vote()
    dialog = page.dialog
    assert "cannot be changed once cast" in " ".join(
        label.text() for label in dialog.findChildren(type(page.decision_title))
    )
    dialog.ranking.set_ranking([get_decision(store, election).options[1].id])
    dialog.accept()
    assert not dialog.isVisible()
    # Nothing on screen tells the next person at the keyboard what Cai chose.
    assert page.mine_label.text() == "You took part. Your ballot carries no name."
    assert "without your name" in page.window_.notice_label.text()
    assert not page.vote_button.isEnabled()
    assert page.chart.bars == []

    close_decision(store, people["Ana"], election)
    page.load()
    assert [bar.label for bar in page.chart.bars] == ["Bea", "Cai", "Dee"]
    assert "Cai elected" in page.headline_label.text()


def test_the_vote_dialog_asks_for_the_pin_of_a_member_who_has_one(qtbot, store, people):
    set_pin(store, people["Bea"], people["Bea"], "2468")
    van = add_decision(store, people["Ana"], "Buy a van", kind="consent", closes_at=WEEK)
    page = decisions_page(qtbot, store, people["Bea"])
    page.select_decision(van)
    page.vote()
    dialog = page.dialog
    assert dialog.pin_edit is not None
    dialog.stance_buttons["consent"].setChecked(True)
    dialog.pin_edit.setText("1111")
    dialog.accept()
    assert dialog.isVisible() and "PIN is not right" in dialog.error_label.text()
    assert tally(store, van).voters == 0
    dialog.pin_edit.setText("2468")
    dialog.accept()
    assert tally(store, van).counts["consent"] == 1


def test_only_the_facilitator_may_close_early_and_is_named(qtbot, store, people):
    add_role(
        store,
        people["Ana"],
        "Facilitator",
        term_days=14,
        member_ids=[people["Cai"]],
        starts_on=dt.date.today(),
        mandates=["decisions"],
    )
    van = add_decision(store, people["Ana"], "Buy a van", kind="consent", closes_at=WEEK)
    page = decisions_page(qtbot, store, people["Bea"])
    page.select_decision(van)
    assert not page.close_button.isEnabled()
    assert page.close_button.toolTip().startswith("Only this term's Facilitator can do this: Cai")
    page.window_.session.set_member(people["Cai"])
    assert page.close_button.isEnabled()


def test_someone_without_the_mandate_who_says_who_they_are_only_then_is_told_inline(
    qtbot, store, people, monkeypatch
):
    """Nobody at the keyboard: Close is enabled (the window asks who is there first). Bea
    says it is her; she is no Facilitator, so the notice line says who may, with no error
    box and no question (found by the day-at-the-coop walk)."""
    add_role(
        store,
        people["Ana"],
        "Facilitator",
        term_days=14,
        member_ids=[people["Cai"]],
        starts_on=dt.date.today(),
        mandates=["decisions"],
    )
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda _parent, message, *a: errors.append(message))
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: errors.append("asked") or True)
    van = add_decision(store, people["Ana"], "Buy a van", kind="consent", closes_at=WEEK)
    page = decisions_page(qtbot, store, people["Ana"])
    window = page.window_
    window.session.clear()
    page.select_decision(van)
    assert page.close_button.isEnabled()
    page.close_early()
    qtbot.waitUntil(lambda: window.picker is not None)
    window.picker.member_picked.emit(people["Bea"])
    assert errors == []
    assert window.notice_label.text().startswith("Only this term's Facilitator can do this: Cai")
    assert get_decision(store, van).phase() == "open"

    window.session.clear()
    page.close_early()
    qtbot.waitUntil(lambda: window.picker is not None)
    window.picker.member_picked.emit(people["Cai"])
    assert errors == ["asked"]  # Cai may: the question, then it closes
    assert get_decision(store, van).phase() == "closed"


def test_closing_early_asks_first_and_names_sites_not_heard_from(qtbot, store, people, monkeypatch):
    asked: list[str] = []
    monkeypatch.setattr(
        dialogs, "confirm", lambda parent, title, text, *a: asked.append(text) or True
    )
    van = add_decision(store, people["Ana"], "Buy a van", kind="consent", closes_at=WEEK)
    page = decisions_page(qtbot, store, people["Ana"])
    page.select_decision(van)
    page.close_early()
    assert asked and "closes now" in asked[0]
    assert get_decision(store, van).phase() == "closed"
    assert page.outcome_button.isVisible() and not page.close_button.isVisible()


def test_today_says_you_have_not_voted_yet(qtbot, store, people):
    van = add_decision(store, people["Ana"], "Buy a van", kind="consent", closes_at=WEEK)
    window = open_window(qtbot, store, people["Bea"])
    today = window.go_to("today")
    assert "Bea, you have not voted yet on “Buy a van”" in today.attention_text()
    vote(store, people["Bea"], van, stance="consent")
    today.load()
    assert "not voted" not in today.attention_text()
    window.session.set_member(people["Cai"])
    assert "Cai, you have not voted yet" in today.attention_text()


def test_a_new_decision_from_the_dialog(qtbot, store, people):
    page = decisions_page(qtbot, store, people["Ana"])
    page.add_new()
    dialog = page.dialog
    dialog.title_edit.setText("Paint the door")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("single"))
    dialog.options_edit.setPlainText("Red\n\nBlue\n")
    dialog.quorum_spin.setValue(50)
    dialog.accept()
    assert not dialog.isVisible()
    made = [
        d
        for d in (
            get_decision(store, row[0]) for row in store.conn.execute("SELECT id FROM decision")
        )
    ]
    assert [(d.title, d.kind, [o.label for o in d.options], d.quorum_pct) for d in made] == [
        ("Paint the door", "single", ["Red", "Blue"], 50)
    ]
    assert page.selected_id() == made[0].id


def _text_heights(pdf: Path) -> list[float]:
    """Heights (in points) of every word pdftotext finds, from its -bbox output."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    heights = []
    for line in out.splitlines():
        if line.strip().startswith("<word "):
            parts = dict(item.split("=") for item in line.strip()[6:].split(">")[0].split())
            heights.append(float(parts["yMax"].strip('"')) - float(parts["yMin"].strip('"')))
    return heights


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_agenda_ballots_and_result_sheet_print_at_ten_points_or_more(
    qtbot, store, people, tmp_path
):
    van = add_decision(
        store,
        people["Ana"],
        "Buy a van",
        kind="consent",
        details="A small electric van.",
        closes_at=WEEK,
    )
    election = add_decision(
        store,
        people["Ana"],
        "Treasurer",
        kind="ranked",
        options=["Bea", "Cai"],
        secret=True,
        closes_at=WEEK,
    )
    for name in ("Ana", "Bea", "Cai"):
        vote(store, people[name], van, stance="consent")
        vote(store, people[name], election, choice=["Cai", "Bea"])
    close_decision(store, people["Ana"], van, outcome="We buy it.")
    close_decision(store, people["Ana"], election)
    meeting = add_meeting(
        store, people["Ana"], "Spring assembly", starts_at=WEEK, agenda=["Welcome", ("", van)]
    )
    from coopdesk.decisions.meetings import get_meeting

    sheets = {
        "agenda": printing.agenda_html(
            get_meeting(store, meeting), "Test Coop", {van: get_decision(store, van)}
        ),
        "ballots": printing.ballots_html(get_decision(store, election), "Test Coop", copies=4),
        "result": printing.result_html(tally(store, election), "Test Coop"),
    }
    for name, html_text in sheets.items():
        pdf = printing.save_pdf(tmp_path / f"{name}.pdf", html_text)
        heights = _text_heights(pdf)
        assert heights, name
        # A 10 pt font's word boxes are about 11.6 pt high (ascent and descent).
        assert min(heights) >= 10.0, (name, min(heights))
    assert "Write 1 next to your first choice" in sheets["ballots"]
    assert "do not write your name" in sheets["ballots"]
    assert "Cai elected" in sheets["result"] and "Took part (3)" in sheets["result"]


def test_an_assembly_from_the_window_with_its_minutes(qtbot, store, people):
    van = add_decision(store, people["Ana"], "Buy a van", kind="consent", closes_at=WEEK)
    page = decisions_page(qtbot, store, people["Ana"])
    page.add_meeting()
    dialog = page.dialog
    assert page.tabs.currentWidget() is page.assemblies_tab
    dialog.title_edit.setText("Spring assembly")
    dialog.agenda_edit.setPlainText("Welcome\nAny other business")
    dialog.decisions_list.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.accept()
    assert not dialog.isVisible()
    meeting = page.selected_meeting()
    assert meeting is not None and meeting.title == "Spring assembly"
    assert [(item.title, item.decision_id) for item in meeting.agenda] == [
        ("Welcome", None),
        ("Any other business", None),
        ("Buy a van", van),
    ]
    page.write_minutes()
    minutes = page.dialog
    minutes.minutes_edit.setPlainText("We agreed to look at vans.")
    for row in range(minutes.attendees_list.count()):
        if minutes.attendees_list.item(row).text() in ("Bea", "Cai"):
            minutes.attendees_list.item(row).setCheckState(Qt.CheckState.Checked)
    minutes.accept()
    text = page.meeting_label.text()
    assert "We agreed to look at vans." in text and "Attended (2): Bea and Cai" in text
