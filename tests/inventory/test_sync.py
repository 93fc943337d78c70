"""Stock across sites: ledgers add up the same everywhere, whatever order bundles arrive in."""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator

import pytest

from coopdesk.inventory import items as inventory
from coopdesk.inventory import stock, transfers
from coopdesk.store.check import check_store
from tests.sync_helpers import Federation, fast_tmp_root


@pytest.fixture
def coop() -> Iterator[Federation]:
    federation = Federation.create(fast_tmp_root(), ["Kitchen", "Warehouse", "Market"])
    yield federation
    federation.close()
    shutil.rmtree(federation.root, ignore_errors=True)


def _item(coop: Federation) -> str:
    rice = inventory.add_item(coop["Kitchen"], coop.ana, "Rice", unit="kg", decimals=3)
    stock.move(coop["Kitchen"], coop.ana, rice, 63_000, "received")
    coop.sync_all()
    return rice


def _assert_consistent(coop: Federation) -> None:
    for store in coop.sites.values():
        assert stock.balance_drift(store) == []
        assert check_store(store) == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_concurrent_movements_sum_correctly_in_any_order(coop: Federation, seed: int):
    rng = random.Random(seed)
    rice = _item(coop)
    kitchen = coop["Kitchen"].site_id
    expected = 63_000
    for name in coop.sites:
        # Every site takes 5 kg out of the Kitchen's stock without seeing the others.
        stock.move(coop[name], coop.ana, rice, 5_000, "given", site_id=kitchen)
        expected -= 5_000
        amount = rng.randint(1, 9) * 100
        stock.move(coop[name], coop.ana, rice, amount, "received")  # at its own site
        expected += amount if name == "Kitchen" else 0
    bundles = [(name, coop.export(name)) for name in coop.sites]
    for receiver in rng.sample(list(coop.sites), len(coop.sites)):
        for sender, path in rng.sample(bundles, len(bundles)):
            if sender != receiver:
                coop.deliver(path, receiver)
                assert stock.balance_drift(coop[receiver]) == []
    assert coop.converged()
    for store in coop.sites.values():
        assert stock.balance(store, rice, kitchen) == expected  # 15 kg out, not 5
        assert [r.balance for r in stock.balances(store)] == [
            r.balance for r in stock.balances(coop["Kitchen"])
        ]
    _assert_consistent(coop)


def test_a_transfer_ends_in_the_same_state_everywhere(coop: Federation):
    rice = _item(coop)
    kitchen, warehouse = coop["Kitchen"].site_id, coop["Warehouse"].site_id
    transfer_id = transfers.send_transfer(coop["Kitchen"], coop.ana, rice, warehouse, 20_000)
    coop.sync_all()
    for store in coop.sites.values():
        assert transfers.get_transfer(store, transfer_id).state == "in transit"
    assert [v.id for v in transfers.awaiting_here(coop["Warehouse"])] == [transfer_id]
    assert transfers.awaiting_here(coop["Market"]) == []
    transfers.receive_transfer(coop["Warehouse"], coop.ana, transfer_id, 19_000)
    coop.sync_all()
    assert coop.converged()
    for store in coop.sites.values():
        view = transfers.get_transfer(store, transfer_id)
        assert (view.state, view.received_quantity, view.loss) == ("received", 19_000, 1_000)
        assert stock.balance(store, rice, kitchen) == 43_000
        assert stock.balance(store, rice, warehouse) == 19_000
    # The Kitchen, having heard, is told it was received; the Warehouse refuses again.
    with pytest.raises(transfers.AlreadyReceivedError):
        transfers.receive_transfer(coop["Warehouse"], coop.ana, transfer_id)
    _assert_consistent(coop)


def test_two_receptions_that_crossed_in_sync_are_flagged_not_hidden(coop: Federation):
    rice = _item(coop)
    kitchen, warehouse = coop["Kitchen"].site_id, coop["Warehouse"].site_id
    transfer_id = transfers.send_transfer(coop["Kitchen"], coop.ana, rice, warehouse, 10_000)
    coop.sync_all()
    transfers.receive_transfer(coop["Warehouse"], coop.ana, transfer_id)
    # A second computer of the Warehouse (here the Market's, writing for the Warehouse)
    # confirms the same crate before the two have synced.
    with coop["Market"].transaction(coop.ana) as tx:
        tx.update(
            "transfer",
            transfer_id,
            {"received_quantity": 10_000, "received_at": "2026-12-01T10:00:00"},
        )
        tx.insert(
            "stock_move",
            {
                "item_id": rice,
                "site_id": warehouse,
                "delta": 10_000,
                "reason": "transfer-in",
                "transfer_id": transfer_id,
                "moved_at": "2026-12-01T10:00:00",
            },
        )
    coop.sync_all()
    assert coop.converged()
    for store in coop.sites.values():
        view = transfers.get_transfer(store, transfer_id)
        assert (view.state, view.receptions, view.arrived_total) == ("received twice", 2, 20_000)
        assert view.problem
        assert [v.id for v in transfers.transfer_problems(store)] == [transfer_id]
        assert stock.balance(store, rice, warehouse) == 20_000  # the book says so: flagged
        assert stock.balance(store, rice, kitchen) == 53_000
    _assert_consistent(coop)


def test_negative_balances_after_sync_are_flagged_everywhere(coop: Federation):
    beans = inventory.add_item(coop["Kitchen"], coop.ana, "Beans", unit="tin")
    kitchen = coop["Kitchen"].site_id
    stock.move(coop["Kitchen"], coop.ana, beans, 5, "received")
    coop.sync_all()
    # Two sites each give out 4 of the 5 tins they both believe are there.
    stock.move(coop["Kitchen"], coop.ana, beans, 4, "given")
    stock.move(coop["Warehouse"], coop.ana, beans, 4, "given", site_id=kitchen)
    coop.sync_all()
    for store in coop.sites.values():
        [row] = stock.negative_balances(store)
        assert (row.item_id, row.site_id, row.balance) == (beans, kitchen, -3)
    _assert_consistent(coop)
