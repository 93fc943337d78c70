"""Buttons of gated actions: disabled, with who may, when the member at the keyboard may not.

The core refuses a gated action anyway (``MandateRequiredError``, shown like any other error);
this only says so up front. A button keeps its ordinary tooltip while it is allowed, and
shows "Only this term's Coordinator can do this: Ana, until 3 December." while it is not.
Nobody at the keyboard: nothing is disabled here, the window asks who is there first.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QWidget

from coopdesk.roles import may, refusal_message
from coopdesk.store.store import Store

_NORMAL_TIP = "coopdeskNormalToolTip"


def refusal(store: Store, member_id: str | None, action: str, on: date | None = None) -> str:
    """Why ``member_id`` may not take ``action`` now, naming who may; "" when they may."""
    if member_id is None:
        return ""
    if may(store, member_id, action, on):
        return ""
    return refusal_message(store, action, on)


def gate(widget: QWidget, enabled: bool, refused: str) -> None:
    """Enable ``widget`` when ``enabled`` and not ``refused``; the refusal is its tooltip."""
    normal = widget.property(_NORMAL_TIP)
    if normal is None:
        normal = widget.toolTip()
        widget.setProperty(_NORMAL_TIP, normal)
    widget.setEnabled(enabled and not refused)
    widget.setToolTip(refused or str(normal))
