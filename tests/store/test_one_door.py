"""Only the store writes replicated data: no SQL write to it anywhere else in CoopDesk.

Anything written around ``Store.transaction`` and ``Store.merging`` would never be logged,
so it would never reach the other sites (and a merge written elsewhere could skip the
checks every change must pass). This reads every module outside ``coopdesk/store/`` for
SQL that writes a table, and allows only this site's own sync bookkeeping.
"""

from __future__ import annotations

import re
from pathlib import Path

import coopdesk
from coopdesk.store.schema import TABLES

PACKAGE = Path(coopdesk.__file__).parent
# Local tables of the sync feature: what this site knows of its peers and its exports.
# and the decisions feature's ballot box, which holds secret ballots until they are released
# (never synced: what leaves it is written through a transaction by the URN author), this
# computer's PIN verifiers (never synced at all: coopdesk/coop/pins.py), and the split sites
# and the set-aside history of one (coopdesk.sync.forks).
SYNC_BOOKKEEPING = {"_peer", "_bundle_seen", "_export", "_urn", "_pin", "_fork", "_set_aside"}
# SQL is written in capitals here (which also keeps "Update CoopDesk" in a message out).
WRITE = re.compile(
    r"\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)\s+([\w.{}]+)"
)


def sql_writes_outside_the_store() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "store":
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for match in WRITE.finditer(line):
                table = match.group(1)
                if table.startswith("temp.") or table in SYNC_BOOKKEEPING:
                    continue
                if table == "SET":  # ON CONFLICT ... DO UPDATE SET: the same statement
                    continue
                found.append(f"{relative}:{number}: {line.strip()}")
    return found


def test_no_module_outside_the_store_writes_replicated_tables_the_log_or_the_clocks():
    assert sql_writes_outside_the_store() == []


def test_the_check_would_see_a_write_around_the_door(tmp_path: Path, monkeypatch):
    """The scan itself works: a module writing a member row in SQL is found."""
    fake = tmp_path / "coopdesk"
    (fake / "sneaky").mkdir(parents=True)
    (fake / "sneaky" / "write.py").write_text(
        'conn.execute("UPDATE member SET name = ? WHERE id = ?", (name, member_id))\n'
        'conn.execute(f"INSERT INTO {table} (id) VALUES (?)", (row_id,))\n'
        'conn.execute("INSERT INTO _peer (site_id) VALUES (?)", (site,))\n'
    )
    monkeypatch.setattr(__import__(__name__, fromlist=["PACKAGE"]), "PACKAGE", fake)
    found = sql_writes_outside_the_store()
    assert [line.split(": ", 1)[0] for line in found] == ["sneaky/write.py:1", "sneaky/write.py:2"]
    assert "member" in TABLES
