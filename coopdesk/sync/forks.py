"""One site identity, two histories: a split that already happened heals.

When one invitation is used on two computers, or a folder is copied to another computer
before CoopDesk could notice (``coopdesk.sync.identity``), two stores write under one site
id, each with its own sequence 1..n. A receiver then finds one origin with two histories.

- **Every site keeps the same one.** At the first sequence number where the two differ, the
  history whose transaction there has the smaller digest (the hash chain every seal signs)
  wins. The rule reads only the two transactions, so every site decides alike, whatever
  order bundles arrive in. A site that had applied the loser swaps: its transactions are
  taken out of the log into ``_set_aside`` and the rows they touched are worked out again.
- **Nothing is deleted.** The losing history's transactions are kept in ``_set_aside``,
  listed by ``coopdesk repair`` and on the Sync page, never applied.
- **The computer whose own history lost repairs it.** It learns so when a bundle brings the
  winner's transactions under its own site id: in that same import it takes a new site
  identity (``mint_new_identity``) and makes its set-aside changes again under it
  (``reissue``), so nothing anyone typed is lost and both halves converge. ``coopdesk
  repair`` does what is left (if anything) and says what was done.
- **Both histories reach everyone.** A split site's history is sent from the first differing
  sequence on in every bundle (``widen_base``): a peer's version vector cannot tell which
  history it holds.

A forged history cannot win: only a transaction whose seal verifies with the site's key, on
a chain this store can check, is ever compared; anything else is refused as before.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from coopdesk.base.errors import CoopDeskError
from coopdesk.base.i18n import N_, _, ngettext
from coopdesk.base.text import shown
from coopdesk.store import keys
from coopdesk.store.merging import INSERT_COLUMNS, Merge
from coopdesk.store.schema import TABLES
from coopdesk.store.store import Store
from coopdesk.store.transaction import URN


class AdoptOtherHistory(Exception):
    """The bundle's history of ``origin`` wins from ``from_seq``: take ours aside and read
    the bundle again (raised inside the merge, which rolls back)."""

    def __init__(self, origin: str, from_seq: int) -> None:
        super().__init__(origin, from_seq)
        self.origin = origin
        self.from_seq = from_seq


@dataclass
class Transaction:
    seq: int
    rows: list[tuple[Any, ...]]
    seal: str | None
    digest: bytes = b""


def digest_at(store: Store, origin: str, seq: int) -> bytes | None:
    """The hash-chain digest of this store's transaction ``seq`` of ``origin``."""
    if seq <= 0:
        return keys.GENESIS_DIGEST
    row = store.conn.execute(
        "SELECT digest FROM _seal WHERE origin = ? AND seq = ?", (origin, seq)
    ).fetchone()
    if row is not None:
        return bytes(row[0])
    previous = digest_at(store, origin, seq - 1)
    rows = store.conn.execute(
        f"SELECT {INSERT_COLUMNS} FROM _change WHERE origin = ? AND seq = ? ORDER BY idx",
        (origin, seq),
    ).fetchall()
    if previous is None or not rows:
        return None
    return keys.transaction_digest(previous, rows)


def incoming_history(
    merge: Merge, origin: str, from_seq: int, appended_seals: dict[int, str | None]
) -> list[Transaction]:
    """The bundle's transactions of ``origin`` from ``from_seq``: those this store holds
    under the same numbers (kept for comparison), then those it does not (appended)."""
    conn = merge.conn
    seals = {
        int(seq): seal
        for seq, seal in conn.execute(
            "SELECT seq, seal FROM temp.seen_again_seal WHERE origin = ?", (origin,)
        )
    }
    seals.update(appended_seals)
    found: dict[int, list[tuple[Any, ...]]] = {}
    for row in conn.execute(
        f"SELECT {INSERT_COLUMNS} FROM temp.seen_again WHERE origin = ? AND seq >= ?"
        " ORDER BY seq, idx",
        (origin, from_seq),
    ):
        found.setdefault(int(row[1]), []).append(tuple(row))
    for row in conn.execute(
        f"SELECT {INSERT_COLUMNS} FROM _change WHERE lsn > ? AND origin = ? ORDER BY lsn",
        (merge.start_lsn, origin),
    ):
        found.setdefault(int(row[1]), []).append(tuple(row))
    return [Transaction(seq, found[seq], seals.get(seq)) for seq in sorted(found)]


def verified_prefix(
    origin: str, previous: bytes, history: list[Transaction], key: str
) -> list[Transaction]:
    """The transactions of ``history`` (consecutive from its first) up to the last one whose
    seal verifies with ``key``: the chain of digests covers the ones before it."""
    good = 0
    expected = history[0].seq if history else 0
    for index, transaction in enumerate(history):
        if transaction.seq != expected:
            break
        expected += 1
        previous = transaction.digest = keys.transaction_digest(previous, transaction.rows)
        seal = transaction.seal
        if seal and keys.verify(
            key, bytes.fromhex(seal), keys.seal_message(origin, transaction.seq, previous)
        ):
            good = index + 1
    return history[:good]


def theirs_wins(ours: bytes | None, theirs: bytes) -> bool:
    """The deterministic rule: the smaller digest at the first differing sequence wins."""
    return ours is None or theirs < ours


def set_aside_rows(origin: str, history: list[Transaction]) -> list[tuple[Any, ...]]:
    rows = []
    for transaction in history:
        signature = bytes.fromhex(transaction.seal) if transaction.seal else None
        for row in transaction.rows:
            rows.append((origin, row[1], row[2], transaction.digest, *row[3:], signature))
    return rows


def note_fork(store: Store, origin: str, from_seq: int) -> bool:
    """Record that ``origin`` has two histories from ``from_seq``; True if it is news."""
    known = store.conn.execute("SELECT from_seq FROM _fork WHERE origin = ?", (origin,)).fetchone()
    if known is not None and int(known[0]) <= from_seq:
        return False
    store.conn.execute(
        "INSERT INTO _fork (origin, from_seq, found_at) VALUES (?, ?, ?)"
        " ON CONFLICT(origin) DO UPDATE SET from_seq = excluded.from_seq",
        (origin, from_seq, time.time()),
    )
    return known is None


def split_sites(store: Store) -> dict[str, int]:
    """Site id -> first sequence number where its two histories differ."""
    return {
        str(origin): int(seq)
        for origin, seq in store.conn.execute("SELECT origin, from_seq FROM _fork")
    }


def widen_base(store: Store, base: dict[str, int]) -> dict[str, int]:
    """What a bundle must hold beyond ``base``: a split site's history from where it split
    (the recipient's version vector cannot say which of the two histories it holds)."""
    widened = dict(base)
    for origin, from_seq in split_sites(store).items():
        if widened.get(origin, 0) >= from_seq:
            widened[origin] = from_seq - 1
    return {origin: seq for origin, seq in widened.items() if seq > 0}


def forget_peer_vector(store: Store, origin: str) -> None:
    """What a split site "has" mixes both computers' word: assume nothing until it speaks."""
    store.conn.execute("UPDATE _peer SET vv = '{}', bundle_seq = 0 WHERE site_id = ?", (origin,))


# -- the computer whose own history lost ---------------------------------------------------------


def fork_reason(store: Store, origin: str) -> str:
    site = store.get("site", origin)
    label = shown(site["name"]) if site else origin[:8]
    return _(
        "Another computer also uses the identity of site {site} (one invitation joined on "
        "two computers, or a data folder copied to another computer), and every site keeps "
        "that computer's history under it."
    ).format(site=label)


FORK_WHAT_BECAME = N_(
    "Nothing was lost: the changes made here under the old identity were set aside (kept, "
    "listed by Repair) and made again under the new one."
)


def reissue(store: Store, origin: str) -> tuple[int, list[str]]:
    """Make this computer's set-aside changes of ``origin`` again under its current
    identity, one transaction for each, by the same authors; call inside the import's open
    transaction. Returns (transactions made again, sentences about what could not be)."""
    conn = store.conn
    pending: dict[int, list[tuple[Any, ...]]] = {}
    for row in conn.execute(
        "SELECT seq, idx, author, tbl, row_id, op, fields FROM _set_aside"
        " WHERE origin = ? AND made_here = 1 AND reissued_as IS NULL ORDER BY seq, idx",
        (origin,),
    ):
        pending.setdefault(int(row[0]), []).append(tuple(row))
    made = 0
    problems: list[str] = []
    for seq, changes in sorted(pending.items()):
        author = str(changes[0][2])
        if author == origin:
            author = URN  # the ballot box writes as its site
        conn.execute("SAVEPOINT reissue")
        try:
            with store.changes_within_open_transaction(author) as tx:
                for _seq, _idx, _author, table, row_id, op, fields_text in changes:
                    _replay(tx, str(table), str(row_id), str(op), fields_text)
        except CoopDeskError as exc:
            conn.execute("ROLLBACK TO reissue")
            problems.append(
                _("change {seq} of {site} could not be made again: {reason}").format(
                    seq=seq, site=origin[:8], reason=exc
                )
            )
        else:
            made += 1
        conn.execute("RELEASE reissue")
        conn.execute(
            "UPDATE _set_aside SET reissued_as = ? WHERE origin = ? AND seq = ? AND made_here = 1",
            (store.site_id, origin, seq),
        )
    return made, problems


# Tables never written again: a site's own row (the new identity writes its own), and the
# record of a mandate used (the write path records it again where the change needs it).
_NOT_REISSUED = {"site", "mandate_use"}


def _replay(tx: Any, table: str, row_id: str, op: str, fields_text: str | None) -> None:
    """One set-aside change, made again as it would be typed now."""
    if table in _NOT_REISSUED or table not in TABLES:
        return
    spec = TABLES[table]
    fields = json.loads(fields_text) if fields_text else {}
    row = tx.conn.execute(f"SELECT _cl FROM {table} WHERE id = ?", (row_id,)).fetchone()
    if op == "insert" and row is None:
        tx.insert(table, fields, row_id=row_id)
        return
    if row is None or spec.kind == "ledger":
        return
    if op == "restore" and row[0] % 2 == 0:
        tx.restore(table, row_id)
    if fields:
        tx.update(table, row_id, fields)
    if op == "archive" and row[0] % 2 == 1:
        tx.archive(table, row_id)


# -- what the window and ``coopdesk repair`` say ---------------------------------------------------


# What a set-aside change did, in words ("insert member").
OPERATIONS = {
    "insert": N_("insert"),
    "update": N_("update"),
    "archive": N_("archive"),
    "restore": N_("restore"),
}


@dataclass
class SetAside:
    """One transaction of a split site's other history, kept here and never applied."""

    seq: int
    author: str
    changes: list[tuple[str, str, str]]  # (table, op, row id)
    set_aside_at: float
    made_here: bool
    made_again_as: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "author": self.author,
            "changes": [list(change) for change in self.changes],
            "set_aside_at": self.set_aside_at,
            "made_here": self.made_here,
            "made_again_as": self.made_again_as,
        }

    def describe(self, names: dict[str, str]) -> str:
        what = ", ".join(
            _("{operation} {table}").format(
                operation=_(OPERATIONS.get(op, op)), table=table.replace("_", " ")
            )
            for table, op, _row in self.changes
        ) or _("nothing")
        author = names.get(self.author, self.author[:8])
        if self.made_again_as:
            return _("  change {seq} by {author}: {what}; made again as {site}").format(
                seq=self.seq, author=author, what=what, site=self.made_again_as[:8]
            )
        return _("  change {seq} by {author}: {what}").format(
            seq=self.seq, author=author, what=what
        )


def set_aside_transactions(store: Store, origin: str) -> list[SetAside]:
    found: dict[tuple[int, bytes], SetAside] = {}
    for seq, digest, author, table, op, row_id, at, made_here, again in store.conn.execute(
        "SELECT seq, digest, author, tbl, op, row_id, set_aside_at, made_here, reissued_as"
        " FROM _set_aside WHERE origin = ? ORDER BY seq, digest, idx",
        (origin,),
    ):
        key = (int(seq), bytes(digest))
        if key not in found:
            found[key] = SetAside(int(seq), str(author), [], float(at), bool(made_here), again)
        found[key].changes.append((str(table), str(op), str(row_id)))
    return list(found.values())


@dataclass
class SplitSite:
    site_id: str
    name: str
    from_seq: int
    set_aside: int  # transactions kept aside
    made_here: int  # of which this computer made
    reissued: int  # of those, made again under a new identity
    reissued_as: list[str] = field(default_factory=list)
    # New identities certified by this site's key since: the other computer repaired.
    successors: list[str] = field(default_factory=list)
    transactions: list[SetAside] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "site_id": self.site_id,
            "name": self.name,
            "differs_from_change": self.from_seq,
            "set_aside": self.set_aside,
            "made_here": self.made_here,
            "made_again": self.reissued,
            "made_again_as": self.reissued_as,
            "new_identities": self.successors,
            "transactions": [item.as_json() for item in self.transactions],
        }

    def sentence(self) -> str:
        if self.made_here:
            return ngettext(
                "Site {site} was used on two computers, this one among them. The other "
                "computer's history is kept under that identity; the {count} change made "
                "here under it was set aside and made again under this computer's new "
                "identity. Nothing to do: sync as usual.",
                "Site {site} was used on two computers, this one among them. The other "
                "computer's history is kept under that identity; the {count} changes made "
                "here under it were set aside and made again under this computer's new "
                "identity. Nothing to do: sync as usual.",
                self.made_here,
            ).format(site=self.name, count=self.made_here)
        if self.successors:
            return ngettext(
                "Site {site} was used on two computers (one invitation joined twice, or a "
                "copied data folder). One computer goes on as that site; the other now has "
                "its own identity and made its changes again under it. Nothing to do: "
                "{count} transaction of the second history is kept here, set aside "
                "(coopdesk repair lists them).",
                "Site {site} was used on two computers (one invitation joined twice, or a "
                "copied data folder). One computer goes on as that site; the other now has "
                "its own identity and made its changes again under it. Nothing to do: "
                "{count} transactions of the second history are kept here, set aside "
                "(coopdesk repair lists them).",
                self.set_aside,
            ).format(site=self.name, count=self.set_aside)
        return ngettext(
            "Site {site} is used on two computers (one invitation joined twice, or a copied "
            "data folder). One computer's changes are kept; {count} transaction of the other "
            "is set aside here, never lost: that computer makes it again under a new "
            "identity as soon as it imports a bundle from this site or any other. Carry a "
            "bundle to it; if you use that computer, import one there and run Repair "
            "(coopdesk repair).",
            "Site {site} is used on two computers (one invitation joined twice, or a copied "
            "data folder). One computer's changes are kept; {count} transactions of the other "
            "are set aside here, never lost: that computer makes them again under a new "
            "identity as soon as it imports a bundle from this site or any other. Carry a "
            "bundle to it; if you use that computer, import one there and run Repair "
            "(coopdesk repair).",
            self.set_aside,
        ).format(site=self.name, count=self.set_aside)


def split_overview(store: Store) -> list[SplitSite]:
    names = dict(store.conn.execute("SELECT id, name FROM site").fetchall())
    found = []
    for origin, from_seq in sorted(split_sites(store).items()):
        counts = store.conn.execute(
            "SELECT count(DISTINCT seq || ':' || hex(digest)),"
            " count(DISTINCT CASE WHEN made_here = 1 THEN seq END),"
            " count(DISTINCT CASE WHEN made_here = 1 AND reissued_as IS NOT NULL THEN seq END)"
            " FROM _set_aside WHERE origin = ?",
            (origin,),
        ).fetchone()
        reissued_as = [
            str(row[0])
            for row in store.conn.execute(
                "SELECT DISTINCT reissued_as FROM _set_aside WHERE origin = ?"
                " AND reissued_as IS NOT NULL",
                (origin,),
            )
        ]
        successors = [
            str(row[0])
            for row in store.conn.execute(
                "SELECT id FROM site WHERE json_valid(certificate)"
                " AND json_extract(certificate, '$.kind') = 'successor'"
                " AND json_extract(certificate, '$.certified_by') = ? ORDER BY id",
                (origin,),
            )
        ]
        name = shown(names[origin]) if origin in names else origin[:8]
        found.append(
            SplitSite(
                origin,
                name,
                from_seq,
                int(counts[0]),
                int(counts[1]),
                int(counts[2]),
                reissued_as,
                successors,
                set_aside_transactions(store, origin),
            )
        )
    return found


LISTED = 20


@dataclass
class RepairResult:
    sites: list[SplitSite]
    made_again: int = 0
    problems: list[str] = field(default_factory=list)
    dry_run: bool = False
    names: dict[str, str] = field(default_factory=dict)  # member id -> name, for the lines

    def summary(self) -> str:
        if not self.sites:
            return _("Nothing to repair: no site's changes have two histories here.")
        lines = []
        for site in self.sites:
            lines.append(site.sentence())
            lines += [item.describe(self.names) for item in site.transactions[:LISTED]]
            if len(site.transactions) > LISTED:
                lines.append(
                    _("  and {count} more (--json lists all)").format(
                        count=len(site.transactions) - LISTED
                    )
                )
        if self.made_again and self.dry_run:
            lines.append(
                ngettext(
                    "Would make {count} set-aside change again under this site.",
                    "Would make {count} set-aside changes again under this site.",
                    self.made_again,
                ).format(count=self.made_again)
            )
        elif self.made_again:
            lines.append(
                ngettext(
                    "Made {count} set-aside change again under this site.",
                    "Made {count} set-aside changes again under this site.",
                    self.made_again,
                ).format(count=self.made_again)
            )
        lines += self.problems
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        return {
            "sites": [site.as_json() for site in self.sites],
            "made_again": self.made_again,
            "problems": self.problems,
            "dry_run": self.dry_run,
            "summary": self.summary(),
        }


def pending_reissue(store: Store) -> dict[str, int]:
    """Origin -> this computer's set-aside transactions not yet made again."""
    return {
        str(origin): int(count)
        for origin, count in store.conn.execute(
            "SELECT origin, count(DISTINCT seq) FROM _set_aside WHERE made_here = 1"
            " AND reissued_as IS NULL GROUP BY origin"
        )
    }


def repair(store: Store, author: str, dry_run: bool = False) -> RepairResult:
    """Make again, under this computer's identity, whatever of its own changes was set
    aside and not yet made again (an import usually did it already); say what was done."""
    from coopdesk.sync.identity import mint_new_identity

    pending = pending_reissue(store)
    names = {str(i): str(n) for i, n in store.conn.execute("SELECT id, name FROM member")}
    result = RepairResult(split_overview(store), dry_run=dry_run, names=names)
    if dry_run or not pending:
        result.made_again = sum(pending.values()) if dry_run else 0
        return result
    with store.merging() as merge:
        for origin in sorted(pending):
            if origin == store.site_id:
                mint_new_identity(
                    store, author, fork_reason(store, origin), what_became=FORK_WHAT_BECAME
                )
                merge.changed.add("site")
            made, problems = reissue(store, origin)
            result.made_again += made
            result.problems += problems
        merge.changed.update(TABLES)
        merge.release_found_rows()
    result.sites = split_overview(store)
    return result
