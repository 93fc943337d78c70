"""Items of stock: what a coop keeps (rice, oil, tins), in which unit, and how much is enough.

Quantities are integers in the item's smallest unit: ``item.decimals`` (0-3) says how many
decimals the display unit has, so 2.5 kg of an item counted in kg with 3 decimals is stored
as 2500. Text typed in is parsed with ``decimal.Decimal`` (never a float), and refused when
it has more decimals than the item allows, so a quantity is always exact.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from coopdesk.base.errors import NotFoundError, ValidationError
from coopdesk.base.i18n import _, ngettext
from coopdesk.store.ids import derived_id, fold
from coopdesk.store.store import Store

ITEM_FIELDS = ("name", "category", "unit", "decimals", "barcode", "minimum", "notes")
MINUS = "\u2212"  # the minus sign shown in quantities ("−2 kg"); "-" is accepted when typed
# A number (with "." or "," as the decimal mark) and, optionally, a unit after it.
QUANTITY_RE = re.compile(r"^([+\-\u2212]?)\s*(\d*(?:[.,]\d*)?)\s*(.*)$")


# -- quantities -----------------------------------------------------------------------------


def parse_quantity(
    item: dict[str, Any],
    text: str | int | Decimal,
    *,
    allow_zero: bool = True,
    allow_negative: bool = True,
) -> int:
    """The amount ``text`` means, in the item's smallest unit ("2,5 kg" -> 2500).

    Accepts "2.5", "2,5", "2.5 kg" (when the unit is the item's), "-1", "−1", ints and
    Decimals. Refuses what is not a number, more decimals than the item has, a unit the
    item does not use, and (if the caller says so) zero or a negative amount.
    """
    name = item.get("name") or _("This item")
    unit = str(item.get("unit") or "")
    decimals = int(item.get("decimals") or 0)
    if isinstance(text, bool):
        raise ValidationError(_("Give a quantity of {name} as a number.").format(name=name))
    if isinstance(text, int):
        value = Decimal(text)
    elif isinstance(text, Decimal):
        value = text
    else:
        value = _parse_text(name, unit, str(text))
    if not value.is_finite():
        raise ValidationError(_("Give a quantity of {name} as a number.").format(name=name))
    scaled = value.scaleb(decimals)
    if scaled != scaled.to_integral_value():
        if decimals == 0:
            raise ValidationError(
                _("{name} is counted in whole {unit}: no decimals.").format(
                    name=name, unit=unit or _("units")
                )
            )
        raise ValidationError(
            ngettext(
                "{name} is counted to {decimals} decimal of a {unit}: {text} has more.",
                "{name} is counted to {decimals} decimals of a {unit}: {text} has more.",
                decimals,
            ).format(
                name=name,
                decimals=decimals,
                unit=unit or _("unit"),
                text=text,
            )
        )
    amount = int(scaled)
    if amount == 0 and not allow_zero:
        raise ValidationError(
            _("A quantity of zero changes nothing: give how much {name}.").format(name=name)
        )
    if amount < 0 and not allow_negative:
        raise ValidationError(
            _("Give the quantity of {name} without a minus sign.").format(name=name)
        )
    if abs(amount) > 10**15:
        raise ValidationError(
            _("{text} is more {name} than CoopDesk can count.").format(text=text, name=name)
        )
    return amount


def _parse_text(name: str, unit: str, text: str) -> Decimal:
    stripped = " ".join(text.split())
    match = QUANTITY_RE.match(stripped)
    if not stripped or match is None or not any(ch.isdigit() for ch in match.group(2)):
        shown = f"{text!r}" if stripped else "Nothing"
        raise ValidationError(
            _("{shown} is not a quantity: write a number like 2 or 2.5 for {name}.").format(
                shown=shown, name=name
            )
            if stripped
            else _("Nothing was given: write a quantity like 2 or 2.5 for {name}.").format(
                name=name
            )
        )
    sign, number, given_unit = match.groups()
    if given_unit and fold(given_unit) != fold(unit):
        if not re.fullmatch(r"[^\d\s.,]+\.?", given_unit):
            raise ValidationError(
                _("{text!r} is not a quantity: write a number like 2 or 2.5.").format(text=text)
            )
        raise ValidationError(
            _("{name} is counted in {unit}, not {given_unit}.").format(
                name=name, unit=unit, given_unit=given_unit
            )
        )
    try:
        value = Decimal(number.replace(",", "."))
    except InvalidOperation:
        raise ValidationError(
            _("{text!r} is not a quantity: write a number like 2 or 2.5.").format(text=text)
        ) from None
    return -value if sign in ("-", MINUS) else value


def format_amount(decimals: int, amount: int) -> str:
    """An amount in display units without the unit: 2500 at 3 decimals is "2.5"."""
    value = Decimal(int(amount)).scaleb(-int(decimals or 0))
    text = f"{abs(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return (MINUS if amount < 0 else "") + text


def format_quantity(item: dict[str, Any], amount: int) -> str:
    """An amount with its unit, for people: 2500 of rice (kg, 3 decimals) is "2.5 kg"."""
    number = format_amount(int(item.get("decimals") or 0), amount)
    unit = str(item.get("unit") or "")
    return f"{number} {unit}".strip()


def display_value(item: dict[str, Any], amount: int) -> str:
    """An amount as plain text for files and JSON: "2.5", "-2" (ASCII minus)."""
    return format_amount(int(item.get("decimals") or 0), amount).replace(MINUS, "-")


# -- items -----------------------------------------------------------------------------------


def get_item(store: Store, item_id: str) -> dict[str, Any]:
    """One item with all its fields and ``archived``; NotFoundError if there is none."""
    item = store.get("item", item_id)
    if item is None:
        raise NotFoundError(_("There is no item with id {item_id}.").format(item_id=item_id))
    return item


def find_item(store: Store, text: str) -> dict[str, Any] | None:
    """The item ``text`` names: its id, its barcode, or its exact name (case ignored).

    Active items are preferred; among equals the oldest id wins, so the answer is the same
    at every site.
    """
    wanted = (text or "").strip()
    if not wanted:
        return None
    item = store.get("item", wanted)
    if item is not None:
        return item
    rows = (
        store.conn.execute(
            "SELECT id FROM item WHERE barcode = ? ORDER BY _cl % 2 = 0, id LIMIT 1", (wanted,)
        ).fetchall()
        or store.conn.execute(
            "SELECT id FROM item WHERE name = ? COLLATE NOCASE ORDER BY _cl % 2 = 0, id LIMIT 1",
            (wanted,),
        ).fetchall()
    )
    if not rows:
        rows = [
            (row[0],)
            for row in store.conn.execute("SELECT id, name FROM item ORDER BY _cl % 2 = 0, id")
            if fold(row[1]) == fold(wanted)
        ][:1]
    return store.get("item", rows[0][0]) if rows else None


def require_item(store: Store, text: str) -> dict[str, Any]:
    """Like ``find_item``, but a clear error when nothing matches."""
    item = find_item(store, text)
    if item is None:
        raise NotFoundError(
            _("No item is called or numbered {text!r} (see 'coopdesk item list').").format(
                text=text
            )
        )
    return item


def _check_unique(store: Store, name: str | None, barcode: str | None, item_id: str = "") -> None:
    """Two active items may not share a name or a barcode: a scan or a name must say one."""
    if name:
        clash = store.conn.execute(
            "SELECT name FROM item WHERE _cl % 2 = 1 AND id != ? AND name = ? COLLATE NOCASE",
            (item_id, name.strip()),
        ).fetchone()
        if clash:
            raise ValidationError(
                _("There is already an item called {clash}.").format(clash=clash[0])
            )
    if barcode and barcode.strip():
        clash = store.conn.execute(
            "SELECT name FROM item WHERE _cl % 2 = 1 AND id != ? AND barcode = ?",
            (item_id, barcode.strip()),
        ).fetchone()
        if clash:
            raise ValidationError(
                _("Barcode {barcode} is already used by {clash}.").format(
                    barcode=barcode.strip(), clash=clash[0]
                )
            )


def _unit_and_decimals(unit: Any, decimals: Any) -> tuple[str, int]:
    text = str(unit or "").strip()
    if not text:
        raise ValidationError(_("Say which unit the item is counted in (kg, l, piece...)."))
    if any(ch.isdigit() for ch in text):
        raise ValidationError(
            _("A unit is a word like kg, l or piece, not {text!r}.").format(text=text)
        )
    try:
        places = int(decimals)
    except (TypeError, ValueError):
        raise ValidationError(_("Decimals must be a whole number from 0 to 3.")) from None
    if not 0 <= places <= 3:
        raise ValidationError(_("Decimals must be from 0 to 3 (3 counts kg to the gram)."))
    return text, places


def add_item(
    store: Store,
    author: str,
    name: str,
    *,
    unit: str,
    decimals: int = 0,
    minimum: str | int | Decimal = 0,
    category: str = "",
    barcode: str = "",
    notes: str = "",
) -> str:
    """A new item; ``minimum`` is in display units ("2.5" kg) and stored scaled."""
    with store.transaction(author) as tx:
        unit, decimals = _unit_and_decimals(unit, decimals)
        shape = {"name": name, "unit": unit, "decimals": decimals}
        scaled_minimum = parse_quantity(shape, minimum, allow_negative=False)
        _check_unique(store, name, barcode)
        return tx.insert(
            "item",
            {
                "name": name,
                "unit": unit,
                "decimals": decimals,
                "minimum": scaled_minimum,
                "category": category,
                "barcode": barcode,
                "notes": notes,
            },
        )


def edit_item(store: Store, author: str, item_id: str, **fields: Any) -> set[str]:
    """Change an item's fields; returns the names that really changed.

    ``minimum`` is in display units. ``decimals`` may change only while the item has no
    movements: it gives every stored quantity its meaning.
    """
    with store.transaction(author) as tx:
        item = get_item(store, item_id)
        unknown = set(fields) - set(ITEM_FIELDS)
        if unknown:
            raise ValidationError(
                _("An item has no field called {unknown}.").format(
                    unknown=", ".join(sorted(unknown))
                )
            )
        values = dict(fields)
        unit, decimals = _unit_and_decimals(
            values.get("unit", item["unit"]), values.get("decimals", item["decimals"])
        )
        if "unit" in values:
            values["unit"] = unit
        if "decimals" in values:
            values["decimals"] = decimals
            if decimals != item["decimals"] and _has_movements(store, item_id):
                raise ValidationError(
                    _(
                        "{name} already has movements counted to {decimals} decimals; its "
                        "decimals cannot change now (add a new item instead)."
                    ).format(name=item["name"], decimals=item["decimals"])
                )
        if "minimum" in values:
            shape = {**item, "unit": unit, "decimals": decimals}
            values["minimum"] = parse_quantity(shape, values["minimum"], allow_negative=False)
        _check_unique(store, values.get("name"), values.get("barcode"), item_id)
        return tx.update("item", item_id, values)


def _has_movements(store: Store, item_id: str) -> bool:
    return bool(
        store.conn.execute(
            "SELECT 1 FROM stock_move WHERE item_id = ? LIMIT 1", (item_id,)
        ).fetchone()
    )


def archive_item(store: Store, author: str, item_id: str) -> None:
    """Archive, never delete: its movements stay in the ledger and it can come back."""
    with store.transaction(author) as tx:
        get_item(store, item_id)
        tx.archive("item", item_id)


def restore_item(store: Store, author: str, item_id: str) -> None:
    with store.transaction(author) as tx:
        item = get_item(store, item_id)
        _check_unique(store, item["name"], item["barcode"], item_id)
        tx.restore("item", item_id)


def list_items(
    store: Store, *, search: str = "", category: str | None = None, status: str = "active"
) -> list[dict[str, Any]]:
    """Items by name; ``status`` is "active", "archived" or "all"."""
    clauses, params = _item_filter(search, category)
    if status == "active":
        clauses.append("_cl % 2 = 1")
    elif status == "archived":
        clauses.append("_cl % 2 = 0")
    where = " AND ".join(clauses) or "1"
    rows = store.query(
        f"SELECT id, {', '.join(ITEM_FIELDS)}, _cl % 2 = 0 AS archived FROM item"
        f" WHERE {where} ORDER BY name COLLATE NOCASE, id",
        params,
    )
    for row in rows:
        row["archived"] = bool(row["archived"])
    return rows


def _item_filter(search: str, category: str | None, table: str = "item") -> tuple[list[str], list]:
    """SQL conditions for a search over name, category and barcode, and a category."""
    clauses: list[str] = []
    params: list[Any] = []
    for word in fold(search).split():
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        clauses.append(
            f"(fold({table}.name) LIKE ? ESCAPE '\\' OR fold({table}.category) LIKE ? ESCAPE '\\'"
            f" OR {table}.barcode = ?)"
        )
        params.extend([pattern, pattern, word])
    if category is not None:
        clauses.append(f"coalesce({table}.category, '') = ?")
        params.append(category)
    return clauses, params


def categories(store: Store) -> list[str]:
    """The categories active items use, by name (for the window's filter)."""
    return [
        row[0]
        for row in store.conn.execute(
            "SELECT DISTINCT category FROM item WHERE _cl % 2 = 1 AND coalesce(category, '') != ''"
            " ORDER BY category COLLATE NOCASE"
        )
    ]


def minimum_id(item_id: str, site_id: str) -> str:
    """The id of an item's minimum at a site: the same at every site that sets it."""
    return derived_id("item_minimum", item_id, site_id)


def set_minimum(
    store: Store,
    author: str,
    item_id: str,
    site_id: str,
    minimum: str | int | Decimal | None,
) -> str | None:
    """The minimum level of an item at one site (display units); None goes back to the
    item's own minimum. Returns the id of the site's minimum row (None when removed)."""
    with store.transaction(author) as tx:
        item = get_item(store, item_id)
        if store.get("site", site_id) is None:
            raise NotFoundError(_("There is no site with id {site_id}.").format(site_id=site_id))
        row_id = minimum_id(item_id, site_id)
        existing = store.get("item_minimum", row_id)
        if minimum is None:
            if existing is not None and not existing["archived"]:
                tx.archive("item_minimum", row_id)
            return None
        scaled = parse_quantity(item, minimum, allow_negative=False)
        if existing is None:
            tx.insert(
                "item_minimum",
                {"item_id": item_id, "site_id": site_id, "minimum": scaled},
                row_id=row_id,
            )
        else:
            if existing["archived"]:
                tx.restore("item_minimum", row_id)
            tx.update("item_minimum", row_id, {"minimum": scaled})
    return row_id


def minimum_at(store: Store, item_id: str, site_id: str) -> int:
    """The minimum that applies at a site: the site's own, else the item's."""
    row = store.conn.execute(
        "SELECT minimum FROM item_minimum WHERE id = ? AND _cl % 2 = 1",
        (minimum_id(item_id, site_id),),
    ).fetchone()
    if row is not None:
        return int(row[0])
    return int(get_item(store, item_id)["minimum"])
