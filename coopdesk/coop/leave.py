"""Members' leave: periods away with no shift duty, skipped by role and chore rotations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from coopdesk.base.errors import ValidationError
from coopdesk.base.i18n import N_, _
from coopdesk.store.schema import DateLike, parse_date
from coopdesk.store.store import Store


def leave_periods(store: Store, member_id: str | None) -> dict[str, list[tuple[dt.date, dt.date]]]:
    sql = "SELECT member_id, starts_on, ends_on FROM leave WHERE _cl % 2 = 1"
    params: list[Any] = []
    if member_id:
        sql += " AND member_id = ?"
        params.append(member_id)
    periods: dict[str, list[tuple[dt.date, dt.date]]] = {}
    for member, start, end in store.conn.execute(sql, params):
        periods.setdefault(member, []).append(
            (dt.date.fromisoformat(start), dt.date.fromisoformat(end))
        )
    return periods


def add_leave(
    store: Store,
    author: str,
    member_id: str,
    starts_on: DateLike,
    ends_on: DateLike,
    reason: str = "",
) -> str:
    """A period with no duty (inclusive dates). Returns the leave's id."""
    with store.transaction(author) as tx:
        start, end = parse_date(starts_on, N_("From")), parse_date(ends_on, N_("Until"))
        if end < start:
            raise ValidationError(
                _(
                    "The leave ends ({end}) before it starts ({start}): give an end on or "
                    "after the start."
                ).format(end=end, start=start)
            )
        member = store.require("member", member_id)
        if member["archived"]:
            raise ValidationError(
                _("{name} is archived: restore the member first.").format(name=member["name"])
            )
        fields = {"member_id": member_id, "starts_on": start, "ends_on": end, "reason": reason}
        return tx.insert("leave", fields)


def end_leave(store: Store, author: str, leave_id: str, ends_on: DateLike | None = None) -> None:
    """End a leave on ``ends_on`` (today if none). A leave that would end before it starts
    (it has not begun yet) is withdrawn instead (archived)."""
    with store.transaction(author) as tx:
        leave = store.require("leave", leave_id)
        if leave["archived"]:
            raise ValidationError(_("This leave was already withdrawn."))
        end = parse_date(ends_on or dt.date.today(), "Until")
        if end < dt.date.fromisoformat(leave["starts_on"]):
            tx.archive("leave", leave_id)
        else:
            tx.update("leave", leave_id, {"ends_on": end})


def withdraw_leave(store: Store, author: str, leave_id: str) -> None:
    """Remove a leave entered by mistake (archived, so it can be restored)."""
    with store.transaction(author) as tx:
        leave = store.require("leave", leave_id)
        if leave["archived"]:
            raise ValidationError(_("This leave was already withdrawn."))
        tx.archive("leave", leave_id)


def list_leave(store: Store, member_id: str | None = None) -> list[dict[str, Any]]:
    """Active leave periods with the member's name, latest first."""
    sql = (
        "SELECT l.id, l.member_id, m.name AS member_name, l.starts_on, l.ends_on, l.reason"
        " FROM leave l JOIN member m ON m.id = l.member_id WHERE l._cl % 2 = 1"
    )
    params: list[Any] = []
    if member_id:
        sql += " AND l.member_id = ?"
        params.append(member_id)
    return store.query(sql + " ORDER BY l.starts_on DESC, m.name, l.id", params)
