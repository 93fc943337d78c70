"""Demo data: a food bank's pantry across two sites (see ``coopdesk.demo``).

Three months of stock at the Kitchen (this demo store's site) and the Warehouse: weekly
deliveries, daily cooking and giving out, some spoilage, two transfers from the Warehouse
to the Kitchen (one confirmed with a small loss, one still on its way), per-site minimums
that leave a few items low, one stocktake, and one negative balance to be looked at.

The demo store is the Kitchen's, yet the movements "at" the Warehouse are written from it
(``site_id`` = the Warehouse). A real Warehouse would record them on its own computer and
they would arrive by bundle; for the ledger the result is the same rows. Days are batched
into one transaction per site so the whole step stays well under a second.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from coopdesk.coop import DemoContext
from coopdesk.inventory.items import minimum_id
from coopdesk.inventory.stock import balance
from coopdesk.inventory.stocktake import finish_stocktake, start_stocktake
from coopdesk.inventory.transfers import receive_transfer, send_transfer
from coopdesk.store.hlc import unpack

DAYS = 91
# name, category, unit, decimals, smallest step of a movement (in smallest units),
# typical weekly use in steps, fresh (spoils), barcode
ITEMS: tuple[tuple[str, str, str, int, int, int, bool, str], ...] = (
    ("Rice", "Grains", "kg", 3, 500, 60, False, "8410000000011"),
    ("Pasta", "Grains", "kg", 3, 500, 50, False, "8410000000028"),
    ("Flour", "Baking", "kg", 3, 1000, 20, False, "8410000000035"),
    ("Sugar", "Baking", "kg", 3, 1000, 8, False, ""),
    ("Red lentils", "Grains", "kg", 3, 500, 24, False, ""),
    ("Oats", "Breakfast", "kg", 3, 500, 16, False, ""),
    ("Sunflower oil", "Oil and fat", "l", 2, 100, 60, False, "8410000000042"),
    ("UHT milk", "Breakfast", "l", 1, 10, 60, False, "8410000000059"),
    ("Beans (tin)", "Tins", "piece", 0, 1, 60, False, "8410000000066"),
    ("Chickpeas (tin)", "Tins", "piece", 0, 1, 40, False, ""),
    ("Chopped tomatoes (tin)", "Tins", "piece", 0, 1, 70, False, "8410000000073"),
    ("Tuna (tin)", "Tins", "piece", 0, 1, 30, False, ""),
    ("Vegetable soup (tin)", "Tins", "piece", 0, 1, 30, False, ""),
    ("Peanut butter", "Spreads", "jar", 0, 1, 12, False, ""),
    ("Jam", "Spreads", "jar", 0, 1, 10, False, ""),
    ("Coffee", "Drinks", "kg", 3, 250, 8, False, ""),
    ("Tea", "Drinks", "box", 0, 1, 10, False, ""),
    ("Salt", "Baking", "kg", 3, 500, 3, False, ""),
    ("Baby formula", "Baby", "tin", 0, 1, 8, False, "8410000000080"),
    ("Nappies", "Baby", "pack", 0, 1, 10, False, ""),
    ("Toothpaste", "Hygiene", "piece", 0, 1, 15, False, ""),
    ("Soap", "Hygiene", "piece", 0, 1, 20, False, ""),
    ("Toilet paper", "Hygiene", "roll", 0, 4, 20, False, ""),
    ("Apples", "Fresh", "kg", 3, 500, 40, True, ""),
    ("Potatoes", "Fresh", "kg", 3, 1000, 40, True, ""),
    ("Onions", "Fresh", "kg", 3, 500, 20, True, ""),
    ("Carrots", "Fresh", "kg", 3, 500, 20, True, ""),
    ("Bread", "Fresh", "loaf", 0, 1, 50, True, ""),
)
NOTES_GIVEN = ("food parcels", "Tuesday distribution", "Friday distribution", "")
NOTES_USED = ("community lunch", "soup kitchen", "cooking class", "")
NOTES_SPOILED = ("mouldy", "past its date", "crushed in the van")


class _Pantry:
    """Balances kept while the demo writes, so no ordinary movement takes out too much."""

    def __init__(self, ctx: DemoContext, item_ids: dict[str, str]) -> None:
        self.ctx = ctx
        self.item_ids = item_ids
        self.held: dict[tuple[str, str], int] = {}

    def record(
        self,
        tx: Any,
        name: str,
        site_id: str,
        delta: int,
        reason: str,
        when: dt.datetime,
        note: str = "",
    ) -> None:
        key = (name, site_id)
        if delta < 0:
            delta = -min(-delta, self.held.get(key, 0))
            if delta == 0:
                return
        self.held[key] = self.held.get(key, 0) + delta
        tx.insert(
            "stock_move",
            {
                "item_id": self.item_ids[name],
                "site_id": site_id,
                "delta": delta,
                "reason": reason,
                "note": note,
                "moved_at": when.replace(microsecond=0),
            },
        )


def _amount(rng: Any, step: int, weekly_steps: int, share: float) -> int:
    """A movement of about ``share`` of a week's use, in whole steps (at least one)."""
    mean = max(1.0, weekly_steps * share)
    return step * max(1, round(rng.uniform(0.5, 1.5) * mean))


def _simulated_clock(ctx: DemoContext, moment: dict[str, dt.datetime], cap_ms: int | None):
    """Stamp changes at the simulated moment (never past ``cap_ms``); returns the old clock."""
    original = ctx.store.clock.now_ms

    def now_ms() -> int:
        at = int(moment["at"].timestamp() * 1000)
        return at if cap_ms is None else min(at, cap_ms)

    ctx.store.clock.now_ms = now_ms
    return original


def demo_pantry_history(ctx: DemoContext) -> None:
    """Items and three months of movements, written before the shifts' demo month.

    The store's clock never goes backwards, and by the time of the inventory step the
    demo clock has reached today: stamped then, the ~1,800 movements would be the whole
    recent Activity. Written here, their log entries are stamped no later than the
    members' (``moved_at`` still says when each happened), and the recent Activity stays
    a mix of every feature.
    """
    rng = ctx.rng
    store = ctx.store
    kitchen, warehouse = ctx.site_ids["Kitchen"], ctx.site_ids["Warehouse"]
    today = dt.datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
    first_day = today - dt.timedelta(days=DAYS)
    moment = {"at": first_day}
    original_now = _simulated_clock(ctx, moment, unpack(store.clock.last)[0])
    try:
        item_ids: dict[str, str] = {}
        with store.transaction(ctx.founder_id) as tx:
            for name, category, unit, decimals, step, weekly, _fresh, barcode in ITEMS:
                item_ids[name] = tx.insert(
                    "item",
                    {
                        "name": name,
                        "category": category,
                        "unit": unit,
                        "decimals": decimals,
                        "barcode": barcode,
                        # About a quarter of a week's use, at every site that keeps it.
                        "minimum": step * max(1, weekly // 4),
                    },
                )
        pantry = _Pantry(ctx, item_ids)
        moment["at"] = first_day - dt.timedelta(hours=6)
        with store.transaction(ctx.founder_id) as tx:
            for name, _category, _unit, _decimals, step, weekly, _fresh, _barcode in ITEMS:
                for site_id in (warehouse, kitchen):
                    amount = _amount(rng, step, weekly, 1.0 if site_id == warehouse else 0.5)
                    pantry.record(
                        tx, name, site_id, amount, "received", moment["at"], "opening stock"
                    )
        for day in range(DAYS):
            date = first_day + dt.timedelta(days=day)
            weekday = date.weekday()
            for site_id in (warehouse, kitchen):
                moment["at"] = date + dt.timedelta(hours=9 if site_id == warehouse else 11)
                with store.transaction(ctx.author()) as tx:
                    _one_day(rng, pantry, tx, site_id, site_id == warehouse, weekday, date)
    finally:
        store.clock.now_ms = original_now


def demo_inventory(ctx: DemoContext) -> None:
    """The last days: transfers, per-site minimums, a stocktake, a negative balance."""
    today = dt.datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
    moment = {"at": today}
    original_now = _simulated_clock(ctx, moment, None)
    try:
        _finish(ctx, moment, today, ctx.site_ids["Kitchen"], ctx.site_ids["Warehouse"])
    finally:
        ctx.store.clock.now_ms = original_now


def _one_day(
    rng: Any,
    pantry: _Pantry,
    tx: Any,
    site_id: str,
    is_warehouse: bool,
    weekday: int,
    date: dt.datetime,
) -> None:
    """One day at one site: deliveries on Mondays, distribution, cooking, spoilage."""

    def at(hour: int) -> dt.datetime:
        return date + dt.timedelta(hours=hour, minutes=rng.randint(0, 59))

    for name, _category, _unit, _decimals, step, weekly, fresh, _barcode in ITEMS:
        if is_warehouse:
            if weekday == 0 and (not fresh or rng.random() < 0.3):
                supplier = rng.choice(("food bank network", "supermarket surplus", "donation"))
                pantry.record(
                    tx, name, site_id, _amount(rng, step, weekly, 0.55), "received", at(8), supplier
                )
            if weekday in (1, 4) and rng.random() < 0.7:
                pantry.record(
                    tx,
                    name,
                    site_id,
                    -_amount(rng, step, weekly, 0.35),
                    "given",
                    at(14),
                    "Tuesday distribution" if weekday == 1 else "Friday distribution",
                )
        else:
            if weekday == 3 and (fresh or rng.random() < 0.8):
                supplier = rng.choice(("market leftovers", "allotment", "donation"))
                share = 0.45 if fresh else 0.4
                pantry.record(
                    tx,
                    name,
                    site_id,
                    _amount(rng, step, weekly, share),
                    "received",
                    at(10),
                    supplier,
                )
            if weekday < 5 and rng.random() < 0.3:
                reason = "used" if rng.random() < 0.6 else "given"
                note = rng.choice(NOTES_USED if reason == "used" else NOTES_GIVEN)
                pantry.record(
                    tx, name, site_id, -_amount(rng, step, weekly, 0.2), reason, at(12), note
                )
        if fresh and weekday == 6 and rng.random() < 0.5:
            pantry.record(
                tx,
                name,
                site_id,
                -_amount(rng, step, weekly, 0.08),
                "spoiled",
                at(17),
                rng.choice(NOTES_SPOILED),
            )


def _finish(
    ctx: DemoContext,
    moment: dict[str, dt.datetime],
    today: dt.datetime,
    kitchen: str,
    warehouse: str,
) -> None:
    """Transfers, minimums that leave a few items low, a stocktake, a negative balance."""

    store, rng = ctx.store, ctx.rng
    ids = {row["name"]: row["id"] for row in store.query("SELECT id, name FROM item")}
    moment["at"] = today - dt.timedelta(days=6, hours=-10)
    rice_sent = 25_000  # 25 kg
    received = send_transfer(
        store,
        ctx.author(),
        ids["Rice"],
        kitchen,
        rice_sent,
        from_site_id=warehouse,
        note="for the community lunches",
        allow_negative=True,
    )
    moment["at"] = today - dt.timedelta(days=5, hours=-15)
    receive_transfer(store, ctx.author(), received, rice_sent - 500)  # a torn sack
    moment["at"] = today - dt.timedelta(days=1, hours=-16)
    send_transfer(
        store,
        ctx.author(),
        ids["Sunflower oil"],
        kitchen,
        1_200,
        from_site_id=warehouse,
        note="12 l in the blue crates",
        allow_negative=True,
    )
    # The Kitchen keeps more of what it cooks with: a few of these end up under it.
    with store.transaction(ctx.founder_id) as tx:
        for name in ("Rice", "Sunflower oil", "Red lentils", "Chopped tomatoes (tin)", "Bread"):
            held = max(0, balance(store, ids[name], kitchen))
            step = next(entry[4] for entry in ITEMS if entry[0] == name)
            # Just over what the shelf holds, rounded up to ten steps: low, but not by much.
            wanted = (held // (step * 10) + 1) * step * 10 if name != "Bread" else step * 5
            tx.insert(
                "item_minimum",
                {"item_id": ids[name], "site_id": kitchen, "minimum": wanted},
                row_id=minimum_id(ids[name], kitchen),
            )
    moment["at"] = today - dt.timedelta(days=2, hours=-18)
    stocktake = start_stocktake(store, ctx.founder_id, kitchen, note="end of the month")
    counts = {}
    for name in ("Rice", "Pasta", "Sugar", "Tea", "Soap", "Jam", "Coffee"):
        book = max(0, balance(store, ids[name], kitchen))
        step = next(entry[4] for entry in ITEMS if entry[0] == name)
        counts[ids[name]] = max(0, book + step * rng.choice((-2, -1, 0, 0, 1)))
    finish_stocktake(store, ctx.founder_id, stocktake, counts)
    # Two volunteers gave out the last tins of tuna at the Warehouse: the book went below zero.
    moment["at"] = today - dt.timedelta(hours=12)
    with store.transaction(ctx.author()) as tx:
        held = max(0, balance(store, ids["Tuna (tin)"], warehouse))
        tx.insert(
            "stock_move",
            {
                "item_id": ids["Tuna (tin)"],
                "site_id": warehouse,
                "delta": -(held + 3),
                "reason": "given",
                "note": "Friday distribution",
                "moved_at": moment["at"],
            },
        )
