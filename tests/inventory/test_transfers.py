"""Transfers between sites: out at one, in transit, confirmed (maybe short) at the other."""

from __future__ import annotations

import pytest

from coopdesk.base.errors import ValidationError
from coopdesk.coop.coop import add_site
from coopdesk.inventory import items as inventory
from coopdesk.inventory import stock, transfers
from coopdesk.store.dump import dump_json
from coopdesk.store.store import Store


@pytest.fixture
def rice(store, ana) -> str:
    return inventory.add_item(store, ana, "Rice", unit="kg", decimals=3)


@pytest.fixture
def warehouse(store, ana) -> str:
    return add_site(store, ana, "Warehouse")


def test_sending_takes_the_stock_out_and_puts_it_in_transit(store, ana, rice, warehouse):
    stock.move(store, ana, rice, 30_000, "received", site_id=warehouse)
    transfer_id = transfers.send_transfer(
        store, ana, rice, store.site_id, 25_000, from_site_id=warehouse, note="blue crates"
    )
    assert stock.balance(store, rice, warehouse) == 5_000
    assert stock.balance(store, rice) == 0  # in transit: at neither site
    view = transfers.get_transfer(store, transfer_id)
    assert (view.state, view.quantity_text, view.loss, view.sent_by_name) == (
        "in transit",
        "25 kg",
        None,
        "Ana",
    )
    assert (view.from_site_name, view.to_site_name, view.note) == (
        "Warehouse",
        "Kitchen",
        "blue crates",
    )
    assert [v.id for v in transfers.awaiting_here(store)] == [transfer_id]
    [out] = stock.history(store, rice, site_id=warehouse)[:1]
    assert (out.reason, out.delta, out.transfer_id) == ("transfer-out", -25_000, transfer_id)


def test_receiving_less_records_the_loss_in_transit(store, ana, rice, warehouse):
    stock.move(store, ana, rice, 30_000, "received", site_id=warehouse)
    transfer_id = transfers.send_transfer(
        store, ana, rice, store.site_id, 25_000, from_site_id=warehouse
    )
    view = transfers.receive_transfer(store, ana, transfer_id, 24_500)
    assert (view.state, view.received_quantity, view.loss, view.loss_text) == (
        "received",
        24_500,
        500,
        "0.5 kg",
    )
    assert view.received_by_name == "Ana" and view.arrived_total == 24_500
    # The book balances: -sent at the sender, +received at the receiver.
    assert stock.balance(store, rice, warehouse) == 5_000
    assert stock.balance(store, rice) == 24_500
    assert transfers.awaiting_here(store) == []
    assert stock.balance_drift(store) == []


def test_receiving_all_by_default_and_nothing_arrived(store, ana, rice, warehouse):
    first = transfers.send_transfer(
        store, ana, rice, store.site_id, 1_000, from_site_id=warehouse, allow_negative=True
    )
    assert transfers.receive_transfer(store, ana, first).received_quantity == 1_000
    second = transfers.send_transfer(
        store, ana, rice, store.site_id, 1_000, from_site_id=warehouse, allow_negative=True
    )
    view = transfers.receive_transfer(store, ana, second, 0)  # the crate never came
    assert (view.state, view.loss) == ("received", 1_000)
    assert stock.balance(store, rice) == 1_000


def test_receiving_twice_is_refused_with_when_and_who(store, ana, rice, warehouse):
    transfer_id = transfers.send_transfer(
        store, ana, rice, store.site_id, 1_000, from_site_id=warehouse, allow_negative=True
    )
    transfers.receive_transfer(store, ana, transfer_id)
    before = dump_json(store)
    with pytest.raises(transfers.AlreadyReceivedError, match=r"already received on \d+ \w+ by Ana"):
        transfers.receive_transfer(store, ana, transfer_id)
    assert dump_json(store) == before


def test_bad_transfers_are_refused_and_nothing_changes(store, ana, rice, warehouse):
    stock.move(store, ana, rice, 2_000, "received")
    before = dump_json(store)
    with pytest.raises(ValidationError, match="another site"):
        transfers.send_transfer(store, ana, rice, store.site_id, 1_000)
    for quantity in (0, -5):
        with pytest.raises(ValidationError, match="above zero"):
            transfers.send_transfer(store, ana, rice, warehouse, quantity)
    with pytest.raises(stock.WouldGoNegative, match="sending 3 kg"):
        transfers.send_transfer(store, ana, rice, warehouse, 3_000)
    assert dump_json(store) == before
    transfer_id = transfers.send_transfer(store, ana, rice, warehouse, 1_000)
    before = dump_json(store)
    with pytest.raises(ValidationError, match="only Warehouse can confirm"):
        transfers.receive_transfer(store, ana, transfer_id)
    assert dump_json(store) == before


def test_receiving_more_than_was_sent_or_a_negative_amount_is_refused(
    store: Store, ana, rice, warehouse
):
    transfer_id = transfers.send_transfer(
        store, ana, rice, store.site_id, 1_000, from_site_id=warehouse, allow_negative=True
    )
    before = dump_json(store)
    with pytest.raises(ValidationError, match="Only 1 kg of Rice was sent"):
        transfers.receive_transfer(store, ana, transfer_id, 2_000)
    with pytest.raises(ValidationError, match="minus"):
        transfers.receive_transfer(store, ana, transfer_id, -1)
    assert dump_json(store) == before


def test_list_transfers_by_state_and_site(store, ana, rice, warehouse):
    kitchen = store.site_id
    a = transfers.send_transfer(
        store, ana, rice, kitchen, 1_000, from_site_id=warehouse, allow_negative=True
    )
    transfers.send_transfer(
        store, ana, rice, kitchen, 2_000, from_site_id=warehouse, allow_negative=True
    )
    transfers.receive_transfer(store, ana, a)
    assert [v.state for v in transfers.list_transfers(store, state="received")] == ["received"]
    assert len(transfers.list_transfers(store, state="in transit")) == 1
    assert len(transfers.list_transfers(store, site_id=warehouse)) == 2
    with pytest.raises(ValidationError, match="State must be"):
        transfers.list_transfers(store, state="lost")
