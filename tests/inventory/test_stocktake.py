"""Stocktake: counts become correction movements, all at once, only where they differ."""

from __future__ import annotations

import pytest

from coopdesk.base.errors import ValidationError
from coopdesk.inventory import items as inventory
from coopdesk.inventory import stock, stocktake
from coopdesk.store.dump import dump_json


@pytest.fixture
def items(store, ana) -> dict[str, str]:
    ids = {
        "rice": inventory.add_item(store, ana, "Rice", unit="kg", decimals=3),
        "beans": inventory.add_item(store, ana, "Beans", unit="tin"),
        "oil": inventory.add_item(store, ana, "Oil", unit="l", decimals=1),
    }
    stock.move(store, ana, ids["rice"], 10_000, "received")
    stock.move(store, ana, ids["beans"], 24, "received")
    stock.move(store, ana, ids["oil"], 50, "received")
    return ids


def test_differences_list_only_what_differs(store, ana, items):
    found = stocktake.differences(store, store.site_id, {items["rice"]: 9_500, items["beans"]: 24})
    assert [(d.name, d.book, d.counted, d.delta) for d in found] == [("Rice", 10_000, 9_500, -500)]
    assert found[0].delta_text == "\u22120.5 kg" and found[0].counted_text == "9.5 kg"


def test_finishing_records_one_correction_per_difference(store, ana, items):
    stocktake_id = stocktake.start_stocktake(store, ana)
    assert stocktake.open_stocktake(store)["id"] == stocktake_id
    found = stocktake.finish_stocktake(
        store, ana, stocktake_id, {items["rice"]: 9_500, items["beans"]: 26, items["oil"]: 50}
    )
    assert [(d.name, d.delta) for d in found] == [("Beans", 2), ("Rice", -500)]
    assert stock.balance(store, items["rice"]) == 9_500
    assert stock.balance(store, items["beans"]) == 26
    assert stock.balance(store, items["oil"]) == 50  # counted equal: no movement
    corrections = store.query(
        "SELECT item_id, delta FROM stock_move WHERE stocktake_id = ? ORDER BY delta",
        (stocktake_id,),
    )
    assert corrections == [
        {"item_id": items["rice"], "delta": -500},
        {"item_id": items["beans"], "delta": 2},
    ]
    assert all(m.reason == "correction" for m in stock.history(store, items["rice"], limit=1))
    assert store.get("stocktake", stocktake_id)["finished_at"]
    assert stocktake.open_stocktake(store) is None
    with pytest.raises(ValidationError, match="already finished"):
        stocktake.finish_stocktake(store, ana, stocktake_id, {items["rice"]: 1})


def test_items_not_counted_are_left_alone_and_a_zero_count_is_a_count(store, ana, items):
    stocktake_id = stocktake.start_stocktake(store, ana)
    stocktake.finish_stocktake(store, ana, stocktake_id, {items["oil"]: 0})
    assert stock.balance(store, items["oil"]) == 0
    assert stock.balance(store, items["rice"]) == 10_000


def test_one_open_stocktake_per_site_and_cancelling(store, ana, items):
    stocktake_id = stocktake.start_stocktake(store, ana)
    with pytest.raises(ValidationError, match="already open"):
        stocktake.start_stocktake(store, ana)
    stocktake.cancel_stocktake(store, ana, stocktake_id)
    assert stocktake.open_stocktake(store) is None
    with pytest.raises(ValidationError, match="cancelled"):
        stocktake.finish_stocktake(store, ana, stocktake_id, {items["rice"]: 1})
    assert [s["cancelled"] for s in stocktake.list_stocktakes(store)] == [True]


def test_bad_counts_or_no_mandate_change_nothing(store, ana, items, monkeypatch):
    from coopdesk.roles import mandates

    stocktake_id = stocktake.start_stocktake(store, ana)
    before = dump_json(store)
    with pytest.raises(ValidationError, match="below zero"):
        stocktake.finish_stocktake(store, ana, stocktake_id, {items["rice"]: 1, items["oil"]: -1})
    with pytest.raises(ValidationError, match="must be a number"):
        stocktake.finish_stocktake(store, ana, stocktake_id, {items["rice"]: "9"})

    def refuse(tx, action, detail):
        raise mandates.MandateRequiredError("Only this term's Stock keeper can do this.")

    monkeypatch.setattr(mandates, "use_mandate", refuse)
    with pytest.raises(mandates.MandateRequiredError):
        stocktake.finish_stocktake(store, ana, stocktake_id, {items["rice"]: 1})
    assert dump_json(store) == before
