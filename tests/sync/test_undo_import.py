"""The undo record of the last import: taking it back restores exactly the store before it.

Compared table by table with every column quoted (so 1 and 1.0, text and bytes differ) and
every rowid, the store's own bookkeeping included: the change log, the version vector, the
remembered bundles and peers, the summaries its triggers keep (stock balances, duty done)."""

from __future__ import annotations

import contextlib
import shutil

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopdesk.base.errors import CoopDeskError
from coopdesk.store import undo
from coopdesk.store.dump import dump_json
from coopdesk.sync.bundle import BundleGapError
from tests.sync.test_convergence import EXAMPLES, SITE_NAMES, operation, run, template
from tests.sync_helpers import Federation, fast_tmp_root


def every_row(store) -> dict[str, list[tuple]]:
    """Every table of the store as SQLite holds it, but the undo record itself."""
    conn = store.conn
    tables = {}
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
        " AND name != '_undo'"
    ).fetchall():
        columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{name}")')]
        quoted = ", ".join(f'quote("{c}")' for c in columns)
        try:
            rows = conn.execute(f'SELECT quote(rowid), {quoted} FROM "{name}"').fetchall()
        except Exception:  # a table without rowid
            rows = conn.execute(f'SELECT {quoted} FROM "{name}"').fetchall()
        if name == "_local":
            rows = [row for row in rows if undo.HEADER_KEY not in row[1]]
        tables[name] = sorted(rows)
    return tables


def test_taking_back_an_import_restores_every_row_and_the_bundle_comes_in_again():
    root = fast_tmp_root()
    coop = template(2).copy_to(root / "coop")
    kitchen, warehouse = coop["Kitchen"], coop["Warehouse"]
    run(coop, ["Kitchen", "Warehouse"], [("stock", 1, 40), ("signup", 1, 3, True)])
    with warehouse.transaction(coop.ana) as tx:
        tx.insert("member", {"name": "Eli", "phone": "555 0199"})
        member = kitchen.conn.execute("SELECT id FROM member WHERE name = 'Bea'").fetchone()[0]
        tx.update("member", member, {"notes": "mornings"})
    bundle = coop.export("Warehouse", "Kitchen")
    before = every_row(kitchen)
    coop.deliver(bundle, "Kitchen")
    after_import = dump_json(kitchen)
    assert every_row(kitchen) != before
    record = kitchen.last_import_undo()
    assert record is not None and record.about["site_name"] == "Warehouse"

    assert kitchen.take_back_last_import() is not None
    assert every_row(kitchen) == before
    assert kitchen.last_import_undo() is None  # taken back once
    assert kitchen.take_back_last_import() is None

    coop.deliver(bundle, "Kitchen")  # not "already imported": it comes in again, the same
    assert dump_json(kitchen) == after_import
    coop.close()
    shutil.rmtree(root, ignore_errors=True)


def test_an_edit_or_an_export_after_the_import_ends_its_undo():
    root = fast_tmp_root()
    coop = template(2).copy_to(root / "coop")
    kitchen, warehouse = coop["Kitchen"], coop["Warehouse"]
    with warehouse.transaction(coop.ana) as tx:
        tx.insert("member", {"name": "Eli"})
    coop.deliver(coop.export("Warehouse", "Kitchen"), "Kitchen")
    assert kitchen.last_import_undo() is not None
    with kitchen.transaction(coop.ana) as tx:  # Eli's phone, typed here after the import
        eli = kitchen.conn.execute("SELECT id FROM member WHERE name = 'Eli'").fetchone()[0]
        tx.update("member", eli, {"phone": "555 0123"})
    assert kitchen.last_import_undo() is None
    assert kitchen.take_back_last_import() is None  # nothing written: the edit stays
    assert kitchen.get("member", eli)["phone"] == "555 0123"

    with warehouse.transaction(coop.ana) as tx:
        tx.insert("member", {"name": "Fay"})
    coop.deliver(coop.export("Warehouse", "Kitchen"), "Kitchen")
    assert kitchen.last_import_undo() is not None
    coop.export("Kitchen", "Warehouse")  # Warehouse may now hold what would be undone
    assert kitchen.last_import_undo() is None
    coop.close()
    shutil.rmtree(root, ignore_errors=True)


@settings(
    max_examples=max(EXAMPLES // 10, 10),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    size=st.integers(2, 4),
    ops=st.lists(operation, min_size=4, max_size=40),
    receiver=st.integers(0, 3),
    sender=st.integers(1, 3),
)
def test_any_import_after_any_history_is_taken_back_exactly(size, ops, receiver, sender):
    root = fast_tmp_root()
    coop: Federation = template(size).copy_to(root / "coop")
    names = SITE_NAMES[:size]
    try:
        run(coop, names, ops)
        to_name = names[receiver % size]
        from_name = names[(receiver + sender) % size]
        if from_name == to_name:
            return
        with contextlib.suppress(CoopDeskError):
            bundle = coop.export(from_name, to_name)
            before = every_row(coop[to_name])
            with contextlib.suppress(BundleGapError):
                result = coop.deliver(bundle, to_name)
                if result.already_imported:
                    return
                if coop[to_name].last_import_undo() is None:  # it took a new identity
                    return
                assert coop[to_name].take_back_last_import() is not None
                assert every_row(coop[to_name]) == before
    finally:
        coop.close()
        shutil.rmtree(root, ignore_errors=True)


def test_no_write_in_a_merge_replaces_a_row_behind_the_undo_records_back():
    """INSERT OR REPLACE deletes the replaced row without its DELETE trigger."""
    from pathlib import Path

    import coopdesk

    package = Path(coopdesk.__file__).parent
    merge_modules = ["store/merging.py", "sync/merge.py", "sync/forks.py", "sync/held.py"]
    merge_modules += [str(p.relative_to(package)) for p in package.glob("*/rules.py")]
    for module in merge_modules:
        text = (package / module).read_text()
        replaced = [
            line for line in text.splitlines() if "OR REPLACE INTO" in line and "temp." not in line
        ]
        assert replaced == [], module


def test_keeping_a_rows_first_state_costs_the_same_however_many_rows_are_kept(store):
    """One look-up of the row's key, not a scan of the record: SQLite's own count of the
    steps it runs (no clock) to change 2,000 rows is about twice that for 1,000. (A NOT
    EXISTS in the triggers scanned the record for each row: an import changing 10,000 rows
    took five times as long as without the record.)"""
    conn = store.conn
    conn.execute("CREATE TABLE probe (id TEXT PRIMARY KEY, value TEXT)")
    conn.executemany("INSERT INTO probe VALUES (?, '')", [(f"row {n}",) for n in range(2000)])

    def steps_to_change(rows: int) -> int:
        counted = [0]

        def step() -> int:
            counted[0] += 1
            return 0

        conn.execute("BEGIN")
        try:
            undo.start_recording(conn)
            conn.set_progress_handler(step, 100)
            conn.execute("UPDATE probe SET value = 'changed' WHERE rowid <= ?", (rows,))
            conn.set_progress_handler(None, 0)
            assert conn.execute("SELECT count(*) FROM _undo").fetchone()[0] == rows
        finally:
            conn.execute("ROLLBACK")
        return counted[0]

    once, twice = steps_to_change(1000), steps_to_change(2000)
    assert twice < 2.5 * once
