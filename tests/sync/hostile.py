"""A malicious site, for the attack tests: one site's store and keys, with its program changed.

It can sign anything with its own key, write any change-log rows it likes (claiming any
origin and any author), and make changes with the mandate checks switched off. What it
cannot do is sign with another site's key: that is what the tests show is enough.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

from coopdesk.store import keys
from coopdesk.store.connection import atomic
from coopdesk.store.store import Store
from coopdesk.store.transaction import Transaction

# One change as the log holds it: (table, row_id, op, cl, fields, versions).
Change = tuple[str, str, str, int, dict[str, Any] | None, dict[str, Any] | None]


class HostileSite:
    """A site whose program no longer follows the rules (it keeps its own key)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.signer = keys.Signer(str(store.local_get("site_private")))

    @contextlib.contextmanager
    def unchecked(self) -> Iterator[None]:
        """Local changes without any mandate check: the gate and the authority answer yes."""
        with (
            mock.patch("coopdesk.store.transaction.gate_path", return_value=""),
            mock.patch.object(Transaction, "use_mandate", lambda self, action, detail: None),
        ):
            yield

    def write(
        self,
        changes: list[Change],
        *,
        origin: str | None = None,
        author: str,
        hlc: int | None = None,
        seq: int | None = None,
    ) -> tuple[str, int]:
        """Append one transaction to the log, as ``origin`` (this site unless told), sealed
        with this site's key, and claim it in the version vector so export sends it. The
        tables are left as they were: only what travels matters to the receivers."""
        store, conn = self.store, self.store.conn
        origin = origin or store.site_id
        if seq is None:
            top = conn.execute(
                "SELECT coalesce(max(seq), 0) FROM _change WHERE origin = ?", (origin,)
            ).fetchone()[0]
            seq = int(top) + 1
        stamp = hlc if hlc is not None else store.clock.tick()
        rows = [
            (
                origin,
                seq,
                idx,
                stamp,
                author,
                table,
                row_id,
                op,
                cl,
                json.dumps(fields, ensure_ascii=False) if fields else None,
                json.dumps(versions) if versions else None,
            )
            for idx, (table, row_id, op, cl, fields, versions) in enumerate(changes)
        ]
        with atomic(conn):
            conn.executemany(
                "INSERT INTO _change (origin, seq, idx, hlc, author, tbl, row_id, op, cl,"
                " fields, versions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            previous = conn.execute(
                "SELECT digest FROM _seal WHERE origin = ? AND seq = ?", (origin, seq - 1)
            ).fetchone()
            digest = keys.transaction_digest(
                bytes(previous[0]) if previous else keys.GENESIS_DIGEST, rows
            )
            # Signed with this site's key, whatever origin it claims: the only key it has.
            conn.execute(
                "INSERT OR REPLACE INTO _seal (origin, seq, digest, signature) VALUES (?, ?, ?, ?)",
                (origin, seq, digest, self.signer.sign(keys.seal_message(origin, seq, digest))),
            )
            conn.execute(
                "INSERT INTO _vv(site_id, seq) VALUES (?, ?)"
                " ON CONFLICT(site_id) DO UPDATE SET seq = max(seq, excluded.seq)",
                (origin, seq),
            )
            if origin == store.site_id:
                store.local_set("last_seq", seq)
        return origin, seq

    def update_of(self, table: str, row_id: str, fields: dict[str, Any]) -> Change:
        """An update that supersedes the row's current version of each field."""
        row = self.store.conn.execute(
            f"SELECT _cl, _clock FROM {table} WHERE id = ?", (row_id,)
        ).fetchone()
        clock = json.loads(row[1])
        versions = {}
        for name in fields:
            version, _stamp, origin, seq = clock.get(name) or clock[""]
            versions[name] = [version + 1, [[origin, seq]]]
        return (table, row_id, "update", int(row[0]), fields, versions)


def coop_with_a_coordinator(root: Path) -> tuple[Any, dict[str, str]]:
    """Three synced sites and the cast the attacks use: Bea holds every mandate with Ana
    (this term's Coordinator), Cal holds none, Rice has a ledger row (10 kg received).

    Returns the ``Federation`` and the ids by name; callers add what their attacks need.
    """
    from coopdesk.coop.members import add_member
    from coopdesk.inventory.items import add_item
    from coopdesk.inventory.stock import move
    from coopdesk.roles.roles import add_role
    from coopdesk.roles.tables import MANDATE_ACTIONS
    from tests.sync_helpers import Federation

    coop = Federation.create(root / "template", ["Kitchen", "Warehouse", "Pantry"])
    kitchen, ana = coop["Kitchen"], coop.ana
    bea = add_member(kitchen, ana, "Bea", phone="555 0102")
    cal = add_member(kitchen, ana, "Cal", phone="555 0103")
    coordinator = add_role(
        kitchen,
        ana,
        "Coordinator",
        term_days=365,
        member_ids=[ana, bea],
        starts_on=dt.date.today() - dt.timedelta(days=30),
        mandates=list(MANDATE_ACTIONS),
    )
    rice = add_item(kitchen, ana, "Rice", unit="kg")
    received = move(kitchen, ana, rice, 10, "received")
    ids = {"bea": bea, "cal": cal, "coordinator": coordinator, "rice": rice, "received": received}
    return coop, ids
