"""The Inventory page and its Today panels: receive and use stock, filters, transfers, stocktake."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from coopdesk.coop.coop import add_site
from coopdesk.gui.inventory.dialogs import (
    ItemDialog,
    MoveDialog,
    ReceiveTransferDialog,
    SendTransferDialog,
)
from coopdesk.gui.inventory.page import InventoryPage
from coopdesk.gui.inventory.stocktake import StocktakeDialog
from coopdesk.gui.kit import dialogs
from coopdesk.gui.shell.today_page import TodayPage
from coopdesk.inventory.items import add_item
from coopdesk.inventory.stock import balance, history, move_text
from coopdesk.inventory.transfers import get_transfer, send_transfer
from coopdesk.roles.mandates import MandateRequiredError
from coopdesk.store.store import Store
from tests.gui_helpers import open_window


@pytest.fixture
def warehouse(store: Store, ana: str) -> str:
    return add_site(store, ana, "Warehouse")


@pytest.fixture
def rice(store: Store, ana: str) -> str:
    return add_item(
        store,
        ana,
        "Rice",
        unit="kg",
        decimals=3,
        minimum="5",
        category="Grains",
        barcode="5901234123457",
    )


@pytest.fixture
def oil(store: Store, ana: str) -> str:
    return add_item(store, ana, "Sunflower oil", unit="l", decimals=1, category="Oils")


def inventory_of(qtbot, store: Store, member_id: str | None) -> InventoryPage:
    window = open_window(qtbot, store, member_id)
    page = window.go_to("inventory")
    assert isinstance(page, InventoryPage)
    return page


def cell(page: InventoryPage, item_id: str, title: str) -> str:
    """The text of one cell of the stock table (row: item, column: its title)."""
    model = page.stock_model
    column = model.columns.index(title)
    return model.data(model.index(model.row_of(item_id), column))


def move_dialog(page: InventoryPage, direction: str) -> MoveDialog:
    page.record_move(direction)
    dialog = page.open_dialog
    assert isinstance(dialog, MoveDialog)
    return dialog


def test_receive_then_use_stock_from_the_inventory_page(qtbot, store, ana, rice, warehouse):
    page = inventory_of(qtbot, store, ana)
    assert page.select_item(rice)

    receive = move_dialog(page, "in")
    assert receive.unit_label.text() == "kg"
    assert receive.site_combo.currentData() == store.site_id
    qtbot.keyClicks(receive.quantity_edit, "12,5")
    receive.note_edit.setText("Donation from the mosque")
    qtbot.keyClick(receive.quantity_edit, Qt.Key.Key_Return)  # Enter confirms

    assert balance(store, rice) == 12_500
    assert cell(page, rice, "Kitchen (here)") == "12.5 kg"
    # The Warehouse never kept anything: no column of zeros, the subtitle says so.
    assert "Warehouse" not in page.stock_model.columns
    assert "nothing in stock at Warehouse" in page.subtitle_label.text()
    assert "12.5 kg of Rice" in page.window_.notice_label.text()

    use = move_dialog(page, "out")
    use.quantity_edit.setText("2.5")
    use.reason_combo.setCurrentIndex(use.reason_combo.findData("given"))
    use.accept()

    assert balance(store, rice) == 10_000
    assert cell(page, rice, "Kitchen (here)") == "10 kg"
    # The item's history shows the ledger, newest first, with who recorded each movement.
    history_rows = page.history_model.rows
    assert [(m.reason, m.delta, m.author_name) for m in history_rows] == [
        ("given", -2_500, "Ana"),
        ("received", 12_500, "Ana"),
    ]
    assert page.history_model.data(page.history_model.index(0, 2)) == "−2.5 kg"
    assert page.history_model.data(page.history_model.index(1, 4)) == "Donation from the mosque"


def test_bad_quantities_are_explained_and_nothing_is_recorded(qtbot, store, ana, rice):
    page = inventory_of(qtbot, store, ana)
    dialog = move_dialog(page, "in")
    for typed, words in (("0", "zero"), ("lots", "not a quantity"), ("2 l", "counted in kg")):
        dialog.quantity_edit.setText(typed)
        dialog.accept()
        assert dialog.isVisible()
        assert words in dialog.error_label.text()
    assert history(store, rice) == []


def test_taking_out_more_than_held_asks_and_records_only_when_confirmed(
    qtbot, store, ana, rice, monkeypatch
):
    move_text(store, ana, rice, "2", "received")
    page = inventory_of(qtbot, store, ana)
    page.select_item(rice)
    questions: list[str] = []
    answer = {"value": False}

    def confirm(_parent, _title, text, _action, _keep) -> bool:
        questions.append(text)
        return answer["value"]

    monkeypatch.setattr(dialogs, "confirm", confirm)

    dialog = move_dialog(page, "out")
    dialog.quantity_edit.setText("5")
    dialog.accept()
    assert "Only 2 kg of Rice at Kitchen" in questions[0]
    assert dialog.isVisible()  # declined: nothing recorded, the form stays
    assert balance(store, rice) == 2_000

    answer["value"] = True
    dialog.accept()
    assert not dialog.isVisible()
    assert balance(store, rice) == -3_000
    assert cell(page, rice, "Kitchen (here)") == "−3 kg · negative"
    assert cell(page, rice, "Status") == "Negative at Kitchen"


def test_search_and_category_filter_the_stock_list(qtbot, store, ana, rice, oil):
    page = inventory_of(qtbot, store, ana)
    names = lambda: [stock.name for stock in page.stock_model.rows]  # noqa: E731
    assert names() == ["Rice", "Sunflower oil"]

    qtbot.keyClicks(page.search_edit, "sunfl")  # as you type
    assert names() == ["Sunflower oil"]
    page.search_edit.setText("5901234123457")  # a barcode
    assert names() == ["Rice"]
    page.search_edit.setText("tomatoes")
    assert names() == []
    assert page.stock_results.currentWidget() is page.stock_empty
    assert "No items match" in page.stock_empty.title_label.text()
    page.search_edit.clear()

    page.category_combo.setCurrentIndex(page.category_combo.findData("Oils"))
    assert names() == ["Sunflower oil"]
    page.category_combo.setCurrentIndex(0)
    assert names() == ["Rice", "Sunflower oil"]


def test_site_filter_shows_one_site_column(qtbot, store, ana, rice, warehouse):
    move_text(store, ana, rice, "40", "received", site_id=warehouse)
    page = inventory_of(qtbot, store, ana)
    page.site_combo.setCurrentIndex(page.site_combo.findData(warehouse))
    assert page.stock_model.columns == ("Item", "Category", "Warehouse", "Status")
    assert cell(page, rice, "Warehouse") == "40 kg"


def test_no_items_yet_offers_to_add_one(qtbot, store, ana):
    page = inventory_of(qtbot, store, ana)
    assert page.stock_results.currentWidget() is page.stock_empty
    assert page.stock_empty.title_label.text() == "No items yet"
    page.stock_empty.action_button.click()
    dialog = page.open_dialog
    assert isinstance(dialog, ItemDialog)
    dialog.name_edit.setText("Lentils")
    dialog.unit_edit.setText("kg")
    dialog.decimals_spin.setValue(3)
    dialog.minimum_edit.setText("2.5")
    dialog.accept()
    assert [stock.name for stock in page.stock_model.rows] == ["Lentils"]
    assert page.stock_results.currentWidget() is page.stock_table
    assert page.selected_item_id() == page.stock_model.rows[0].item_id


def test_archive_asks_first_and_can_be_undone(qtbot, store, ana, rice, oil, monkeypatch):
    monkeypatch.setattr(dialogs, "confirm", lambda *args: True)
    page = inventory_of(qtbot, store, ana)
    page.select_item(rice)
    page.archive_selected()
    assert [stock.name for stock in page.stock_model.rows] == ["Sunflower oil"]
    assert store.get("item", rice)["archived"]
    page.window_.undo()
    assert [stock.name for stock in page.stock_model.rows] == ["Rice", "Sunflower oil"]
    assert not store.get("item", rice)["archived"]


def test_send_and_confirm_a_transfer_with_a_loss_in_transit(qtbot, store, ana, rice, warehouse):
    move_text(store, ana, rice, "30", "received")
    move_text(store, ana, rice, "50", "received", site_id=warehouse)
    page = inventory_of(qtbot, store, ana)

    # Send from here to the Warehouse: in transit until the Warehouse confirms.
    page.select_item(rice)
    page.send_transfer()
    send = page.open_dialog
    assert isinstance(send, SendTransferDialog)
    assert send.to_combo.currentData() == warehouse
    send.quantity_edit.setText("10")
    send.accept()
    assert balance(store, rice) == 20_000
    assert page.tabs.currentIndex() == 2
    assert page.transfers_model.rows[0].state == "in transit"
    page.transfers_table.selectRow(0)
    assert not page.arrival_button.isEnabled()  # only the Warehouse can confirm it

    # A transfer from the Warehouse to here: confirm that 18 of 20 kg arrived.
    incoming = send_transfer(store, ana, rice, store.site_id, 20_000, from_site_id=warehouse)
    assert "1 to confirm" in page.tabs.tabText(2)
    page.show_transfers()
    assert page.selected_transfer().id == incoming
    assert page.arrival_button.isEnabled()
    page.confirm_arrival()
    arrival = page.open_dialog
    assert isinstance(arrival, ReceiveTransferDialog)
    assert arrival.quantity_edit.text() == "20"
    arrival.quantity_edit.setText("18")
    arrival.accept()

    view = get_transfer(store, incoming)
    assert (view.state, view.received_quantity, view.loss) == ("received", 18_000, 2_000)
    assert balance(store, rice) == 38_000
    assert "2 kg recorded as lost in transit" in page.window_.notice_label.text()
    page.state_combo.setCurrentIndex(page.state_combo.findData("problems"))
    assert [v.id for v in page.transfers_model.rows] == [incoming]
    assert "2 kg lost in transit" in page.transfers_model.state_text(view)


def test_stocktake_shows_differences_then_records_corrections(qtbot, store, ana, rice, oil):
    move_text(store, ana, rice, "10", "received")
    move_text(store, ana, oil, "4", "received")
    page = inventory_of(qtbot, store, ana)
    page.start_stocktake()
    dialog = page.open_dialog
    assert isinstance(dialog, StocktakeDialog)

    # Scan Rice's barcode (a scanner types it and Enter), type the count, Enter.
    qtbot.keyClicks(dialog.scan_edit, "5901234123457")
    qtbot.keyClick(dialog.scan_edit, Qt.Key.Key_Return)
    assert dialog.current_line().name == "Rice"
    assert dialog.count_edit.hasFocus() or not dialog.isActiveWindow()
    qtbot.keyClicks(dialog.count_edit, "8.25")
    qtbot.keyClick(dialog.count_edit, Qt.Key.Key_Return)
    assert dialog.current_line().name == "Sunflower oil"  # Enter goes on to the next item
    dialog.record_count("4")  # matches the book
    assert dialog.progress_label.text() == "2 of 2 items counted"
    assert balance(store, rice) == 10_000  # nothing saved while counting

    dialog.review()
    assert dialog.pages.currentIndex() == 1
    assert [(d.name, d.book, d.counted, d.delta) for d in dialog.diff_model.rows] == [
        ("Rice", 10_000, 8_250, -1_750)
    ]
    assert "1 differs from the book and 1 matches it" in dialog.review_text.text()
    dialog.save()

    assert balance(store, rice) == 8_250
    assert balance(store, oil) == 40  # 4 l, counted to 0.1 l: unchanged
    latest = history(store, rice)[0]
    assert (latest.reason, latest.delta, latest.stocktake_id is not None) == (
        "correction",
        -1_750,
        True,
    )
    assert cell(page, rice, "Kitchen (here)") == "8.25 kg"
    assert "1 correction recorded" in page.window_.notice_label.text()


def test_stocktake_find_matches_as_you_type_accents_and_case_ignored(qtbot, store, ana, rice, oil):
    """Find needed the exact name: "sunflower" found nothing, "CAFE" never Café."""
    from coopdesk.inventory.items import add_item

    add_item(store, ana, "Café moulu", unit="pack")
    move_text(store, ana, rice, "10", "received")
    move_text(store, ana, oil, "4", "received")
    page = inventory_of(qtbot, store, ana)
    page.start_stocktake()
    dialog = page.open_dialog
    assert isinstance(dialog, StocktakeDialog)
    qtbot.keyClicks(dialog.scan_edit, "sunfl")
    assert dialog.current_line().name == "Sunflower oil"  # as you type, before Enter
    dialog.scan_edit.clear()
    qtbot.keyClicks(dialog.scan_edit, "CAFE")
    assert dialog.current_line().name == "Café moulu"
    qtbot.keyClick(dialog.scan_edit, Qt.Key.Key_Return)
    assert dialog.count_error.text() == ""
    assert dialog.current_line().name == "Café moulu"
    dialog.scan_edit.setText("quinoa")
    qtbot.keyClick(dialog.scan_edit, Qt.Key.Key_Return)
    assert "No item here" in dialog.count_error.text()
    dialog.done(0)


def test_stocktake_without_the_stock_mandate_names_who_may(qtbot, store, ana, rice, monkeypatch):
    import coopdesk.roles.mandates

    def refuse(_tx, action, _detail):
        raise MandateRequiredError(
            f"Only this term's Storekeeper can {action}: Tomás Ruiz, until 3 December."
        )

    monkeypatch.setattr(coopdesk.roles.mandates, "use_mandate", refuse)
    move_text(store, ana, rice, "10", "received")
    page = inventory_of(qtbot, store, ana)
    page.start_stocktake()
    dialog = page.open_dialog
    dialog.jump_to("Rice")
    dialog.record_count("9")
    dialog.review()
    dialog.save()
    assert dialog.isVisible()
    assert "Storekeeper" in dialog.save_error.text()
    assert "Tomás Ruiz" in dialog.save_error.text()
    assert balance(store, rice) == 10_000


def test_unknown_scan_is_explained(qtbot, store, ana, rice):
    page = inventory_of(qtbot, store, ana)
    page.start_stocktake()
    dialog = page.open_dialog
    dialog.scan_edit.setText("0000000")
    dialog._on_scan()
    assert "No item here" in dialog.count_error.text()
    dialog.record_count("lots")
    assert "not a quantity" in dialog.count_error.text()
    assert dialog.model.counts == {}


def test_shopping_list_exports_csv_and_pdf(qtbot, store, ana, rice, oil, tmp_path, monkeypatch):
    move_text(store, ana, rice, "2", "received")
    page = inventory_of(qtbot, store, ana)
    page.show_low_stock()
    assert [(row.name, row.to_buy) for row in page.low_model.rows] == [("Rice", 3_000)]
    assert page.tabs.tabText(1) == "Low stock (1)"

    # A German computer: the format its spreadsheets read comes first, the others follow.
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    offered: list[list[str]] = []
    csv_path = tmp_path / "list.csv"

    def save_as(_parent, _title, _suggested, filters, selected=0):
        offered.append(filters)
        return csv_path, len(offered) - 1  # first the default, then the second format

    monkeypatch.setattr(dialogs, "save_file_with_choice", save_as)
    page.export_shopping_list()
    assert offered[0][0] == "CSV, semicolon-separated, decimal comma (0,25) (*.csv)"
    text = csv_path.read_text(encoding="utf-8-sig")
    assert text.splitlines()[1] == '"Rice";"Kitchen";2;5;3;"kg"'
    assert "semicolon-separated" in page.window_.notice_label.text()
    page.export_shopping_list()
    assert offered[1][1] == "CSV, comma-separated, decimal point (0.25) (*.csv)"
    text = csv_path.read_text(encoding="utf-8-sig")
    assert text.splitlines()[1] == '"Rice","Kitchen",2,5,3,"kg"'

    pdf_path = tmp_path / "list.pdf"
    monkeypatch.setattr(dialogs, "save_file_name", lambda *args: pdf_path)
    page.save_shopping_pdf()
    assert Path(pdf_path).read_bytes().startswith(b"%PDF")


def test_today_shows_low_stock_transfers_and_negative_balances(
    qtbot, store, ana, rice, oil, warehouse
):
    move_text(store, ana, rice, "2", "received")
    move_text(store, ana, oil, "1", "used", allow_negative=True)
    send_transfer(
        store, ana, rice, store.site_id, 5_000, from_site_id=warehouse, allow_negative=True
    )
    window = open_window(qtbot, store, ana)
    today = window.go_to("today")
    assert isinstance(today, TodayPage)
    panels = {panel.title_label.text(): panel for panel in today.panels}

    low = panels["Low stock"]
    assert "Kitchen: Rice (2 kg)" in low.body.text()
    awaiting = panels["Transfers awaiting confirmation here"]
    assert "Rice: 5 kg from Warehouse" in awaiting.body.text()
    attention = today.attention_text()
    assert "Sunflower oil at Kitchen is at −1 l" in attention
    assert "1 transfer is on the way here" in attention

    awaiting.button.click()
    page = window.current_page()
    assert isinstance(page, InventoryPage)
    assert page.tabs.currentIndex() == 2
    assert page.selected_transfer().to_site_id == store.site_id


def test_nobody_at_the_keyboard_cannot_record(qtbot, store, rice):
    page = inventory_of(qtbot, store, None)
    assert page.nobody_bar.isVisible()
    assert not page.receive_button.isEnabled()
    assert not page.add_button.isEnabled()


def test_a_mouse_click_on_an_item_shows_its_history(qtbot, store, ana, rice, oil):
    move_text(store, ana, rice, "10", "received")
    move_text(store, ana, oil, "4", "received")
    page = inventory_of(qtbot, store, ana)
    page.stock_table.clearSelection()
    rows = [page.stock_model.index(row, 0).data() for row in range(page.stock_model.rowCount())]
    row = next(row for row, name in enumerate(rows) if name and "oil" in name.lower())
    rect = page.stock_table.visualRect(page.stock_model.index(row, 0))
    qtbot.mouseClick(page.stock_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.history_model.rowCount() == 1  # oil's one movement, shown on a click
    assert page.edit_button.isEnabled()
