"""The private store: every portrait encrypted with its own key, and forgotten on time.

Layout of ``data_dir``::

    index.sqlite3 (+ -wal, -shm)   items, files, audit (WAL, synchronous=FULL, secure_delete)
    items/<id>/<kind>.enc         AES-256-GCM ciphertext, one random key per item
    clock.json                    the store clock's record (see clock.py)
    reserve.bin                   a little space held back so a full disk can still be wiped
    store.lock                    flock: repairs run only when no one else has the store open

and ``key_dir`` (``data_dir/keys`` unless configured elsewhere) holds the day
keys. An item's key is wrapped by a key of the day it expires on. Deleting
items (by hand or on expiry) shreds their day's key when no item of that day
is left, and otherwise rotates it (keystore.py); at the end of a day its keys
are shredded in any case. So a deleted item cannot be decrypted again even
where flash blocks of its files or of the index survive.

Write order makes every crash harmless: the encrypted file first (temp +
fsync + rename + dir fsync), then one SQLite transaction that chooses (or
durably makes) the day key and makes the item visible. Deletion runs the
other way: the rows (and with them the wrapped keys) go first, in the same
transaction as the rotation of their day keys; once that is committed, the day
key versions no item uses any more are shredded, then the files. Anything left
over by a crash is ciphertext whose key never existed or no longer does, or a
key no item uses, and the self-check removes both.

Keys are only chosen, made or shredded while holding SQLite's write lock
(``BEGIN IMMEDIATE``), the one lock every process sharing the store takes to
write: so a key cannot be shredded between another process choosing it for a
new item and committing that item, and there is no second lock to order.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import logging
import os
import re
import secrets
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from engine_edge.compat import UTC
from engine_edge.errors import ConfigInvalid, KeepsakeError, OutputUnwritable, StorageFull
from kiosk.store import crypto, files, index
from kiosk.store.clock import StoreClock
from kiosk.store.keystore import FileKeyStore, ref_day
from kiosk.store.model import (
    AuditEntry,
    Item,
    ItemNotFound,
    RepairReport,
    StoreUnavailable,
    WipeReport,
)

log = logging.getLogger(__name__)

DAY_S = 86400.0
KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
ID_PATTERN = re.compile(r"^[0-9a-f]{16}$")
MAX_CAPTION_CHARS = 200
RESERVE_BYTES = 256 << 10
ORPHAN_GRACE_S = 3600.0
KINDS = ("photo", "clip", "audio", "thumb")


def _utc(ts_s: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(ts_s, tz=UTC)


def _utc_day(ts_s: float) -> dt.date:
    return _utc(ts_s).date()


def _timestamp(value: dt.datetime | float | None) -> float | None:
    if value is None or isinstance(value, (int, float)):
        return value
    if value.tzinfo is None:
        raise ValueError("use a timezone-aware datetime")
    return value.timestamp()


class Store:
    """Items indexed in SQLite, files encrypted per item, keys in a separate key store.

    Thread-safe within a process (one lock around each operation); several
    processes (the kiosk, the wipe timer, the CLI) may open the same store.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        retention_days: int = 7,
        max_retention_days: int = 30,
        key_dir: Path | None = None,
        clock: StoreClock | None = None,
        check_on_open: bool = True,
    ) -> None:
        if not 1 <= max_retention_days <= 3650:
            raise ConfigInvalid("The maximum retention must be between 1 and 3650 days.")
        self.max_retention_days = max_retention_days
        self.retention_days = self._valid_retention(retention_days)
        self.data_dir = Path(data_dir)
        self._lock = threading.RLock()
        try:
            files.ensure_dir(self.data_dir)
            files.ensure_dir(self.data_dir / "items")
            self.keys = FileKeyStore(Path(key_dir) if key_dir else self.data_dir / "keys")
            self._lock_fd = os.open(self.data_dir / "store.lock", os.O_RDWR | os.O_CREAT, 0o600)
        except (OSError, StorageFull, OutputUnwritable) as exc:
            raise StoreUnavailable(
                f"The portrait store at {self.data_dir} cannot be opened: {exc}"
            ) from exc
        fcntl.flock(self._lock_fd, fcntl.LOCK_SH)
        self.clock = clock or StoreClock(self.data_dir / "clock.json")
        if self._free_bytes() < 2 * RESERVE_BYTES:
            self._release_reserve()  # room for the WAL, so a full disk can still be wiped
        try:
            self._db = index.connect(self.data_dir / "index.sqlite3")
        except sqlite3.Error as exc:
            os.close(self._lock_fd)
            if files.is_disk_full(exc) or self._free_bytes() < RESERVE_BYTES:
                raise files.storage_full(self.data_dir) from exc
            raise StoreUnavailable(
                f"The portrait index in {self.data_dir} cannot be opened ({exc})."
            ) from exc
        self._keep_reserve()
        self.last_repair: RepairReport | None = self.check() if check_on_open else None

    # -- life cycle -------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            if self._lock_fd < 0:
                return
            self._db.close()
            os.close(self._lock_fd)
            self._lock_fd = -1

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _valid_retention(self, days: int) -> int:
        if not isinstance(days, int) or not 1 <= days <= self.max_retention_days:
            raise ConfigInvalid(
                f"Retention must be a whole number of days from 1 to {self.max_retention_days}."
            )
        return days

    def set_retention_days(self, days: int) -> tuple[str, ...]:
        """Staff change the retention: it applies to new items, and a shorter one to kept items too.

        A guest agreed to the retention shown at the time, so a longer setting never
        extends what is already kept, while a shorter one brings forward the end of
        every unpinned item. Returns the ids whose expiry moved.
        """
        days = self._valid_retention(days)
        with self._lock:
            self.retention_days = days
            rows = self._db.execute(
                "SELECT * FROM items WHERE pinned=0 AND expires_s > created_s + ?", (days * DAY_S,)
            ).fetchall()
            if not rows:
                return ()
            item_keys = {row["id"]: self._item_key(row) for row in rows}
            with self._tx() as db:
                updates = []
                for row in rows:
                    expires_s = row["created_s"] + days * DAY_S
                    ref, day_key = self._current_key(_utc_day(expires_s))
                    wrapped = crypto.wrap_key(day_key, item_keys[row["id"]], row["id"])
                    updates.append((expires_s, ref, wrapped, row["id"]))
                db.executemany(
                    "UPDATE items SET expires_s=?, key_day=?, wrapped_key=? WHERE id=?", updates
                )
                self._audit(
                    db,
                    self.clock.now(),
                    "retention-shortened",
                    None,
                    f"days={days} items={len(updates)}",
                )
            self._truncate_wal()
            return tuple(u[3] for u in updates)

    # -- writing ----------------------------------------------------------------------------

    def add_item(
        self,
        photo: bytes,
        *,
        consent: bool,
        preset: str | None = None,
        caption: str | None = None,
    ) -> str:
        """Store a scanned photo as a new item; returns its id once it is durable."""
        if not photo:
            raise KeepsakeError("The photo is empty; scan it again.")
        caption = self._clean_caption(caption)
        with self._lock:
            now_s = self.clock.now()
            expires_s = now_s + self.retention_days * DAY_S
            item_id = secrets.token_hex(8)
            item_key = crypto.new_key()
            item_dir = self.data_dir / "items" / item_id
            try:
                files.ensure_dir(item_dir)
                size = self._write_blob(item_id, item_key, "photo", photo)
                sealed_caption = (
                    crypto.seal(item_key, caption.encode(), crypto.caption_context(item_id))
                    if caption
                    else None
                )
                with self._tx() as db:
                    # The day key is chosen (or made) under the write lock: see keystore.py.
                    ref, day_key = self._current_key(_utc_day(expires_s))
                    (position,) = db.execute(
                        "SELECT COALESCE(MAX(position) + 1, 0) FROM items"
                    ).fetchone()
                    db.execute(
                        "INSERT INTO items (id, created_s, expires_s, key_day, wrapped_key, pinned,"
                        " caption, preset, consent, position) VALUES (?,?,?,?,?,0,?,?,?,?)",
                        (
                            item_id,
                            now_s,
                            expires_s,
                            ref,
                            crypto.wrap_key(day_key, item_key, item_id),
                            sealed_caption,
                            preset,
                            int(bool(consent)),
                            position,
                        ),
                    )
                    db.execute(
                        "INSERT INTO files (item_id, kind, size_bytes) VALUES (?, 'photo', ?)",
                        (item_id, size),
                    )
                    self._audit(db, now_s, "added", item_id, f"consent={int(bool(consent))}")
            except BaseException:
                shutil.rmtree(item_dir, ignore_errors=True)
                raise
        log.info("stored item %s (expires %s)", item_id, _utc(expires_s).isoformat())
        return item_id

    def put_file(self, item_id: str, kind: str, data: bytes) -> None:
        """Add or replace one of an item's files (clip, audio, thumb, ...), encrypted."""
        if not KIND_PATTERN.match(kind):
            raise ValueError(f"bad file kind {kind!r}")
        with self._lock:
            row = self._row(item_id)
            item_key = self._item_key(row)
            path = self._blob_path(item_id, kind)
            existed = path.exists()
            size = self._write_blob(item_id, item_key, kind, data)
            try:
                with self._tx() as db:
                    if not db.execute("SELECT 1 FROM items WHERE id=?", (item_id,)).fetchone():
                        raise ItemNotFound("This portrait was deleted while it was being saved.")
                    db.execute(
                        "INSERT OR REPLACE INTO files (item_id, kind, size_bytes) VALUES (?,?,?)",
                        (item_id, kind, size),
                    )
                    self._audit(db, self.clock.now(), "file-saved", item_id, kind)
            except BaseException:
                if not existed:
                    files.remove_file(path)
                raise

    def set_caption(self, item_id: str, caption: str | None) -> None:
        caption = self._clean_caption(caption)
        with self._lock:
            row = self._row(item_id)
            item_key = self._item_key(row)
            sealed = (
                crypto.seal(item_key, caption.encode(), crypto.caption_context(item_id))
                if caption
                else None
            )
            with self._tx() as db:
                db.execute("UPDATE items SET caption=? WHERE id=?", (sealed, item_id))
                self._audit(db, self.clock.now(), "caption-set", item_id, "")
            self._truncate_wal()

    def pin(self, item_id: str, pinned: bool) -> None:
        """Keep an item for the maximum retention (for an event), or back to the normal one."""
        with self._lock:
            row = self._row(item_id)
            item_key = self._item_key(row)
            days = self.max_retention_days if pinned else self.retention_days
            expires_s = row["created_s"] + days * DAY_S
            with self._tx() as db:
                ref, day_key = self._current_key(_utc_day(expires_s))
                wrapped = crypto.wrap_key(day_key, item_key, item_id)
                db.execute(
                    "UPDATE items SET pinned=?, expires_s=?, key_day=?, wrapped_key=? WHERE id=?",
                    (int(pinned), expires_s, ref, wrapped, item_id),
                )
                action = "pinned" if pinned else "unpinned"
                self._audit(db, self.clock.now(), action, item_id, f"days={days}")
            self._truncate_wal()

    def move(self, item_id: str, position: int) -> None:
        """Put an item at ``position`` in the tribute loop (0 = first); others shift."""
        with self._lock, self._tx() as db:
            ids = [r[0] for r in db.execute("SELECT id FROM items ORDER BY position, created_s")]
            if item_id not in ids:
                raise ItemNotFound("This portrait is no longer stored.")
            ids.remove(item_id)
            ids.insert(max(0, min(position, len(ids))), item_id)
            db.executemany(
                "UPDATE items SET position=? WHERE id=?", [(i, x) for i, x in enumerate(ids)]
            )
            self._audit(db, self.clock.now(), "moved", item_id, f"position={ids.index(item_id)}")

    # -- reading ----------------------------------------------------------------------------

    def read_file(self, item_id: str, kind: str) -> bytes:
        """Decrypt one of an item's files into memory (plaintext never touches disk)."""
        with self._lock:
            row = self._row(item_id)
            has = self._db.execute(
                "SELECT 1 FROM files WHERE item_id=? AND kind=?", (item_id, kind)
            ).fetchone()
            if not has:
                raise ItemNotFound(f"This portrait has no {kind} stored.")
            item_key = self._item_key(row)
            try:
                blob = files.read_bytes(self._blob_path(item_id, kind))
            except FileNotFoundError as exc:
                raise ItemNotFound(f"This portrait's {kind} is no longer stored.") from exc
        return crypto.unseal(item_key, blob, crypto.file_context(item_id, kind))

    def get_item(self, item_id: str) -> Item:
        with self._lock:
            return self._to_item(self._row(item_id))

    def list_items(self, *, include_expired: bool = False) -> list[Item]:
        """Items in tribute-loop order; expired ones only when asked (they await the wipe)."""
        with self._lock:
            now_s = self.clock.now()
            rows = self._db.execute(
                "SELECT * FROM items WHERE ? OR expires_s > ? ORDER BY position, created_s",
                (int(include_expired), now_s),
            ).fetchall()
            return [self._to_item(r) for r in rows]

    def audit_entries(self, limit: int = 100) -> list[AuditEntry]:
        """The latest audit records, newest last (ids, times and actions only)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT at_s, action, item_id, detail FROM audit ORDER BY seq DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [AuditEntry(_utc(r[0]), r[1], r[2], r[3]) for r in reversed(rows)]

    def export_item(self, item_id: str, dest_dir: Path) -> list[Path]:
        """Decrypt an item's files straight into ``dest_dir`` (a USB stick), atomically."""
        dest_dir = Path(dest_dir)
        if not dest_dir.is_dir():
            raise OutputUnwritable(f"The export folder {dest_dir} does not exist.")
        with self._lock:
            item = self.get_item(item_id)
            written = []
            for kind in item.kinds:
                data = self.read_file(item_id, kind)
                path = dest_dir / f"keepsake-{item_id}-{kind}{_extension(data)}"
                files.write_atomic(path, data)
                written.append(path)
            with self._tx() as db:
                self._audit(db, self.clock.now(), "exported", item_id, f"files={len(written)}")
        return written

    # -- forgetting -------------------------------------------------------------------------

    def delete_item(self, item_id: str) -> WipeReport:
        """Destroy one item now: its wrapped key first, then its files."""
        with self._lock:
            self._row(item_id)
            return self._destroy([item_id], reason="deleted", now_s=self.clock.now())

    def wipe_expired(self, now: dt.datetime | float | None = None) -> WipeReport:
        """Destroy expired items and shred the keys of every day that has ended."""
        with self._lock:
            now_s = _timestamp(now)
            now_s = self.clock.now() if now_s is None else now_s
            ids = [
                r[0]
                for r in self._db.execute("SELECT id FROM items WHERE expires_s <= ?", (now_s,))
            ]
            report = self._destroy(ids, reason="expired", now_s=now_s)
            today = _utc_day(now_s)
            with self._tx(use_reserve=True) as db:
                # A day key whose items are still stored (clock moved back) is kept.
                live = {ref_day(r[0]) for r in db.execute("SELECT DISTINCT key_day FROM items")}
                ended = [d for d in self.keys.days() if d < today and d not in live]
                shredded = [ref for day in ended for ref in self.keys.destroy_day(day)]
                if shredded:
                    self._audit(db, now_s, "day-keys-shredded", None, f"keys={len(shredded)}")
            return dataclasses.replace(report, day_keys=report.day_keys + tuple(shredded))

    def wipe_all(self) -> WipeReport:
        """Destroy every item and every day key (staff "wipe everything now")."""
        with self._lock:
            now_s = self.clock.now()
            ids = [r[0] for r in self._db.execute("SELECT id FROM items")]
            report = self._destroy(ids, reason="wipe-all", now_s=now_s)
            rest = self._shred_unused_keys(self.keys.days())
            with self._tx(use_reserve=True) as db:
                self._audit(db, now_s, "wiped-all", None, f"items={len(ids)}")
            extra_files, extra_bytes = self._remove_item_dirs(keep=set())
            return WipeReport(
                items=report.items,
                day_keys=report.day_keys + tuple(rest),
                files_removed=report.files_removed + extra_files,
                bytes_removed=report.bytes_removed + extra_bytes,
                reason="wipe-all",
            )

    def check(self) -> RepairReport:
        """Self-check: database integrity, orphans, half-written files, items without keys."""
        with self._lock:
            exclusive = self._try_exclusive()
            try:
                return self._check(exclusive)
            finally:
                fcntl.flock(self._lock_fd, fcntl.LOCK_SH)

    # -- internals --------------------------------------------------------------------------

    def _check(self, exclusive: bool) -> RepairReport:
        repairs: list[str] = []
        skipped: list[str] = []
        ok = self._db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        if not ok:
            repairs.append("the index failed SQLite's quick_check")
        rows = self._db.execute("SELECT * FROM items").fetchall()
        broken = []
        for row in rows:
            try:
                self._item_key(row)
            except (crypto.ItemUnreadable, ItemNotFound):
                broken.append(row["id"])
        if broken and len(broken) == len(rows) and not self.keys.days():
            # Every key is missing at once: far likelier a key folder that is not mounted or
            # misconfigured than a crash. Keep the items (the wipe still expires them).
            skipped.append(
                f"the key folder {self.keys.key_dir} holds no keys for {len(rows)} item(s): "
                "is it mounted? Nothing was removed."
            )
            log.error("store self-check: %s", skipped[-1])
            broken = []
        if broken:
            self._destroy(broken, reason="unreadable", now_s=self.clock.now())
            repairs.append(f"removed {len(broken)} item(s) whose key was gone")
        known_files = {
            (r[0], r[1]) for r in self._db.execute("SELECT item_id, kind FROM files").fetchall()
        }
        missing = [(i, k) for i, k in known_files if not self._blob_path(i, k).exists()]
        for item_id, kind in missing:
            if kind == "photo":
                self._destroy([item_id], reason="photo-missing", now_s=self.clock.now())
                repairs.append(f"removed item {item_id}: its photo file was missing")
            else:
                with self._tx(use_reserve=True) as db:
                    db.execute("DELETE FROM files WHERE item_id=? AND kind=?", (item_id, kind))
                    self._audit(db, self.clock.now(), "file-missing", item_id, kind)
                repairs.append(f"item {item_id}: forgot its missing {kind}")
        live_ids = {r[0] for r in self._db.execute("SELECT id FROM items")}
        known_files = {
            (r[0], r[1]) for r in self._db.execute("SELECT item_id, kind FROM files").fetchall()
        }
        min_age_s = 0.0 if exclusive else ORPHAN_GRACE_S
        if not exclusive:
            skipped.append("store open elsewhere: only orphans older than an hour were removed")
        orphans = temps = 0
        for item_dir in (self.data_dir / "items").iterdir():
            if not item_dir.is_dir():
                orphans += self._remove_if_old(item_dir, min_age_s)
                continue
            for f in item_dir.iterdir():
                kind = f.name.removesuffix(".enc")
                if f.name.startswith(files.TEMP_PREFIX):
                    temps += self._remove_if_old(f, min_age_s)
                elif item_dir.name not in live_ids or (item_dir.name, kind) not in known_files:
                    orphans += self._remove_if_old(f, min_age_s)
            if item_dir.name not in live_ids and not any(item_dir.iterdir()):
                with contextlib.suppress(OSError):
                    item_dir.rmdir()
        for base in (self.data_dir, self.keys.key_dir):
            for f in base.iterdir():
                if f.name.startswith(files.TEMP_PREFIX):
                    temps += self._remove_if_old(f, min_age_s)
        if ok:  # keys a crash left between a deletion's commit and their shredding
            unused = self._shred_unused_keys(self.keys.days())
            if unused:
                repairs.append(f"shredded {len(unused)} day key version(s) no item uses")
        if orphans:
            repairs.append(f"removed {orphans} orphaned encrypted file(s)")
        if temps:
            repairs.append(f"removed {temps} half-written temporary file(s)")
        if repairs:
            with self._tx(use_reserve=True) as db:
                self._audit(db, self.clock.now(), "repaired", None, "; ".join(repairs))
            log.warning("store self-check repaired: %s", "; ".join(repairs))
        self._truncate_wal()
        return RepairReport(
            repairs=tuple(repairs),
            skipped=tuple(skipped),
            database_ok=ok,
            items_checked=len(rows),
            removed_items=tuple(broken),
        )

    def _remove_if_old(self, path: Path, min_age_s: float) -> int:
        try:
            if min_age_s and time.time() - path.stat().st_mtime < min_age_s:
                return 0
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                files.remove_file(path)
        except FileNotFoundError:
            return 0
        return 1

    def _try_exclusive(self) -> bool:
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def _destroy(self, ids: list[str], *, reason: str, now_s: float) -> WipeReport:
        """Delete items: rows (and wrapped keys) first, day keys shredded or rotated, then files."""
        if not ids:
            return WipeReport(reason=reason)
        deleted: list[str] = []
        days: set[dt.date] = set()
        with self._tx(use_reserve=True) as db:
            for item_id in ids:
                row = db.execute("SELECT key_day FROM items WHERE id=?", (item_id,)).fetchone()
                if row is None:
                    continue
                days.add(ref_day(row[0]))
                db.execute("DELETE FROM items WHERE id=?", (item_id,))
                self._audit(db, now_s, "destroyed", item_id, reason)
                deleted.append(item_id)
            for day in sorted(days):
                self._rotate_day(db, day)
        # Only after the commit does no row point at these days' old key versions.
        destroyed = self._shred_unused_keys(days)
        self._truncate_wal()
        n_files = n_bytes = 0
        for item_id in deleted:
            item_dir = self.data_dir / "items" / item_id
            if item_dir.is_dir():
                for f in item_dir.iterdir():
                    n_bytes += files.remove_file(f)
                    n_files += 1
                with contextlib.suppress(OSError):
                    item_dir.rmdir()
        with contextlib.suppress(OSError):
            files.fsync_dir(self.data_dir / "items")
        self._keep_reserve()
        log.info("destroyed %d item(s) (%s)", len(deleted), reason)
        return WipeReport(
            items=tuple(deleted),
            day_keys=tuple(destroyed),
            files_removed=n_files,
            bytes_removed=n_bytes,
            reason=reason,
        )

    def _rotate_day(self, db: sqlite3.Connection, day: dt.date) -> None:
        """After items of ``day`` were deleted (inside the write transaction), re-wrap the
        day's remaining items under a new version of its key, so that the old versions,
        which also opened the deleted items, can be shredded once this is committed.
        """
        remaining = db.execute(
            "SELECT * FROM items WHERE substr(key_day, 1, 10) = ?", (day.isoformat(),)
        ).fetchall()
        if not remaining:
            return
        new_ref = self.keys.rotate(day)
        new_key = self._key(new_ref)
        updates = []
        for row in remaining:
            try:
                item_key = self._item_key(row)
            except (crypto.ItemUnreadable, ItemNotFound):
                continue  # already unreadable; the self-check removes it
            updates.append((crypto.wrap_key(new_key, item_key, row["id"]), new_ref, row["id"]))
        db.executemany("UPDATE items SET wrapped_key=?, key_day=? WHERE id=?", updates)

    def _shred_unused_keys(self, days: Iterable[dt.date]) -> list[str]:
        """Shred every version of ``days``' keys that no stored item is wrapped under.

        Never inside a transaction that deletes items: a crash before its commit would
        keep the items and lose their keys. This runs in a write transaction of its own
        that writes nothing: it holds off every other process's choice of a key until
        the keys are gone, and a crash part-way only leaves unused keys, which the next
        self-check shreds. It needs no free space, so it leaves the reserve alone.
        """
        with self._tx() as db:
            used = {r[0] for r in db.execute("SELECT DISTINCT key_day FROM items")}
            return [
                ref
                for day in sorted(set(days))
                for ref in self.keys.refs(day)
                if ref not in used and self.keys.destroy(ref)
            ]

    def _remove_item_dirs(self, keep: set[str]) -> tuple[int, int]:
        n_files = n_bytes = 0
        for item_dir in (self.data_dir / "items").iterdir():
            if item_dir.name in keep:
                continue
            if item_dir.is_dir():
                for f in item_dir.iterdir():
                    n_bytes += files.remove_file(f)
                    n_files += 1
                shutil.rmtree(item_dir, ignore_errors=True)
            else:
                n_bytes += files.remove_file(item_dir)
                n_files += 1
        return n_files, n_bytes

    def _truncate_wal(self) -> None:
        try:
            if not index.truncate_wal(self._db):
                log.debug("WAL checkpoint busy; it will be truncated on a later write")
        except sqlite3.Error as exc:
            log.warning("WAL checkpoint failed: %s", exc)

    @contextlib.contextmanager
    def _tx(self, *, use_reserve: bool = False) -> Iterator[sqlite3.Connection]:
        """One durable transaction; a full disk becomes StorageFull with nothing committed.

        Deletions (``use_reserve``) first give back the reserve file when space is
        short: freeing space must work on a full disk.
        """
        if use_reserve and self._free_bytes() < 2 * RESERVE_BYTES:
            self._release_reserve()
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            if files.is_disk_full(exc):
                raise files.storage_full(self.data_dir) from exc
            raise StoreUnavailable(f"The portrait index could not be updated ({exc}).") from exc

    def _free_bytes(self) -> int:
        try:
            st = os.statvfs(self.data_dir)
        except OSError:
            return 1 << 62  # unknown: let the write itself find out
        return st.f_bavail * st.f_frsize

    def _keep_reserve(self) -> None:
        path = self.data_dir / "reserve.bin"
        if path.exists():
            return
        with contextlib.suppress(KeepsakeError, OSError):
            files.write_atomic(path, bytes(RESERVE_BYTES))

    def _release_reserve(self) -> bool:
        return files.remove_file(self.data_dir / "reserve.bin") > 0

    def _audit(
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

    def _row(self, item_id: str) -> sqlite3.Row:
        if not isinstance(item_id, str) or not ID_PATTERN.match(item_id):
            raise ItemNotFound(f"There is no portrait with the id {item_id!r}.")
        row = self._db.execute("SELECT * FROM items WHERE id=?", (item_id,)).fetchone()
        if row is None:
            raise ItemNotFound(f"The portrait {item_id} is no longer stored.")
        return row

    def _key(self, ref: str) -> bytes:
        key = self.keys.key(ref)
        if key is None:
            raise ItemNotFound("This portrait's key has been destroyed.")
        return key

    def _current_key(self, day: dt.date) -> tuple[str, bytes]:
        """The key new wraps for ``day`` use (made if needed); call inside a write transaction."""
        ref = self.keys.current_ref(day, create=True)
        key = self.keys.key(ref) if ref else None
        if ref is None or key is None:
            raise StoreUnavailable(f"The key folder {self.keys.key_dir} cannot be used.")
        return ref, key

    def _item_key(self, row: sqlite3.Row) -> bytes:
        for _ in range(2):
            key = self.keys.key(row["key_day"])
            if key is not None:
                return crypto.unwrap_key(key, row["wrapped_key"], row["id"])
            fresh = self._db.execute("SELECT * FROM items WHERE id=?", (row["id"],)).fetchone()
            if fresh is None or fresh["key_day"] == row["key_day"]:
                break
            row = fresh  # another process rotated the day's key meanwhile
        raise ItemNotFound("This portrait's key has been destroyed.")

    def _to_item(self, row: sqlite3.Row) -> Item:
        caption = None
        if row["caption"] is not None:
            try:
                key = self._item_key(row)
                caption = crypto.unseal(
                    key, row["caption"], crypto.caption_context(row["id"])
                ).decode()
            except (crypto.ItemUnreadable, ItemNotFound):
                caption = None
        kinds = tuple(
            sorted(
                r[0]
                for r in self._db.execute("SELECT kind FROM files WHERE item_id=?", (row["id"],))
            )
        )
        return Item(
            id=row["id"],
            created=_utc(row["created_s"]),
            expires=_utc(row["expires_s"]),
            pinned=bool(row["pinned"]),
            caption=caption,
            preset=row["preset"],
            consent=bool(row["consent"]),
            kinds=kinds,
            position=row["position"],
        )

    def _blob_path(self, item_id: str, kind: str) -> Path:
        return self.data_dir / "items" / item_id / f"{kind}.enc"

    def _write_blob(self, item_id: str, item_key: bytes, kind: str, data: bytes) -> int:
        blob = crypto.seal(item_key, bytes(data), crypto.file_context(item_id, kind))
        if self._free_bytes() < len(blob) + RESERVE_BYTES:
            # Saving stops a little before the disk is full: the last bit is for wiping.
            raise files.storage_full(self.data_dir)
        files.ensure_dir(self.data_dir / "items" / item_id)
        files.write_atomic(self._blob_path(item_id, kind), blob)
        return len(data)

    @staticmethod
    def _clean_caption(caption: str | None) -> str | None:
        if caption is None:
            return None
        caption = " ".join(caption.split())
        if len(caption) > MAX_CAPTION_CHARS:
            raise KeepsakeError(f"A caption can be at most {MAX_CAPTION_CHARS} characters.")
        return caption or None


def _extension(data: bytes) -> str:
    if data.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    if data.startswith(b"\x89PNG"):
        return ".png"
    if data[4:8] == b"ftyp":
        return ".mp4"
    if data.startswith(b"RIFF") and data[8:12] == b"WAVE":
        return ".wav"
    return ".bin"
