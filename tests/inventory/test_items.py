"""Items: adding, editing, archiving, finding; exact quantities typed in and shown."""

from __future__ import annotations

from decimal import Decimal

import pytest

from coopdesk.base.errors import NotFoundError, ValidationError
from coopdesk.inventory import items as inventory
from coopdesk.inventory.items import format_quantity, parse_quantity
from coopdesk.store.dump import dump_json
from coopdesk.store.ids import derived_id

RICE = {"name": "Rice", "unit": "kg", "decimals": 3}
BEANS = {"name": "Beans", "unit": "tin", "decimals": 0}


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("2.5", 2500),
        ("2,5", 2500),
        ("2.5 kg", 2500),
        ("2.5kg", 2500),
        (" 2,5 KG ", 2500),
        ("-1", -1000),
        ("\u22121.25", -1250),
        ("0.001", 1),
        (".5", 500),
        (3, 3000),
        (Decimal("0.75"), 750),
        ("0", 0),
    ],
)
def test_quantities_are_parsed_exactly_in_the_smallest_unit(text, amount):
    assert parse_quantity(RICE, text) == amount


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2.5 l", "Rice is counted in kg, not l."),
        ("two", "not a quantity"),
        ("", "Nothing was given"),
        ("2.0005", "3 decimals"),
        ("1e3", "not a quantity"),
        ("nan", "not a quantity"),
        ("1.2.3", "not a quantity"),
    ],
)
def test_bad_quantities_are_refused_with_a_clear_message(text, message):
    with pytest.raises(ValidationError, match=message):
        parse_quantity(RICE, text)


def test_whole_units_refuse_decimals_and_the_caller_may_refuse_zero_or_minus():
    with pytest.raises(ValidationError, match="whole tin"):
        parse_quantity(BEANS, "1.5")
    with pytest.raises(ValidationError, match="zero"):
        parse_quantity(BEANS, "0", allow_zero=False)
    with pytest.raises(ValidationError, match="minus"):
        parse_quantity(BEANS, "-2", allow_negative=False)
    with pytest.raises(ValidationError):
        parse_quantity(BEANS, True)
    assert parse_quantity(BEANS, "12 tin") == 12


def test_quantities_are_shown_in_display_units():
    assert format_quantity(RICE, 2500) == "2.5 kg"
    assert format_quantity(RICE, 2000) == "2 kg"
    assert format_quantity(RICE, 1) == "0.001 kg"
    assert format_quantity(RICE, -2000) == "\u22122 kg"
    assert format_quantity(BEANS, 12) == "12 tin"
    assert inventory.display_value(RICE, -2500) == "-2.5"
    for amount in (0, 1, 999, 1000, 123456, -7):
        assert parse_quantity(RICE, format_quantity(RICE, amount)) == amount


def test_add_item_stores_the_minimum_scaled(store, ana):
    rice = inventory.add_item(
        store, ana, "Rice", unit="kg", decimals=3, minimum="2,5", category="Grains"
    )
    item = inventory.get_item(store, rice)
    assert (item["minimum"], item["unit"], item["decimals"], item["category"]) == (
        2500,
        "kg",
        3,
        "Grains",
    )
    assert inventory.categories(store) == ["Grains"]


def test_find_item_by_id_barcode_or_name(store, ana):
    rice = inventory.add_item(store, ana, "Rice", unit="kg", barcode="8410000000011")
    assert inventory.find_item(store, rice)["id"] == rice
    assert inventory.find_item(store, "8410000000011")["id"] == rice
    assert inventory.find_item(store, "rice")["id"] == rice
    assert inventory.find_item(store, "oil") is None
    with pytest.raises(NotFoundError, match="oil"):
        inventory.require_item(store, "oil")


def test_bad_items_are_refused_and_nothing_changes(store, ana):
    inventory.add_item(store, ana, "Rice", unit="kg", barcode="123")
    before = dump_json(store)
    for kwargs, message in (
        ({"name": "", "unit": "kg"}, "Name is required"),
        ({"name": "Oil", "unit": ""}, "unit"),
        ({"name": "Oil", "unit": "l", "decimals": 4}, "Decimals"),
        ({"name": "Oil", "unit": "l", "minimum": "-1"}, "minus"),
        ({"name": "Oil", "unit": "l", "minimum": "0.5"}, "whole l"),
        ({"name": "RICE", "unit": "kg"}, "already an item called Rice"),
        ({"name": "Oil", "unit": "l", "barcode": "123"}, "already used by Rice"),
    ):
        name = kwargs.pop("name")
        with pytest.raises(ValidationError, match=message):
            inventory.add_item(store, ana, name, **kwargs)
    assert dump_json(store) == before


def test_edit_archive_restore(store, ana):
    from coopdesk.inventory.stock import move

    rice = inventory.add_item(store, ana, "Rice", unit="kg", decimals=3)
    changed = inventory.edit_item(store, ana, rice, minimum="4", category="Grains")
    assert changed == {"minimum", "category"}
    assert inventory.get_item(store, rice)["minimum"] == 4000
    move(store, ana, rice, 1000, "received")
    with pytest.raises(ValidationError, match="decimals cannot change"):
        inventory.edit_item(store, ana, rice, decimals=0)
    with pytest.raises(ValidationError, match="no field"):
        inventory.edit_item(store, ana, rice, colour="red")
    inventory.archive_item(store, ana, rice)
    assert inventory.get_item(store, rice)["archived"]
    assert [i["name"] for i in inventory.list_items(store, status="archived")] == ["Rice"]
    assert inventory.list_items(store) == []
    inventory.restore_item(store, ana, rice)
    assert not inventory.get_item(store, rice)["archived"]


def test_a_site_minimum_has_a_derived_id_and_can_go_back_to_the_item_minimum(store, ana):
    rice = inventory.add_item(store, ana, "Rice", unit="kg", decimals=3, minimum=5)
    row_id = inventory.set_minimum(store, ana, rice, store.site_id, "12.5")
    assert row_id == derived_id("item_minimum", rice, store.site_id)
    assert inventory.minimum_at(store, rice, store.site_id) == 12500
    inventory.set_minimum(store, ana, rice, store.site_id, None)
    assert inventory.minimum_at(store, rice, store.site_id) == 5000
    inventory.set_minimum(store, ana, rice, store.site_id, "7")  # restores the archived row
    assert inventory.minimum_at(store, rice, store.site_id) == 7000
    assert store.get("item_minimum", row_id)["archived"] is False


def test_demo_pantry_has_two_sites_of_stock_transfers_low_items_and_a_stocktake(tmp_path):
    from coopdesk.demo import create_demo
    from coopdesk.inventory import stock, stocktake, transfers

    store = create_demo(tmp_path / "demo")
    try:
        assert 20 <= len(inventory.list_items(store)) <= 30
        moves = store.conn.execute("SELECT count(*) FROM stock_move").fetchone()[0]
        assert 500 < moves <= 3_000
        names = stock.site_names(store)
        held = {names[row.site_id] for row in stock.balances(store, include_zero=False)}
        assert held == {"Kitchen", "Warehouse"}
        assert stock.low_stock(store, store.site_id)
        states = sorted(
            (v.state, v.to_site_name, bool(v.loss)) for v in transfers.list_transfers(store)
        )
        assert states == [("in transit", "Kitchen", False), ("received", "Kitchen", True)]
        assert len(transfers.awaiting_here(store)) == 1
        assert [row.site_id for row in stock.negative_balances(store)] == [
            store.query("SELECT id FROM site WHERE name = 'Warehouse'")[0]["id"]
        ]
        [counted] = stocktake.list_stocktakes(store)
        assert counted["finished_at"] and not counted["cancelled"]
        assert stock.balance_drift(store) == []
    finally:
        store.close()
