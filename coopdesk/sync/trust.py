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
            "This store has no sync keys (it was made before sync existed, or is damaged); "
            "it cannot make or read bundles."
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
    chain: object, coop_id: str, root_public: str, revoked: dict[str, int]
) -> dict[str, str] | None:
    """The public key of every site in a valid certificate chain, or None.

    Each certificate must be signed by the next one's key, and the last by the root key;
    a certificate made by an archived site after its last accepted transaction fails.
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
    return Trust(
        coop_id=str(store.coop_id),
        root_public=str(store.local_get("root_public")),
        bundle_key=str(store.local_get("bundle_key")),
        archived_sites=frozenset(archived),
        revoked=revocations(store),
        site_keys=known_site_keys(store),
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
) -> bool:
    """Whether a site row's certificate, written by ``origin`` in ``seq``, vouches for its key.

    Invited: signed by the inviting site, in the very transaction that wrote the row, not
    after that site was archived. Founding: signed by the root key. Successor: signed by the
    site's previous identity (a computer that had to take a new identity), written by the
    new identity itself.
    """
    if certificate.site_id != site_id or certificate.public_key != public_key:
        return False
    if certificate.coop_id != trust.coop_id:
        return False
    if certificate.certified_by == keys.CERTIFIED_BY_ROOT:
        return certificate.kind == "founding" and keys.certificate_valid(
            trust.root_public, certificate
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
            certificate, row_id, fields.get("public_key"), origin, seq, site_keys, trust
        ):
            site_keys[row_id] = certificate.public_key
        else:
            held[(origin, seq)] = "it writes a site's key that no certified site vouches for"
    return held


def archive_site(store: Store, author: str, site_id: str) -> int:
    """Archive a site: from now on, every site refuses its changes after the last one this
    site has (from any route). Needs the "sites" mandate. Returns that last sequence."""
    if site_id == store.site_id:
        raise ValidationError("This computer cannot archive its own site.")
    with store.transaction(author) as tx:
        site = store.require("site", site_id)
        if site["archived"]:
            raise ValidationError(f"The site {site['name']} is already archived.")
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
            raise ValidationError(f"The site {site['name']} is not archived.")
        tx.use_mandate("sites", f"restored the site {site['name']}")
        tx.restore("site", site_id)
        tx.update("site", site_id, {"revoked_after": None})
