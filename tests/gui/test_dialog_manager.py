"""One way to open a dialog: one per kind, raised if open, forgotten when closed, and its
connections to longer-lived objects end with it. And question boxes default to safety."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from coopdesk.gui.kit import dialogs
from coopdesk.gui.kit.dialog_manager import DialogManager, alive, listen


class Session(QObject):
    """Stands in for the window's long-lived objects (the session, the hub)."""

    member_changed = Signal(str)


class Follower(QDialog):
    def __init__(self, session: Session, parent: QWidget) -> None:
        super().__init__(parent)
        self.heard: list[str] = []
        listen(self, session.member_changed, self.on_member)

    def on_member(self, member: str) -> None:
        self.heard.append(member)


@pytest.fixture
def window(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def settle(qtbot) -> None:
    qtbot.wait(1)
    QApplication.sendPostedEvents(None, 0)
    QApplication.processEvents()


def test_a_dialog_closed_with_esc_opens_again_fresh(qtbot, window):
    manager = DialogManager(window)
    made: list[QDialog] = []

    def make() -> QDialog:
        made.append(QDialog(window))
        return made[-1]

    first = manager.open("member form", make)
    assert manager.open("member form", make) is first  # open already: raised, not doubled
    assert len(made) == 1
    qtbot.keyClick(first, Qt.Key.Key_Escape)
    settle(qtbot)
    assert manager.find("member form") is None
    assert not alive(first)  # deleted, and nobody holds it to ask isVisible() later
    second = manager.open("member form", make)  # Ctrl+N, Esc, Ctrl+N: no RuntimeError
    assert second is not first and second.isVisible()
    assert len(made) == 2
    manager.close_all()
    settle(qtbot)
    assert manager.open_dialogs() == []


def test_each_key_has_its_own_dialog(qtbot, window):
    manager = DialogManager(window)
    one = manager.open("shift details", lambda: QDialog(window), key="s1")
    two = manager.open("shift details", lambda: QDialog(window), key="s2")
    assert one is not two
    assert manager.find("shift details", "s1") is one
    assert manager.newest("shift details") is two
    manager.close_all()


def test_connections_end_with_the_dialog(qtbot, window):
    """Open and close N dialogs that follow the session: a member switch reaches none."""
    session = Session()
    manager = DialogManager(window)
    closed: list[Follower] = []
    for _ in range(5):
        dialog = manager.open("details", lambda: Follower(session, window))
        dialog.reject()
        closed.append(dialog)
    settle(qtbot)
    session.member_changed.emit("bo")  # used to raise one error box per closed dialog
    assert session.receivers("2member_changed(QString)") == 0
    open_one = manager.open("details", lambda: Follower(session, window))
    session.member_changed.emit("cy")
    assert open_one.heard == ["cy"]
    manager.close_all()


def test_listen_refuses_what_would_outlive_the_dialog(qtbot, window):
    session = Session()
    dialog = QDialog(window)
    with pytest.raises(TypeError, match="method of the dialog"):
        listen(dialog, session.member_changed, lambda _member: None)
    with pytest.raises(TypeError):
        listen(dialog, session.member_changed, window.update)


def test_enter_in_a_question_box_keeps_things_as_they_are(qtbot, window, monkeypatch):
    """The safe choice is the default, and both buttons say what they do."""
    monkeypatch.undo()  # the real confirm(), not the tests' "answer me" stand-in
    seen: dict[str, object] = {}

    def press_enter() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen["buttons"] = sorted(button.text() for button in box.buttons())
        seen["default"] = box.defaultButton().text()
        qtbot.keyClick(box, Qt.Key.Key_Return)

    QTimer.singleShot(50, press_enter)
    answer = dialogs.confirm(
        window, "Raise places", "Raise to 4?", "Raise to 4 places", "Keep 3 places"
    )
    assert answer is False
    assert seen == {"buttons": ["Keep 3 places", "Raise to 4 places"], "default": "Keep 3 places"}
