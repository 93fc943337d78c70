"""The wrapping toolbar row (coopdesk.gui.kit.flow): its heights are worked out once per
width, and worked out again whenever a control changes."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QWidget

from coopdesk.gui.kit.flow import FlowLayout


def toolbar(qtbot) -> tuple[QWidget, FlowLayout, list[QPushButton]]:
    host = QWidget()
    qtbot.addWidget(host)
    row = FlowLayout(host)
    buttons = [QPushButton(f"Button number {n}") for n in range(3)]
    for button in buttons:
        row.addWidget(button)
    host.show()
    return host, row, buttons


def test_a_height_asked_again_is_not_laid_out_again(qtbot, monkeypatch) -> None:
    _host, row, buttons = toolbar(qtbot)
    narrow = buttons[0].sizeHint().width() + 10  # one button a line
    laid_out = []
    original = FlowLayout._lay_out
    monkeypatch.setattr(
        FlowLayout,
        "_lay_out",
        lambda self, rect, place: laid_out.append(place) or original(self, rect, place),
    )
    three_lines = row.heightForWidth(narrow)
    for _ in range(5):
        assert row.heightForWidth(narrow) == three_lines
    assert laid_out.count(False) == 1


def test_hiding_or_renaming_a_control_changes_the_height(qtbot) -> None:
    _host, row, buttons = toolbar(qtbot)
    narrow = buttons[0].sizeHint().width() + 10
    three_lines = row.heightForWidth(narrow)
    buttons[1].hide()
    buttons[2].hide()
    one_line = row.heightForWidth(narrow)
    assert one_line < three_lines / 2
    buttons[0].setText("A label far too long to share its line with anything at all")
    buttons[1].show()
    assert row.heightForWidth(narrow) > one_line
    assert row.heightForWidth(10_000) == one_line  # everything on one line again
