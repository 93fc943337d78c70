"""``check``: SQLite's integrity plus CoopDesk's own invariants."""

from __future__ import annotations

from coopdesk.demo import create_demo
from coopdesk.store.check import check_store
from coopdesk.store.store import Store


def test_a_fresh_store_and_the_demo_coop_are_sound(store: Store, tmp_path):
    assert check_store(store) == []
    demo = create_demo(tmp_path / "demo")
    assert check_store(demo) == []
    demo.close()


def test_a_row_written_around_the_write_path_is_caught(store: Store):
    store.conn.execute(
        "INSERT INTO member (id, name, skills, _cl, _clock) VALUES"
        " ('99999999-9999-4999-8999-999999999999', 'Sneaky', '[]', 1, '{}')"
    )
    problems = check_store(store)
    assert any("1 member row has no change that created it" in p for p in problems)
    assert any("field clock" in p for p in problems)


def test_a_hole_in_the_change_log_is_caught(store: Store, ana: str):
    for name in ("A", "B"):
        with store.transaction(ana) as tx:
            tx.insert("member", {"name": name})
    store.conn.execute("DELETE FROM _change WHERE seq = 2 AND origin = ?", (store.site_id,))
    assert any("gaps" in p for p in check_store(store))


def test_an_invalid_stored_value_is_caught(store: Store, ana: str):
    store.conn.execute("UPDATE member SET skills = 'not json' WHERE id = ?", (ana,))
    assert any("skills holds an invalid value" in p for p in check_store(store))


def _stock_move(store: Store, ana: str, delta: int) -> str:
    with store.transaction(ana) as tx:
        item = tx.insert("item", {"name": "Rice", "unit": "kg"})
        return tx.insert(
            "stock_move",
            {
                "item_id": item,
                "site_id": store.site_id,
                "delta": delta,
                "moved_at": "2026-11-25T10:00:00",
            },
        )


def test_derived_stock_balances_that_drift_from_the_ledger_are_caught(store: Store, ana: str):
    _stock_move(store, ana, 5)
    assert check_store(store) == []
    store.conn.execute("UPDATE _stock_balance SET balance = balance + 1")
    assert any("1 derived stock balance differs" in p for p in check_store(store))


def test_a_ledger_row_changed_around_the_write_path_is_caught(store: Store, ana: str):
    move = _stock_move(store, ana, 5)
    store.conn.execute("UPDATE stock_move SET _cl = 2 WHERE id = ?", (move,))
    assert any("stock_move is a ledger" in p for p in check_store(store))
