"""Every member in their own language: the catalogues are complete, the window follows the
member at the keyboard (and the coop's default at the idle lock), Arabic is right to left."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication, QLabel

from coopdesk.base import i18n
from coopdesk.base.errors import ValidationError
from coopdesk.coop import add_member, update_member, update_settings
from coopdesk.gui.kit.pdf import sheet_html
from coopdesk.gui.shell.main_window import SECTIONS
from tests.cli_helpers import coopdesk, coopdesk_json
from tests.gui_helpers import open_window

LOCALE = Path(i18n.LOCALE_DIR)
GUI = Path(i18n.__file__).resolve().parent.parent / "gui"
TRANSLATED = ("es", "fr", "ar")
FIELD = re.compile(r"\{[^{}]*\}")


def _catalogue(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def test_the_window_template_holds_every_marked_string():
    """A string marked in coopdesk/gui but missing from window.pot: `make translations`."""
    keywords = {"_": None, "ngettext": (1, 2), "N_": None}
    found = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(str(GUI), keywords=keywords)
    }
    template = {
        m.id if isinstance(m.id, str) else m.id[0] for m in _catalogue(LOCALE / "window.pot")
    }
    missing = sorted(found - template)
    assert not missing, f"not in window.pot (run make translations): {missing[:10]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_window_string_is_translated_with_its_placeholders(language):
    template = _catalogue(LOCALE / "window.pot")
    catalogue = _catalogue(LOCALE / language / "LC_MESSAGES" / "window.po")
    untranslated, broken = [], []
    for message in template:
        if not message.id:
            continue
        found = catalogue.get(message.id)
        strings = found.string if found is not None else None
        forms = strings if isinstance(strings, tuple) else (strings,)
        if found is None or found.fuzzy or not all(forms):
            untranslated.append(message.id)
            continue
        source = message.id if isinstance(message.id, str) else message.id[1]
        wanted = set(FIELD.findall(source))
        for form in forms:
            if set(FIELD.findall(form)) - wanted or (
                len(forms) == 1 and set(FIELD.findall(form)) != wanted
            ):
                broken.append((message.id, form))
    assert not broken, f"{language}: placeholders changed in {broken[:5]}"
    assert not untranslated, (
        f"{language}: {len(untranslated)} window strings untranslated, e.g. {untranslated[:5]}"
    )


def test_arabic_has_its_six_plural_forms():
    catalogue = _catalogue(LOCALE / "ar" / "LC_MESSAGES" / "window.po")
    assert catalogue.num_plurals == 6
    plurals = [m for m in catalogue if m.id and isinstance(m.id, tuple) and any(m.string)]
    assert plurals and all(len(m.string) == 6 for m in plurals)


# -- the language follows the member at the keyboard ---------------------------------------------


def _menu_titles(window) -> list[str]:
    return [action.text() for action in window.menuBar().actions()]


def test_the_window_speaks_the_language_of_whoever_is_at_the_keyboard(qtbot, store, ana):
    bea = add_member(store, ana, "Bea", language="es")
    cai = add_member(store, ana, "Cai")  # no language of her own: the coop's
    update_settings(store, ana, language="fr")
    window = open_window(qtbot, store, bea)
    assert i18n.current_language() == "es"
    assert _menu_titles(window)[0] == "&Archivo"
    assert window.sidebar.item(0).text() == "Hoy"
    assert window.member_label.text() == "Al teclado: Bea"
    assert window.pages["today"].title_label.text().startswith("Hoy en")

    window._on_member_picked(cai)
    assert i18n.current_language() == "fr"
    assert _menu_titles(window)[0] == "&Fichier"
    assert window.sidebar.item(0).text() == "Aujourd’hui"
    assert window.notice_label.text() == "Cai est au clavier."

    window.session.set_member(bea)
    assert window.sidebar.item(0).text() == "Hoy"
    window.session._on_idle()  # the idle lock: back to the coop's default
    assert window.session.member_id is None
    assert i18n.current_language() == "fr"
    assert window.member_label.text() == "Personne au clavier"


def test_a_member_choosing_a_language_in_the_window_sees_it_at_once(qtbot, store, ana):
    window = open_window(qtbot, store, ana)
    assert _menu_titles(window)[0] == "&File"
    page = window.go_to("members")
    update_member(store, ana, ana, language="fr")
    window._on_store_changed(_member_change())
    assert _menu_titles(window)[0] == "&Fichier"
    assert window.current_section() == "members"
    assert window.pages["members"] is not page  # rebuilt in French
    assert window.pages["members"].title_label.text() == "Membres"


def _member_change():
    from coopdesk.store.changes import Changes

    return Changes(tables=frozenset({"member"}))


def test_arabic_lays_the_window_out_right_to_left(qtbot, store, ana):
    update_member(store, ana, ana, language="ar")
    window = open_window(qtbot, store, ana)
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert window.layoutDirection() == Qt.LayoutDirection.RightToLeft
    for section in SECTIONS:
        page = window.go_to(section.key)
        assert page.layoutDirection() == Qt.LayoutDirection.RightToLeft, section.key
    # The sidebar is on the right of the page, the sheet printed from here says dir="rtl".
    qtbot.waitUntil(lambda: window.sidebar_panel.width() > 0)
    sidebar_x = window.sidebar_panel.mapTo(window, window.sidebar_panel.rect().topLeft()).x()
    page_x = window.stack.mapTo(window, window.stack.rect().topLeft()).x()
    assert sidebar_x > page_x
    assert "dir='rtl'" in sheet_html(["<p>x</p>"], 10)

    update_member(store, ana, ana, language="")
    window._on_store_changed(_member_change())
    assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert "dir='ltr'" in sheet_html(["<p>x</p>"], 10)


def test_dates_in_the_window_follow_the_language_of_the_coop_at_start_up(qtbot, store, ana):
    """The window is made before it knows the coop's language: its date fields still follow
    it (they read "2026 Jan 1 Thu" in an Arabic window until the locale followed too)."""
    update_settings(store, ana, language="es")
    window = open_window(qtbot, store, None)
    page = window.go_to("reports")
    assert page.from_edit.locale().language() == QLocale.Language.Spanish
    shown = page.from_edit.date()
    assert page.from_edit.text() == QLocale(QLocale.Language.Spanish).toString(
        shown, page.from_edit.displayFormat()
    )


@pytest.mark.parametrize("language", ["ar", "es"])
def test_screenshots_of_the_main_pages(qtbot, store, ana, tmp_path, language):
    """Each main page under Arabic and Spanish (COOPDESK_SCREENSHOTS=dir keeps them)."""
    update_member(store, ana, ana, language=language)
    window = open_window(qtbot, store, ana)
    window.resize(1100, 700)
    direction = (
        Qt.LayoutDirection.RightToLeft if language == "ar" else Qt.LayoutDirection.LeftToRight
    )
    folder = Path(os.environ.get("COOPDESK_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    for section in SECTIONS:
        page = window.go_to(section.key)
        qtbot.waitUntil(lambda page=page: page.loaded)
        shot = window.grab()
        assert not shot.isNull()
        assert shot.save(str(folder / f"{language}-{section.key}.png"))
        assert page.layoutDirection() == direction, section.key


def test_the_pseudo_language_is_accented_and_longer():
    i18n.set_language("xx")
    try:
        text = i18n._("Switch (Ctrl+K)")
    finally:
        i18n.set_language("en")
    assert text.startswith("[") and text.endswith("]")
    assert "Ŝ" in text or "Š" in text
    assert len(text) >= len("Switch (Ctrl+K)") * 1.3


# -- the stored settings -------------------------------------------------------------------------


def test_only_known_languages_are_stored(store, ana):
    with pytest.raises(ValidationError):
        update_member(store, ana, ana, language="zz")
    with pytest.raises(ValidationError):
        update_settings(store, ana, language="klingon")
    update_member(store, ana, ana, language="ES")
    assert store.get("member", ana)["language"] == "es"


def test_the_command_line_sets_and_speaks_languages(data_dir, store, ana):
    store.close()
    assert coopdesk_json(data_dir, "coop", "--language", "es", "--as", ana)["language"] == "es"
    edited = coopdesk_json(data_dir, "member", "edit", ana, "--language", "ar", "--as", ana)
    assert edited["member"]["language"] == "ar"
    refused = coopdesk(
        data_dir, "member", "edit", ana, "--language", "zz", "--as", ana, check=False
    )
    assert refused.returncode == 1
    # Messages for people follow --lang; --json stays English.
    shown = coopdesk(data_dir, "coop", "--lang", "fr")
    assert shown.returncode == 0


@pytest.mark.parametrize(
    ("language", "cancel"), [("es", "Cancelar"), ("fr", "Annuler"), ("en", "Cancel")]
)
def test_qts_own_buttons_follow_the_language(qapp, language, cancel):
    """Qt's standard buttons and dialogs come from PySide6's qtbase_<lang>.qm."""
    from PySide6.QtWidgets import QDialogButtonBox

    from coopdesk.gui.shell.language import apply_language

    apply_language(language)
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == cancel


@pytest.mark.parametrize("table", ["coop", "member"])
def test_a_bundle_carrying_an_unknown_language_is_refused(table):
    """The merge checks the same list as a write: only codes CoopDesk has, or ""."""
    import sqlite3

    from tests.store.test_schema import incoming_accepts

    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE TABLE _change (lsn INTEGER PRIMARY KEY, tbl, op, cl, fields, versions, row_id)"
    )
    for code in ("", "es", "fr", "ar", "en"):
        assert incoming_accepts(conn, table, "language", code), code
    for code in ("zz", "ES", "xx", 3):
        assert not incoming_accepts(conn, table, "language", code), code


@pytest.mark.parametrize("language", ["en", *TRANSLATED])
def test_every_main_page_fits_a_netbook_screen_in_every_language(qtbot, store, ana, language):
    """Longer words must not push the window wider than a 1024-pixel screen (French and
    Spanish run 20-30% longer than English; the pseudo-language xx, 40%, shows what is next
    to overflow: `coopdesk --lang xx`)."""
    update_member(store, ana, ana, language="" if language == "en" else language)
    window = open_window(qtbot, store, ana)
    widest = {}
    for section in SECTIONS:
        window.go_to(section.key)
        qtbot.wait(1)
        widest[section.key] = window.minimumSizeHint().width()
    assert max(widest.values()) <= 1024, widest


def test_words_a_page_fills_in_from_codes_are_in_the_language(qtbot, store, ana):
    """Seen in a real Spanish window: the Members list said "Alert" and "Up to date", the
    Decisions list "open", a decision's facts "opened … closes …", and Activity "añadió
    postura consent" (the stored codes, not their words)."""
    from coopdesk.coop.activity import recent_changes
    from coopdesk.decisions.ballots import vote
    from coopdesk.decisions.decisions import add_decision
    from coopdesk.gui.coop.member_model import STATUS_COLUMN
    from coopdesk.shifts.duty import set_duty_rule

    set_duty_rule(store, ana, minutes=180, period_days=28, duty_from=dt.date.today())
    closes = dt.datetime.now() + dt.timedelta(days=3)
    van = add_decision(store, ana, "Buy a van", kind="consent", closes_at=closes)
    vote(store, ana, van, stance="consent")
    update_member(store, ana, ana, language="es")
    window = open_window(qtbot, store, ana)

    members = window.go_to("members")
    qtbot.waitUntil(lambda: members.loaded)
    status = members.model.index(0, STATUS_COLUMN).data()
    assert status in ("Alerta", "Al día"), status

    page = window.go_to("decisions")
    qtbot.waitUntil(lambda: page.loaded)
    page.select_decision(van)
    assert page.model.index(0, 2).data() == "abierto"
    facts = " ".join(label.text() for label in page.findChildren(QLabel))
    assert "abrió " in facts and "cierra " in facts and "opened" not in facts

    said = [item.sentence() for item in recent_changes(store, limit=5)]
    assert any("Consentimiento" in sentence for sentence in said), said
    assert not any(sentence.endswith("consent") for sentence in said), said
