"""Keys and trust: who may speak for the coop, and how every change proves where it came from.

- The coop has a **root key** (Ed25519). Its public half is every site's trust anchor, kept
  locally (never in replicated data, where another site could rewrite it). Its private half
  certifies the founding site when the coop starts and is then thrown away: no computer
  holds it, so no stolen laptop or invitation can mint sites with it.
- Each site has its own **site key**. The founding site's is certified by the root key;
  every other site's by the site that invited it, in a signed, synced change (the site's
  row holds its public key and certificate) that every site checks, and only while the
  inviting site was not archived. A site's chain of certificates leads back to the root.
- Every transaction a site makes is **sealed**: a SHA-256 chain over all its transactions
  so far, signed with its key. Relays carry the seals unchanged, so a receiving site checks
  each origin's changes against that origin's own key: a relay can withhold changes, never
  alter, invent or reorder another site's. Bundles are signed by the sending site too.
- Bundle payloads can be encrypted with the coop's **bundle key** (ChaCha20-Poly1305), so
  a lost USB stick does not leak members' phone numbers.
- Invitations are encrypted with a key derived from a one-time passphrase (scrypt).

All secrets live in this site's store (table ``_local``), which never leaves the computer.

``cryptography`` is imported inside the functions that use it: the window opens, and most
commands run, without loading it.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from coopdesk.base import jsontext

CERT_CONTEXT = b"coopdesk-site-certificate-v2\x00"
SEAL_CONTEXT = b"coopdesk-transaction-seal-v1\x00"
# The digest before an origin's first transaction.
GENESIS_DIGEST = bytes(32)
PASSPHRASE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I to misread


class DecryptionError(Exception):
    """Ciphertext did not authenticate: wrong key or passphrase, or altered data."""


@dataclass(frozen=True)
class KeyPair:
    private_hex: str
    public_hex: str


# How a site's key was certified: by the coop's root key (the founding site, only when the
# coop starts: the root private key is then thrown away), by a site that invited it (a
# signed, synced change that every site checks), or by the site's own previous identity
# (a computer that had to take a new identity, after restoring a backup).
CERTIFIED_BY_ROOT = "root"
CERTIFICATE_KINDS = ("founding", "invited", "successor")


@dataclass(frozen=True)
class Certificate:
    """A statement that ``public_key`` speaks for ``site_id`` in ``coop_id``.

    Signed by the root key (``certified_by`` "root") or by the key of the site named in
    ``certified_by``, made in that site's transaction ``seq`` (so that a site archived later
    still vouches for the sites it invited before, and for none after).
    """

    coop_id: str
    site_id: str
    public_key: str
    certified_by: str
    seq: int
    kind: str
    signature: str

    def message(self) -> bytes:
        parts = (
            self.coop_id,
            self.site_id,
            self.public_key,
            self.certified_by,
            str(self.seq),
            self.kind,
        )
        return CERT_CONTEXT + "\x00".join(parts).encode()

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: Any) -> Certificate:
        if not isinstance(data, dict):
            raise ValueError("certificate is not an object")
        texts = ("coop_id", "site_id", "public_key", "certified_by", "kind", "signature")
        if set(data) != {*texts, "seq"} or not all(isinstance(data[f], str) for f in texts):
            raise ValueError("certificate has the wrong fields")
        seq = data["seq"]
        if type(seq) is not int or not 0 <= seq < 1 << 62:
            raise ValueError("certificate has a bad sequence number")
        if data["kind"] not in CERTIFICATE_KINDS or any(len(data[f]) > 200 for f in texts):
            raise ValueError("certificate has a bad kind or field")
        # Ids, hex and words only: a NUL would blur the signed message's fields, and text
        # that cannot be encoded (a lone surrogate) cannot be signed at all.
        if not all(data[f].isascii() and data[f].isprintable() for f in texts):
            raise ValueError("certificate has a bad character")
        return cls(**{f: data[f] for f in (*texts, "seq")})

    @classmethod
    def from_json(cls, text: Any) -> Certificate:
        if not isinstance(text, str) or len(text) > 2000:
            raise ValueError("certificate is not text")
        return cls.from_dict(jsontext.loads(text))


def new_keypair() -> KeyPair:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    return KeyPair(
        private_hex=private.private_bytes_raw().hex(),
        public_hex=private.public_key().public_bytes_raw().hex(),
    )


def sign(private_hex: str, message: bytes) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(private_hex)).sign(message)


def verify(public_hex: str, signature: bytes, message: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex)).verify(signature, message)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


class Signer:
    """A private key loaded once, for signing many seals (a demo, a big generation)."""

    def __init__(self, private_hex: str) -> None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        self.private_hex = private_hex
        self._key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(private_hex))

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)


def certify(
    certifier_private_hex: str,
    coop_id: str,
    site_id: str,
    site_public_hex: str,
    *,
    certified_by: str,
    seq: int,
    kind: str,
) -> Certificate:
    unsigned = Certificate(coop_id, site_id, site_public_hex, certified_by, seq, kind, "")
    signature = sign(certifier_private_hex, unsigned.message())
    return Certificate(coop_id, site_id, site_public_hex, certified_by, seq, kind, signature.hex())


def certificate_valid(certifier_public_hex: str, certificate: Certificate) -> bool:
    """Whether the certifier's key really signed this certificate."""
    try:
        signature = bytes.fromhex(certificate.signature)
    except ValueError:
        return False
    return verify(certifier_public_hex, signature, certificate.message())


# -- sealing each site's transactions -------------------------------------------------------


def transaction_digest(previous: bytes, rows: Sequence[Sequence[Any]]) -> bytes:
    """The hash chain of one origin: this transaction's changes after the previous digest.

    ``rows`` are the transaction's change-log rows (origin, seq, idx, hlc, author, tbl,
    row_id, op, cl, fields, versions) in ``idx`` order, exactly as logged: every site
    computes the same bytes from the same changes.
    """
    # The same bytes as ``json.dumps(rows, ensure_ascii=False, separators=(",", ":"))`` (a
    # tuple is written as an array), without building an encoder per transaction.
    canonical = _DIGEST_ENCODER.encode(rows).encode()
    return hashlib.sha256(previous + canonical).digest()


_DIGEST_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def seal_message(origin: str, seq: int, digest: bytes) -> bytes:
    """What an origin signs for its transaction ``seq``: the digest of its chain up to it."""
    return SEAL_CONTEXT + f"{origin}\x00{seq}\x00".encode() + digest


# -- symmetric encryption -------------------------------------------------------------------


def new_symmetric_key() -> str:
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    return ChaCha20Poly1305.generate_key().hex()


def encrypt(key_hex: str, nonce: bytes, plaintext: bytes, associated: bytes) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    return ChaCha20Poly1305(bytes.fromhex(key_hex)).encrypt(nonce, plaintext, associated)


def decrypt(key_hex: str, nonce: bytes, ciphertext: bytes, associated: bytes) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    try:
        return ChaCha20Poly1305(bytes.fromhex(key_hex)).decrypt(nonce, ciphertext, associated)
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError(str(exc) or "authentication failed") from None


# -- passphrases (invitations) --------------------------------------------------------------


def new_passphrase(groups: int = 4, size: int = 4) -> str:
    """Like ``K7PD-M3QX-9WTR-HF4C``: 80 bits, easy to read aloud and to type."""
    return "-".join(
        "".join(secrets.choice(PASSPHRASE_ALPHABET) for _ in range(size)) for _ in range(groups)
    )


def normalize_passphrase(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def passphrase_key(passphrase: str, salt: bytes) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    kdf = Scrypt(salt=salt, length=32, n=2**15, r=8, p=1)
    return kdf.derive(normalize_passphrase(passphrase).encode())


def seal_with_passphrase(passphrase: str, plaintext: bytes, associated: bytes) -> bytes:
    """salt (16) + nonce (12) + ciphertext."""
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    salt, nonce = os.urandom(16), os.urandom(12)
    key = passphrase_key(passphrase, salt)
    return salt + nonce + ChaCha20Poly1305(key).encrypt(nonce, plaintext, associated)


def open_with_passphrase(passphrase: str, sealed: bytes, associated: bytes) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    if len(sealed) < 28 + 16:
        raise DecryptionError("too short")
    salt, nonce, ciphertext = sealed[:16], sealed[16:28], sealed[28:]
    key = passphrase_key(passphrase, salt)
    try:
        return ChaCha20Poly1305(key).decrypt(nonce, ciphertext, associated)
    except InvalidTag:
        raise DecryptionError("wrong passphrase or damaged invitation") from None


# -- this site's keys in the store ------------------------------------------------------------

# The keys every site keeps in its store: the coop's root public key (the trust anchor),
# this site's private key and certificate, and the coop's bundle key. Never the root
# private key: no site can mint sites with it.
LOCAL_KEYS = ("root_public", "site_private", "site_certificate", "bundle_key")


def certificate_json(certificate: Certificate) -> str:
    return certificate.to_json()
