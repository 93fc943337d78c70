"""Stock: a ledger of movements, and the balances it adds up to.

A quantity is never a number that sites overwrite: two sites each taking 5 kg out at once
must leave 10 kg less, not 5. Every change of stock is a new ``stock_move`` row (item, site,
signed delta in the item's smallest unit, reason, when); rows are only ever inserted, so
they never conflict, and a balance is the sum of its item's movements at its site.

Summing a million movements on every screen would be slow, so the store keeps
``_stock_balance`` (item, site, balance, moves): a local table that a trigger updates for
every movement entering the ledger, typed in here or merged from a bundle. It is derived,
never synced and never written by code; ``balance_drift`` (and ``coopdesk check``) compare
it with the ledger.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass
from decimal import Decimal
from itertools import accumulate
from operator import and_
from pathlib import Path
from typing import Any

from coopdesk.base.csvfile import CsvFormat, write_csv
from coopdesk.base.errors import CoopDeskError, NotFoundError, ValidationError
from coopdesk.base.files import Written
from coopdesk.base.i18n import N_, _
from coopdesk.base.periods import By, bucket_sql
from coopdesk.base.text import Words
from coopdesk.inventory.items import (
    _item_filter,
    display_value,
    format_quantity,
    get_item,
    parse_quantity,
)
from coopdesk.inventory.tables import (
    CORRECTION,
    REASONS_IN,
    REASONS_OUT,
    RECORDED_REASONS,
    TRANSFER_REASONS,
)
from coopdesk.store.store import Store

# Each reason in the words people use, for the window and the command line alike.
REASON_LABELS = Words(
    {
        "received": N_("received"),
        "used": N_("used"),
        "given": N_("given out"),
        "spoiled": N_("spoiled"),
        "correction": N_("count correction"),
        "transfer-out": N_("sent to another site"),
        "transfer-in": N_("arrived from another site"),
        "transit-loss": N_("lost in transit"),
    }
)


class WouldGoNegative(CoopDeskError):
    """More is taken out than the book says the site holds.

    Reality wins over the book: the caller may record it anyway (``allow_negative=True``,
    ``--force``, the window's confirmation) and the negative balance is then flagged.
    """

    def __init__(self, message: str, *, item_id: str, site_id: str, balance: int, delta: int):
        super().__init__(message)
        self.item_id = item_id
        self.site_id = site_id
        self.balance = balance
        self.delta = delta

    @property
    def after(self) -> int:
        return self.balance + self.delta


# -- sites -----------------------------------------------------------------------------------


def site_names(store: Store) -> dict[str, str]:
    """Every site's name by id (archived and retired identities too: old rows name them)."""
    return {row[0]: row[1] for row in store.conn.execute("SELECT id, name FROM site")}


def active_sites(store: Store) -> list[dict[str, Any]]:
    """The sites that hold stock: alive, and not an identity another one replaced."""
    return store.query(
        "SELECT id, name FROM site WHERE _cl % 2 = 1 AND replaced_by IS NULL"
        " ORDER BY name COLLATE NOCASE, id"
    )


def _replaced_sites(store: Store) -> dict[str, str]:
    """Retired identities and the site each now counts as (after a restore from backup).

    A computer that restored a backup takes a new site identity; the stock on its shelves
    did not move, so movements recorded under the old identity count at the new one.
    """
    replaced = {
        row[0]: row[1]
        for row in store.conn.execute(
            "SELECT id, replaced_by FROM site WHERE replaced_by IS NOT NULL"
        )
    }
    resolved: dict[str, str] = {}
    for old in replaced:
        current, seen = old, {old}
        while current in replaced and replaced[current] not in seen:
            current = replaced[current]
            seen.add(current)
        resolved[old] = current
    return resolved


def site_and_aliases(store: Store, site_id: str) -> list[str]:
    """A site's id and the retired identities whose stock counts there."""
    return [site_id, *(old for old, new in _replaced_sites(store).items() if new == site_id)]


def require_site(store: Store, site_id: str) -> dict[str, Any]:
    site = store.get("site", site_id)
    if site is None:
        raise NotFoundError(
            _("There is no site with id {site_id} (see 'coopdesk sites').").format(site_id=site_id)
        )
    if site["archived"]:
        raise ValidationError(
            _("Site {name} is archived: it holds no stock any more.").format(name=site["name"])
        )
    return site


def now_text(store: Store) -> str:
    """This store's idea of now as local wall time (the demo turns its clock back)."""
    moment = dt.datetime.fromtimestamp(store.clock.now_ms() / 1000)
    return moment.replace(microsecond=0).isoformat()


# -- balances --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BalanceRow:
    """How much of an item one site holds, and whether that is under its minimum."""

    item_id: str
    name: str
    category: str
    unit: str
    decimals: int
    site_id: str
    site_name: str
    balance: int
    minimum: int
    low: bool
    negative: bool

    @property
    def quantity_text(self) -> str:
        return format_quantity(self._shape, self.balance)

    @property
    def minimum_text(self) -> str:
        return format_quantity(self._shape, self.minimum)

    @property
    def to_buy(self) -> int:
        """What brings the site back to its minimum (a negative book counts as none held)."""
        return max(0, self.minimum - max(self.balance, 0))

    @property
    def _shape(self) -> dict[str, Any]:
        return {"name": self.name, "unit": self.unit, "decimals": self.decimals}

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["quantity"] = display_value(self._shape, self.balance)
        data["quantity_text"] = self.quantity_text
        data["minimum_quantity"] = display_value(self._shape, self.minimum)
        return data


BALANCES_SQL = """
    SELECT item.id, item.name, coalesce(item.category, ''), item.unit, item.decimals,
           site.id, site.name, coalesce(b.balance, 0), coalesce(im.minimum, item.minimum),
           b.item_id IS NOT NULL OR im.id IS NOT NULL OR (
               NOT EXISTS (SELECT 1 FROM _stock_balance AS kept WHERE kept.item_id = item.id)
               AND NOT EXISTS (
                   SELECT 1 FROM item_minimum AS own
                   WHERE own.item_id = item.id AND own._cl % 2 = 1
               )
           )
    FROM item CROSS JOIN site
    LEFT JOIN _stock_balance AS b ON b.item_id = item.id AND b.site_id = site.id
    LEFT JOIN item_minimum AS im
        ON im.item_id = item.id AND im.site_id = site.id AND im._cl % 2 = 1
    WHERE item._cl % 2 = 1 AND site._cl % 2 = 1 AND site.replaced_by IS NULL
"""


def balances(
    store: Store,
    *,
    search: str = "",
    category: str | None = None,
    site_id: str | None = None,
    include_zero: bool = True,
) -> list[BalanceRow]:
    """Every active item at every active site, by item name then site name.

    ``low`` means under the site's minimum (its own, else the item's) at a site that
    keeps the item: one that has its own minimum or ever had a movement of it. A site that
    never stocked rice is not short of rice. An item no site keeps yet (just added, with a
    minimum and nothing bought) is short everywhere until one site stocks it: otherwise it
    would never reach any shopping list.

    Reads the derived ``_stock_balance`` (never sums the ledger). ``include_zero=False``
    leaves out rows with nothing on the shelf.
    """
    clauses, params = _item_filter(search, category)
    if site_id is not None:
        clauses.append("site.id = ?")
        params.append(site_id)
    where = "".join(f" AND {clause}" for clause in clauses)
    sql = (
        f"{BALANCES_SQL}{where}"
        " ORDER BY item.name COLLATE NOCASE, item.id, site.name COLLATE NOCASE, site.id"
    )
    extra = _retired_balances(store)
    rows = []
    for row in store.conn.execute(sql, params):
        item_id, name, cat, unit, decimals, sid, site_name, amount, minimum, stocked = row
        if extra:
            stocked = stocked or (item_id, sid) in extra
            amount += extra.get((item_id, sid), 0)
        if not include_zero and amount == 0:
            continue
        rows.append(
            BalanceRow(
                item_id=item_id,
                name=name,
                category=cat,
                unit=unit,
                decimals=decimals,
                site_id=sid,
                site_name=site_name,
                balance=amount,
                minimum=minimum,
                low=bool(stocked) and minimum > 0 and amount < minimum,
                negative=amount < 0,
            )
        )
    return rows


def _retired_balances(store: Store) -> dict[tuple[str, str], int]:
    """Balances recorded under retired site identities, added to the site that replaced them."""
    replaced = _replaced_sites(store)
    if not replaced:
        return {}
    extra: dict[tuple[str, str], int] = {}
    marks = ", ".join("?" * len(replaced))
    for item_id, old_site, amount in store.conn.execute(
        f"SELECT item_id, site_id, balance FROM _stock_balance WHERE site_id IN ({marks})",
        list(replaced),
    ):
        key = (item_id, replaced[old_site])
        extra[key] = extra.get(key, 0) + amount
    return extra


def balance(store: Store, item_id: str, site_id: str | None = None) -> int:
    """How much of an item a site holds (this site unless given), in smallest units."""
    sites = site_and_aliases(store, site_id or store.site_id)
    marks = ", ".join("?" * len(sites))
    row = store.conn.execute(
        f"SELECT coalesce(sum(balance), 0) FROM _stock_balance"
        f" WHERE item_id = ? AND site_id IN ({marks})",
        (item_id, *sites),
    ).fetchone()
    return int(row[0])


def low_stock(store: Store, site_id: str | None = None) -> list[BalanceRow]:
    """Items under their minimum (the site's own minimum, else the item's), every site or one.

    Only at sites that keep the item (see ``balances``).
    """
    return [row for row in balances(store, site_id=site_id) if row.low]


def negative_balances(store: Store) -> list[BalanceRow]:
    """Balances below zero: two sites gave out the same stock, or a count was missed.

    Flagged, never fixed silently: someone counts the shelf and records a correction.
    """
    return [row for row in balances(store) if row.negative]


def balance_drift(store: Store) -> list[dict[str, Any]]:
    """Where ``_stock_balance`` differs from the sum of the ledger (should be nowhere).

    Sums the whole ledger: for tests and ``check``, not for screens.
    """
    return store.query(
        """
        SELECT coalesce(ledger.item_id, derived.item_id) AS item_id,
               coalesce(ledger.site_id, derived.site_id) AS site_id,
               ledger.total AS ledger, derived.balance AS derived,
               ledger.moves AS ledger_moves, derived.moves AS derived_moves
        FROM (
            SELECT item_id, site_id, sum(delta) AS total, count(*) AS moves
            FROM stock_move GROUP BY item_id, site_id
        ) AS ledger
        FULL OUTER JOIN _stock_balance AS derived
            ON derived.item_id = ledger.item_id AND derived.site_id = ledger.site_id
        WHERE ledger.total IS NOT derived.balance OR ledger.moves IS NOT derived.moves
        """
    )


# -- movements -------------------------------------------------------------------------------


def signed_delta(item: dict[str, Any], quantity: int, reason: str) -> int:
    """The signed change a movement makes: the sign follows the reason.

    "received" adds; "used", "given" and "spoiled" take out (a positive amount is taken
    out, so "used 2" and "used -2" mean the same); a "correction" keeps its sign. A sign
    that contradicts the reason (received -2) is refused, as is zero.
    """
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise ValidationError(
            _("Give a quantity of {name} as a whole number.").format(name=item["name"])
        )
    if quantity == 0:
        raise ValidationError(
            _("A quantity of zero changes nothing: give how much {name} was {reason}.").format(
                name=item["name"], reason=reason
            )
        )
    if reason in REASONS_IN:
        if quantity < 0:
            raise ValidationError(
                _(
                    "Received stock adds to the shelf: give a positive quantity of {name} "
                    "(to take some out, record it as used, given or spoiled)."
                ).format(name=item["name"])
            )
        return quantity
    if reason in REASONS_OUT:
        return -abs(quantity)
    if reason == CORRECTION:
        return quantity
    if reason in TRANSFER_REASONS:
        raise ValidationError(
            _("Transfers between sites are recorded with 'stock transfer' and 'stock receive'.")
        )
    raise ValidationError(
        _("Reason must be one of: {recorded_reasons}.").format(
            recorded_reasons=", ".join(RECORDED_REASONS)
        )
    )


def _moved_at(store: Store, when: Any) -> Any:
    return now_text(store) if when is None else when


def check_enough(
    store: Store, item: dict[str, Any], site_id: str, delta: int, verb: str = "taking"
) -> None:
    """Raise ``WouldGoNegative`` when taking ``-delta`` out leaves less than nothing."""
    if delta >= 0:
        return
    held = balance(store, item["id"], site_id)
    if held + delta >= 0:
        return
    site = site_names(store).get(site_id, "this site")
    raise WouldGoNegative(
        _(
            "Only {format_quantity} of {name} at {site}; {verb} {format_quantity2} "
            "would leave {format_quantity3}. Record it anyway if that is what "
            "happened."
        ).format(
            format_quantity=format_quantity(item, held),
            name=item["name"],
            site=site,
            verb=verb,
            format_quantity2=format_quantity(item, -delta),
            format_quantity3=format_quantity(item, held + delta),
        ),
        item_id=item["id"],
        site_id=site_id,
        balance=held,
        delta=delta,
    )


def _active_item(store: Store, item_id: str) -> dict[str, Any]:
    item = get_item(store, item_id)
    if item["archived"]:
        raise ValidationError(
            _("{name} is archived: restore it before recording stock.").format(name=item["name"])
        )
    return item


def move(
    store: Store,
    author: str,
    item_id: str,
    quantity: int,
    reason: str,
    *,
    site_id: str | None = None,
    note: str = "",
    allow_negative: bool = False,
    when: Any = None,
) -> str:
    """Record one movement of stock; returns its id.

    ``quantity`` is in the item's smallest unit; its sign follows ``reason`` (see
    ``signed_delta``). Taking out more than the site holds raises ``WouldGoNegative``
    unless ``allow_negative``: reality wins over the book, but only when someone says so.
    A correction needs the "stock" mandate. ``site_id`` defaults to this site.
    """
    with store.transaction(author) as tx:
        item = _active_item(store, item_id)
        site_id = site_id or store.site_id
        require_site(store, site_id)
        reason = str(reason or "").strip().lower()
        delta = signed_delta(item, quantity, reason)
        if reason == CORRECTION:
            tx.use_mandate("stock", f"{item['name']}: {format_quantity(item, delta)}")
        if not allow_negative:
            check_enough(store, item, site_id, delta)
        return tx.insert(
            "stock_move",
            {
                "item_id": item_id,
                "site_id": site_id,
                "delta": delta,
                "reason": reason,
                "note": note,
                "moved_at": _moved_at(store, when),
            },
        )


def move_text(
    store: Store,
    author: str,
    item_id: str,
    text: str | int,
    reason: str,
    *,
    site_id: str | None = None,
    note: str = "",
    allow_negative: bool = False,
    when: Any = None,
) -> str:
    """``move`` with a quantity as typed: "2.5", "2,5 kg", "-1" (display units)."""
    item = get_item(store, item_id)
    amount = parse_quantity(item, text, allow_zero=False)
    return move(
        store,
        author,
        item_id,
        amount,
        reason,
        site_id=site_id,
        note=note,
        allow_negative=allow_negative,
        when=when,
    )


# -- history ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Movement:
    """One row of the ledger, with who recorded it (from the change log) and where."""

    id: str
    item_id: str
    site_id: str
    site_name: str
    delta: int
    reason: str
    note: str
    moved_at: str
    author_name: str
    transfer_id: str | None
    stocktake_id: str | None

    @property
    def reason_label(self) -> str:
        return REASON_LABELS.get(self.reason, self.reason)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


# The author of a ledger row: its clock (never changed: ledger rows are never updated)
# names the origin and sequence number of its insert, and _change is unique on those, so
# the lookup is one index probe per row (no index on _change.row_id is needed).
HISTORY_SQL = """
    SELECT m.id, m.item_id, m.site_id, coalesce(s.name, ''), m.delta, m.reason,
           coalesce(m.note, ''), m.moved_at, coalesce(who.name, ''), m.transfer_id,
           m.stocktake_id
    FROM stock_move AS m
    LEFT JOIN site AS s ON s.id = m.site_id
    LEFT JOIN _change AS c
        ON c.origin = json_extract(m._clock, '$.""[2]')
        AND c.seq = json_extract(m._clock, '$.""[3]')
        AND c.row_id = m.id AND c.tbl = 'stock_move'
    LEFT JOIN member AS who ON who.id = c.author
    WHERE m.item_id = ?
"""


def history(
    store: Store, item_id: str, *, site_id: str | None = None, limit: int | None = None
) -> list[Movement]:
    """An item's movements, newest first, with who recorded each (everywhere, or one site)."""
    sql = HISTORY_SQL
    params: list[Any] = [item_id]
    if site_id is not None:
        sites = site_and_aliases(store, site_id)
        sql += f" AND m.site_id IN ({', '.join('?' * len(sites))})"
        params.extend(sites)
    sql += " ORDER BY m.moved_at DESC, json_extract(m._clock, '$.\"\"[1]') DESC, m.id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return [Movement(*row) for row in store.conn.execute(sql, params)]


# -- shopping list ---------------------------------------------------------------------------

SHOPPING_COLUMNS = ("item", "site", "have", "minimum", "to buy", "unit")


def shopping_list(store: Store, site_id: str | None = None) -> list[dict[str, str]]:
    """What to buy to bring every low item back to its minimum, as plain-text rows."""
    rows = []
    for row in low_stock(store, site_id):
        shape = {"unit": row.unit, "decimals": row.decimals}
        rows.append(
            {
                "item": row.name,
                "site": row.site_name,
                "have": display_value(shape, row.balance),
                "minimum": display_value(shape, row.minimum),
                "to buy": display_value(shape, row.to_buy),
                "unit": row.unit,
            }
        )
    return rows


def shopping_list_csv(
    store: Store,
    path: Path | str,
    site_id: str | None = None,
    csv_format: CsvFormat | None = None,
) -> Written:
    """Write the shopping list as CSV; returns where, and how many rows.

    Through the one CSV writer (``coopdesk.base.csvfile``): names that would start a
    formula are escaped, numbers are numbers in ``csv_format`` (default: the computer's
    locale), and the file is never half written. ``path`` may be a folder.
    """
    rows = [
        [
            row["item"],
            row["site"],
            Decimal(row["have"]),
            Decimal(row["minimum"]),
            Decimal(row["to buy"]),
            row["unit"],
        ]
        for row in shopping_list(store, site_id)
    ]
    written = write_csv(path, SHOPPING_COLUMNS, rows, csv_format, default_name=SHOPPING_LIST_NAME)
    return Written(written, len(rows))


SHOPPING_LIST_NAME = "shopping-list.csv"


# -- for reports -----------------------------------------------------------------------------


def _most_of_the_ledger(store: Store, first: str, after: str = "9999-12-31") -> bool:
    """Whether the movements from ``first`` to before ``after`` are likely most of the
    ledger (over a third of its time span). Summing them by item and site is then quicker
    along the by-item index, every movement in order without a sort, than reading the
    period by date and sorting it; a short period is the other way round."""
    oldest, newest = store.conn.execute(
        "SELECT (SELECT min(moved_at) FROM stock_move), (SELECT max(moved_at) FROM stock_move)"
    ).fetchone()
    try:
        days = [
            dt.date.fromisoformat(str(text)[:10])
            for text in (oldest, newest, max(first, oldest), min(after, newest))
        ]
    except (TypeError, ValueError):  # no movements yet
        return False
    return (days[3] - days[2]).days * 3 > (days[1] - days[0]).days


def movement_totals(
    store: Store,
    start: dt.date,
    end: dt.date,
    *,
    site_id: str | None = None,
    by: By | None = "month",
    item_id: str | None = None,
) -> list[tuple[str, str, str, str, int, int]]:
    """(item id, site id, bucket, reason, signed total, movements) of the movements from
    ``start`` to ``end`` (days, both included), grouped by ``by`` (None: the whole period in
    one, bucket ""), of every item or ``item_id``. Movements recorded under a retired site
    identity count at the site that replaced it (as in ``balances``)."""
    after = (end + dt.timedelta(days=1)).isoformat()
    bucket = "''" if by is None else bucket_sql("moved_at", by)
    one_item = " AND item_id = ?" if item_id else ""
    sites = _replaced_sites(store)
    totals: dict[tuple[str, str, str, str], list[int]] = {}
    if by is None and _most_of_the_ledger(store, start.isoformat(), after):
        # Most of the movements: walked in the order of the by-item index, already grouped.
        source, groups = "stock_move INDEXED BY stock_move_flow", "item_id, site_id, reason"
    else:
        # In this order SQLite reads the period from the covering index on moved_at (by
        # item first, it would look each movement up in the table).
        by_date = "" if item_id else " INDEXED BY stock_move_moved_at"
        source, groups = f"stock_move{by_date}", "reason, site_id, bucket, item_id"
    for item, sid, bucket_day, reason, total, count in store.conn.execute(
        f"SELECT item_id, site_id, {bucket} AS bucket, reason, sum(delta), count(*)"
        f" FROM {source} WHERE moved_at >= ? AND moved_at < ?{one_item} GROUP BY {groups}",
        (start.isoformat(), after, *([item_id] if item_id else [])),
    ):
        key = (item, sites.get(sid, sid), bucket_day, reason)
        cell = totals.setdefault(key, [0, 0])
        cell[0] += int(total)
        cell[1] += int(count)
    return [
        (*key, total, count)
        for key, (total, count) in sorted(totals.items())
        if site_id is None or key[1] == site_id
    ]


def times_run_low(
    store: Store, start: dt.date, end: dt.date, *, site_id: str | None = None
) -> dict[tuple[str, str], int]:
    """How often each active item went under its minimum at a site from ``start`` to ``end``:
    the movements that took its balance from at least the minimum to under it (a site
    already under it when the period starts counts once). Movements are taken in the order
    of ``moved_at`` then id, the same at every site. Items without a minimum never run low.
    """
    sites = _replaced_sites(store)
    minimums = {
        (item_id, sid): minimum
        for item_id, sid, minimum in store.conn.execute(
            "SELECT item.id, site.id, coalesce(im.minimum, item.minimum) FROM item"
            " CROSS JOIN site LEFT JOIN item_minimum AS im ON im.item_id = item.id"
            " AND im.site_id = site.id AND im._cl % 2 = 1"
            " WHERE item._cl % 2 = 1 AND site._cl % 2 = 1 AND site.replaced_by IS NULL"
        )
        if minimum and (site_id is None or sid == site_id)
    }
    if not minimums:
        return {}
    # The balance when the period starts: today's (the derived ``_stock_balance``, the sum of
    # every movement) less what moved since. Cheaper than summing years of history before a
    # recent period, and the same number.
    after = (end + dt.timedelta(days=1)).isoformat()
    opening: dict[tuple[str, str], int] = {}
    earlier: dict[tuple[str, str], int] = {}  # how many movements came before the period
    for item_id, sid, total, count in store.conn.execute(
        "SELECT item_id, site_id, balance, moves FROM _stock_balance"
    ):
        key = (item_id, sites.get(sid, sid))
        opening[key] = opening.get(key, 0) + int(total)
        earlier[key] = earlier.get(key, 0) + int(count)
    # After a recent period, a few movements read by date; after an old one, most of them.
    since = (
        "stock_move INDEXED BY stock_move_flow"
        if _most_of_the_ledger(store, after)
        else "stock_move INDEXED BY stock_move_moved_at"
    )
    for item_id, sid, total, count in store.conn.execute(
        f"SELECT item_id, site_id, sum(delta), count(*) FROM {since} WHERE moved_at >= ?"
        " GROUP BY item_id, site_id",
        (after,),
    ):
        key = (item_id, sites.get(sid, sid))
        opening[key] = opening.get(key, 0) - int(total)
        earlier[key] = earlier.get(key, 0) - int(count)
    # The period's movements of each item and site with a minimum, in their order (moved_at
    # then id); each one's balances are then summed up and compared in C (accumulate, map):
    # years of movements, one small step of Python each.
    moves: defaultdict[tuple[str, str], list[int]] = defaultdict(list)
    for item_id, sid, delta in store.conn.execute(
        "SELECT item_id, site_id, delta FROM stock_move WHERE moved_at >= ? AND moved_at < ?"
        " ORDER BY moved_at, id",
        (start.isoformat(), after),
    ):
        moves[(item_id, sites.get(sid, sid))].append(delta)
    counts: dict[tuple[str, str], int] = {}
    for key, minimum in minimums.items():
        minimum = int(minimum)
        deltas = moves.get(key, [])
        start_amount = opening.get(key, 0) - sum(deltas)
        # Only stock that had moved before the period can be under its minimum as it starts.
        moved_before = earlier.get(key, 0) - len(deltas) > 0
        low = 1 if moved_before and start_amount < minimum else 0
        if deltas:
            balances = list(accumulate(deltas, initial=start_amount if moved_before else 0))
            # A movement runs it low when the balance before is at least the minimum and the
            # balance after is under it.
            low += sum(map(and_, map(minimum.__le__, balances), map(minimum.__gt__, balances[1:])))
        if low:
            counts[key] = low
    return counts
