"""``coopdesk item`` and ``coopdesk stock``: the same core, from a script."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.cli_helpers import coopdesk, coopdesk_json


def _coop(data_dir: Path) -> dict:
    return coopdesk_json(data_dir, "init", "--coop", "C", "--site", "Kitchen", "--member", "Ana")


def test_items_moves_balances_history_and_low_stock(data_dir: Path, tmp_path: Path):
    _coop(data_dir)
    rice = coopdesk(
        data_dir,
        "item",
        "add",
        "Rice",
        "--unit",
        "kg",
        "--decimals",
        "3",
        "--min",
        "5",
        "--category",
        "Grains",
        "--barcode",
        "8410000000011",
    ).stdout.strip()
    assert len(rice) == 36
    moved = coopdesk_json(data_dir, "stock", "move", rice, "--delta", "4,5", "--reason", "received")
    assert (moved["delta"], moved["balance"], moved["balance_display"]) == (4500, 4500, "4.5")
    text = coopdesk(
        data_dir,
        "stock",
        "move",
        "8410000000011",
        "--delta",
        "-1.5",
        "--reason",
        "used",
        "--note",
        "lunch",
    ).stdout
    assert "Used 1.5 kg of Rice at Kitchen; now 3 kg." in text
    [row] = coopdesk_json(data_dir, "stock", "list")
    assert (row["name"], row["site_name"], row["balance"], row["low"]) == (
        "Rice",
        "Kitchen",
        3000,
        True,
    )
    history = coopdesk_json(data_dir, "stock", "history", "Rice")
    assert [(m["delta"], m["reason"], m["author_name"]) for m in history] == [
        (-1500, "used", "Ana"),
        (4500, "received", "Ana"),
    ]
    shopping = tmp_path / "shopping.csv"
    low = coopdesk_json(data_dir, "stock", "low", "--csv", str(shopping), "--separator", ",")
    assert low["rows"] == 1 and low["low"][0]["name"] == "Rice"
    assert (low["separator"], low["decimal"]) == (",", ".")
    with open(shopping, encoding="utf-8-sig", newline="") as handle:
        assert list(csv.reader(handle))[1] == ["Rice", "Kitchen", "3", "5", "2", "kg"]
    low = coopdesk_json(data_dir, "stock", "low", "--csv", str(tmp_path), "--decimal", ",")
    assert low["csv"] == str(tmp_path / "shopping-list.csv")  # a folder gets a name
    assert (low["separator"], low["decimal"]) == (";", ",")
    with open(tmp_path / "shopping-list.csv", encoding="utf-8-sig", newline="") as handle:
        assert list(csv.reader(handle, delimiter=";"))[1] == [
            "Rice",
            "Kitchen",
            "3",
            "5",
            "2",
            "kg",
        ]
    [item] = coopdesk_json(data_dir, "item", "list")
    assert (item["name"], item["minimum"], item["minimum_display"]) == ("Rice", 5000, "5")
    dump = json.loads(coopdesk(data_dir, "dump").stdout)
    assert len(dump["tables"]["stock_move"]) == 2 and len(dump["tables"]["item"]) == 1


def test_bad_input_says_what_is_wrong_and_changes_nothing(data_dir: Path):
    _coop(data_dir)
    coopdesk(data_dir, "item", "add", "Rice", "--unit", "kg", "--decimals", "3")
    coopdesk(data_dir, "stock", "move", "Rice", "--delta", "3", "--reason", "received")
    before = coopdesk(data_dir, "dump").stdout
    for args, message in (
        (("--delta", "0", "--reason", "received"), "zero"),
        (("--delta", "lots", "--reason", "received"), "not a quantity"),
        (("--delta", "2 l", "--reason", "received"), "Rice is counted in kg, not l."),
        (
            ("--delta", "-5", "--reason", "used"),
            "Only 3 kg of Rice at Kitchen; taking 5 kg would leave \u22122 kg.",
        ),
    ):
        result = coopdesk(data_dir, "stock", "move", "Rice", *args, check=False)
        assert result.returncode == 1 and message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    assert coopdesk(data_dir, "dump").stdout == before
    forced = coopdesk_json(
        data_dir, "stock", "move", "Rice", "--delta", "-5", "--reason", "used", "--force"
    )
    assert forced["balance"] == -2000
    [negative] = coopdesk_json(data_dir, "stock", "negative")
    assert negative["balance"] == -2000


def test_transfer_receive_and_count(data_dir: Path):
    ident = _coop(data_dir)
    kitchen = ident["site_id"]
    warehouse = coopdesk_json(data_dir, "sites")
    assert len(warehouse) == 1
    # A second site to send to: added through the core (there is no 'site add' command).
    from coopdesk.coop.coop import add_site
    from coopdesk.store.store import Store

    with Store.open(data_dir) as store:
        warehouse_id = add_site(store, ident["member_id"], "Warehouse")
    coopdesk(data_dir, "item", "add", "Beans", "--unit", "tin")
    coopdesk(
        data_dir,
        "stock",
        "move",
        "Beans",
        "--delta",
        "10",
        "--reason",
        "received",
        "--site",
        warehouse_id,
    )
    sent = coopdesk_json(
        data_dir,
        "stock",
        "transfer",
        "Beans",
        "--to",
        kitchen,
        "--quantity",
        "6",
        "--from",
        warehouse_id,
    )
    assert sent["state"] == "in transit"
    received = coopdesk_json(data_dir, "stock", "receive", sent["id"], "--quantity", "5")
    assert (received["state"], received["loss"]) == ("received", 1)
    again = coopdesk(data_dir, "stock", "receive", sent["id"], check=False)
    assert again.returncode == 1 and "already received" in again.stderr
    [listed] = coopdesk_json(data_dir, "stock", "transfers")
    assert listed["id"] == sent["id"]
    counted = coopdesk_json(data_dir, "stock", "count", "Beans=4")
    assert [(d["book"], d["counted"], d["delta"]) for d in counted] == [(5, 4, -1)]
