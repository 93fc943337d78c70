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
from typing import Any

from coopdesk.store.schema import TABLES
from coopdesk.store.store import Store

DUMP_FORMAT = "coopdesk-dump/1"


def dump_data(store: Store) -> dict[str, Any]:
    tables: dict[str, list[dict[str, Any]]] = {}
    for spec in TABLES.values():
        columns = ", ".join(("id", *spec.column_names))
        rows = []
        for row in store.query(f"SELECT {columns}, _cl FROM {spec.name} ORDER BY id"):
            cl = row.pop("_cl")
            for column in spec.columns:
                if column.kind == "tags":
                    row[column.name] = json.loads(row[column.name] or "[]")
            row["archived"] = cl % 2 == 0
            rows.append(row)
        tables[spec.name] = rows
    conflicts = [
        [row["tbl"], row["row_id"], row["col"], row["origin"], row["seq"], row["value"]]
        for row in store.query(
            "SELECT tbl, row_id, col, origin, seq, value FROM _rival"
            " ORDER BY tbl, row_id, col, origin, seq"
        )
    ]
    return {
        "format": DUMP_FORMAT,
        "coop_id": store.coop_id,
        "tables": tables,
        "conflicts": conflicts,
    }


def dump_json(store: Store) -> str:
    return json.dumps(dump_data(store), sort_keys=True, ensure_ascii=False, indent=1) + "\n"
