"""Asking and telling: confirmations, error messages, and catching core errors for people.

Pages call these through the module (``dialogs.confirm(...)``), never by importing the
function itself, so tests can replace them with ``monkeypatch.setattr(dialogs, "confirm", ...)``
instead of clicking through a modal box.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtWidgets import QMessageBox, QWidget

from coopdesk.errors import CoopDeskError

APP_TITLE = "CoopDesk"


def confirm(parent: QWidget | None, title: str, text: str, action_label: str) -> bool:
    """Ask before something is destroyed or hidden. Cancel is the default (Escape, Enter)."""
    box = QMessageBox(
        QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent
    )
    action = box.addButton(action_label, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is action


def show_error(parent: QWidget | None, message: str, title: str = APP_TITLE) -> None:
    """Show a message written for people (a CoopDeskError's) in a warning box."""
    QMessageBox.warning(parent, title, message)


def busy_message(exc: sqlite3.Error) -> str:
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        return "The store is busy (another CoopDesk is writing to it). Try again in a moment."
    return f"The store could not be used: {exc}."


@dataclass
class Outcome:
    """Whether the guarded block finished; ``message`` says why not."""

    ok: bool = False
    message: str = ""


@contextmanager
def reported_errors(parent: QWidget | None, *, show: bool = True) -> Iterator[Outcome]:
    """Run core calls; a CoopDeskError (or a busy store) becomes a message, not a crash.

    The core's write path is one transaction, so after a failure the store is as it was.
    Use ``with reported_errors(self) as outcome: ...`` then check ``outcome.ok``.
    """
    outcome = Outcome()
    try:
        yield outcome
    except CoopDeskError as exc:
        outcome.message = str(exc)
    except sqlite3.Error as exc:
        outcome.message = busy_message(exc)
    else:
        outcome.ok = True
        return
    if show:
        show_error(parent, outcome.message)
