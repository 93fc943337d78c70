"""Collect cyclic garbage on the GUI thread only.

Python's cycle collector runs in whichever thread happens to allocate when a threshold is
crossed, including a sync worker thread. If the garbage it finds holds Qt widgets (a closed
dialog caught in a reference cycle), they are then destroyed from that thread, which Qt does
not allow and which crashes now and then. Anki met the same problem and solved it the same
way: switch the automatic collector off and run it from a timer on the GUI thread.
Reference counting still frees everything that is not in a cycle at once.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_MS = 1000


class GuiThreadCollector(QObject):
    """Owns the timer; keep one alive as long as the application (a child of it)."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        gc.disable()
        self._timer = QTimer(self, interval=CHECK_MS)
        self._timer.timeout.connect(self.collect_if_due)
        self._timer.start()

    def collect_if_due(self) -> int:
        """Collect the oldest generation whose count passed its threshold, as Python would."""
        counts = gc.get_count()
        thresholds = gc.get_threshold()
        due = [gen for gen in range(3) if counts[gen] > thresholds[gen]]
        return gc.collect(due[-1]) if due else 0


def install(app: QObject) -> GuiThreadCollector:
    existing = app.findChild(GuiThreadCollector)
    return existing if existing is not None else GuiThreadCollector(app)
