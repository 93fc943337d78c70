"""Shared supplies: items, the stock ledger, transfers between sites, stocktakes, low stock."""

from coopdesk.base.feature import Feature
from coopdesk.inventory.tables import TABLES

FEATURE = Feature(
    name="inventory",
    tables=TABLES,
    demo_steps=(
        (20, "coopdesk.inventory.demo:demo_pantry_history"),
        (50, "coopdesk.inventory.demo:demo_inventory"),
    ),
)
