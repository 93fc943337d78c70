"""Shared supplies: items, the stock ledger, transfers between sites, stocktakes, low stock."""

from coopdesk.base.feature import Feature, Section, public_api
from coopdesk.inventory.tables import TABLES

FEATURE = Feature(
    name="inventory",
    tables=TABLES,
    commands="coopdesk.cli.inventory",
    command_words=("item", "stock"),
    demo_steps=(
        (20, "coopdesk.inventory.demo:demo_pantry_history"),
        (50, "coopdesk.inventory.demo:demo_inventory"),
    ),
    sections=(
        Section("inventory", "Inventory", "coopdesk.gui.inventory.page:InventoryPage", order=40),
    ),
    today="coopdesk.gui.inventory.today:build_panels",
)

# The names other features may use, each loaded from its module on first use.
__getattr__, __dir__, __all__ = public_api(
    __name__,
    {
        "items": (
            "add_item",
            "archive_item",
            "categories",
            "display_value",
            "edit_item",
            "find_item",
            "format_amount",
            "format_quantity",
            "get_item",
            "list_items",
            "minimum_at",
            "minimum_id",
            "parse_quantity",
            "require_item",
            "restore_item",
            "set_minimum",
        ),
        "stock": (
            "BalanceRow",
            "Movement",
            "WouldGoNegative",
            "active_sites",
            "balance",
            "balance_drift",
            "balances",
            "check_enough",
            "history",
            "low_stock",
            "move",
            "move_text",
            "movement_totals",
            "negative_balances",
            "now_text",
            "require_site",
            "shopping_list",
            "shopping_list_csv",
            "signed_delta",
            "times_run_low",
            "site_and_aliases",
            "site_names",
        ),
        "stocktake": (
            "Difference",
            "cancel_stocktake",
            "differences",
            "finish_stocktake",
            "get_stocktake",
            "list_stocktakes",
            "open_stocktake",
            "start_stocktake",
        ),
        "tables": ("MOVE_REASONS",),
        "transfers": (
            "AlreadyReceivedError",
            "TransferView",
            "awaiting_here",
            "get_transfer",
            "list_transfers",
            "receive_transfer",
            "transfer_flows",
            "send_transfer",
            "transfer_problems",
        ),
    },
)
