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
from coopdesk.base.progress import Cancelled, Progress
from coopdesk.store import hlc as hlc_module
from coopdesk.store.changes import CONFLICTS, PEERS
from coopdesk.store.merging import InvalidChangesError, Merge
from coopdesk.store.store import Store
from coopdesk.sync.bundle import (
    BundleGapError,
    BundleInvalidContentError,
    Envelope,
    SiteIdentityClashError,
)
from coopdesk.sync.conflicts import count_conflicts
from coopdesk.sync.identity import identity_notice, mint_new_identity


class ImportCancelled(CoopDeskError):
    """The person cancelled the import; the transaction is rolled back."""

    def __init__(self) -> None:
        super().__init__("Import cancelled; nothing was changed.")


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


# -- the merge itself --------------------------------------------------------------------------


def apply_bundle(
    store: Store,
    envelope: Envelope,
    frames: Iterable[list[tuple[Any, ...]]],
    author: str | None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> MergeReport:
    """Merge a checked bundle's changes in one transaction; all or nothing."""
    report = MergeReport()

    def check_cancelled() -> None:
        if cancelled and cancelled():
            raise ImportCancelled()

    try:
        with store.merging() as merge:
            report.conflicts_before = count_conflicts(store)
            _check_own_identity(store, envelope, author, report, merge)
            accepted = _load_changes(
                store, merge, envelope, frames, author, report, progress, check_cancelled
            )
            if accepted:
                merge.apply(check_cancelled)
                merge.advance_version_vector(accepted)
                _observe_clocks(store, merge, report)
            _remember_peer(store, envelope)
            merge.changed.add(PEERS)
            report.conflicts_after = count_conflicts(store)
            if report.conflicts_after != report.conflicts_before:
                merge.changed.add(CONFLICTS)
            report.changed_tables = merge.changed
    except InvalidChangesError as exc:
        raise BundleInvalidContentError(
            f"{envelope.path.name} holds {exc}. It was not imported."
        ) from None
    except sqlite3.IntegrityError:
        raise BundleInvalidContentError(
            f"{envelope.path.name} holds changes that do not fit together (a missing "
            "required field, or a reference to a row that does not exist). It was not "
            "imported."
        ) from None
    return report


def _check_own_identity(
    store: Store, envelope: Envelope, author: str | None, report: MergeReport, merge: Merge
) -> None:
    """A bundle that knows more of this site's changes than this site made means a copy."""
    own = store.site_id
    if max(envelope.vv.get(own, 0), envelope.base.get(own, 0)) > store.last_seq:
        _mint(store, author, report, merge)


def _mint(store: Store, author: str | None, report: MergeReport, merge: Merge) -> None:
    reason = (
        "This store was restored from a backup or copied from another computer: another "
        "site holds changes made under this site's identity that this store never made."
    )
    mint_new_identity(store, author or _last_local_author(store), reason)
    report.identity_notice = identity_notice(store)
    merge.changed.add("site")


def _last_local_author(store: Store) -> str:
    row = store.conn.execute(
        "SELECT author FROM _change WHERE origin = ? ORDER BY lsn DESC LIMIT 1", (store.site_id,)
    ).fetchone()
    if row is None:
        row = store.conn.execute("SELECT id FROM member WHERE _cl % 2 = 1 LIMIT 1").fetchone()
    return str(row[0])


def _load_changes(
    store: Store,
    merge: Merge,
    envelope: Envelope,
    frames: Iterable[list[tuple[Any, ...]]],
    author: str | None,
    report: MergeReport,
    progress: Progress | None,
    check_cancelled: Callable[[], None],
) -> dict[str, int]:
    """Append the bundle's new changes to the log; returns the highest new seq per origin."""
    vv = store.version_vector()
    accepted: dict[str, int] = {}
    last_seen: dict[str, int] = {}
    total = envelope.header["entries"]
    done = 0
    name = envelope.path.name
    own_site, own_top = store.site_id, store.last_seq
    for rows in frames:
        keep, again = _whole_frame(rows, accepted, last_seen, vv, own_site)
        if keep is None:
            keep, again = [], []
            for row in rows:
                origin, seq = row[0], row[1]
                if seq < last_seen.get(origin, 0):
                    raise BundleInvalidContentError(
                        f"{name} lists changes out of order. It was not imported."
                    )
                last_seen[origin] = seq
                if origin == own_site and seq > own_top:
                    _mint(store, author, report, merge)
                    vv = store.version_vector()
                    own_site, own_top = store.site_id, store.last_seq
                top = accepted.get(origin, vv.get(origin, 0))
                if origin not in accepted and seq <= top:
                    again.append(row)
                    continue
                if seq > top + 1:
                    raise BundleGapError(
                        f"{name} continues from changes this site does not have yet (from "
                        f"site {origin[:8]}, changes {top + 1} to {seq - 1}). Nothing was "
                        "changed. Import the bundles that came before it, or ask the other "
                        "site for a bundle made for this site; if this site was restored from "
                        "a backup, first send the other site a bundle from here, or ask it for "
                        "one with everything."
                    )
                accepted[origin] = seq
                keep.append(row)
        merge.append(keep)
        report.counts.update((row[5], row[7]) for row in keep)
        merge.hold_for_comparison(again)
        report.new_entries += len(keep)
        report.duplicate_entries += len(again)
        done += len(rows)
        if progress:
            progress(done, total)
        check_cancelled()
    _check_duplicates_match(store, merge, name)
    return accepted


def _whole_frame(
    rows: list[tuple[Any, ...]],
    accepted: dict[str, int],
    last_seen: dict[str, int],
    vv: dict[str, int],
    own_site: str,
) -> tuple[list[tuple[Any, ...]] | None, list[tuple[Any, ...]]]:
    """The common case, checked for the frame at once: all new changes of one other site.

    Returns (rows to keep, no duplicates) if the whole frame is in order, new and without
    gaps; (None, []) when the rows must be looked at one by one.
    """
    origin = rows[0][0]
    if origin == own_site or any(row[0] != origin for row in rows):
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


def _check_duplicates_match(store: Store, merge: Merge, name: str) -> None:
    """Changes we already have must be the very same changes, or two computers share an id."""
    clash = merge.origin_with_other_history()
    if clash:
        site = store.get("site", clash)
        label = site["name"] if site else clash[:8]
        raise SiteIdentityClashError(
            f"{name} holds changes from site {label} that differ from the ones this site "
            f"already has under the same numbers: two computers are using the identity of "
            f"site {label} (a copied store, a restored backup, or one invitation joined twice). "
            "Nothing was imported. Keep using only one of those computers as that site and "
            "ask the other to join with a new invitation."
        )


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
    days = ahead_seconds / 86400
    amount = (
        f"{days / 365:.0f} years"
        if days > 700
        else (f"{days / 30:.0f} months" if days > 60 else f"{days:.0f} days")
    )
    return f"its clock looks wrong (about {amount} ahead)"


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
        "INSERT OR REPLACE INTO _bundle_seen (site_id, bundle_seq, sha256, imported_at)"
        " VALUES (?, ?, ?, ?)",
        (envelope.site_id, envelope.bundle_seq, envelope.payload_sha256, time.time()),
    )
