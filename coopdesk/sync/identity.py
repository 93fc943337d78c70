"""This computer's site identity, and taking a new one when it must.

A site identity must never be shared by two computers: two different changes would carry
the same (site, sequence) and sites would silently diverge. Restoring a backup or copying
a store makes exactly that possible, so both mint a fresh identity (``mint_new_identity``):
a new site id, key pair and certificate, while the old identity's changes stay in the log
as another site's history.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from coopdesk.store import keys
from coopdesk.store.ids import new_id
from coopdesk.store.store import Store

IDENTITY_NOTICE = "identity_notice"


def mint_new_identity(store: Store, author: str, reason: str, retire_old: bool = False) -> str:
    """Give this store a new site identity; call inside an open write transaction.

    Returns the new site id. The old identity stays in the log and the site table as an
    earlier identity of this computer; its changes keep syncing like any other site's.
    ``retire_old`` (after restoring a backup, when no computer uses the old identity any
    more) records that the new identity replaces it, so other sites stop waiting for it.
    """

    old_site = store.site_id
    old_row = store.get("site", old_site)
    site_id = new_id()
    pair = keys.new_keypair()
    # The old identity vouches for the new one: same computer, same keys until now.
    certificate = keys.certify(
        str(store.local_get("site_private")),
        str(store.coop_id),
        site_id,
        pair.public_hex,
        certified_by=old_site,
        seq=store.last_seq,
        kind="successor",
    )
    previous = json.loads(str(store.local_get("previous_site_ids", "[]")))
    store.local_set("previous_site_ids", json.dumps([*previous, old_site]))
    store.local_set("site_id", site_id)
    store.local_set("last_seq", 0)
    store.local_set("site_private", pair.private_hex)
    store.local_set("site_certificate", keys.certificate_json(certificate))
    store.local_set("last_bundle_seq", 0)
    name = old_row["name"] if old_row else "This site"
    with store.changes_within_open_transaction(author) as tx:
        fields = {"name": name, "public_key": pair.public_hex, "certificate": certificate.to_json()}
        tx.insert("site", fields, row_id=site_id)
        if retire_old and old_row is not None:
            tx.update("site", old_site, {"replaced_by": site_id})
    notice = (
        f"{reason} To keep every site's changes apart, this computer now uses a new site "
        f"identity ({site_id[:8]}) instead of {old_site[:8]}. Nothing was lost: changes made "
        "under the old identity keep syncing as that identity's history."
    )
    store.local_set(IDENTITY_NOTICE, json.dumps({"text": notice, "at": time.time()}))
    return site_id


@dataclass(frozen=True)
class IdentityNotice:
    """Why and when this computer last took a new site identity."""

    text: str
    at: float


def latest_identity_notice(store: Store) -> IdentityNotice | None:
    value = store.local_get(IDENTITY_NOTICE)
    if not value:
        return None
    data = json.loads(str(value))
    return IdentityNotice(text=str(data["text"]), at=float(data["at"]))


def identity_notice(store: Store) -> str | None:
    notice = latest_identity_notice(store)
    return notice.text if notice else None


def previous_site_ids(store: Store) -> list[str]:
    return json.loads(str(store.local_get("previous_site_ids", "[]")))
