"""What each other site has, as far as this site knows, and how it is doing.

What a peer has is learned only from bundles that peer sent: each carries the sender's
version vector, kept in ``_peer``. From it follow what a bundle for that peer must hold
(``base_for``) and what the Sites list shows (``sites_overview``). No cryptography here:
the window's Today page reads this at start-up.
"""

from __future__ import annotations

import json
import time
import weakref
from dataclasses import dataclass
from typing import Any

from coopdesk.base.i18n import _, ngettext
from coopdesk.store.hlc import wall_seconds
from coopdesk.store.store import Store
from coopdesk.sync.identity import previous_site_ids

# Clocks closer than this are as right as computers' clocks usually are.
CLOCK_TOLERANCE_S = 5 * 60


def clock_amount(seconds: float) -> str:
    """``3 hours``, ``2 days``, ``1 year``: how far a clock is off, in words."""
    hours = seconds / 3600
    days = hours / 24
    if hours < 1.5:
        minutes = round(seconds / 60)
        return ngettext("{count} minute", "{count} minutes", minutes).format(count=minutes)
    if days < 2:
        amount = round(hours)
        return ngettext("{count} hour", "{count} hours", amount).format(count=amount)
    if days <= 60:
        amount = round(days)
        return ngettext("{count} day", "{count} days", amount).format(count=amount)
    if days < 330:
        amount = round(days / 30)
        return ngettext("{count} month", "{count} months", amount).format(count=amount)
    amount = round(days / 365)
    return ngettext("{count} year", "{count} years", amount).format(count=amount)


def peer_vector(store: Store, site_id: str) -> dict[str, int]:
    row = store.conn.execute("SELECT vv FROM _peer WHERE site_id = ?", (site_id,)).fetchone()
    return json.loads(row[0]) if row else {}


def _earlier_identities_not_heard_from(store: Store) -> set[str]:
    """This store's earlier identities, but for one that speaks from another computer now.

    An earlier identity we have had a bundle from is the original of a copied folder, still
    in use there: it is another site like any other.
    """
    heard = {row[0] for row in store.conn.execute("SELECT site_id FROM _peer")}
    return set(previous_site_ids(store)) - heard


def base_for(store: Store, for_site: str | None) -> dict[str, int]:
    """What the recipient is known to have: changes above this are sent.

    For a named site, what it last told us. For "any site", what every other site has in
    common (a site we never heard from has nothing, so such a bundle holds everything).
    """
    if for_site:
        return peer_vector(store, for_site)
    own = {store.site_id, *_earlier_identities_not_heard_from(store)}
    others = [
        row[0]
        for row in store.conn.execute(
            "SELECT id FROM site WHERE _cl % 2 = 1 AND replaced_by IS NULL"
        )
        if row[0] not in own
    ]
    if not others:
        return {}
    vectors = [peer_vector(store, site) for site in others]
    origins = set().union(*vectors)
    base = {o: min(v.get(o, 0) for v in vectors) for o in origins}
    return {o: seq for o, seq in base.items() if seq > 0}


@dataclass(frozen=True)
class SiteStatus:
    site_id: str
    name: str
    this_site: bool
    earlier_identity: bool
    replaced_by: str | None
    archived: bool
    heard_at: float | None
    bundle_seq: int
    not_yet_received: int | None
    clock_warning: str | None
    # How far this site's clock was ahead of this computer's, at least, when its last
    # bundle arrived (for this site: how far its own clock runs ahead of the computer's).
    # None when nothing is known. A clock behind cannot be told from a bundle's journey.
    clock_ahead_s: float | None = None

    @property
    def clock_text(self) -> str:
        """The Sites list's "Clock" column: ``looks right``, ``about 23 hours ahead``."""
        if self.clock_ahead_s is None:
            return "—"
        if self.clock_ahead_s < CLOCK_TOLERANCE_S:
            return _("looks right")
        return _("about {clock_amount} ahead").format(clock_amount=clock_amount(self.clock_ahead_s))

    def as_json(self) -> dict[str, Any]:
        return {
            "site_id": self.site_id,
            "name": self.name,
            "this_site": self.this_site,
            "earlier_identity_of_this_computer": self.earlier_identity,
            "replaced_by": self.replaced_by,
            "archived": self.archived,
            "last_heard_at": self.heard_at,
            "last_bundle_seq": self.bundle_seq,
            "not_yet_received": self.not_yet_received,
            "clock_warning": self.clock_warning,
            "clock_ahead_seconds": self.clock_ahead_s,
        }


def sites_overview(store: Store, with_pending: bool = True) -> list[SiteStatus]:
    """Every site: when we last heard from it and how many changes it still lacks from us.

    Counting what each site lacks reads the log; ``with_pending=False`` skips it (and
    leaves ``not_yet_received`` None) for views that only need the rest.
    """
    previous = _earlier_identities_not_heard_from(store)
    vv = store.version_vector()
    peers = {
        row[0]: row[1:]
        for row in store.conn.execute(
            "SELECT site_id, vv, bundle_seq, heard_at, clock_warning, last_hlc FROM _peer"
        )
    }
    statuses = []
    for site_id, name, archived, replaced_by in store.conn.execute(
        "SELECT id, name, _cl % 2 = 0, replaced_by FROM site ORDER BY name COLLATE NOCASE, id"
    ):
        this_site = site_id == store.site_id
        peer = peers.get(site_id)
        pending = None
        if with_pending and not this_site and site_id not in previous and not replaced_by:
            their = json.loads(peer[0]) if peer else {}
            pending = sum(
                changes_above(store, origin, their.get(origin, 0), top)
                for origin, top in vv.items()
                if top > their.get(origin, 0)
            )
        statuses.append(
            SiteStatus(
                site_id=site_id,
                name=name,
                this_site=this_site,
                earlier_identity=site_id in previous,
                replaced_by=replaced_by,
                archived=bool(archived),
                heard_at=peer[2] if peer else None,
                bundle_seq=peer[1] if peer else 0,
                not_yet_received=pending,
                clock_warning=peer[3] if peer else None,
                clock_ahead_s=_clock_ahead(store, this_site, peer),
            )
        )
    return statuses


# Per open store: for (origin, seq), the seal digest there and how many changes of that
# origin's log lie at or below it. A seal's digest chains every transaction up to it, so
# while it is unchanged, so is that count: counting what a peer lacks then reads only the
# log between a remembered point and the one asked about, not an origin's whole history.
_POINTS_KEPT = 16
_counted: weakref.WeakKeyDictionary[Store, dict[str, dict[int, tuple[bytes, int]]]] = (
    weakref.WeakKeyDictionary()
)


def changes_above(store: Store, origin: str, seq: int, top: int) -> int:
    """How many changes of ``origin`` the log holds above ``seq`` (``top``: its latest seq).

    The same figure as ``count(*) ... WHERE origin = ? AND seq > ?``, but the whole log of a
    long-lived origin is counted once per open store; later calls count only from the
    nearest point already counted whose seal is unchanged.
    """
    up_to_top, up_to_seq = _changes_up_to(store, origin, top), _changes_up_to(store, origin, seq)
    if up_to_top is None or up_to_seq is None:  # unsealed (a store that never syncs)
        return store.conn.execute(
            "SELECT count(*) FROM _change WHERE origin = ? AND seq > ?", (origin, seq)
        ).fetchone()[0]
    # Anything logged above the version vector's top (none, as a rule: one index seek).
    above_top = store.conn.execute(
        "SELECT count(*) FROM _change WHERE origin = ? AND seq > ?", (origin, top)
    ).fetchone()[0]
    return up_to_top - up_to_seq + above_top


def _changes_up_to(store: Store, origin: str, seq: int) -> int | None:
    """How many changes of ``origin`` the log holds up to ``seq``; None if it is unsealed."""
    if seq <= 0:
        return 0
    conn = store.conn
    row = conn.execute("SELECT digest FROM _seal WHERE origin = ? AND seq = ?", (origin, seq))
    sealed = row.fetchone()
    if sealed is None:
        return None
    known = _counted.setdefault(store, {}).setdefault(origin, {})
    if seq in known and known[seq][0] == sealed[0]:
        return known[seq][1]
    start, start_count = 0, 0
    for point in sorted(known, key=lambda point: abs(point - seq)):
        digest, count = known[point]
        still = conn.execute(
            "SELECT 1 FROM _seal WHERE origin = ? AND seq = ? AND digest = ?",
            (origin, point, digest),
        ).fetchone()
        if still is None:
            del known[point]
            continue
        if abs(point - seq) < seq:
            start, start_count = point, count
        break
    low, high = sorted((start, seq))
    between = conn.execute(
        "SELECT count(*) FROM _change WHERE origin = ? AND seq > ? AND seq <= ?",
        (origin, low, high),
    ).fetchone()[0]
    count = start_count + between if seq >= start else start_count - between
    known[seq] = (sealed[0], count)
    while len(known) > _POINTS_KEPT:  # the earliest remembered go first
        del known[next(iter(known))]
    return count


def _clock_ahead(store: Store, this_site: bool, peer: tuple[Any, ...] | None) -> float | None:
    if this_site:
        return max(
            0.0, wall_seconds(max(store.clock.last, int(store.local_get("hlc", 0)))) - time.time()
        )
    if peer is None or not peer[2] or not peer[4]:
        return None
    return max(0.0, wall_seconds(int(peer[4])) - float(peer[2]))
