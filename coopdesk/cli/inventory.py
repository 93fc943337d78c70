"""The ``coopdesk item`` and ``coopdesk stock`` commands: a thin layer over the core.

Quantities are typed in display units ("2.5", "-2,5", "3 kg"); items can be named by id,
barcode or exact name. Core modules are imported inside the handlers, so ``coopdesk``
starts fast.
"""

from __future__ import annotations

import argparse
from typing import Any

from coopdesk.base.csvfile import chosen_format
from coopdesk.base.errors import CoopDeskError, ValidationError
from coopdesk.base.i18n import _
from coopdesk.base.text import plural
from coopdesk.cli.framework import CommandLine, author_of, emit, free_text, open_store
from coopdesk.inventory.items import (
    add_item,
    archive_item,
    display_value,
    edit_item,
    format_quantity,
    get_item,
    list_items,
    minimum_at,
    parse_quantity,
    require_item,
    restore_item,
    set_minimum,
)
from coopdesk.inventory.stock import (
    REASON_LABELS,
    WouldGoNegative,
    balance,
    balances,
    history,
    low_stock,
    move,
    negative_balances,
    shopping_list_csv,
    site_names,
)
from coopdesk.inventory.stocktake import (
    cancel_stocktake,
    differences,
    finish_stocktake,
    open_stocktake,
    start_stocktake,
)
from coopdesk.inventory.transfers import (
    get_transfer,
    list_transfers,
    receive_transfer,
    send_transfer,
)


def _item(store: Any, text: str) -> dict[str, Any]:

    return require_item(store, text)


def _forced(action: Any, force: bool) -> Any:
    """Run ``action``; without --force, a would-go-negative warning says how to go on."""

    try:
        return action(force)
    except WouldGoNegative as warning:
        if force:
            raise
        raise CoopDeskError(
            _("{warning} (add --force to record it)").format(warning=warning)
        ) from None


# -- items -----------------------------------------------------------------------------------


def _item_json(item: dict[str, Any]) -> dict[str, Any]:

    data = dict(item)
    data["minimum_display"] = display_value(item, item["minimum"])
    return data


def _item_line(item: dict[str, Any]) -> str:

    parts = [item["id"], item["name"], f"({item['unit']})"]
    if item.get("category"):
        parts.append(item["category"])
    if item["minimum"]:
        parts.append(
            _("min {format_quantity}").format(
                format_quantity=format_quantity(item, item["minimum"])
            )
        )
    if item.get("barcode"):
        parts.append(_("barcode {barcode}").format(barcode=item["barcode"]))
    if item.get("archived"):
        parts.append(_("(archived)"))
    return "  ".join(parts)


def cmd_item_add(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        item_id = add_item(
            store,
            author_of(args, store),
            args.name,
            unit=args.unit,
            decimals=args.decimals,
            minimum=args.min,
            category=args.category,
            barcode=args.barcode,
            notes=args.notes,
        )
        emit(args, {"id": item_id}, item_id)
    return 0


def cmd_item_list(args: argparse.Namespace) -> int:

    status = "all" if args.all else ("archived" if args.archived else "active")
    with open_store(args) as store:
        items = list_items(store, search=args.search or "", category=args.category, status=status)
        emit(
            args,
            [_item_json(item) for item in items],
            [_item_line(item) for item in items] or [_("No items match.")],
        )
    return 0


def cmd_item_edit(args: argparse.Namespace) -> int:

    fields = {
        name: getattr(args, key)
        for name, key in (
            ("name", "name"),
            ("unit", "unit"),
            ("decimals", "decimals"),
            ("minimum", "min"),
            ("category", "category"),
            ("barcode", "barcode"),
            ("notes", "notes"),
        )
        if getattr(args, key) is not None
    }
    with open_store(args) as store:
        item = _item(store, args.item)
        changed = edit_item(store, author_of(args, store), item["id"], **fields)
        item = get_item(store, item["id"])
        emit(
            args,
            {"changed": sorted(changed), "item": _item_json(item)},
            _("Changed {changed}").format(changed=", ".join(sorted(changed)))
            if changed
            else _("Nothing to change."),
        )
    return 0


def cmd_item_archive(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        item = _item(store, args.item)
        archive_item(store, author_of(args, store), item["id"])
        emit(
            args,
            _item_json(get_item(store, item["id"])),
            _("Archived {name}").format(name=item["name"]),
        )
    return 0


def cmd_item_restore(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        item = _item(store, args.item)
        restore_item(store, author_of(args, store), item["id"])
        emit(
            args,
            _item_json(get_item(store, item["id"])),
            _("Restored {name}").format(name=item["name"]),
        )
    return 0


def cmd_item_minimum(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        item = _item(store, args.item)
        site_id = args.site or store.site_id
        value = None if args.minimum.strip().lower() in ("default", "none") else args.minimum
        set_minimum(store, author_of(args, store), item["id"], site_id, value)
        minimum = minimum_at(store, item["id"], site_id)
        site = site_names(store).get(site_id, site_id)
        emit(
            args,
            {"item_id": item["id"], "site_id": site_id, "minimum": minimum},
            _("Minimum of {name} at {site}: {format_quantity}").format(
                name=item["name"], site=site, format_quantity=format_quantity(item, minimum)
            ),
        )
    return 0


# -- stock -----------------------------------------------------------------------------------


def cmd_stock_move(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        item = _item(store, args.item)
        author = author_of(args, store)
        amount = parse_quantity(item, args.delta, allow_zero=False)
        site_id = args.site or store.site_id
        move_id = _forced(
            lambda force: move(
                store,
                author,
                item["id"],
                amount,
                args.reason,
                site_id=site_id,
                note=args.note,
                allow_negative=force,
            ),
            args.force,
        )
        held = balance(store, item["id"], site_id)
        delta = store.require("stock_move", move_id)["delta"]
        site = site_names(store).get(site_id, "")
        emit(
            args,
            {
                "id": move_id,
                "item_id": item["id"],
                "site_id": site_id,
                "delta": delta,
                "balance": held,
                "balance_display": display_value(item, held),
            },
            _("{get} {format_quantity} of {name} at {site}; now {format_quantity2}.").format(
                get=REASON_LABELS.get(args.reason, args.reason).capitalize(),
                format_quantity=format_quantity(item, abs(delta)),
                name=item["name"],
                site=site,
                format_quantity2=format_quantity(item, held),
            ),
        )
    return 0


def cmd_stock_transfer(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        item = _item(store, args.item)
        author = author_of(args, store)
        amount = parse_quantity(item, args.quantity, allow_zero=False, allow_negative=False)
        transfer_id = _forced(
            lambda force: send_transfer(
                store,
                author,
                item["id"],
                args.to,
                amount,
                from_site_id=args.from_site,
                note=args.note,
                allow_negative=force,
            ),
            args.force,
        )
        view = get_transfer(store, transfer_id)
        emit(
            args,
            view.as_json(),
            _(
                "{transfer_id}\nSent {quantity_text} of {item_name} from {from_site_name} "
                "to {to_site_name}: in transit until {to_site_name} confirms it."
            ).format(
                transfer_id=transfer_id,
                quantity_text=view.quantity_text,
                item_name=view.item_name,
                from_site_name=view.from_site_name,
                to_site_name=view.to_site_name,
            ),
        )
    return 0


def cmd_stock_receive(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        transfer = get_transfer(store, args.transfer)
        quantity = None
        if args.quantity is not None:
            shape = {"name": transfer.item_name, "unit": transfer.unit}
            shape["decimals"] = transfer.decimals
            quantity = parse_quantity(shape, args.quantity, allow_negative=False)
        view = receive_transfer(store, author_of(args, store), args.transfer, quantity)
        loss = (
            _("; {loss_text} lost in transit").format(loss_text=view.loss_text) if view.loss else ""
        )
        emit(
            args,
            view.as_json(),
            _("Received {received_text} of {item_name} at {to_site_name}{loss}.").format(
                received_text=view.received_text,
                item_name=view.item_name,
                to_site_name=view.to_site_name,
                loss=loss,
            ),
        )
    return 0


def _balance_line(row: Any) -> str:
    flags = []
    if row.negative:
        flags.append(_("NEGATIVE: count it and record a correction"))
    elif row.low:
        flags.append(_("low (minimum {minimum_text})").format(minimum_text=row.minimum_text))
    return "  ".join([row.name, row.site_name, row.quantity_text, *flags])


def cmd_stock_list(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        rows = balances(
            store,
            search=args.search or "",
            category=args.category,
            site_id=args.site,
            include_zero=not args.nonzero,
        )
        emit(
            args,
            [row.as_json() for row in rows],
            [_balance_line(row) for row in rows] or [_("No stock matches.")],
        )
    return 0


def cmd_stock_history(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        item = _item(store, args.item)
        moves = history(store, item["id"], site_id=args.site, limit=args.limit)
        lines = []
        for movement in moves:
            sign = "+" if movement.delta > 0 else ""
            note = f"  ({movement.note})" if movement.note else ""
            lines.append(
                _(
                    "{replace}  {site_name}  {sign}{format_quantity}  {reason_label}  by "
                    "{author_name}{note}"
                ).format(
                    replace=movement.moved_at.replace("T", " "),
                    site_name=movement.site_name,
                    sign=sign,
                    format_quantity=format_quantity(item, movement.delta),
                    reason_label=movement.reason_label,
                    author_name=movement.author_name or "?",
                    note=note,
                )
            )
        data = []
        for movement in moves:
            row = movement.as_json()
            row["delta_display"] = display_value(item, movement.delta)
            data.append(row)
        emit(args, data, lines or [_("No movements of {name} yet.").format(name=item["name"])])
    return 0


def cmd_stock_low(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        rows = low_stock(store, args.site)
        lines = [
            _("{name}  {site_name}  have {quantity_text}, minimum {minimum_text}").format(
                name=row.name,
                site_name=row.site_name,
                quantity_text=row.quantity_text,
                minimum_text=row.minimum_text,
            )
            for row in rows
        ] or [_("Nothing is under its minimum.")]
        data: Any = [row.as_json() for row in rows]
        if args.csv:
            csv_format = chosen_format(args.separator, args.decimal)
            path, count = shopping_list_csv(store, args.csv, args.site, csv_format)
            lines.append(
                _("Wrote the shopping list ({rows}, {label}) to {path}").format(
                    rows=plural(count, "row"), label=csv_format.label, path=path
                )
            )
            data = {
                "low": data,
                "csv": str(path),
                "rows": count,
                "separator": csv_format.separator,
                "decimal": csv_format.decimal,
            }
        emit(args, data, lines)
    return 0


def cmd_stock_negative(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        rows = negative_balances(store)
        emit(
            args,
            [row.as_json() for row in rows],
            [_balance_line(row) for row in rows] or [_("No balance is below zero.")],
        )
    return 0


def cmd_stock_transfers(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        views = list_transfers(store, state=args.state, site_id=args.site)
        lines = []
        for view in views:
            line = (
                f"{view.id}  {view.item_name}  {view.quantity_text}  {view.from_site_name} -> "
                f"{view.to_site_name}  {view.state}"
            )
            if view.state != "in transit":
                line += f" ({view.received_text}"
                line += (
                    _(", {loss_text} lost)").format(loss_text=view.loss_text) if view.loss else ")"
                )
            if view.problem:
                line += _("  PROBLEM: confirmed twice; count the stock and correct it")
            elif view.needs_a_look:
                line += _("  CHECK: less arrived than was sent")
            lines.append(line)
        emit(args, [view.as_json() for view in views], lines or [_("No transfers.")])
    return 0


def cmd_stock_count(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        site_id = args.site or store.site_id
        counts: dict[str, int] = {}
        for pair in args.counts:
            name, sep, amount = pair.rpartition("=")
            if not sep or not name:
                raise ValidationError(
                    _("Write each count as ITEM=QUANTITY, not {pair!r}.").format(pair=pair)
                )
            item = _item(store, name)
            counts[item["id"]] = parse_quantity(item, amount, allow_negative=False)
        if args.dry_run:
            found = differences(store, site_id, counts)
        else:
            author = author_of(args, store)
            current = open_stocktake(store, site_id)
            stocktake_id = current["id"] if current else start_stocktake(store, author, site_id)
            try:
                found = finish_stocktake(store, author, stocktake_id, counts)
            except BaseException:
                if current is None:
                    cancel_stocktake(store, author, stocktake_id)
                raise
        verb = _("would correct") if args.dry_run else _("corrected")
        lines = [
            _("{name}: book {book_text}, counted {counted_text} ({verb} {delta_text})").format(
                name=d.name,
                book_text=d.book_text,
                counted_text=d.counted_text,
                verb=verb,
                delta_text=d.delta_text,
            )
            for d in found
        ] or [_("Every count matches the book.")]
        emit(args, [d.as_json() for d in found], lines)
    return 0


# -- parser ----------------------------------------------------------------------------------


def add_commands(cli: CommandLine) -> None:
    """Add this feature's commands to the top-level parser (see ``coopdesk.cli``)."""
    item = cli.group("item", _("add, list, edit, archive stock items"))

    add = cli.command("add", cmd_item_add, _("add an item; prints the new id"), item)
    free_text(add, "name", "NAME", _("the item's name"))
    add.add_argument("--unit", required=True, metavar="U", help=_("kg, l, piece, tin..."))
    add.add_argument("--min", default="0", metavar="N", help=_("minimum at every site"))
    add.add_argument("--category", default="", metavar="C")
    add.add_argument(
        "--decimals", type=int, default=0, metavar="D", help=_("decimals of the unit (0-3)")
    )
    add.add_argument("--barcode", default="", metavar="B")
    add.add_argument("--notes", default="", metavar="TEXT")

    listing = cli.command("list", cmd_item_list, _("list items"), item)
    listing.add_argument("--search", metavar="TEXT")
    listing.add_argument("--category", metavar="C")
    which = listing.add_mutually_exclusive_group()
    which.add_argument("--archived", action="store_true", help=_("archived items only"))
    which.add_argument("--all", action="store_true", help=_("active and archived items"))

    edit = cli.command("edit", cmd_item_edit, _("change an item's details"), item)
    edit.add_argument("item", metavar="ITEM", help=_("id, barcode or name"))
    edit.add_argument("--name", metavar="NAME")
    edit.add_argument("--unit", metavar="U")
    edit.add_argument("--decimals", type=int, metavar="D")
    edit.add_argument("--min", metavar="N", help=_("minimum at every site"))
    edit.add_argument("--category", metavar="C")
    edit.add_argument("--barcode", metavar="B")
    edit.add_argument("--notes", metavar="TEXT")

    for name, handler, text in (
        ("archive", cmd_item_archive, "archive an item (its history stays)"),
        ("restore", cmd_item_restore, "restore an archived item"),
    ):
        sub = cli.command(name, handler, text, item)
        sub.add_argument("item", metavar="ITEM", help=_("id, barcode or name"))

    minimum = cli.command("minimum", cmd_item_minimum, _("set an item's minimum at one site"), item)
    minimum.add_argument("item", metavar="ITEM", help=_("id, barcode or name"))
    minimum.add_argument("minimum", metavar="N", help=_("the minimum, or 'default'"))
    minimum.add_argument("--site", metavar="SITE_ID", help=_("default: this site"))

    stock = cli.group("stock", _("stock movements, balances, transfers"))

    move = cli.command(
        "move", cmd_stock_move, _("record stock received, used, given out..."), stock
    )
    move.add_argument("item", metavar="ITEM", help=_("id, barcode or name"))
    move.add_argument("--delta", required=True, metavar="N", help=_("signed quantity, e.g. -2.5"))
    move.add_argument(
        "--reason",
        required=True,
        choices=("received", "used", "given", "spoiled", "correction"),
    )
    move.add_argument("--site", metavar="SITE_ID", help=_("default: this site"))
    move.add_argument("--note", default="", metavar="TEXT")
    move.add_argument(
        "--force", action="store_true", help=_("record it even if the book says there is less")
    )

    transfer = cli.command("transfer", cmd_stock_transfer, _("send stock to another site"), stock)
    transfer.add_argument("item", metavar="ITEM", help=_("id, barcode or name"))
    transfer.add_argument("--to", required=True, metavar="SITE_ID")
    transfer.add_argument("--quantity", required=True, metavar="N")
    transfer.add_argument("--from", dest="from_site", metavar="SITE_ID", help=_("default: here"))
    transfer.add_argument("--note", default="", metavar="TEXT")
    transfer.add_argument(
        "--force", action="store_true", help=_("send it even if the book says there is less")
    )

    receive = cli.command("receive", cmd_stock_receive, _("confirm a transfer that arrived"), stock)
    receive.add_argument("transfer", metavar="TRANSFER_ID")
    receive.add_argument("--quantity", metavar="N", help=_("what arrived (default: all sent)"))

    listing = cli.command("list", cmd_stock_list, _("balances: item, site, quantity"), stock)
    listing.add_argument("--search", metavar="TEXT")
    listing.add_argument("--category", metavar="C")
    listing.add_argument("--site", metavar="SITE_ID")
    listing.add_argument("--nonzero", action="store_true", help=_("leave out empty shelves"))

    hist = cli.command("history", cmd_stock_history, _("an item's movements, newest first"), stock)
    hist.add_argument("item", metavar="ITEM", help=_("id, barcode or name"))
    hist.add_argument("--site", metavar="SITE_ID")
    hist.add_argument("--limit", type=int, metavar="N")

    low = cli.command("low", cmd_stock_low, _("items under their minimum; a shopping list"), stock)
    low.add_argument("--site", metavar="SITE_ID")
    low.add_argument(
        "--csv",
        metavar="FILE",
        help=_("write the shopping list as CSV (a folder: a name is chosen)"),
    )
    low.add_argument(
        "--separator",
        choices=(",", ";"),
        help=_(
            "with --csv: cells separated by commas or semicolons (default: as this "
            "computer's locale expects; semicolons where it writes 0,25)"
        ),
    )
    low.add_argument(
        "--decimal",
        choices=(".", ","),
        help=_("with --csv: decimal point or comma (default: this computer's locale)"),
    )

    cli.command(
        "negative", cmd_stock_negative, _("balances below zero (to count and correct)"), stock
    )

    transfers = cli.command("transfers", cmd_stock_transfers, _("transfers and their state"), stock)
    transfers.add_argument("--state", choices=("in transit", "received", "received twice"))
    transfers.add_argument("--site", metavar="SITE_ID", help=_("sent from or to this site"))

    count = cli.command(
        "count", cmd_stock_count, _("a quick stocktake: record counted quantities"), stock
    )
    count.add_argument("counts", nargs="+", metavar="ITEM=N")
    count.add_argument("--site", metavar="SITE_ID", help=_("default: this site"))
    count.add_argument(
        "--dry-run", action="store_true", help=_("show the differences, record nothing")
    )
