"""Words that fit: in the pseudo-language ``xx`` (accented, about 40% longer than English)
every page and every dialog shows the whole of each label, button, tab, group title,
combo box choice and column title. The checker is tests/gui/fitting.py."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QGroupBox,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QWidget,
)

from coopdesk.base import i18n
from coopdesk.gui.kit.form_dialog import FormDialog
from coopdesk.gui.kit.widgets import ELIDES, ElidedLabel, table_view, title_width, widen_to_titles
from coopdesk.gui.shell.main_window import SECTION_KEYS
from coopdesk.store.store import Store
from tests.gui.fitting import cut_off_texts
from tests.gui.test_accessibility import (
    EVERY_DIALOG_KIND,
    DemoFiles,
    demo_files,  # noqa: F401 (a fixture)
    demo_store,  # noqa: F401 (a fixture)
    settle,
    visit_every_page_and_dialog,
    watch_dialogs,
)
from tests.gui_helpers import open_window

# The main window's size when it opens on a usual screen (MainWindow.first_size).
FIRST_SIZE = (1100, 700)
WORDS = "Every member of the cooperative takes a shift"


def settle_layouts() -> None:
    """Qt lays a window out over a few rounds of its events (a label's new text asks its
    layout again, which resizes a panel, which asks its own): let them all happen."""
    for _round in range(3):
        settle()


def _shown(qtbot: Any, widget: QWidget, width: int, height: int = 200) -> QWidget:
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    settle()
    return widget


def test_a_label_too_narrow_for_its_words_is_reported(qtbot: Any) -> None:
    holder = QWidget()
    label = QLabel(WORDS, holder)
    label.setObjectName("too_narrow")
    label.resize(60, 30)
    _shown(qtbot, holder, 400)
    found = cut_off_texts(holder)
    assert len(found) == 1 and "too_narrow" in found[0] and WORDS[:20] in found[0], found
    label.resize(label.sizeHint().width(), 30)
    assert cut_off_texts(holder) == []


def test_a_wrapped_label_shorter_than_its_lines_is_reported(qtbot: Any) -> None:
    holder = QWidget()
    label = QLabel(" ".join([WORDS] * 6), holder)
    label.setWordWrap(True)
    label.setGeometry(0, 0, 150, label.fontMetrics().height() + 2)
    _shown(qtbot, holder, 400)
    assert any("lines need" in text for text in cut_off_texts(holder))
    label.resize(150, label.heightForWidth(150))
    assert cut_off_texts(holder) == []


def test_buttons_check_boxes_group_titles_and_combo_choices_too_narrow_are_reported(
    qtbot: Any,
) -> None:
    holder = QWidget()
    button = QPushButton(WORDS, holder)
    check = QCheckBox(WORDS, holder)
    group = QGroupBox(WORDS, holder)
    combo = QComboBox(holder)
    combo.addItem(WORDS)
    for row, widget in enumerate((button, check, group, combo)):
        widget.setGeometry(0, row * 50, 80, 40)
    _shown(qtbot, holder, 600)
    found = cut_off_texts(holder)
    for kind in ("QPushButton", "QCheckBox", "QGroupBox", "QComboBox"):
        assert any(text.startswith(kind) for text in found), (kind, found)
    for widget in (button, check, group, combo):
        widget.resize(widget.fontMetrics().horizontalAdvance(WORDS) + 80, 40)
    assert cut_off_texts(holder) == []


def test_a_short_button_wider_than_its_words_is_not_reported(qtbot: Any) -> None:
    """Fusion gives a button with words at least 80 px: narrower is not cut words."""
    holder = QWidget()
    button = QPushButton("OK", holder)
    button.resize(button.fontMetrics().horizontalAdvance("OK") + 24, 30)
    _shown(qtbot, holder, 300)
    assert button.width() < button.sizeHint().width()
    assert cut_off_texts(holder) == []


def test_squeezed_tabs_are_reported(qtbot: Any) -> None:
    tabs = QTabWidget()
    for number in range(4):
        tabs.addTab(QWidget(), f"{WORDS} {number}")
    _shown(qtbot, tabs, 200)
    assert any(text.startswith("QTabBar") for text in cut_off_texts(tabs))


def _table(titles: list[str]) -> QTableView:
    model = QStandardItemModel(3, len(titles))
    model.setHorizontalHeaderLabels(titles)
    return table_view(model)


def test_a_column_narrower_than_its_title_is_reported(qtbot: Any) -> None:
    view = _table(["Name", WORDS, "Notes"])
    view.horizontalHeader().resizeSection(1, 40)
    _shown(qtbot, view, 600)
    found = cut_off_texts(view)
    assert len(found) == 1 and WORDS in found[0], found


def test_a_tables_columns_widen_to_their_titles_and_stop_stretching_when_squeezed(
    qtbot: Any,
) -> None:
    """``TitlesWhole``: columns sized in pixels for English grow to a longer title; the
    last column stretches only while what is left holds its title."""
    view = _table(["Name", WORDS, WORDS.upper()])
    header = view.horizontalHeader()
    header.resizeSection(1, 40)
    _shown(qtbot, view, 900)
    widen_to_titles(view)
    settle()
    assert header.sectionSize(1) >= title_width(header, 1)
    assert header.stretchLastSection()
    assert cut_off_texts(view) == []
    view.resize(header.sectionSize(0) + header.sectionSize(1) + 40, 200)
    settle()
    assert not header.stretchLastSection()
    assert header.sectionSize(2) >= title_width(header, 2)  # the table scrolls to it
    view.resize(1600, 200)
    settle()
    assert header.stretchLastSection()


def test_an_elided_label_shows_its_whole_text_in_its_tooltip(qtbot: Any) -> None:
    holder = QWidget()
    label = ElidedLabel(WORDS, holder)
    label.resize(80, 30)
    _shown(qtbot, holder, 300)
    assert label.text() == WORDS  # what a screen reader reads, and what tests read
    assert label.toolTip() == WORDS
    assert label.minimumSizeHint().width() < 80 < label.sizeHint().width()
    label.resize(label.sizeHint().width(), 30)
    assert label.toolTip() == ""
    assert cut_off_texts(holder) == []  # marked: it elides on purpose


def test_a_label_that_elides_on_purpose_is_skipped(qtbot: Any) -> None:
    holder = QWidget()
    label = QLabel(WORDS, holder)
    label.resize(60, 30)
    label.setToolTip(WORDS)
    label.setProperty(ELIDES, True)
    _shown(qtbot, holder, 300)
    assert cut_off_texts(holder) == []


def test_a_widget_reaching_past_its_window_is_reported(qtbot: Any) -> None:
    """A label wide enough for its words, but placed where the window ends, shows only
    their start."""
    window = QWidget()
    label = QLabel(WORDS, window)
    label.setGeometry(80, 0, label.sizeHint().width(), label.sizeHint().height())
    _shown(qtbot, window, 200, 100)
    found = cut_off_texts(window)
    assert len(found) == 1 and "edge of its window" in found[0], found
    window.resize(label.geometry().right() + 10, 100)
    settle()
    assert cut_off_texts(window) == []


def test_no_page_or_dialog_cuts_its_words_in_the_pseudo_language(
    qtbot: Any,
    demo_store: Store,  # noqa: F811 (the fixture)
    demo_files: DemoFiles,  # noqa: F811 (the fixture)
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every main page (each tab) at the window's first size, every kind of dialog at the
    size it opens at: nothing cut off."""
    problems: dict[str, list[str]] = {}
    kinds: set[str] = set()

    def check_dialog(kind: str, dialog: QDialog) -> None:
        settle_layouts()
        kinds.add(kind)
        cut = cut_off_texts(dialog)
        if cut:
            problems.setdefault(f"dialog {kind!r} ({type(dialog).__name__})", cut)

    watch_dialogs(monkeypatch, check_dialog, demo_files.bundle)
    i18n.pin_language(i18n.PSEUDO_LANGUAGE)
    founder = str(demo_store.local_get("default_member_id"))
    window = open_window(qtbot, demo_store, founder)
    assert i18n.current_language() == i18n.PSEUDO_LANGUAGE
    window.resize(*FIRST_SIZE)

    def look_at_page(key: str, what: str) -> None:
        page = window.current_page()
        qtbot.waitUntil(lambda: page.loaded)  # filled in the background, then laid out
        settle_layouts()
        cut = cut_off_texts(window)
        if cut:
            problems.setdefault(f"page {key} ({what})", cut)

    visit_every_page_and_dialog(qtbot, window, demo_store, demo_files.with_pin, look_at_page)
    assert kinds >= EVERY_DIALOG_KIND, f"the walk never opened {EVERY_DIALOG_KIND - kinds}"
    count = sum(len(set(cut)) for cut in problems.values())
    report = "\n".join(
        f"{place}:\n  " + "\n  ".join(sorted(set(cut))) for place, cut in problems.items()
    )
    assert not problems, f"{count} texts cut off in {i18n.PSEUDO_LANGUAGE}:\n{report}"


def test_a_message_shown_later_makes_its_dialog_taller_not_cut(
    qtbot: Any,
    demo_store: Store,  # noqa: F811 (the fixture)
) -> None:
    """The PIN dialog in ``xx``: a refusal under the fields wraps onto more lines at the
    dialog's width; the dialog grows instead of cutting its explanation short."""
    from coopdesk.gui.coop.pin_dialog import SetPinDialog

    i18n.pin_language(i18n.PSEUDO_LANGUAGE)
    founder = str(demo_store.local_get("default_member_id"))
    window = open_window(qtbot, demo_store, founder)
    dialog = SetPinDialog(demo_store, founder, "Amara", window)
    qtbot.addWidget(dialog)
    dialog.show()
    settle_layouts()
    assert cut_off_texts(dialog) == []
    dialog.save()  # no PIN typed: refused, in words under the fields
    settle_layouts()
    assert dialog.error.isVisible()
    assert cut_off_texts(dialog) == []


@pytest.mark.parametrize("language", [i18n.PSEUDO_LANGUAGE, "es", "fr", "ar"])
def test_no_main_page_cuts_its_words_on_a_netbook_screen(
    qtbot: Any,
    demo_store: Store,  # noqa: F811 (the fixture)
    language: str,
) -> None:
    """Every main page and each of its tabs at 1024x600, in each language: nothing cut."""
    i18n.pin_language(language)
    founder = str(demo_store.local_get("default_member_id"))
    window = open_window(qtbot, demo_store, founder)
    window.resize(1024, 600)
    problems: dict[str, list[str]] = {}
    for key in SECTION_KEYS:
        page = window.go_to(key)
        qtbot.waitUntil(lambda page=page: page.loaded)
        for tabs in [None, *page.findChildren(QTabWidget)]:
            for index in range(tabs.count()) if tabs is not None else [None]:
                if tabs is not None and index is not None:
                    tabs.setCurrentIndex(index)
                settle_layouts()
                cut = cut_off_texts(window)
                if cut:
                    problems.setdefault(f"{key} {index if index is not None else ''}", cut)
    report = "\n".join(f"{place}:\n  " + "\n  ".join(cut) for place, cut in problems.items())
    assert window.width() == 1024
    assert not problems, f"texts cut off in {language} at 1024x600:\n{report}"


def test_a_refusal_shown_in_a_form_neither_cuts_it_nor_scrolls_it_sideways(
    qtbot: Any,
    demo_store: Store,  # noqa: F811 (the fixture)
) -> None:
    """The coop's settings in ``xx``: the error line appears under the fields and the form
    grows to hold it (it shrank the fields' area, whose scroll bar took the width of their
    words: they scrolled sideways)."""
    i18n.pin_language(i18n.PSEUDO_LANGUAGE)
    window = open_window(qtbot, demo_store, str(demo_store.local_get("default_member_id")))
    window.settings_action.trigger()
    settle_layouts()
    (dialog,) = window.dialogs.open_dialogs()
    assert isinstance(dialog, FormDialog)
    assert cut_off_texts(dialog) == []
    for words in (1, 6):
        dialog.show_error(" ".join([WORDS] * words))
        settle_layouts()
        assert cut_off_texts(dialog) == [], words
        assert not dialog.form_area.horizontalScrollBar().isVisible()
