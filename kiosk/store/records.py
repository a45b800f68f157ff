"""An item's own records, kept beside its files so a lost index can be rebuilt from them.

``wrap.key`` holds the ref of the day key and the item key wrapped under it
(the same two values as the index row; without the day key it opens nothing).
``meta.enc`` holds everything else the index knows about the item, sealed with
the item's own key, so it is as private as the photo.
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from kiosk.store import crypto, files

_WRAP_MAGIC = "keepsake-wrap-1"


@dataclass(frozen=True)
class ItemMeta:
    """What the index row says about an item (not its position in the loop)."""

    created_s: float
    expires_s: float
    pinned: bool
    caption: str | None
    preset: str | None
    consent: bool
    event_id: str | None
    hidden: bool
    files: tuple[tuple[str, int], ...]  # (kind, plaintext size in bytes)


def meta_context(item_id: str) -> bytes:
    return f"meta:{item_id}".encode()


def write_meta(path: Path, item_key: bytes, item_id: str, meta: ItemMeta) -> None:
    plain = json.dumps(asdict(meta), sort_keys=True).encode()
    files.write_atomic(path, crypto.seal(item_key, plain, meta_context(item_id)))


def read_meta(path: Path, item_key: bytes, item_id: str) -> ItemMeta:
    """The sealed metadata; ItemUnreadable when damaged, FileNotFoundError when absent."""
    plain = crypto.unseal(item_key, files.read_bytes(path), meta_context(item_id))
    try:
        raw = json.loads(plain)
        raw["files"] = tuple((str(k), int(n)) for k, n in raw["files"])
        return ItemMeta(**raw)
    except (ValueError, TypeError, KeyError) as exc:
        raise crypto.ItemUnreadable("A portrait's record is damaged.") from exc


def write_wrap(path: Path, ref: str, wrapped: bytes) -> None:
    record = {"v": _WRAP_MAGIC, "ref": ref, "wrapped": base64.b64encode(wrapped).decode()}
    files.write_atomic(path, json.dumps(record).encode())


def read_wrap(path: Path) -> tuple[str, bytes] | None:
    """(day key ref, wrapped item key), or None when the record is absent or damaged."""
    try:
        record = json.loads(files.read_bytes(path))
        if record.get("v") != _WRAP_MAGIC:
            return None
        return str(record["ref"]), base64.b64decode(record["wrapped"], validate=True)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
