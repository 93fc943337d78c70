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
from pathlib import Path

from PySide6 import QtWidgets
from PySide6.QtWidgets import QWidget

from coopdesk.base.errors import CoopDeskError
from coopdesk.base.i18n import _

# The dialog classes are looked up when a dialog opens (``QtWidgets.QMessageBox``): PySide
# makes each class, with its enums, when first imported, and opening the window shows none.
APP_TITLE = "CoopDesk"


def confirm(
    parent: QWidget | None,
    title: str,
    text: str,
    action_label: str,
    cancel_label: str,
) -> bool:
    """Ask before something is destroyed, hidden or raised. Both buttons say what they do
    ("Raise to 4 places" / "Keep 3 places"): a bare Cancel reads as "cancel the shift" in a
    box about cancelling one. The safe choice, ``cancel_label``, is the default (Enter and
    Escape), so a hurried Enter keeps things as they are."""
    box = QtWidgets.QMessageBox(
        QtWidgets.QMessageBox.Icon.Question,
        title,
        text,
        QtWidgets.QMessageBox.StandardButton.NoButton,
        parent,
    )
    action = box.addButton(action_label, QtWidgets.QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(cancel_label, QtWidgets.QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    confirmed = box.clickedButton() is action
    box.deleteLater()  # it belongs to ``parent``: without this, every box asked stays
    return confirmed


def show_error(parent: QWidget | None, message: str, title: str = APP_TITLE) -> None:
    """Show a message written for people (a CoopDeskError's) in a warning box."""
    QtWidgets.QMessageBox.warning(parent, title, message)


def open_file_name(
    parent: QWidget | None, title: str, folder: Path, name_filter: str
) -> Path | None:
    """Ask for an existing file to open; None when the person cancelled."""
    chosen, _filter = QtWidgets.QFileDialog.getOpenFileName(parent, title, str(folder), name_filter)
    return Path(chosen) if chosen else None


def save_file_name(
    parent: QWidget | None, title: str, suggested: Path, name_filter: str
) -> Path | None:
    """Ask where to save a file (the system dialog asks before replacing one)."""
    chosen, _filter = QtWidgets.QFileDialog.getSaveFileName(
        parent, title, str(suggested), name_filter
    )
    return Path(chosen) if chosen else None


def save_file_with_choice(
    parent: QWidget | None, title: str, suggested: Path, filters: list[str], selected: int = 0
) -> tuple[Path, int] | None:
    """Ask where to save and in which of ``filters`` (formats); None when cancelled.

    Returns the path and the index of the chosen filter (``selected`` is offered first).
    """
    chosen, chosen_filter = QtWidgets.QFileDialog.getSaveFileName(
        parent, title, str(suggested), ";;".join(filters), filters[selected]
    )
    if not chosen:
        return None
    index = filters.index(chosen_filter) if chosen_filter in filters else selected
    return Path(chosen), index


def choose_item(
    parent: QWidget | None, title: str, label: str, items: list[str], current: int = 0
) -> int | None:
    """Let the person pick one of a few items; the index, or None when cancelled."""
    if not items:
        return None
    chosen, ok = QtWidgets.QInputDialog.getItem(parent, title, label, items, current, False)
    if not ok or chosen not in items:
        return None
    return items.index(chosen)


def busy_message(exc: sqlite3.Error) -> str:
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        return _("The store is busy (another program is using it). Try again in a moment.")
    return _("The store could not be used: {exc}.").format(exc=exc)


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
