"""This site's keys and identity, as kept in its store.

Key material lives in the local table ``_local`` (never replicated): the coop root key pair,
this site's key pair and certificate, and the coop bundle key. See ``coopdesk.keys`` for
what each is for.

A site's identity itself (and taking a new one) is in ``coopdesk.site_identity``.
"""

from __future__ import annotations

import json

from coopdesk.base.errors import CoopDeskError
from coopdesk.store.store import Store
from coopdesk.sync import keys
from coopdesk.sync.bundle import Trust


def setup_new_coop_keys(store: Store, coop_id: str) -> None:
    """Keys for the first site of a new coop: a root key pair and this site's certificate."""
    root = keys.new_keypair()
    site = keys.new_keypair()
    certificate = keys.certify(root.private_hex, coop_id, store.site_id, site.public_hex)
    store.local_set("root_public", root.public_hex)
    store.local_set("root_private", root.private_hex)
    store.local_set("site_private", site.private_hex)
    store.local_set("site_certificate", keys.certificate_json(certificate))
    store.local_set("bundle_key", keys.new_symmetric_key())


def require_keys(store: Store) -> None:
    missing = [key for key in keys.LOCAL_KEYS if not store.local_get(key)]
    if missing:
        raise CoopDeskError(
            "This store has no sync keys (it was made before sync existed, or is damaged); "
            "it cannot make or read bundles."
        )


def site_certificate(store: Store) -> keys.Certificate:
    return keys.Certificate.from_dict(json.loads(str(store.local_get("site_certificate"))))


def trust_of(store: Store) -> Trust:
    require_keys(store)
    archived = {row[0] for row in store.conn.execute("SELECT id FROM site WHERE _cl % 2 = 0")}
    return Trust(
        coop_id=str(store.coop_id),
        root_public=str(store.local_get("root_public")),
        bundle_key=str(store.local_get("bundle_key")),
        archived_sites=frozenset(archived),
    )
