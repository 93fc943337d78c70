"""A canonical dump of all replicated data.

Two sites that hold the same data print byte-identical dumps, whatever order their changes
arrived in: keys sorted, rows sorted by id, archived rows included and marked. Nothing
local-only appears (settings, the local clock, the order changes arrived in, the merge
bookkeeping columns), so the dump is what sync promises to make equal everywhere. Open
conflicts are included: they too are a function of the changes a site has seen, so they
must be the same everywhere.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from coopdesk.store.schema import TABLES
from coopdesk.store.store import Store

DUMP_FORMAT = "coopdesk-dump/1"


def _table_rows(store: Store, name: str) -> Iterator[dict[str, Any]]:
    """One table's rows as the dump shows them, read one at a time, by id."""
    spec = TABLES[name]
    names = ("id", *spec.column_names)
    tags = [column.name for column in spec.columns if column.kind == "tags"]
    cursor = store.conn.execute(f"SELECT {', '.join(names)}, _cl FROM {name} ORDER BY id")
    for values in cursor:
        row = dict(zip(names, values[:-1], strict=True))
        for column in tags:
            row[column] = json.loads(row[column] or "[]")
        row["archived"] = values[-1] % 2 == 0
        yield row


def _conflicts(store: Store) -> Iterator[list[Any]]:
    yield from (
        list(row)
        for row in store.conn.execute(
            "SELECT tbl, row_id, col, origin, seq, value FROM _rival"
            " ORDER BY tbl, row_id, col, origin, seq"
        )
    )


def dump_data(store: Store) -> dict[str, Any]:
    """The whole dump as one structure (for tests and small stores; ``write_dump`` streams)."""
    return {
        "format": DUMP_FORMAT,
        "coop_id": store.coop_id,
        "tables": {name: list(_table_rows(store, name)) for name in TABLES},
        "conflicts": list(_conflicts(store)),
    }


def dump_json(store: Store) -> str:
    return json.dumps(dump_data(store), sort_keys=True, ensure_ascii=False, indent=1) + "\n"


_string = json.encoder.encode_basestring  # the C function json.dumps uses, ensure_ascii off
_other = json.JSONEncoder(ensure_ascii=False).encode


_BY_TYPE: dict[type, Any] = {
    str: _string,
    int: int.__repr__,
    type(None): lambda _value: "null",
    bool: lambda value: "true" if value else "false",
}


def _scalar(value: Any) -> str:
    # Floats and anything rarer: exactly as json writes them.
    return _BY_TYPE.get(type(value), _other)(value)


def _encode(value: Any, depth: int) -> str:
    """``value`` as ``json.dumps(..., sort_keys=True, indent=1)`` writes it ``depth`` levels
    deep: the same text, built without the slow indenting encoder for every row."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        pad = "\n" + " " * (depth + 1)
        inner = ",".join(
            f"{pad}{_scalar(key)}: {_encode(item, depth + 1)}"
            for key, item in sorted(value.items())
        )
        return "{" + inner + "\n" + " " * depth + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        pad = "\n" + " " * (depth + 1)
        inner = ",".join(pad + _encode(item, depth + 1) for item in value)
        return "[" + inner + "\n" + " " * depth + "]"
    return _scalar(value)


def _list_chunks(items: Iterable[Any], depth: int, encoded: bool = False) -> Iterator[str]:
    """A JSON list ``depth`` levels deep, an item at a time, laid out as ``dump_json``'s
    (``encoded``: the items are their text already)."""
    inner = "\n" + " " * (depth + 1)
    first = True
    for item in items:
        yield ("[" if first else ",") + inner + (item if encoded else _encode(item, depth + 1))
        first = False
    yield "[]" if first else "\n" + " " * depth + "]"


def _row_texts(store: Store, name: str, depth: int) -> Iterator[str]:
    """A table's rows as ``_encode`` writes ``_table_rows``' dicts, straight from the
    cursor: every row has the same keys, so their order and prefixes are worked out once."""
    spec = TABLES[name]
    names = ("id", *spec.column_names)
    tags = {column.name for column in spec.columns if column.kind == "tags"}
    pad = "\n" + " " * (depth + 1)
    fields = sorted((*names, "archived"))
    archived_at = len(names)
    order = [names.index(key) if key != "archived" else archived_at for key in fields]
    prefixes = [f"{pad}{_string(key)}: " for key in fields]
    kinds = ["tags" if key in tags else "archived" if key == "archived" else "" for key in fields]
    plan = list(zip(order, prefixes, kinds, strict=True))
    close = "\n" + " " * depth + "}"
    by_type, other = _BY_TYPE, _other
    cursor = store.conn.execute(f"SELECT {', '.join(names)}, _cl FROM {name} ORDER BY id")
    for values in cursor:
        parts = []
        for index, prefix, kind in plan:
            value = values[index]
            if kind == "archived":
                text = "true" if value % 2 == 0 else "false"
            elif kind == "tags":
                text = _encode(json.loads(value or "[]"), depth + 1)
            else:
                text = by_type.get(type(value), other)(value)
            parts.append(prefix + text)
        yield "{" + ",".join(parts) + close


def iter_dump(store: Store) -> Iterator[str]:
    """The text of ``dump_json``, in pieces, holding one row at a time: a coop's whole
    history never has to fit in memory."""
    yield '{\n "conflicts": '
    yield from _list_chunks(_conflicts(store), 1)
    yield f',\n "coop_id": {_encode(store.coop_id, 1)},\n "format": {_encode(DUMP_FORMAT, 1)}'
    yield ',\n "tables": {'
    for number, name in enumerate(sorted(TABLES)):
        yield f"{',' if number else ''}\n  {_encode(name, 2)}: "
        yield from _list_chunks(_row_texts(store, name, 3), 2, encoded=True)
    yield "\n }\n}\n"


def write_dump(store: Store, out: TextIO) -> None:
    """Write the dump to ``out`` as it is read (what ``coopdesk dump`` prints)."""
    batch: list[str] = []
    for chunk in iter_dump(store):
        batch.append(chunk)
        if len(batch) >= 512:
            out.write("".join(batch))
            batch.clear()
    out.write("".join(batch))
