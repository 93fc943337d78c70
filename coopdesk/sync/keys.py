"""Keys and trust: who may speak for the coop, and how a bundle proves where it came from.

- The coop has a **root key** (Ed25519). Its public half is this site's trust anchor, kept
  locally (never in replicated data, where another site could rewrite it). Every site holds
  the private half too, so any site can invite a new one: the federation has no centre.
- Each site has its own **site key**, certified by the root key. Bundles are signed by the
  sending site's key and carry its certificate, so a receiving site needs nothing but the
  root public key to check them.
- Bundle payloads can be encrypted with the coop's **bundle key** (ChaCha20-Poly1305), so
  a lost USB stick does not leak members' phone numbers.
- Invitations are encrypted with a key derived from a one-time passphrase (scrypt).

All secrets live in this site's store (table ``_local``), which never leaves the computer.

``cryptography`` is imported inside the functions that use it: the window opens, and most
commands run, without loading it.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass
from typing import Any

CERT_CONTEXT = b"coopdesk-site-certificate-v1\x00"
PASSPHRASE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I to misread


class DecryptionError(Exception):
    """Ciphertext did not authenticate: wrong key or passphrase, or altered data."""


@dataclass(frozen=True)
class KeyPair:
    private_hex: str
    public_hex: str


@dataclass(frozen=True)
class Certificate:
    """The root key's statement that ``public_key`` speaks for ``site_id`` in ``coop_id``."""

    coop_id: str
    site_id: str
    public_key: str
    signature: str

    def message(self) -> bytes:
        return CERT_CONTEXT + "\x00".join((self.coop_id, self.site_id, self.public_key)).encode()

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> Certificate:
        if not isinstance(data, dict):
            raise ValueError("certificate is not an object")
        fields = ("coop_id", "site_id", "public_key", "signature")
        if set(data) != set(fields) or not all(isinstance(data[f], str) for f in fields):
            raise ValueError("certificate has the wrong fields")
        return cls(**{f: data[f] for f in fields})


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
    except (InvalidSignature, ValueError):
        return False
    return True


def certify(root_private_hex: str, coop_id: str, site_id: str, site_public_hex: str) -> Certificate:
    unsigned = Certificate(coop_id, site_id, site_public_hex, "")
    signature = sign(root_private_hex, unsigned.message())
    return Certificate(coop_id, site_id, site_public_hex, signature.hex())


def certificate_valid(root_public_hex: str, certificate: Certificate) -> bool:
    try:
        signature = bytes.fromhex(certificate.signature)
    except ValueError:
        return False
    return verify(root_public_hex, signature, certificate.message())


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

LOCAL_KEYS = ("root_public", "root_private", "site_private", "site_certificate", "bundle_key")


def certificate_json(certificate: Certificate) -> str:
    return json.dumps(certificate.as_dict(), sort_keys=True)
