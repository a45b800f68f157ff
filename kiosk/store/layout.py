"""Where everything of one store lives on disk (one place, so no module guesses a path).

``data_dir``::

    index.sqlite3 (+ -wal, -shm)   the index: a cache of the item files, plus the audit trail
    index.lock                    flock held while the index is created or replaced
    store.lock                    flock: shared while open, exclusive for repairs
    items/<id>/<kind>.enc         AES-256-GCM ciphertext, one random key per item
    items/<id>/meta.enc           the item's own metadata, sealed with its key
    items/<id>/wrap.key           the item key wrapped by a day key, and that key's ref
    items/.tmp-<id>/              an add in progress (renamed into place when complete)
    quarantine/<name>/            unreadable items and unreadable index copies, kept for staff
    events/<id>.json              events (name, day, opened, closed)
    clock.json, reserve.bin       the store clock (clock.py) and space kept for wiping

``key_dir`` (``data_dir/keys`` unless configured elsewhere) holds the day keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kiosk.store.files import TEMP_PREFIX

META = "meta.enc"
WRAP = "wrap.key"
INDEX_FILES = ("index.sqlite3", "index.sqlite3-wal", "index.sqlite3-shm")


@dataclass(frozen=True)
class Layout:
    data_dir: Path
    key_dir: Path

    @property
    def items_dir(self) -> Path:
        return self.data_dir / "items"

    @property
    def quarantine_dir(self) -> Path:
        return self.data_dir / "quarantine"

    @property
    def events_dir(self) -> Path:
        return self.data_dir / "events"

    @property
    def index_path(self) -> Path:
        return self.data_dir / INDEX_FILES[0]

    def item_dir(self, item_id: str) -> Path:
        return self.items_dir / item_id

    def staging_dir(self, item_id: str) -> Path:
        return self.items_dir / f"{TEMP_PREFIX}{item_id}"

    def blob(self, item_id: str, kind: str) -> Path:
        return self.item_dir(item_id) / f"{kind}.enc"

    def meta(self, item_id: str) -> Path:
        return self.item_dir(item_id) / META

    def wrap(self, item_id: str) -> Path:
        return self.item_dir(item_id) / WRAP
