"""Shared supplies: items, the stock ledger, transfers between sites, stocktakes, low stock."""

from coopdesk.base.feature import Feature, Section
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
