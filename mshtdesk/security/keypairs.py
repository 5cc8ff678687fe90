"""Each user's two key pairs and what they are for.

An X25519 pair receives the data key *sealed* to it: anyone may seal (an administrator rekeying needs
no password), only the holder of the private key can open. An Ed25519 pair signs audit events, so an
event written by one user cannot be rewritten by another. Both private keys are kept encrypted under
the user's password (``mshtdesk.security.keyring``); the public keys are in clear.

The sealed box is the usual construction from standard parts: an ephemeral X25519 key agreement,
HKDF-SHA256 over the shared secret with both public keys in its info, and AES-256-GCM with the caller's
context (user name and key number) as associated data, so a sealed copy moved to another user or
another key number does not open.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SEAL_INFO = b"mshtdesk sealed box v1"


def b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def unb64(s: str) -> bytes:
    return base64.b64decode(s.encode("ascii"), validate=True)


@dataclass(frozen=True)
class Sealed:
    ephemeral: bytes
    nonce: bytes
    box: bytes


def _box_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(SHA256(), 32, salt=None, info=SEAL_INFO + ephemeral + recipient).derive(shared)


def seal(recipient_public: bytes, secret: bytes, context: bytes) -> Sealed:
    """``secret`` readable only with the private key of ``recipient_public``."""
    ephemeral = X25519PrivateKey.generate()
    eph_public = ephemeral.public_key().public_bytes_raw()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    nonce = secrets.token_bytes(12)
    box = AESGCM(_box_key(shared, eph_public, recipient_public)).encrypt(nonce, secret, context)
    return Sealed(eph_public, nonce, box)


def unseal(private: X25519PrivateKey, sealed: Sealed, context: bytes) -> bytes | None:
    """The sealed secret, or None if it was not sealed to this key in this context (or was altered)."""
    recipient = private.public_key().public_bytes_raw()
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(sealed.ephemeral))
        return AESGCM(_box_key(shared, sealed.ephemeral, recipient)).decrypt(
            sealed.nonce, sealed.box, context
        )
    except (InvalidTag, ValueError):
        return None


def verify_signature(public: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True)
class Signer:
    """A logged-in user's signing key: what the audit log signs their events with (never printed)."""

    user_id: int
    private: Ed25519PrivateKey = field(repr=False, compare=False)

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)

    @property
    def public(self) -> bytes:
        return self.private.public_key().public_bytes_raw()


def public_of(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes_raw()
