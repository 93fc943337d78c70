"""Merging a bundle's changes into this store: which changes are new, and in what order.

The store applies changes (``Store.merging``, coopdesk/store/merging.py: per-field merge,
archive and restore, the schema checks); this module decides what a bundle may bring:

- Changes arrive in causal order (each bundle lists them in the order its sender received
  them) and are identified by (origin site, sequence, index). A change whose sequence is at
  or below what this store has from that origin is already here and is skipped, after
  checking it is the very same change: importing the same bundle twice changes nothing.
- A change that would leave a gap refuses the whole bundle.
- The clock decides nothing but ties; a remote clock far ahead is not followed.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from coopdesk.base.errors import CoopDeskError
from coopdesk.base.i18n import _
from coopdesk.base.progress import Cancelled, Progress
from coopdesk.store import hlc as hlc_module
from coopdesk.store import keys
from coopdesk.store.changes import CONFLICTS, HELD, PEERS
from coopdesk.store.merging import InvalidChangesError, Merge
from coopdesk.store.schema import TABLES
from coopdesk.store.store import Store
from coopdesk.sync import forks
from coopdesk.sync.bundle import (
    LOG_COLUMNS,
    BundleGapError,
    BundleInvalidContentError,
    Envelope,
)
from coopdesk.sync.conflicts import count_conflicts
from coopdesk.sync.identity import identity_notice, mint_new_identity
from coopdesk.sync.peers import clock_amount
from coopdesk.sync.trust import Trust, certificate_vouches, founds_the_coop, trust_of


class ImportCancelled(CoopDeskError):
    """The person cancelled the import; the transaction is rolled back."""

    def __init__(self) -> None:
        super().__init__(_("Import cancelled; nothing was changed."))


@dataclass
class MergeReport:
    new_entries: int = 0
    duplicate_entries: int = 0
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    changed_tables: set[str] = field(default_factory=set)
    conflicts_before: int = 0
    conflicts_after: int = 0
    clock_warnings: dict[str, str] = field(default_factory=dict)
    identity_notice: str | None = None
    # Origins whose changes in this bundle were not applied, and why (in words).
    refused_origins: dict[str, str] = field(default_factory=dict)
    # Changes of archived sites made after their last accepted one: refused, by origin.
    revoked: Counter[str] = field(default_factory=Counter)
    # Transactions kept in the log but not applied because they broke a rule: (origin, seq).
    held: dict[tuple[str, int], str] = field(default_factory=dict)
    # Sites found with two histories: how many of the other history's transactions were
    # set aside here (coopdesk.sync.forks), and of this computer's own, how many were made
    # again under its new identity.
    set_aside: Counter[str] = field(default_factory=Counter)
    made_again: int = 0
    not_made_again: list[str] = field(default_factory=list)


# -- the merge itself --------------------------------------------------------------------------


def apply_bundle(
    store: Store,
    envelope: Envelope,
    frames: Iterable[list[tuple[Any, ...]]],
    author: str | None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    read_again: Callable[[], Iterable[list[tuple[Any, ...]]]] | None = None,
) -> MergeReport:
    """Merge a checked bundle's changes in one transaction; all or nothing.

    When the bundle's history of a split site wins over this store's (coopdesk.sync.forks),
    the merge rolls back, this store's history of it is taken aside, and the bundle is read
    again (``read_again``) and merged over it, in one transaction still.
    """
    adopted: dict[str, int] = {}
    while True:
        try:
            return _apply_once(store, envelope, frames, author, progress, cancelled, adopted)
        except forks.AdoptOtherHistory as swap:
            if read_again is None or swap.origin in adopted:
                raise BundleInvalidContentError(
                    _(
                        "{bundle} holds two histories of one site that do not fit together."
                        " It was not imported."
                    ).format(bundle=envelope.name)
                ) from None
            adopted[swap.origin] = swap.from_seq
            frames = read_again()


def _apply_once(
    store: Store,
    envelope: Envelope,
    frames: Iterable[list[tuple[Any, ...]]],
    author: str | None,
    progress: Progress | None,
    cancelled: Cancelled | None,
    adopted: dict[str, int],
) -> MergeReport:
    report = MergeReport()

    def check_cancelled() -> None:
        if cancelled and cancelled():
            raise ImportCancelled()

    trust = trust_of(store)
    try:
        with store.merging() as merge:
            merge.undo_about = {
                "site_id": envelope.site_id,
                "site_name": envelope.site_name,
                "bundle_seq": envelope.bundle_seq,
                "bundle": envelope.name,
                "sha256": envelope.payload_sha256,
            }
            report.conflicts_before = count_conflicts(store)
            own_lost = _take_aside(store, merge, adopted, author, report)
            trust = trust_of(store) if own_lost else trust
            chains = SealChains(store)
            accepted = _load_changes(
                store, merge, envelope, frames, trust, chains, report, progress, check_cancelled
            )
            accepted = _verify_origins(store, merge, envelope, trust, chains, accepted, report)
            # Changes of this very identity this store never made: it is a restored or
            # copied store, and takes a new identity once they are merged (written last,
            # so the merge does not take the new site's row for an arriving change).
            restored = store.site_id in accepted
            if accepted:
                report.held.update(merge.check_rules())
                merge.apply(check_cancelled)
                merge.release_found_rows()
                merge.advance_version_vector(accepted)
                report.held.update(merge.check_applied())
                report.held.update(merge.set_aside_revoked())
                _observe_clocks(store, merge, report)
            if restored:
                _mint(store, author, report, merge)
            for origin in own_lost:
                made, problems = forks.reissue(store, origin)
                report.made_again += made
                report.not_made_again += problems
                merge.changed.update(TABLES)
            if own_lost:
                merge.release_found_rows()  # edits of rows just made again
            _remember_peer(store, envelope)
            for origin in report.set_aside:
                forks.forget_peer_vector(store, origin)
            merge.changed.add(PEERS)
            report.conflicts_after = count_conflicts(store)
            if report.conflicts_after != report.conflicts_before:
                merge.changed.add(CONFLICTS)
            report.changed_tables = merge.changed
    except InvalidChangesError as exc:
        raise BundleInvalidContentError(
            _("{bundle} holds {problem}. It was not imported.").format(
                bundle=envelope.name, problem=exc
            )
        ) from None
    except sqlite3.IntegrityError:
        raise BundleInvalidContentError(
            _(
                "{bundle} holds changes that do not fit together (a missing required field,"
                " or a reference to a row that does not exist). It was not imported."
            ).format(bundle=envelope.name)
        ) from None
    except sqlite3.OperationalError as exc:
        if "JSON" not in str(exc):  # SQLite's JSON functions met text that is not JSON
            raise
        raise BundleInvalidContentError(
            _("{bundle} holds changes that cannot be read. It was not imported.").format(
                bundle=envelope.name
            )
        ) from None
    return report


def _take_aside(
    store: Store,
    merge: Merge,
    adopted: dict[str, int],
    author: str | None,
    report: MergeReport,
) -> list[str]:
    """This store's histories of split sites that lost to the bundle's: out of the log.

    When the lost history is this computer's own, it takes a new identity here, before
    anything of the bundle is read (the winner's changes then arrive as another site's);
    returns those identities, whose changes are made again at the end of the import.
    """
    own_lost = []
    now = time.time()
    for origin, from_seq in sorted(adopted.items()):
        report.set_aside[origin] += merge.take_aside(origin, from_seq, now)
        forks.note_fork(store, origin, from_seq)
        if origin == store.site_id:
            mint_new_identity(
                store,
                author or _last_local_author(store),
                forks.fork_reason(store, origin),
                what_became=forks.FORK_WHAT_BECAME,
            )
            # Bundles numbered like ours under that identity come from the other computer.
            written = json.loads(str(store.local_get("previous_bundle_seqs", "{}")))
            written[origin] = 0
            store.local_set("previous_bundle_seqs", json.dumps(written, sort_keys=True))
            report.identity_notice = identity_notice(store)
            merge.changed.add("site")
            merge.after_local_writes()
            own_lost.append(origin)
    return own_lost


def _mint(store: Store, author: str | None, report: MergeReport, merge: Merge) -> None:
    reason = _(
        "This store was restored from a backup or copied from another computer: another "
        "site holds changes made under this site's identity that this store never made."
    )
    mint_new_identity(store, author or _last_local_author(store), reason)
    report.identity_notice = identity_notice(store)
    merge.changed.add("site")


def _last_local_author(store: Store) -> str:
    row = store.conn.execute(
        # A member's change, not the ballot box's (whose author is the site itself).
        "SELECT author FROM _change WHERE origin = ?1 AND author != ?1 ORDER BY lsn DESC LIMIT 1",
        (store.site_id,),
    ).fetchone()
    if row is None:
        row = store.conn.execute("SELECT id FROM member WHERE _cl % 2 = 1 LIMIT 1").fetchone()
    return str(row[0])


def _load_changes(
    store: Store,
    merge: Merge,
    envelope: Envelope,
    frames: Iterable[list[tuple[Any, ...]]],
    trust: Trust,
    chains: SealChains,
    report: MergeReport,
    progress: Progress | None,
    check_cancelled: Callable[[], None],
) -> dict[str, int]:
    """Append the bundle's new changes to the log; returns the highest new seq per origin.

    Each origin's new transactions are chained as they arrive (``chains``); whether they
    are really that origin's is checked once the whole bundle is read (``_verify_origins``).
    Changes of an archived site made after its last accepted one are refused here, from
    any route.
    """
    vv = store.version_vector()
    accepted: dict[str, int] = {}
    last_seen: dict[str, int] = {}
    split = forks.split_sites(store)
    waiting: set[str] = set()
    total = envelope.header["entries"]
    done = 0
    name = envelope.name
    revoked = trust.revoked
    for frame in frames:
        rows = [row for row in frame if not _refused(row, revoked, report)]
        keep, again = _whole_frame(rows, accepted, last_seen, vv) if rows else ([], [])
        again_seals: list[tuple[str, int, str | None]] = []
        if keep is None:
            keep, again = [], []
            for row in rows:
                origin, seq = row[0], row[1]
                if seq < last_seen.get(origin, 0):
                    raise BundleInvalidContentError(
                        _("{bundle} lists changes out of order. It was not imported.").format(
                            bundle=name
                        )
                    )
                last_seen[origin] = seq
                top = accepted.get(origin, vv.get(origin, 0))
                if origin not in accepted and seq <= top:
                    again.append(row[:LOG_COLUMNS])
                    if row[2] == 0:
                        again_seals.append((origin, seq, row[LOG_COLUMNS]))
                    continue
                if origin in waiting:
                    continue
                if seq > top + 1 and origin in split:
                    # This store set its history of a split site aside: what comes after
                    # it here comes again, from where the histories split.
                    waiting.add(origin)
                    report.refused_origins[origin] = _(
                        "it continues a history of that site this site set aside; the rest "
                        "comes in a later bundle"
                    )
                    continue
                if seq > top + 1:
                    raise BundleGapError(
                        _(
                            "{bundle} continues from changes this site does not have yet (from"
                            " site {site}, changes {first} to {last}). Nothing was changed."
                            " Import the bundles that came before it, or ask the other site for"
                            " a bundle made for this site; if this site was restored from a"
                            " backup, first send the other site a bundle from here, or ask it"
                            " for one with everything."
                        ).format(bundle=name, site=origin[:8], first=top + 1, last=seq - 1)
                    )
                accepted[origin] = seq
                keep.append(row)
        for row in keep:
            chains.add(row)
        logged = [row[:LOG_COLUMNS] for row in keep]
        merge.append(logged)
        report.counts.update((row[5], row[7]) for row in logged)
        merge.hold_for_comparison(again, again_seals)
        report.new_entries += len(keep)
        report.duplicate_entries += len(again)
        done += len(frame)
        if progress:
            progress(done, total)
        check_cancelled()
    chains.finish()
    _check_duplicates_match(store, merge, envelope, trust, report, accepted, chains)
    return accepted


def _refused(row: tuple[Any, ...], revoked: dict[str, int], report: MergeReport) -> bool:
    """A change of an archived site after its last accepted one (whoever relays it)."""
    after = revoked.get(row[0])
    if after is not None and row[1] > after:
        report.revoked[row[0]] += 1
        return True
    return False


class SealChains:
    """Each origin's chain of transaction digests through a bundle, computed as it is read."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.digests: dict[str, bytes | None] = {}
        self.tips: dict[str, tuple[int, bytes | None, str | None]] = {}
        self.seals: list[tuple[str, int, bytes, bytes | None]] = []
        self._rows: list[tuple[Any, ...]] = []
        self._key: tuple[str, int] | None = None
        self._seal: str | None = None

    def add(self, row: tuple[Any, ...]) -> None:
        key = (row[0], row[1])
        if key != self._key:
            self._close()
            self._key, self._seal = key, row[LOG_COLUMNS]
        self._rows.append(row[:LOG_COLUMNS])

    def finish(self) -> None:
        self._close()

    def _previous(self, origin: str, seq: int) -> bytes | None:
        if origin in self.digests:
            return self.digests[origin]
        if seq == 1:
            return keys.GENESIS_DIGEST
        row = self.store.conn.execute(
            "SELECT digest FROM _seal WHERE origin = ? AND seq = ?", (origin, seq - 1)
        ).fetchone()
        return bytes(row[0]) if row else None

    def _close(self) -> None:
        if self._key is None:
            return
        origin, seq = self._key
        previous = self._previous(origin, seq)
        digest = None if previous is None else keys.transaction_digest(previous, self._rows)
        self.digests[origin] = digest
        self.tips[origin] = (seq, digest, self._seal)
        if digest is not None:
            signature = bytes.fromhex(self._seal) if self._seal else None
            self.seals.append((origin, seq, digest, signature))
        self._rows, self._key, self._seal = [], None, None


def _verify_origins(
    store: Store,
    merge: Merge,
    envelope: Envelope,
    trust: Trust,
    chains: SealChains,
    accepted: dict[str, int],
    report: MergeReport,
) -> dict[str, int]:
    """Keep the changes of the origins whose chain of seals verifies; discard the others.

    An origin's key is one this store knows, one of the sender's certificate chain, or one
    a verified origin certified in this very bundle (a site's row with its key and
    certificate). The last transaction of each origin is checked against its signature:
    the chain of digests below it then covers every change before it.
    """
    site_keys = {**trust.site_keys, **envelope.chain_keys}
    pending = set(chains.tips) - set(report.refused_origins)
    verified: set[str] = set()
    while True:
        progress = False
        for origin in sorted(pending):
            key = site_keys.get(origin)
            if key is None:
                continue
            pending.discard(origin)
            progress = True
            seq, digest, seal = chains.tips[origin]
            if digest is None:
                report.refused_origins[origin] = "its earlier changes are not known here"
            elif not seal or not keys.verify(
                key, bytes.fromhex(seal), keys.seal_message(origin, seq, digest)
            ):
                report.refused_origins[origin] = (
                    "its changes are not sealed with its key: altered, forged by another site, "
                    "or another computer's history of that site"
                )
                # Maybe two computers write as that site: send its whole history from now
                # on, so whichever computer holds the other one can tell (forks.py).
                forks.note_fork(store, origin, 1)
            else:
                verified.add(origin)
        for site, key in _certified_in_bundle(store, merge, verified, site_keys, trust):
            if site not in site_keys:
                site_keys[site] = key
                progress = True
        if not progress or not pending:
            break
    for origin in pending:
        report.refused_origins[origin] = "it is not a site this coop has certified"
    for origin in report.refused_origins:
        merge.discard(origin)
        accepted.pop(origin, None)
    merge.add_seals([seal for seal in chains.seals if seal[0] in verified])
    return accepted


def _certified_in_bundle(
    store: Store,
    merge: Merge,
    verified: set[str],
    site_keys: dict[str, str],
    trust: Trust,
) -> list[tuple[str, str]]:
    """(site, public key) of sites whose rows, written by verified origins, carry a valid
    certificate from a site whose key is known."""
    found = []
    for origin, seq, row_id, fields_text in merge.new_site_rows():
        # A site announcing its own key, signed by the root or by its previous identity,
        # needs no one else to vouch for it.
        if origin not in verified and origin != row_id:
            continue
        try:
            fields = json.loads(fields_text)
            certificate = keys.Certificate.from_json(fields.get("certificate"))
        except (ValueError, TypeError, AttributeError):
            continue
        # A site's own row with a certificate from a key known here (the root's, or for a
        # successor its previous identity's) is self-evident; other rows need their writer
        # verified first.
        if origin not in verified and certificate.kind not in ("founding", "successor"):
            continue
        if certificate_vouches(
            certificate,
            row_id,
            fields.get("public_key"),
            origin,
            seq,
            site_keys,
            trust,
            founds_the_coop(merge.conn, origin, seq),
        ):
            found.append((row_id, certificate.public_key))
    return found


def _whole_frame(
    rows: list[tuple[Any, ...]],
    accepted: dict[str, int],
    last_seen: dict[str, int],
    vv: dict[str, int],
) -> tuple[list[tuple[Any, ...]] | None, list[tuple[Any, ...]]]:
    """The common case, checked for the frame at once: all new changes of one other site.

    Returns (rows to keep, no duplicates) if the whole frame is in order, new and without
    gaps; (None, []) when the rows must be looked at one by one.
    """
    origin = rows[0][0]
    if any(row[0] != origin for row in rows):
        return None, []
    seqs = [row[1] for row in rows]
    top = accepted.get(origin, vv.get(origin, 0))
    fresh = origin in accepted or seqs[0] > top
    in_order = seqs[0] >= last_seen.get(origin, 0) and all(
        0 <= later - earlier <= 1 for earlier, later in itertools.pairwise(seqs)
    )
    if not (fresh and in_order and seqs[0] <= top + 1):
        return None, []
    accepted[origin] = last_seen[origin] = seqs[-1]
    return rows, []


def _check_duplicates_match(
    store: Store,
    merge: Merge,
    envelope: Envelope,
    trust: Trust,
    report: MergeReport,
    accepted: dict[str, int],
    chains: SealChains,
) -> None:
    """Changes we already have must be the very same changes, or two computers share an id.

    Unless the bundle's version is not the origin's at all (its seal does not verify with
    the origin's key): then another site forged or altered it, and that origin's changes in
    this bundle are refused (named in the report); the origin itself is not blamed. A
    version sealed with the origin's key is its other history (two computers wrote as that
    site): every site keeps the same one of the two (``coopdesk.sync.forks``).
    """
    while clash := merge.other_history():
        origin, seq = clash
        rows, seal = merge.compared_transaction(origin, seq)
        key = trust.site_keys.get(origin) or envelope.chain_keys.get(origin)
        previous = forks.digest_at(store, origin, seq - 1)
        genuine = (
            key is not None
            and previous is not None
            and isinstance(seal, str)
            and keys.verify(
                key,
                bytes.fromhex(seal),
                keys.seal_message(origin, seq, keys.transaction_digest(previous, rows)),
            )
        )
        if not genuine:
            report.refused_origins[origin] = (
                "it holds changes under that site's name that the site did not make"
                " (forged or altered on the way), or another computer's history of that site"
            )
            if key is not None:
                forks.note_fork(store, origin, 1)
            merge.discard(origin)
            accepted.pop(origin, None)
            merge.forget_compared(origin)
            continue
        assert key is not None and previous is not None
        _split(store, merge, report, accepted, chains, origin, seq, previous, key)
    merge.forget_compared()


def _split(
    store: Store,
    merge: Merge,
    report: MergeReport,
    accepted: dict[str, int],
    chains: SealChains,
    origin: str,
    seq: int,
    previous: bytes,
    key: str,
) -> None:
    """The bundle holds another history of ``origin`` from ``seq``, sealed with its key.

    If it wins (``forks.theirs_wins``), the merge starts again with this store's history
    taken aside; otherwise the bundle's is set aside and everything else merges on.
    """
    appended = {
        seal_seq: (signature.hex() if signature else None)
        for seal_origin, seal_seq, _digest, signature in chains.seals
        if seal_origin == origin
    }
    history = forks.verified_prefix(
        origin, previous, forks.incoming_history(merge, origin, seq, appended), key
    )
    if history and forks.theirs_wins(forks.digest_at(store, origin, seq), history[0].digest):
        raise forks.AdoptOtherHistory(origin, seq)
    merge.set_aside_incoming(forks.set_aside_rows(origin, history), time.time())
    merge.discard(origin)
    merge.forget_compared(origin)
    accepted.pop(origin, None)
    chains.tips.pop(origin, None)
    chains.seals = [entry for entry in chains.seals if entry[0] != origin]
    forks.note_fork(store, origin, seq)
    merge.changed.add(HELD)
    report.set_aside[origin] += len(history)


# -- validation in SQL -------------------------------------------------------------------------


# -- applying ----------------------------------------------------------------------------------


# -- bookkeeping -------------------------------------------------------------------------------


def _observe_clocks(store: Store, merge: Merge, report: MergeReport) -> None:
    """Follow other sites' clocks, except one implausibly far ahead: warn about that one."""
    for origin, newest in merge.newest_clocks():
        if store.clock.observe(newest):
            store.conn.execute("UPDATE _peer SET clock_warning = NULL WHERE site_id = ?", (origin,))
        else:
            ahead = hlc_module.wall_seconds(newest) - time.time()
            report.clock_warnings[origin] = clock_warning_text(ahead)
            store.conn.execute(
                "INSERT INTO _peer (site_id, clock_warning) VALUES (?, ?)"
                " ON CONFLICT(site_id) DO UPDATE SET clock_warning = excluded.clock_warning",
                (origin, report.clock_warnings[origin]),
            )


def clock_warning_text(ahead_seconds: float) -> str:
    return _("its clock looks wrong (about {amount} ahead)").format(
        amount=clock_amount(ahead_seconds)
    )


def _remember_peer(store: Store, envelope: Envelope) -> None:
    """What a peer has is learned only from bundles that peer sent: they carry its vector."""
    header = envelope.header
    store.conn.execute(
        "INSERT INTO _peer (site_id, vv, bundle_seq, last_hlc, heard_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT(site_id) DO UPDATE SET vv = excluded.vv, bundle_seq = excluded.bundle_seq,"
        " last_hlc = excluded.last_hlc, heard_at = excluded.heard_at"
        " WHERE excluded.bundle_seq > _peer.bundle_seq",
        (
            envelope.site_id,
            json.dumps(envelope.vv, sort_keys=True),
            envelope.bundle_seq,
            header["created_hlc"],
            time.time(),
        ),
    )
    store.conn.execute(
        # An upsert, not INSERT OR REPLACE: a replaced row is deleted without its DELETE
        # trigger, and the import's undo record (coopdesk.store.undo) would not see it.
        "INSERT INTO _bundle_seen (site_id, bundle_seq, sha256, imported_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (site_id, bundle_seq) DO UPDATE SET sha256 = excluded.sha256,"
        " imported_at = excluded.imported_at",
        (envelope.site_id, envelope.bundle_seq, envelope.payload_sha256, time.time()),
    )
