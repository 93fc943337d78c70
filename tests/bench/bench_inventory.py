"""Inventory targets: balances and an item's history stay instant on a big ledger.

Targets (issue "shared inventory"): with 1,000 items and 1,000,000 movements across three
sites,

- balances for every item at every site (``stock.balances``) in under 200 ms;
- an item's history (``stock.history``, with who recorded each movement) in under 100 ms.

Also timed, without a target: the low-stock list, the transfers list (200, a third of
them received), and one balance.

Building: items, sites and a few hundred transfers go through the real write path. The
million movements are inserted in bulk, outside the write path (only here, in the
benchmark: a million transactions would take an hour): rows go into ``stock_move`` with
the bookkeeping the write path would give them (``_cl``, ``_clock``) and a matching
``_change`` log entry each, so the author lookup and the log's size are as in a real store.
The rows enter ``stock_move`` by INSERT, so the store's own trigger maintains
``_stock_balance`` exactly as it does for movements typed in or merged from bundles.
The result is cached (see ``harness.cache_dir``).
"""

from __future__ import annotations

import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from harness import Report, Result, cache_dir, time_call

from coopdesk import __version__
from coopdesk.coop.coop import add_site, start_coop
from coopdesk.inventory.stock import balance, balance_drift, balances, history, low_stock
from coopdesk.inventory.transfers import list_transfers, receive_transfer, send_transfer
from coopdesk.store.ids import new_id
from coopdesk.store.migrations import SCHEMA_VERSION
from coopdesk.store.store import Store

ITEMS = 1_000
MOVEMENTS = 1_000_000
PER_TRANSACTION = 50  # movements per logged transaction in the bulk insert
TRANSFERS = 200
BUILD_VERSION = 2
SEED = 1871

BALANCES_LIMIT_MS = 200.0
HISTORY_LIMIT_MS = 100.0
RUNS = 9
REASONS = ("received", "used", "given", "spoiled", "correction")


def build_store(data_dir: Path) -> None:
    rng = random.Random(SEED)
    store = start_coop(data_dir, "Bench Coop", "Kitchen", "Ana")
    ana = str(store.local_get("default_member_id"))
    sites = [store.site_id, add_site(store, ana, "Warehouse"), add_site(store, ana, "Market")]
    with store.transaction(ana) as tx:
        authors = [ana] + [tx.insert("member", {"name": f"Volunteer {n}"}) for n in range(20)]
        items = [
            tx.insert(
                "item",
                {
                    "name": f"Item {n:04d}",
                    "category": f"Category {n % 12}",
                    "unit": rng.choice(("kg", "l", "piece")),
                    "decimals": rng.choice((0, 0, 1, 3)),
                    "minimum": rng.randint(0, 50),
                },
            )
            for n in range(ITEMS)
        ]
    # Bulk movements, outside the write path (benchmark set-up only, see the docstring).
    conn = store.conn
    origin = store.site_id
    seq = store.last_seq
    hlc = store.clock.tick()
    start_day = 1_700_000_000
    conn.execute("BEGIN")
    batch_moves: list[tuple] = []
    batch_log: list[tuple] = []
    for serial in range(MOVEMENTS):
        if serial % PER_TRANSACTION == 0:
            seq += 1
            hlc += 1 << 16
            author = rng.choice(authors)
        idx = serial % PER_TRANSACTION
        move_id = new_id()
        reason = rng.choice(REASONS)
        delta = rng.randint(1, 500) * (1 if reason in ("received", "correction") else -1)
        fields = {
            "item_id": rng.choice(items),
            "site_id": rng.choice(sites),
            "delta": delta,
            "reason": reason,
            "note": "",
            "transfer_id": None,
            "stocktake_id": None,
            "moved_at": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(start_day + serial * 60)),
        }
        clock = json.dumps({"": [1, hlc, origin, seq]})
        batch_moves.append((move_id, *fields.values(), 1, clock))
        batch_log.append(
            (origin, seq, idx, hlc, author, "stock_move", move_id, "insert", 1, json.dumps(fields))
        )
        if len(batch_moves) == 10_000:
            _flush(conn, batch_moves, batch_log)
    _flush(conn, batch_moves, batch_log)
    store.local_set("last_seq", seq)
    store.local_set("hlc", hlc)
    conn.execute("UPDATE _vv SET seq = ? WHERE site_id = ?", (seq, origin))
    conn.execute("COMMIT")
    store.clock.last = hlc
    for _ in range(TRANSFERS):  # through the write path
        source, target = rng.sample(sites, 2)
        sent = rng.randint(1, 100)
        transfer_id = send_transfer(
            store, ana, rng.choice(items), target, sent, from_site_id=source, allow_negative=True
        )
        if target == store.site_id:  # confirmed here (some short)
            receive_transfer(store, ana, transfer_id, sent - rng.choice((0, 0, 1)))
    conn.execute("ANALYZE")
    store.close()


def _flush(conn, moves: list[tuple], log: list[tuple]) -> None:
    conn.executemany(
        "INSERT INTO stock_move (id, item_id, site_id, delta, reason, note, transfer_id,"
        " stocktake_id, moved_at, _cl, _clock) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        moves,
    )
    conn.executemany(
        "INSERT INTO _change (origin, seq, idx, hlc, author, tbl, row_id, op, cl, fields)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        log,
    )
    moves.clear()
    log.clear()


def cached_store() -> tuple[Path, str]:
    key = f"inventory-b{BUILD_VERSION}-s{SCHEMA_VERSION}-v{__version__}"
    target = cache_dir() / key
    if (target / "coopdesk.sqlite3").exists():
        return target, f"cached store {target}"
    partial = target.with_name(key + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    print(f"   building the store in {partial} (once; cached afterwards) ...", flush=True)
    start = time.perf_counter()
    build_store(partial)
    for stale in target.parent.glob("inventory-*"):
        if stale != partial:
            shutil.rmtree(stale, ignore_errors=True)
    partial.rename(target)
    return target, f"built store {target} in {time.perf_counter() - start:.0f} s"


def _timed(report: Report, name: str, fn, limit_ms: float | None = None) -> Result:
    samples = time_call(fn, RUNS)
    result = Result(name, samples)
    if limit_ms is not None:
        result.target = f"< {limit_ms:.0f} ms"
        result.ok = result.median_ms < limit_ms
    return report.add(result)


def run() -> Report:
    report = Report("inventory: 1,000 items, 1,000,000 movements, 3 sites")
    source, note = cached_store()
    with tempfile.TemporaryDirectory(prefix="coopdesk-bench-") as tmp:
        data_dir = Path(tmp) / "site"
        shutil.copytree(source, data_dir)
        with Store.open(data_dir) as store:
            moves = store.conn.execute("SELECT count(*) FROM stock_move").fetchone()[0]
            changes = store.conn.execute("SELECT count(*) FROM _change").fetchone()[0]
            report.notes += [
                note,
                f"{moves:,} movements, {changes:,} change rows, "
                f"{(data_dir / 'coopdesk.sqlite3').stat().st_size / 1e6:.0f} MB; "
                f"Python {sys.version.split()[0]}, medians of {RUNS} runs",
            ]
            rows = balances(store)
            report.notes.append(f"balances(): {len(rows):,} rows (items x sites)")
            _timed(
                report,
                "balances() every item at every site",
                lambda: balances(store),
                BALANCES_LIMIT_MS,
            )
            _timed(report, 'balances(search="item 01")', lambda: balances(store, search="item 01"))
            busiest = store.conn.execute(
                "SELECT item_id, sum(moves) AS n FROM _stock_balance GROUP BY item_id"
                " ORDER BY n DESC LIMIT 1"
            ).fetchone()
            item_id, item_moves = busiest[0], busiest[1]
            report.notes.append(f"history(): the busiest item, {item_moves:,} movements")
            _timed(
                report,
                "history() of one item, all of it",
                lambda: history(store, item_id),
                HISTORY_LIMIT_MS,
            )
            _timed(
                report,
                "history() of one item, newest 200",
                lambda: history(store, item_id, limit=200),
                HISTORY_LIMIT_MS,
            )
            _timed(
                report,
                "history() of one item at one site",
                lambda: history(store, item_id, site_id=store.site_id),
                HISTORY_LIMIT_MS,
            )
            _timed(report, "balance() of one item", lambda: balance(store, item_id))
            _timed(report, "low_stock() every site", lambda: low_stock(store))
            _timed(report, "list_transfers() (200 transfers)", lambda: list_transfers(store))
            start = time.perf_counter()
            drift = balance_drift(store)
            report.notes.append(
                f"balance_drift() (sums the whole ledger): {len(drift)} differences, "
                f"{(time.perf_counter() - start) * 1000:,.0f} ms"
            )
    return report
