"""Transfers between sites: stock that leaves one site and arrives, later, at another.

Sending writes the transfer row and a "transfer-out" movement (−sent at the sending site)
in one transaction: from then on the stock is "in transit", counted at neither site. The
receiving site confirms what arrived: the transfer row gets ``received_quantity``, ``_at``
and ``_by``, and a "transfer-in" movement adds exactly what arrived at the receiving site.

The book balances: the sent quantity left A, the received quantity arrived at B, and the
difference is the loss in transit, shown on the transfer (``TransferView.loss``). It is not
a movement: no site's shelf holds it, and a zero-stock movement would mean nothing.

Receiving twice is refused here. Two sites cannot both receive (only the receiving site
may), but two computers of one site, or a restored backup, could each confirm before they
sync: the transfer row's fields then merge to one value while both "transfer-in" movements
stay in the ledger (ledger rows are never merged away). Such a transfer is listed as
"received twice", never hidden: someone counts the shelf and records a correction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from coopdesk.base.errors import CoopDeskError, NotFoundError, ValidationError
from coopdesk.base.i18n import _
from coopdesk.base.text import short_day_text
from coopdesk.inventory.items import display_value, format_quantity
from coopdesk.inventory.stock import (
    _active_item,
    _replaced_sites,
    check_enough,
    now_text,
    require_site,
    site_names,
)
from coopdesk.store.store import Store

STATES = ("in transit", "received", "received twice")


class AlreadyReceivedError(CoopDeskError):
    """The transfer was already confirmed at the receiving site."""


@dataclass(frozen=True)
class TransferView:
    """A transfer as both sites see it: what was sent, what arrived, and its state."""

    id: str
    item_id: str
    item_name: str
    from_site_id: str
    from_site_name: str
    to_site_id: str
    to_site_name: str
    quantity: int
    sent_at: str
    received_quantity: int | None
    received_at: str | None
    received_by_name: str
    state: str
    loss: int | None
    unit: str = ""
    decimals: int = 0
    note: str = ""
    sent_by_name: str = ""
    # The sum of the "transfer-in" movements: what the receiving site's book gained.
    arrived_total: int = 0
    receptions: int = 0

    @property
    def _shape(self) -> dict[str, Any]:
        return {"name": self.item_name, "unit": self.unit, "decimals": self.decimals}

    @property
    def quantity_text(self) -> str:
        return format_quantity(self._shape, self.quantity)

    @property
    def received_text(self) -> str:
        if self.received_quantity is None:
            return ""
        return format_quantity(self._shape, self.received_quantity)

    @property
    def loss_text(self) -> str:
        return "" if not self.loss else format_quantity(self._shape, self.loss)

    @property
    def problem(self) -> bool:
        """Received twice (two sites confirmed it before they synced): count and correct."""
        return self.state == "received twice"

    @property
    def needs_a_look(self) -> bool:
        """A problem, or less arrived than was sent: the window and the command line flag
        these alike (the Problems filter, the colour, the CLI's line)."""
        return self.problem or bool(self.loss)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["quantity_display"] = display_value(self._shape, self.quantity)
        data["problem"] = self.problem
        data["needs_a_look"] = self.needs_a_look
        if self.received_quantity is not None:
            data["received_display"] = display_value(self._shape, self.received_quantity)
        return data


def send_transfer(
    store: Store,
    author: str,
    item_id: str,
    to_site_id: str,
    quantity: int,
    *,
    from_site_id: str | None = None,
    note: str = "",
    allow_negative: bool = False,
) -> str:
    """Send stock to another site; returns the transfer's id.

    ``quantity`` is in the item's smallest unit and must be positive. Sending more than the
    sending site holds raises ``WouldGoNegative`` unless ``allow_negative``.
    """
    with store.transaction(author) as tx:
        item = _active_item(store, item_id)
        from_site_id = from_site_id or store.site_id
        require_site(store, from_site_id)
        to_site = require_site(store, to_site_id)
        if from_site_id == to_site_id:
            raise ValidationError(
                _("A transfer goes to another site: this stock is already at {name}.").format(
                    name=to_site["name"]
                )
            )
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            raise ValidationError(
                _("Give the quantity of {name} to send as a number.").format(name=item["name"])
            )
        if quantity <= 0:
            raise ValidationError(
                (
                    _("Give how much {name} to send: a quantity above zero.")
                    if quantity == 0
                    else _(
                        "Give how much {name} to send: a quantity above zero"
                        " (without a minus sign)."
                    )
                ).format(name=item["name"])
            )
        if not allow_negative:
            check_enough(store, item, from_site_id, -quantity, verb="sending")
        sent_at = now_text(store)
        transfer_id = tx.insert(
            "transfer",
            {
                "item_id": item_id,
                "from_site_id": from_site_id,
                "to_site_id": to_site_id,
                "quantity": quantity,
                "sent_at": sent_at,
                "note": note,
            },
        )
        tx.insert(
            "stock_move",
            {
                "item_id": item_id,
                "site_id": from_site_id,
                "delta": -quantity,
                "reason": "transfer-out",
                "note": note,
                "transfer_id": transfer_id,
                "moved_at": sent_at,
            },
        )
    return transfer_id


def receive_transfer(
    store: Store, author: str, transfer_id: str, quantity: int | None = None
) -> TransferView:
    """Confirm, at the receiving site, what arrived (all that was sent unless given).

    Less than was sent records the difference as lost in transit; more than was sent is
    refused (count again, or record the extra as received). Only the receiving site may
    confirm, and only once.
    """
    with store.transaction(author) as tx:
        transfer = get_transfer(store, transfer_id)
        names = site_names(store)
        if _replaced_sites(store).get(transfer.to_site_id, transfer.to_site_id) != store.site_id:
            raise ValidationError(
                _(
                    "This transfer goes to {to_site_name}: only {to_site_name} can confirm "
                    "what arrived (this computer is {get})."
                ).format(
                    to_site_name=transfer.to_site_name, get=names.get(store.site_id, "another site")
                )
            )
        _refuse_if_received(transfer)
        received = transfer.quantity if quantity is None else quantity
        if isinstance(received, bool) or not isinstance(received, int):
            raise ValidationError(
                _("Give the quantity of {item_name} received as a number.").format(
                    item_name=transfer.item_name
                )
            )
        if received < 0:
            raise ValidationError(
                _("Give how much {item_name} arrived without a minus sign (0 if none did).").format(
                    item_name=transfer.item_name
                )
            )
        if received > transfer.quantity:
            raise ValidationError(
                _(
                    "Only {quantity_text} of {item_name} was sent, not {format_quantity}: "
                    "count again, or record the extra as received."
                ).format(
                    quantity_text=transfer.quantity_text,
                    item_name=transfer.item_name,
                    format_quantity=format_quantity(transfer._shape, received),
                )
            )
        _refuse_if_received(get_transfer(store, transfer_id))  # re-read inside the lock
        received_at = now_text(store)
        tx.update(
            "transfer",
            transfer_id,
            {"received_quantity": received, "received_at": received_at, "received_by": author},
        )
        if received:
            tx.insert(
                "stock_move",
                {
                    "item_id": transfer.item_id,
                    "site_id": store.site_id,
                    "delta": received,
                    "reason": "transfer-in",
                    "note": (
                        f"{format_quantity(transfer._shape, transfer.quantity - received)}"
                        " lost in transit"
                        if received < transfer.quantity
                        else ""
                    ),
                    "transfer_id": transfer_id,
                    "moved_at": received_at,
                },
            )
    return get_transfer(store, transfer_id)


def _refuse_if_received(transfer: TransferView) -> None:
    if transfer.state == "in transit":
        return
    when = _day_text(transfer.received_at)
    who = (
        _(" by {name}").format(name=transfer.received_by_name) if transfer.received_by_name else ""
    )
    raise AlreadyReceivedError(
        _("This transfer was already received{when}{who}.").format(when=when, who=who)
    )


def _day_text(moment: str | None) -> str:
    """ " on 3 Dec" for a stored date and time; empty when there is none."""
    if not moment:
        return ""
    import datetime as dt

    try:
        day = dt.datetime.fromisoformat(moment)
    except ValueError:
        return ""
    return _(" on {day}").format(day=short_day_text(day))


# -- reading ---------------------------------------------------------------------------------

# A transfer's movements are found through the index stock_move_transfer (migration 7), so
# the ledger is never scanned. Arrivals are counted only for transfers marked received: the
# mark and the arrival are written in one transaction, and bundles carry whole
# transactions, so a transfer not marked has no arrival anywhere.
TRANSFERS_SQL = """
    SELECT t.id, t.item_id, item.name, item.unit, item.decimals,
           t.from_site_id, t.to_site_id, t.quantity, t.sent_at, coalesce(t.note, ''),
           t.received_quantity, t.received_at, coalesce(who.name, ''),
           CASE WHEN t.received_at IS NULL THEN '0 0' ELSE (
               SELECT count(*) || ' ' || coalesce(sum(m.delta), 0) FROM stock_move AS m
               WHERE m.item_id = t.item_id AND m.transfer_id = t.id
                   AND m.reason = 'transfer-in'
           ) END,
           EXISTS (SELECT 1 FROM _rival AS r WHERE r.tbl = 'transfer' AND r.row_id = t.id
                   AND r.col IN ('received_at', 'received_quantity', 'received_by')),
           (SELECT sender.name FROM stock_move AS out
            JOIN _change AS c
                ON c.origin = json_extract(out._clock, '$.""[2]')
                AND c.seq = json_extract(out._clock, '$.""[3]') AND c.row_id = out.id
            JOIN member AS sender ON sender.id = c.author
            WHERE out.item_id = t.item_id AND out.moved_at = t.sent_at
                AND out.transfer_id = t.id AND out.reason = 'transfer-out'
            LIMIT 1)
    FROM transfer AS t
    JOIN item ON item.id = t.item_id
    LEFT JOIN member AS who ON who.id = t.received_by
    WHERE t._cl % 2 = 1
"""


def _state(received_at: str | None, moves: int, rivals: bool) -> str:
    if moves > 1 or (received_at is not None and rivals):
        return "received twice"
    if received_at is None and moves == 0:
        return "in transit"
    return "received"


def _views(store: Store, where: str = "", params: tuple = ()) -> list[TransferView]:
    names = site_names(store)
    views = []
    for (
        transfer_id,
        item_id,
        item_name,
        unit,
        decimals,
        from_site,
        to_site,
        quantity,
        sent_at,
        note,
        received_quantity,
        received_at,
        received_by_name,
        arrivals,
        rivals,
        sent_by_name,
    ) in store.conn.execute(f"{TRANSFERS_SQL}{where} ORDER BY t.sent_at DESC, t.id", params):
        moves, arrived_total = (int(part) for part in arrivals.split())
        state = _state(received_at, moves, bool(rivals))
        views.append(
            TransferView(
                id=transfer_id,
                item_id=item_id,
                item_name=item_name,
                from_site_id=from_site,
                from_site_name=names.get(from_site, ""),
                to_site_id=to_site,
                to_site_name=names.get(to_site, ""),
                quantity=quantity,
                sent_at=sent_at,
                received_quantity=received_quantity,
                received_at=received_at,
                received_by_name=received_by_name,
                state=state,
                loss=None if state == "in transit" else quantity - (received_quantity or 0),
                unit=unit,
                decimals=decimals,
                note=note,
                sent_by_name=sent_by_name or "",
                arrived_total=arrived_total,
                receptions=moves,
            )
        )
    return views


def get_transfer(store: Store, transfer_id: str) -> TransferView:
    found = _views(store, " AND t.id = ?", (transfer_id,))
    if not found:
        raise NotFoundError(
            _(
                "There is no transfer with id {transfer_id} (see 'coopdesk stock transfers')."
            ).format(transfer_id=transfer_id)
        )
    return found[0]


def list_transfers(
    store: Store, *, state: str | None = None, site_id: str | None = None
) -> list[TransferView]:
    """Transfers, newest first; ``state`` one of STATES; ``site_id`` sending or receiving."""
    if state is not None and state not in STATES:
        raise ValidationError(_("State must be one of: {states}.").format(states=", ".join(STATES)))
    where, params = "", ()
    if site_id is not None:
        where, params = " AND (t.from_site_id = ? OR t.to_site_id = ?)", (site_id, site_id)
    views = _views(store, where, params)
    return [view for view in views if state is None or view.state == state]


def awaiting_here(store: Store) -> list[TransferView]:
    """Transfers on their way to this site: confirm them when they arrive."""
    views = _views(store, " AND t.to_site_id = ? AND t.received_at IS NULL", (store.site_id,))
    return [view for view in views if view.state == "in transit"]


def transfer_problems(store: Store) -> list[TransferView]:
    """Transfers received twice (crossed in sync): each needs a look and a correction."""
    return list_transfers(store, state="received twice")


def transfer_flows(
    store: Store, start: dt.date, end: dt.date
) -> list[tuple[str, str, str, int, int, int, int]]:
    """(item id, from site, to site, transfers, sent, received, lost) of the transfers sent
    from ``start`` to ``end`` (days, both included), per item and route. Received and lost
    count the transfers that arrived (lost: sent less received); the rest are in transit.
    Retired site identities count as the site that replaced them."""
    sites = _replaced_sites(store)
    after = (end + dt.timedelta(days=1)).isoformat()
    flows: dict[tuple[str, str, str], list[int]] = {}
    for item_id, from_site, to_site, quantity, received in store.conn.execute(
        "SELECT item_id, from_site_id, to_site_id, quantity, received_quantity FROM transfer"
        " WHERE _cl % 2 = 1 AND sent_at >= ? AND sent_at < ?",
        (start.isoformat(), after),
    ):
        key = (item_id, sites.get(from_site, from_site), sites.get(to_site, to_site))
        flow = flows.setdefault(key, [0, 0, 0, 0])
        flow[0] += 1
        flow[1] += int(quantity)
        if received is not None:
            flow[2] += int(received)
            flow[3] += int(quantity) - int(received)
    return [(*key, *flow) for key, flow in sorted(flows.items())]
