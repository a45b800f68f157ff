"""The parts of the store every operation shares: the open index, the keys, the clock.

Keys are only chosen, made or shredded while holding SQLite's write lock
(``BEGIN IMMEDIATE``), the one lock every process sharing the store takes to
write: so a key cannot be shredded between another process choosing it for a
new item and committing that item, and there is no second lock to order.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import logging
import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from engine_edge.errors import KeepsakeError, OutputUnwritable, StorageFull
from kiosk.store import crypto, files, index, records
from kiosk.store.clock import StoreClock, utc
from kiosk.store.events import EventBook
from kiosk.store.keystore import FileKeyStore
from kiosk.store.layout import INDEX_FILES, Layout
from kiosk.store.model import ItemNotFound, StoreUnavailable

log = logging.getLogger("kiosk.store")

DAY_S = 86400.0
ID_PATTERN = re.compile(r"^[0-9a-f]{16}$")
RESERVE_BYTES = 256 << 10


def utc_day(ts_s: float) -> dt.date:
    return utc(ts_s).date()


class StoreCore:
    """An open store folder: layout, index connection, key store, clock and locks."""

    def __init__(self, data_dir: Path, key_dir: Path | None, clock: StoreClock | None) -> None:
        data_dir = Path(data_dir)
        self._lock = threading.RLock()
        self.notes: list[str] = []  # what opening had to do (an index moved aside), for the check
        try:
            files.ensure_dir(data_dir)
            self.layout = Layout(data_dir, Path(key_dir) if key_dir else data_dir / "keys")
            files.ensure_dir(self.layout.items_dir)
            self.keys = FileKeyStore(self.layout.key_dir)
            self.event_book = EventBook(self.layout.events_dir)
            self._lock_fd = os.open(data_dir / "store.lock", os.O_RDWR | os.O_CREAT, 0o600)
        except (OSError, StorageFull, OutputUnwritable) as exc:
            raise StoreUnavailable(
                f"The portrait store at {data_dir} cannot be opened: {exc}"
            ) from exc
        fcntl.flock(self._lock_fd, fcntl.LOCK_SH)
        self.clock = clock or StoreClock(data_dir / "clock.json")
        if self.free_bytes() < 2 * RESERVE_BYTES:
            self.release_reserve()  # room for the WAL, so a full disk can still be wiped
        try:
            self.db = self._open_index()
        except BaseException:
            os.close(self._lock_fd)
            raise
        self.keep_reserve()

    @property
    def data_dir(self) -> Path:
        return self.layout.data_dir

    def _open_index(self) -> sqlite3.Connection:
        """Open the index; one that is not a database is moved to the quarantine, not lost."""
        path = self.layout.index_path
        with index.creation_lock(self.data_dir):
            try:
                return index.connect(path)
            except sqlite3.DatabaseError as exc:
                if files.is_disk_full(exc) or self.free_bytes() < RESERVE_BYTES:
                    raise files.storage_full(self.data_dir) from exc
                if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                    raise StoreUnavailable(
                        f"The portrait index in {self.data_dir} is busy ({exc}); try again."
                    ) from exc
                moved = self._set_index_aside(str(exc))
            try:
                return index.connect(path)
            except sqlite3.Error as exc:
                raise StoreUnavailable(
                    f"The portrait index in {self.data_dir} cannot be opened ({exc})."
                ) from exc
            finally:
                self.notes.append(
                    f"the index was unreadable and was moved to {moved}; "
                    "it is rebuilt from the item files"
                )

    def _set_index_aside(self, why: str) -> Path:
        dest = self.layout.quarantine_dir / f"index-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"
        files.ensure_dir(dest)
        for name in INDEX_FILES:
            with contextlib.suppress(FileNotFoundError):
                os.replace(self.data_dir / name, dest / name)
        files.write_atomic(dest / "reason.txt", f"index unreadable: {why}\n".encode())
        files.fsync_dir(self.data_dir)
        log.error("store: the index was unreadable (%s); moved to %s", why, dest)
        return dest

    def close(self) -> None:
        with self._lock:
            if self._lock_fd < 0:
                return
            self.db.close()
            os.close(self._lock_fd)
            self._lock_fd = -1

    # -- locks and transactions -------------------------------------------------------------

    def try_exclusive(self) -> bool:
        """True when no other process has the store open (until release_exclusive)."""
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def release_exclusive(self) -> None:
        fcntl.flock(self._lock_fd, fcntl.LOCK_SH)

    @contextlib.contextmanager
    def tx(self, *, use_reserve: bool = False) -> Iterator[sqlite3.Connection]:
        """One durable transaction; a full disk becomes StorageFull with nothing committed.

        Deletions (``use_reserve``) first give back the reserve file when space is
        short: freeing space must work on a full disk.
        """
        if use_reserve and self.free_bytes() < 2 * RESERVE_BYTES:
            self.release_reserve()
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
                self.db.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    self.db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            if files.is_disk_full(exc):
                raise files.storage_full(self.data_dir) from exc
            raise StoreUnavailable(f"The portrait index could not be updated ({exc}).") from exc

    def truncate_wal(self) -> None:
        try:
            if not index.truncate_wal(self.db):
                log.debug("WAL checkpoint busy; it will be truncated on a later write")
        except sqlite3.Error as exc:
            log.warning("WAL checkpoint failed: %s", exc)

    def audit(
        self, db: sqlite3.Connection, at_s: float, action: str, item_id: str | None, detail: str
    ) -> None:
        db.execute(
            "INSERT INTO audit (at_s, action, item_id, detail) VALUES (?,?,?,?)",
            (at_s, action, item_id, detail),
        )
        db.execute(
            "DELETE FROM audit WHERE seq <= (SELECT MAX(seq) FROM audit) - ?",
            (index.AUDIT_KEEP_ROWS,),
        )

    # -- space ------------------------------------------------------------------------------

    def free_bytes(self) -> int:
        try:
            st = os.statvfs(self.data_dir)
        except OSError:
            return 1 << 62  # unknown: let the write itself find out
        return st.f_bavail * st.f_frsize

    def keep_reserve(self) -> None:
        path = self.data_dir / "reserve.bin"
        if path.exists():
            return
        with contextlib.suppress(KeepsakeError, OSError):
            files.write_atomic(path, bytes(RESERVE_BYTES))

    def release_reserve(self) -> bool:
        return files.remove_file(self.data_dir / "reserve.bin") > 0

    # -- rows and keys ----------------------------------------------------------------------

    def row(self, item_id: str) -> sqlite3.Row:
        if not isinstance(item_id, str) or not ID_PATTERN.match(item_id):
            raise ItemNotFound(f"There is no portrait with the id {item_id!r}.")
        row = self.db.execute("SELECT * FROM items WHERE id=?", (item_id,)).fetchone()
        if row is None:
            raise ItemNotFound(f"The portrait {item_id} is no longer stored.")
        return row

    def day_key(self, ref: str) -> bytes:
        key = self.keys.key(ref)
        if key is None:
            raise ItemNotFound("This portrait's key has been destroyed.")
        return key

    def current_key(self, day: dt.date) -> tuple[str, bytes]:
        """The key new wraps for ``day`` use (made if needed); call inside a write transaction."""
        ref = self.keys.current_ref(day, create=True)
        key = self.keys.key(ref) if ref else None
        if ref is None or key is None:
            raise StoreUnavailable(f"The key folder {self.keys.key_dir} cannot be used.")
        return ref, key

    def item_key(self, row: sqlite3.Row) -> bytes:
        """Unwrap an item's key; ItemNotFound when its day key is gone, ItemUnreadable when
        the wrapped key is damaged."""
        for _ in range(2):
            key = self.keys.key(row["key_day"])
            if key is not None:
                return crypto.unwrap_key(key, row["wrapped_key"], row["id"])
            fresh = self.db.execute("SELECT * FROM items WHERE id=?", (row["id"],)).fetchone()
            if fresh is None or fresh["key_day"] == row["key_day"]:
                break
            row = fresh  # another process rotated the day's key meanwhile
        raise ItemNotFound("This portrait's key has been destroyed.")

    def wrap_under(
        self, db: sqlite3.Connection, item_id: str, item_key: bytes, day: dt.date
    ) -> tuple[str, bytes]:
        """Wrap an item key under ``day``'s current key and write the item's wrap record;
        inside a write transaction, which must then store the same (ref, wrapped) in the row."""
        ref, day_key = self.current_key(day)
        wrapped = crypto.wrap_key(day_key, item_key, item_id)
        if self.layout.item_dir(item_id).is_dir():
            records.write_wrap(self.layout.wrap(item_id), ref, wrapped)
        return ref, wrapped

    def caption_of(self, row: sqlite3.Row, item_key: bytes) -> str | None:
        if row["caption"] is None:
            return None
        return crypto.unseal(item_key, row["caption"], crypto.caption_context(row["id"])).decode()

    def meta_of(
        self, db: sqlite3.Connection, row: sqlite3.Row, item_key: bytes
    ) -> records.ItemMeta:
        sizes = db.execute(
            "SELECT kind, size_bytes FROM files WHERE item_id=? ORDER BY kind", (row["id"],)
        ).fetchall()
        return records.ItemMeta(
            created_s=row["created_s"],
            expires_s=row["expires_s"],
            pinned=bool(row["pinned"]),
            caption=self.caption_of(row, item_key),
            preset=row["preset"],
            consent=bool(row["consent"]),
            event_id=row["event_id"],
            hidden=bool(row["hidden"]),
            files=tuple((k, int(n)) for k, n in sizes),
        )

    def rewrite_meta(self, db: sqlite3.Connection, item_id: str) -> None:
        """Bring an item's sealed record in line with its row (inside the same transaction)."""
        row = db.execute("SELECT * FROM items WHERE id=?", (item_id,)).fetchone()
        if row is None or not self.layout.item_dir(item_id).is_dir():
            return
        item_key = self.item_key(row)
        meta = self.meta_of(db, row, item_key)
        records.write_meta(self.layout.meta(item_id), item_key, item_id, meta)

    def seal_blob(self, item_id: str, item_key: bytes, kind: str, data: bytes, folder: Path) -> int:
        """Encrypt ``data`` into ``folder/<kind>.enc``; returns the plaintext size."""
        blob = crypto.seal(item_key, bytes(data), crypto.file_context(item_id, kind))
        if self.free_bytes() < len(blob) + RESERVE_BYTES:
            # Saving stops a little before the disk is full: the last bit is for wiping.
            raise files.storage_full(self.data_dir)
        files.write_atomic(folder / f"{kind}.enc", blob)
        return len(data)
