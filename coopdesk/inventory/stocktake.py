"""Stocktake: counting what is on the shelves of one site, and correcting the book.

A stocktake is opened at a site, counts are entered (the window keeps them until saving;
a barcode scanner types like a keyboard), the differences with the book are shown, and
finishing records one "correction" movement per difference, all in one transaction with
the stocktake's ``finished_at``. Items that were not counted are left alone: not counting
something is not counting zero.

The book is read again when finishing, inside the transaction, so a movement recorded
while people were counting is taken into account: the correction brings the book to the
count, whatever happened in between.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from coopdesk.base.errors import NotFoundError, ValidationError
from coopdesk.base.i18n import _
from coopdesk.inventory.items import display_value, format_quantity, get_item
from coopdesk.inventory.stock import balance, now_text, require_site, site_names
from coopdesk.store.store import Store


@dataclass(frozen=True)
class Difference:
    """An item whose count differs from the book; ``delta`` is the correction."""

    item_id: str
    name: str
    unit: str
    decimals: int
    book: int
    counted: int
    delta: int

    @property
    def _shape(self) -> dict[str, Any]:
        return {"name": self.name, "unit": self.unit, "decimals": self.decimals}

    @property
    def book_text(self) -> str:
        return format_quantity(self._shape, self.book)

    @property
    def counted_text(self) -> str:
        return format_quantity(self._shape, self.counted)

    @property
    def delta_text(self) -> str:
        sign = "+" if self.delta > 0 else ""
        return sign + format_quantity(self._shape, self.delta)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("book", "counted", "delta"):
            data[f"{key}_display"] = display_value(self._shape, data[key])
        return data


def open_stocktake(store: Store, site_id: str | None = None) -> dict[str, Any] | None:
    """The stocktake under way at a site (this site unless given), if any."""
    rows = store.query(
        "SELECT id, site_id, started_at, finished_at, coalesce(note, '') AS note"
        " FROM stocktake WHERE site_id = ? AND finished_at IS NULL AND _cl % 2 = 1"
        " ORDER BY started_at DESC, id LIMIT 1",
        (site_id or store.site_id,),
    )
    return rows[0] if rows else None


def start_stocktake(
    store: Store, author: str, site_id: str | None = None, *, note: str = ""
) -> str:
    """Open a counting session at a site; refused while another is open there."""
    with store.transaction(author) as tx:
        site_id = site_id or store.site_id
        site = require_site(store, site_id)
        current = open_stocktake(store, site_id)
        if current is not None:
            raise ValidationError(
                _(
                    "A stocktake is already open at {name} (started {started_at}): finish or "
                    "cancel it first."
                ).format(name=site["name"], started_at=current["started_at"])
            )
        return tx.insert(
            "stocktake", {"site_id": site_id, "started_at": now_text(store), "note": note}
        )


def get_stocktake(store: Store, stocktake_id: str) -> dict[str, Any]:
    row = store.get("stocktake", stocktake_id)
    if row is None:
        raise NotFoundError(
            _("There is no stocktake with id {stocktake_id}.").format(stocktake_id=stocktake_id)
        )
    return row


def differences(store: Store, site_id: str, counts: dict[str, int]) -> list[Difference]:
    """The items whose count differs from the book at ``site_id``, by name.

    ``counts`` maps item ids to counted amounts in smallest units (see
    ``inventory.parse_quantity``); items not in it are not touched.
    """
    found = []
    for item_id, counted in counts.items():
        item = get_item(store, item_id)
        if isinstance(counted, bool) or not isinstance(counted, int):
            raise ValidationError(
                _("The count of {name} must be a number.").format(name=item["name"])
            )
        if counted < 0:
            raise ValidationError(
                _("A count cannot be below zero: count the {name} on the shelf again.").format(
                    name=item["name"]
                )
            )
        book = balance(store, item_id, site_id)
        if counted != book:
            found.append(
                Difference(
                    item_id=item_id,
                    name=item["name"],
                    unit=item["unit"],
                    decimals=item["decimals"],
                    book=book,
                    counted=counted,
                    delta=counted - book,
                )
            )
    return sorted(found, key=lambda d: (d.name.casefold(), d.item_id))


def finish_stocktake(
    store: Store, author: str, stocktake_id: str, counts: dict[str, int]
) -> list[Difference]:
    """Record the counts: one correction per difference, and the stocktake finished.

    One transaction, under the "stock" mandate: all corrections are saved or none.
    Returns the differences recorded.
    """
    with store.transaction(author) as tx:
        stocktake = _open(store, stocktake_id)
        site_id = stocktake["site_id"]
        names = site_names(store)
        tx.use_mandate("stock", f"stocktake at {names.get(site_id, 'a site')}")
        found = differences(store, site_id, counts)
        now = now_text(store)
        for difference in found:
            tx.insert(
                "stock_move",
                {
                    "item_id": difference.item_id,
                    "site_id": site_id,
                    "delta": difference.delta,
                    "reason": "correction",
                    "note": f"stocktake: counted {difference.counted_text}, "
                    f"book said {difference.book_text}",
                    "stocktake_id": stocktake_id,
                    "moved_at": now,
                },
            )
        tx.update("stocktake", stocktake_id, {"finished_at": now})
    return found


def cancel_stocktake(store: Store, author: str, stocktake_id: str) -> None:
    """Give up a stocktake: nothing is corrected (it is archived, so it can be seen)."""
    with store.transaction(author) as tx:
        _open(store, stocktake_id)
        tx.archive("stocktake", stocktake_id)


def _open(store: Store, stocktake_id: str) -> dict[str, Any]:
    stocktake = get_stocktake(store, stocktake_id)
    if stocktake["archived"]:
        raise ValidationError(_("This stocktake was cancelled: start a new one."))
    if stocktake["finished_at"]:
        raise ValidationError(
            _("This stocktake was already finished ({finished_at}): start a new one.").format(
                finished_at=stocktake["finished_at"]
            )
        )
    return stocktake


def list_stocktakes(store: Store, site_id: str | None = None) -> list[dict[str, Any]]:
    """Stocktakes, newest first (cancelled ones too, marked)."""
    where, params = ("WHERE s.site_id = ?", (site_id,)) if site_id else ("", ())
    rows = store.query(
        "SELECT s.id, s.site_id, site.name AS site_name, s.started_at, s.finished_at,"
        " coalesce(s.note, '') AS note, s._cl % 2 = 0 AS cancelled"
        f" FROM stocktake AS s LEFT JOIN site ON site.id = s.site_id {where}"
        " ORDER BY s.started_at DESC, s.id",
        params,
    )
    for row in rows:
        row["cancelled"] = bool(row["cancelled"])
    return rows
