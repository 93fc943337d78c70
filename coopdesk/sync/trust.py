"""Which sites speak for the coop: keys kept at home, certificates every site checks.

Key material lives in the local table ``_local`` (never replicated): the coop's root public
key, this site's private key and certificate, and the coop's bundle key. The root private
key exists only while the founding site is made (it certifies that site, then it is thrown
away), so no site, backup or invitation holds it.

Every other site is certified by the site that invited it: the inviting site signs a
certificate for the new site's key and writes it, with the key, into the new site's row, in
a sealed transaction of its own. The certificates form a chain back to the root key; a
bundle carries its sender's chain, so a receiver can check who sent it before it reads a
single change, and every origin's certificate travels with the data for checking its
seals. A certificate made by a site after that site was archived vouches for nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from coopdesk.base.errors import CoopDeskError, ValidationError
from coopdesk.base.i18n import _
from coopdesk.store import keys
from coopdesk.store.store import Store

if TYPE_CHECKING:
    from coopdesk.store.merging import Merge


@dataclass(frozen=True)
class Trust:
    """What a receiving site checks a bundle against: its root key and what it accepted.

    ``revoked``: archived sites and their last accepted transaction; ``site_keys``: the
    public key of every site this store already knows (a site's key never changes).
    """

    coop_id: str
    root_public: str
    bundle_key: str | None
    archived_sites: frozenset[str] = frozenset()
    revoked: dict[str, int] = field(default_factory=dict)
    site_keys: dict[str, str] = field(default_factory=dict)
    # The sites this store lists: a root-signed (founding) certificate speaks only for one
    # of them, or for the founder of a coop this store is only now joining (it lists none).
    listed_sites: frozenset[str] = frozenset()


# A certificate chain longer than this is refused: no coop invites through 50 generations.
MAX_CHAIN = 50


def setup_new_coop_keys(store: Store, coop_id: str) -> keys.Certificate:
    """Keys for the founding site of a new coop. Returns its root-signed certificate.

    The root private key certifies this one site and is never stored.
    """
    root = keys.new_keypair()
    site = keys.new_keypair()
    certificate = keys.certify(
        root.private_hex,
        coop_id,
        store.site_id,
        site.public_hex,
        certified_by=keys.CERTIFIED_BY_ROOT,
        seq=0,
        kind="founding",
    )
    store.local_set("root_public", root.public_hex)
    store.local_set("site_private", site.private_hex)
    store.local_set("site_certificate", certificate.to_json())
    store.local_set("bundle_key", keys.new_symmetric_key())
    return certificate


def require_keys(store: Store) -> None:
    missing = [key for key in keys.LOCAL_KEYS if not store.local_get(key)]
    if missing:
        raise CoopDeskError(
            _(
                "This store has no sync keys (it was made before sync existed, or is "
                "damaged); it cannot make or read bundles."
            )
        )


def site_certificate(store: Store) -> keys.Certificate:
    return keys.Certificate.from_json(str(store.local_get("site_certificate")))


def certificate_chain(store: Store, site_id: str) -> list[dict]:
    """``site_id``'s certificate, its certifier's, and so on up to the root-signed one."""
    chain: list[dict] = []
    current = site_id
    while len(chain) < MAX_CHAIN:
        row = store.conn.execute("SELECT certificate FROM site WHERE id = ?", (current,)).fetchone()
        text = row[0] if row and row[0] else None
        if text is None and current == store.site_id:
            text = store.local_get("site_certificate")
        if not text:
            break
        certificate = keys.Certificate.from_json(str(text))
        chain.append(certificate.as_dict())
        if certificate.certified_by == keys.CERTIFIED_BY_ROOT:
            break
        current = certificate.certified_by
    return chain


@dataclass(frozen=True)
class Revocation:
    """An archived site: certificates it made after transaction ``after`` are worthless."""

    site_id: str
    after: int


def revocations(store: Store) -> dict[str, int]:
    """Archived sites and the last transaction of theirs still accepted."""
    return {
        site: int(after or 0)
        for site, after in store.conn.execute(
            "SELECT id, revoked_after FROM site WHERE _cl % 2 = 0"
        )
    }


def verify_chain(
    chain: object,
    coop_id: str,
    root_public: str,
    revoked: dict[str, int],
    listed_sites: frozenset[str] = frozenset(),
) -> dict[str, str] | None:
    """The public key of every site in a valid certificate chain, or None.

    Each certificate must be signed by the next one's key, and the last by the root key;
    a certificate made by an archived site after its last accepted transaction fails. The
    root-signed one must be for a site this store lists (unless it lists none: joining):
    a coop that ran CoopDesk's first version had its root key on every site, so that key
    may mint no new site.
    """
    if not isinstance(chain, list) or not chain or len(chain) > MAX_CHAIN:
        return None
    try:
        certificates = [keys.Certificate.from_dict(link) for link in chain]
    except ValueError:
        return None
    found: dict[str, str] = {}
    for position, certificate in enumerate(certificates):
        if certificate.coop_id != coop_id:
            return None
        if certificate.certified_by == keys.CERTIFIED_BY_ROOT:
            if position != len(certificates) - 1 or certificate.kind != "founding":
                return None
            if listed_sites and certificate.site_id not in listed_sites:
                return None
            signer = root_public
        else:
            if position + 1 >= len(certificates):
                return None
            certifier = certificates[position + 1]
            if certifier.site_id != certificate.certified_by:
                return None
            if (
                certificate.certified_by in revoked
                and certificate.seq > revoked[certificate.certified_by]
            ):
                return None
            signer = certifier.public_key
        if not keys.certificate_valid(signer, certificate):
            return None
        found[certificate.site_id] = certificate.public_key
    return found


def known_site_keys(store: Store) -> dict[str, str]:
    """The public key of every site whose certificate this store has accepted."""
    return {
        site: str(key)
        for site, key in store.conn.execute(
            "SELECT id, public_key FROM site WHERE public_key IS NOT NULL"
        )
    }


def trust_of(store: Store) -> Trust:
    require_keys(store)
    archived = {row[0] for row in store.conn.execute("SELECT id FROM site WHERE _cl % 2 = 0")}
    listed = {row[0] for row in store.conn.execute("SELECT id FROM site")}
    return Trust(
        coop_id=str(store.coop_id),
        root_public=str(store.local_get("root_public")),
        bundle_key=str(store.local_get("bundle_key")),
        archived_sites=frozenset(archived),
        revoked=revocations(store),
        site_keys=known_site_keys(store),
        listed_sites=frozenset(listed),
    )


def chain_json(store: Store, site_id: str) -> str:
    return json.dumps(certificate_chain(store, site_id), sort_keys=True)


def certificate_vouches(
    certificate: keys.Certificate,
    site_id: str,
    public_key: Any,
    origin: str,
    seq: int,
    site_keys: dict[str, str],
    trust: Trust,
    founds_the_coop: bool = False,
) -> bool:
    """Whether a site row's certificate, written by ``origin`` in ``seq``, vouches for its key.

    Invited: signed by the inviting site, in the very transaction that wrote the row, not
    after that site was archived. Founding: signed by the root key, written by the site
    itself, either in the transaction that founds the coop or for a site already listed (a
    site of a coop that ran CoopDesk's first version announcing its key). Successor: signed
    by the site's previous identity (a computer that had to take a new identity), written
    by the new identity itself.
    """
    if certificate.site_id != site_id or certificate.public_key != public_key:
        return False
    if certificate.coop_id != trust.coop_id:
        return False
    if certificate.certified_by == keys.CERTIFIED_BY_ROOT:
        return (
            certificate.kind == "founding"
            and origin == site_id
            and (founds_the_coop or site_id in trust.listed_sites)
            and keys.certificate_valid(trust.root_public, certificate)
        )
    signer = site_keys.get(certificate.certified_by)
    if signer is None:
        return False
    after = trust.revoked.get(certificate.certified_by)
    if after is not None and certificate.seq > after:
        return False
    if certificate.kind == "invited":
        if certificate.certified_by != origin or certificate.seq != seq:
            return False
    elif certificate.kind != "successor" or origin != site_id:
        return False
    return keys.certificate_valid(signer, certificate)


def site_rules(merge: Merge) -> dict[tuple[str, int], str]:
    """Hold every change that writes a site's key without a certificate vouching for it."""
    trust = trust_of(merge.store)
    site_keys = dict(trust.site_keys)
    held: dict[tuple[str, int], str] = {}
    for origin, seq, row_id, fields_text in merge.new_site_rows():
        try:
            fields = json.loads(fields_text)
            certificate = keys.Certificate.from_json(fields.get("certificate"))
        except (ValueError, TypeError, AttributeError):
            held[(origin, seq)] = "it writes a site's key without a valid certificate"
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
            site_keys[row_id] = certificate.public_key
        else:
            held[(origin, seq)] = "it writes a site's key that no certified site vouches for"
    return held


def founds_the_coop(conn: Any, origin: str, seq: int) -> bool:
    """Whether transaction ``seq`` of ``origin`` creates the coop (its first, founding one)."""
    return (
        conn.execute(
            "SELECT 1 FROM _change WHERE origin = ? AND seq = ? AND tbl = 'coop' AND op = 'insert'",
            (origin, seq),
        ).fetchone()
        is not None
    )


def announce_own_key(store: Store) -> bool:
    """Write this site's key and certificate into its synced row, if it is not there yet.

    A site of a coop that ran CoopDesk's first version kept its key only on this computer;
    once its row carries it, every site knows the key (and relays can be checked against
    it). Written by the member who last made a change here. True if it wrote.
    """
    row = store.conn.execute(
        "SELECT public_key FROM site WHERE id = ?", (store.site_id,)
    ).fetchone()
    if row is None or row[0]:
        return False
    certificate = site_certificate(store)
    author = (
        store.conn.execute(
            "SELECT c.author FROM _change c JOIN member m ON m.id = c.author AND m._cl % 2 = 1"
            " WHERE c.origin = ? ORDER BY c.lsn DESC LIMIT 1",
            (store.site_id,),
        ).fetchone()
        or store.conn.execute(
            "SELECT id FROM member WHERE _cl % 2 = 1 ORDER BY id LIMIT 1"
        ).fetchone()
    )
    if author is None:
        return False
    with store.transaction(str(author[0])) as tx:
        tx.update(
            "site",
            store.site_id,
            {"public_key": certificate.public_key, "certificate": certificate.to_json()},
        )
    return True


def archive_site(store: Store, author: str, site_id: str) -> int:
    """Archive a site: from now on, every site refuses its changes after the last one this
    site has (from any route). Needs the "sites" mandate. Returns that last sequence."""
    if site_id == store.site_id:
        raise ValidationError(_("This computer cannot archive its own site."))
    with store.transaction(author) as tx:
        site = store.require("site", site_id)
        if site["archived"]:
            raise ValidationError(
                _("The site {name} is already archived.").format(name=site["name"])
            )
        tx.use_mandate("sites", f"archived the site {site['name']}")
        after = store.version_vector().get(site_id, 0)
        tx.update("site", site_id, {"revoked_after": after})
        tx.archive("site", site_id)
    return after


def restore_site(store: Store, author: str, site_id: str) -> None:
    """Let an archived site take part again (the "sites" mandate)."""
    with store.transaction(author) as tx:
        site = store.require("site", site_id)
        if not site["archived"]:
            raise ValidationError(_("The site {name} is not archived.").format(name=site["name"]))
        tx.use_mandate("sites", f"restored the site {site['name']}")
        tx.restore("site", site_id)
        tx.update("site", site_id, {"revoked_after": None})


def check_trust(store: Store) -> list[str]:
    """For ``coopdesk check``: every origin's chain of seals matches its changes, its newest
    signed seal verifies with its key, and every site key has a certificate vouching for it."""
    if not store.local_get("site_private"):
        return []  # a bare store that never syncs keeps no seals
    problems: list[str] = []
    site_keys = known_site_keys(store)
    site_keys.setdefault(store.site_id, site_certificate(store).public_key)
    for (origin,) in store.conn.execute("SELECT DISTINCT origin FROM _change").fetchall():
        problems.extend(_check_chain(store, origin, site_keys.get(origin)))
    trust = trust_of(store)
    for site_id, key in site_keys.items():
        chain = certificate_chain(store, site_id)
        found = verify_chain(chain, trust.coop_id, trust.root_public, {}, trust.listed_sites)
        if not found or found.get(site_id) != key:
            problems.append(_("site {site}: its key has no valid certificate").format(site=site_id))
    return problems


def _check_chain(store: Store, origin: str, key: str | None) -> list[str]:
    digest = keys.GENESIS_DIGEST
    stored = {
        int(seq): (bytes(value), signature)
        for seq, value, signature in store.conn.execute(
            "SELECT seq, digest, signature FROM _seal WHERE origin = ?", (origin,)
        )
    }
    rows: list[tuple[Any, ...]] = []
    seq: int | None = None
    signed: tuple[int, bytes, bytes] | None = None
    cursor = store.conn.execute(
        "SELECT origin, seq, idx, hlc, author, tbl, row_id, op, cl, fields, versions"
        " FROM _change WHERE origin = ? ORDER BY seq, idx",
        (origin,),
    )
    for row in [*cursor, None]:
        if rows and (row is None or row[1] != seq):
            assert seq is not None
            digest = keys.transaction_digest(digest, rows)
            seal = stored.get(seq)
            if seal is None or seal[0] != digest:
                return [
                    _(
                        "site {site}: the seals of its changes do not match from change {seq}"
                    ).format(site=origin, seq=seq)
                ]
            if seal[1] is not None:
                signed = (seq, digest, bytes(seal[1]))
            rows = []
        if row is not None:
            seq = row[1]
            rows.append(row)
    if signed is not None and key is not None:
        seq, digest, signature = signed
        if not keys.verify(key, signature, keys.seal_message(origin, seq, digest)):
            return [
                _("site {site}: the signature of its changes up to {seq} is not its own").format(
                    site=origin, seq=seq
                )
            ]
    return []
