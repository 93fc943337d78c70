"""The inventory tables: items, minimum levels, transfers, stocktakes and the stock ledger."""

from __future__ import annotations

from coopdesk.base.i18n import N_, npgettext
from coopdesk.store.schema import Column, TableSpec

# Why stock moved. A person records the first five with ``stock.move``; transfers write
# the last three.
REASONS_IN = ("received",)
REASONS_OUT = ("used", "given", "spoiled")
# A count that was wrong: either sign, and only with the "stock" mandate.
CORRECTION = "correction"
RECORDED_REASONS = (*REASONS_IN, *REASONS_OUT, CORRECTION)
TRANSFER_REASONS = ("transfer-out", "transfer-in", "transit-loss")
MOVE_REASONS = (*RECORDED_REASONS, *TRANSFER_REASONS)


ITEM = TableSpec(
    name="item",
    noun=N_("item"),
    counted=lambda n: npgettext("table rows", "item", "items", n),
    label_column="name",
    columns=(
        Column("name", "text", N_("Name"), required=True, max_len=120),
        Column("category", "text", N_("Category"), max_len=60, default=""),
        Column("unit", "text", N_("Unit"), required=True, max_len=20),
        # Quantities are integers of 10**-decimals units: 2.5 kg is 2500 at 3 decimals.
        Column("decimals", "int", N_("Decimals"), minimum=0, maximum=3, default=0),
        Column("barcode", "text", N_("Barcode"), max_len=64, default=""),
        # The minimum at every site, unless item_minimum says otherwise for a site.
        Column("minimum", "int", N_("Minimum"), minimum=0, default=0),
        Column("notes", "text", N_("Notes"), max_len=2000, default=""),
    ),
)


ITEM_MINIMUM = TableSpec(
    name="item_minimum",
    noun=N_("minimum level"),
    counted=lambda n: npgettext("table rows", "minimum level", "minimum levels", n),
    label_column="minimum",
    columns=(
        # The id derives from item and site.
        Column("item_id", "ref", N_("Item"), required=True, ref_table="item"),
        Column("site_id", "ref", N_("Site"), required=True, ref_table="site"),
        Column("minimum", "int", N_("Minimum"), minimum=0, default=0),
    ),
)


TRANSFER = TableSpec(
    name="transfer",
    noun=N_("transfer"),
    counted=lambda n: npgettext("table rows", "transfer", "transfers", n),
    label_column="sent_at",
    columns=(
        Column("item_id", "ref", N_("Item"), required=True, ref_table="item"),
        Column("from_site_id", "ref", N_("From"), required=True, ref_table="site"),
        Column("to_site_id", "ref", N_("To"), required=True, ref_table="site"),
        Column("quantity", "int", N_("Quantity sent"), required=True, minimum=1),
        Column("sent_at", "datetime", N_("Sent"), required=True),
        Column("note", "text", N_("Note"), max_len=500, default=""),
        # Set by the receiving site; a difference is recorded as a loss in transit.
        Column("received_quantity", "int", N_("Quantity received"), minimum=0),
        Column("received_at", "datetime", N_("Received")),
        Column("received_by", "ref", N_("Received by"), ref_table="member"),
    ),
)


STOCKTAKE = TableSpec(
    name="stocktake",
    noun=N_("stocktake"),
    counted=lambda n: npgettext("table rows", "stocktake", "stocktakes", n),
    label_column="started_at",
    columns=(
        Column("site_id", "ref", N_("Site"), required=True, ref_table="site"),
        Column("started_at", "datetime", N_("Started"), required=True),
        Column("finished_at", "datetime", N_("Finished")),
        Column("note", "text", N_("Note"), max_len=500, default=""),
    ),
)


STOCK_MOVE = TableSpec(
    name="stock_move",
    noun=N_("stock movement"),
    counted=lambda n: npgettext("table rows", "stock movement", "stock movements", n),
    label_column="reason",
    kind="ledger",
    columns=(
        Column("item_id", "ref", N_("Item"), required=True, ref_table="item"),
        Column("site_id", "ref", N_("Site"), required=True, ref_table="site"),
        # Signed, in the item's smallest unit: what arrived is positive.
        Column("delta", "int", N_("Quantity"), required=True),
        Column("reason", "choice", N_("Reason"), choices=MOVE_REASONS, default="received"),
        Column("note", "text", N_("Note"), max_len=500, default=""),
        Column("transfer_id", "ref", N_("Transfer"), ref_table="transfer"),
        Column("stocktake_id", "ref", N_("Stocktake"), ref_table="stocktake"),
        Column("moved_at", "datetime", N_("When"), required=True),
    ),
)

TABLES = (ITEM, ITEM_MINIMUM, TRANSFER, STOCKTAKE, STOCK_MOVE)
