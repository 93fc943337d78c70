"""Today's shifts panels: who is on today's shifts, and what still needs people this week.

Overbooked shifts that are still to come become attention items: a coordinator must decide
who stays (every site shows the same confirmed members, but someone has to tell the rest).
Each shift is a link that opens it on the Shifts page.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from coopdesk.base.i18n import N_, _, ngettext
from coopdesk.gui.kit.dates import to_datetime
from coopdesk.gui.kit.panels import Attention, TodayPanel
from coopdesk.gui.kit.widgets import muted
from coopdesk.gui.shifts.texts import overbooked_sentence, short_date, time_range
from coopdesk.shifts.shifts import list_shifts, overbooked_shifts, shifts_needing_people

if TYPE_CHECKING:
    from coopdesk.gui.shell.main_window import MainWindow
    from coopdesk.gui.shifts.page import ShiftsPage
    from coopdesk.shifts.shifts import ShiftView

NEED_DAYS = 7
MAX_LINES = 8
MAX_ATTENTION = 5


def open_shift(window: MainWindow, shift_id: str) -> None:

    page = cast("ShiftsPage", window.go_to("shifts"))
    page.show_shift(shift_id)


class ShiftListPanel(TodayPanel):
    """A titled list of shifts, one link each; subclasses choose which shifts and words."""

    empty_text = ""

    def __init__(self, window: MainWindow, title: str) -> None:
        super().__init__(window, title)
        self.list_label = QLabel()
        self.list_label.setTextFormat(Qt.TextFormat.RichText)
        self.list_label.setWordWrap(True)
        self.list_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.list_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.list_label.setOpenExternalLinks(False)
        self.list_label.linkActivated.connect(self._open_link)
        self.empty_label = muted(QLabel(_(self.empty_text) if self.empty_text else ""))
        self.empty_label.setWordWrap(True)
        self.layout_.addWidget(self.list_label)
        self.layout_.addWidget(self.empty_label)
        self.shifts: list[ShiftView] = []

    def shifts_to_show(self) -> list[ShiftView]:
        raise NotImplementedError

    def line(self, shift: ShiftView) -> str:
        raise NotImplementedError

    def load(self) -> None:
        self.shifts = self.shifts_to_show()
        lines = [
            f"<a href='{html.escape(shift.id)}'>{html.escape(shift.title)}</a> {self.line(shift)}"
            for shift in self.shifts[:MAX_LINES]
        ]
        more = len(self.shifts) - MAX_LINES
        if more > 0:
            lines.append(_("… and {more} more on the Shifts page").format(more=more))
        self.list_label.setText("<br/>".join(f"•&nbsp;{line}" for line in lines))
        self.list_label.setVisible(bool(lines))
        self.empty_label.setVisible(not lines)

    def text(self) -> str:
        """What the panel says, as plain text (for tests and screen readers)."""
        if not self.shifts:
            return self.empty_label.text()
        doc = self.list_label.text().replace("<br/>", "\n")
        from PySide6.QtGui import QTextDocumentFragment

        return QTextDocumentFragment.fromHtml(doc).toPlainText()

    def _open_link(self, shift_id: str) -> None:
        open_shift(self.window_, shift_id)


class TodayShiftsPanel(ShiftListPanel):
    """Today's shifts and who is on them."""

    empty_text = N_("No shifts today.")

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, _("Today's shifts"))

    def shifts_to_show(self) -> list[ShiftView]:

        today = dt.datetime.combine(dt.date.today(), dt.time())
        return list_shifts(self.store, today, today + dt.timedelta(days=1))

    def line(self, shift: ShiftView) -> str:
        names = ", ".join(s.member_name for s in shift.confirmed) or _("nobody yet")
        places = f"{shift.filled}/{shift.capacity}"
        if shift.status == "overbooked":
            places += ", " + _("overbooked")
        return html.escape(f"{time_range(shift)} ({places}): {names}")


class NeedPeoplePanel(ShiftListPanel):
    """Shifts in the next seven days that still need people; overbooked ones need a word."""

    empty_text = N_("Every shift of the next 7 days has its people.")

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, _("Need people in the next 7 days"))
        self.overbooked: list[ShiftView] = []

    def shifts_to_show(self) -> list[ShiftView]:

        now = dt.datetime.now()
        shifts = shifts_needing_people(self.store, now, now + dt.timedelta(days=NEED_DAYS))
        self.overbooked = [
            s for s in overbooked_shifts(self.store, now) if to_datetime(s.ends_at) >= now
        ]
        return shifts

    def line(self, shift: ShiftView) -> str:
        start = to_datetime(shift.starts_at)
        missing = shift.capacity - shift.filled
        return html.escape(
            _("{day} {start:%H:%M}: needs {missing} more ({filled}/{capacity})").format(
                day=short_date(start.date()),
                start=start,
                missing=missing,
                filled=shift.filled,
                capacity=shift.capacity,
            )
        )

    def _opener(self, shift_id: str) -> Callable[[], None]:
        """An action taking no arguments: a button passes ``checked`` to any it can."""
        return lambda: open_shift(self.window_, shift_id)

    def attention_items(self) -> list[Attention]:
        items = []
        for shift in self.overbooked[:MAX_ATTENTION]:
            start = to_datetime(shift.starts_at)
            items.append(
                Attention(
                    f"shift-overbooked:{shift.id}",
                    _(
                        "{title} on {short_date} at {start:%H:%M} is overbooked. "
                        "{overbooked_sentence} Decide who stays."
                    ).format(
                        title=shift.title,
                        short_date=short_date(start.date()),
                        start=start,
                        overbooked_sentence=overbooked_sentence(shift),
                    ),
                    _("Open shift"),
                    self._opener(shift.id),
                )
            )
        more = len(self.overbooked) - MAX_ATTENTION
        if more > 0:
            items.append(
                Attention(
                    "shift-overbooked:more",
                    ngettext(
                        "{more} more overbooked shift.", "{more} more overbooked shifts.", more
                    ).format(more=more),
                    _("Open Shifts"),
                    lambda: self.window_.go_to("shifts"),
                )
            )
        return items


def build_panels(window: MainWindow) -> list[TodayPanel]:
    return [TodayShiftsPanel(window), NeedPeoplePanel(window)]
