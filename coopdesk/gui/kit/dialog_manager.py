"""Opening dialogs: one way, for every dialog of the window (as Anki's ``DialogManager``).

A page never keeps a dialog in an attribute: a dialog closed with Esc is deleted a moment
later, and asking a deleted dialog ``isVisible()`` is a crash ("Internal C++ object already
deleted"). Instead every dialog is opened through ``DialogManager.open(kind, make, key)``:

- one dialog per kind (and key: a shift's details per shift), so opening one that is open
  raises it instead of making a second;
- it is forgotten and deleted when it closes, so the next ``open`` makes a fresh one;
- ``find(kind, key)`` (or ``newest(kind)``) is the only way to reach an open dialog
  (tests, the Today page).

A dialog that follows a longer-lived object (the store's hub, who is at the keyboard) does
so with ``listen(dialog, signal, slot)``: ``slot`` must be one of the dialog's own methods,
and the connection ends when the dialog closes, so a closed dialog is never called again and
a lambda never outlives the dialog it captured.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, SignalInstance
from PySide6.QtWidgets import QDialog, QWidget

from coopdesk.gui.kit.accessible import name_controls, tab_order_from_layout

D = TypeVar("D", bound=QDialog)
_LISTENING = "_coopdesk_listening"


def alive(widget: QObject | None) -> bool:
    """Whether ``widget`` still has its C++ object (a deleted dialog has none)."""
    return widget is not None and shiboken6.isValid(widget)


def listen(dialog: QDialog, signal: SignalInstance, slot: Callable[..., Any]) -> None:
    """Connect ``signal`` of a longer-lived object to ``slot``, for as long as ``dialog`` is
    open. ``slot`` must be a method of the dialog (or of a widget inside it): a lambda or
    another object's method would outlive the dialog, or be called after it closed."""
    owner = getattr(slot, "__self__", None)
    inside = owner is dialog or (isinstance(owner, QWidget) and dialog.isAncestorOf(owner))
    if not inside:
        raise TypeError(
            "listen() takes a method of the dialog itself; a lambda or another object's "
            "method would outlive the dialog"
        )
    connections: list[tuple[SignalInstance, Callable[..., Any]]] | None = getattr(
        dialog, _LISTENING, None
    )
    if connections is None:
        connections = []
        setattr(dialog, _LISTENING, connections)
        dialog.finished.connect(lambda _result: stop_listening(dialog))
    signal.connect(slot)
    connections.append((signal, slot))


def stop_listening(dialog: QDialog) -> None:
    """End every connection ``listen`` made for ``dialog`` (when it closes)."""
    connections = getattr(dialog, _LISTENING, None) or []
    while connections:
        signal, slot = connections.pop()
        with contextlib.suppress(RuntimeError, TypeError):  # gone with the dialog already
            signal.disconnect(slot)


class DialogManager(QObject):
    """The window's open dialogs, by kind and key. See the module's note."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._open: dict[tuple[str, Hashable], QDialog] = {}

    def open(
        self,
        kind: str,
        make: Callable[[], D],
        key: Hashable = None,
        *,
        delete_on_close: bool = True,
    ) -> D:
        """The open dialog of this kind and key, raised; or a new one from ``make()``, shown.

        The dialog is modal to its window (``QDialog.open``: it does not block the event
        loop, so imports and timers go on). ``delete_on_close=False`` leaves deleting it to
        its parent (a dialog whose own children are still being torn down when it closes).
        """
        existing = self.find(kind, key)
        if existing is not None:
            existing.raise_()
            existing.activateWindow()
            return existing  # type: ignore[return-value]
        dialog = make()
        entry = (kind, key)
        self._open[entry] = dialog
        dialog.finished.connect(
            lambda _result, entry=entry, dialog=dialog: self._closed(entry, dialog, delete_on_close)
        )
        dialog.destroyed.connect(
            lambda _object=None, entry=entry, dialog=dialog: self._forget(entry, dialog)
        )
        tab_order_from_layout(dialog)
        dialog.open()  # modal to its window, without blocking: the window's events go on
        name_controls(dialog)  # once shown: what a screen reader says for each control
        return dialog

    def find(self, kind: str, key: Hashable = None) -> QDialog | None:
        """The open dialog of this kind and key, or None."""
        dialog = self._open.get((kind, key))
        if dialog is None:
            return None
        if not alive(dialog) or not dialog.isVisible():
            self._open.pop((kind, key), None)
            return None
        return dialog

    def newest(self, kind: str) -> QDialog | None:
        """The most recently opened dialog of this kind, whatever its key, or None."""
        found = [dialog for (k, _key), dialog in list(self._open.items()) if k == kind]
        found = [dialog for dialog in found if alive(dialog) and dialog.isVisible()]
        return found[-1] if found else None

    def open_dialogs(self) -> list[QDialog]:
        """Every dialog open now (oldest first)."""
        return [
            dialog for dialog in list(self._open.values()) if alive(dialog) and dialog.isVisible()
        ]

    def close_all(self) -> None:
        """Close every open dialog, newest first, without questions (the window is closing:
        a window-modal dialog lets nobody close it while a form is open, so this is not a
        person's Esc)."""
        for dialog in reversed(self.open_dialogs()):
            dialog.done(QDialog.DialogCode.Rejected)

    def _closed(self, entry: tuple[str, Hashable], dialog: QDialog, delete: bool) -> None:
        if self._open.get(entry) is dialog:
            del self._open[entry]
        stop_listening(dialog)
        if delete and alive(dialog):
            dialog.deleteLater()

    def _forget(self, entry: tuple[str, Hashable], dialog: QDialog) -> None:
        """A dialog deleted without closing (with its parent): forget it all the same."""
        if self._open.get(entry) is dialog:
            del self._open[entry]
