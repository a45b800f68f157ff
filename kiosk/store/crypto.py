"""AES-256-GCM sealing of item files and wrapping of item keys.

Each blob is ``MAGIC | nonce (12 bytes) | ciphertext+tag``. The associated
data binds a blob to its place (item id and kind), so a file copied onto
another item or another kind fails to open instead of showing the wrong
photo.
"""

from __future__ import annotations

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from engine_edge.errors import KeepsakeError

KEY_BYTES = 32
NONCE_BYTES = 12
MAGIC = b"KSK1"


class ItemUnreadable(KeepsakeError):
    """A stored file cannot be decrypted (its key was destroyed, or it was damaged)."""


def new_key() -> bytes:
    """A fresh random AES-256 key."""
    return secrets.token_bytes(KEY_BYTES)


def seal(key: bytes, plaintext: bytes, context: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return MAGIC + nonce + AESGCM(key).encrypt(nonce, plaintext, context)


def unseal(key: bytes, blob: bytes, context: bytes) -> bytes:
    if len(blob) < len(MAGIC) + NONCE_BYTES + 16 or not blob.startswith(MAGIC):
        raise ItemUnreadable("A stored file is damaged and cannot be shown.")
    nonce = blob[len(MAGIC) : len(MAGIC) + NONCE_BYTES]
    try:
        return AESGCM(key).decrypt(nonce, blob[len(MAGIC) + NONCE_BYTES :], context)
    except InvalidTag as exc:
        raise ItemUnreadable(
            "A stored file is damaged or its key is gone; it cannot be shown."
        ) from exc


def wrap_key(day_key: bytes, item_key: bytes, item_id: str) -> bytes:
    """Encrypt an item key under a day key, bound to the item's id."""
    return seal(day_key, item_key, b"item-key:" + item_id.encode())


def unwrap_key(day_key: bytes, wrapped: bytes, item_id: str) -> bytes:
    return unseal(day_key, wrapped, b"item-key:" + item_id.encode())


def file_context(item_id: str, kind: str) -> bytes:
    return f"file:{item_id}:{kind}".encode()


def caption_context(item_id: str) -> bytes:
    return f"caption:{item_id}".encode()
