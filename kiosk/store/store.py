"""The private store: every portrait encrypted with its own key, and forgotten on time.

See layout.py for what lies where. An item's key is wrapped by a key of the
day it expires on (keystore.py); deleting items shreds or rotates their day's
key (forgetting.py), so a deleted item cannot be decrypted again even where
flash blocks of its files or of the index survive.

Saving is all or nothing: the item's files (photo, clip, thumb, ...), its
sealed metadata and, under the index's write lock, its wrap record are
written to a staging folder and made durable, the folder is renamed into
place, and one transaction makes the item visible. A crash before the rename
leaves a staging folder nothing lists; after it, a complete item that the
next check restores into the index (checking.py).

Reading never destroys: an item that cannot be read is moved to the
quarantine with a clear message, and only ``keepsake store repair`` and the
wipes destroy.

This module is the public face: it validates, takes the in-process lock and
calls core.py (index, keys), forgetting.py and checking.py.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import shutil
import sqlite3
from collections.abc import Mapping
from pathlib import Path

from engine_edge.errors import ConfigInvalid, KeepsakeError, OutputUnwritable
from kiosk.store import checking, crypto, forgetting, records
from kiosk.store import files as fsio
from kiosk.store.clock import StoreClock
from kiosk.store.core import DAY_S, StoreCore, log, utc, utc_day
from kiosk.store.exporting import export_name, film_name
from kiosk.store.model import (
    AuditEntry,
    Event,
    Item,
    ItemNotFound,
    RepairPlan,
    RepairReport,
    WipeReport,
)

KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
PRESET_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
MAX_CAPTION_CHARS = 200
KINDS = ("photo", "clip", "audio", "thumb")


def _timestamp(value: dt.datetime | float | None) -> float | None:
    if value is None or isinstance(value, (int, float)):
        return value
    if value.tzinfo is None:
        raise ValueError("use a timezone-aware datetime")
    return value.timestamp()


class Store(StoreCore):
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
        super().__init__(Path(data_dir), key_dir, clock)
        self.last_repair: RepairReport | None = self.check() if check_on_open else None

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

    # -- retention and pinning --------------------------------------------------------------

    def set_retention_days(self, days: int) -> tuple[str, ...]:
        """Staff change the retention: it applies to new items, and a shorter one to kept items too.

        A guest agreed to the retention shown at the time, so a longer setting never
        extends what is already kept, while a shorter one brings forward the end of
        every unpinned item. Returns the ids whose expiry moved.
        """
        days = self._valid_retention(days)
        with self._lock:
            self.retention_days = days
            rows = self.db.execute(
                "SELECT * FROM items WHERE pinned=0 AND expires_s > created_s + ?", (days * DAY_S,)
            ).fetchall()
            if not rows:
                return ()
            moved = self._move_days(
                [(row, row["created_s"] + days * DAY_S, False) for row in rows],
                "retention-shortened",
                f"days={days} items={len(rows)}",
            )
            return moved

    def pin(self, item_id: str, pinned: bool) -> None:
        """Keep an item for the maximum retention (for an event), or back to the normal one."""
        with self._lock:
            row = self.row(item_id)
            days = self.max_retention_days if pinned else self.retention_days
            self._move_days(
                [(row, row["created_s"] + days * DAY_S, bool(pinned))],
                "pinned" if pinned else "unpinned",
                f"days={days}",
                item_id=item_id,
            )

    def _move_days(
        self,
        moves: list[tuple[sqlite3.Row, float, bool]],
        action: str,
        detail: str,
        item_id: str | None = None,
    ) -> tuple[str, ...]:
        """Re-wrap items under the keys of their new expiry days, then rotate and shred the
        days they left (their old key versions opened the old wrapped keys)."""
        with self.tx() as db:
            left = {forgetting.move_to_day(self, db, row, exp, pin) for row, exp, pin in moves}
            for day in sorted(left):
                forgetting.rotate_day(self, db, day)
            self.audit(db, self.clock.now(), action, item_id, detail)
        forgetting.shred_unused_keys(self, left)
        self.truncate_wal()
        return tuple(row["id"] for row, _, _ in moves)

    # -- writing ----------------------------------------------------------------------------

    def add_item(
        self,
        photo: bytes,
        *,
        consent: bool,
        preset: str | None = None,
        caption: str | None = None,
        event_id: str | None = None,
        files: Mapping[str, bytes] | None = None,
    ) -> str:
        """Store a scanned photo (and any ``files``: clip, thumb, ...) as one new item.

        All or nothing: the item becomes visible, with every file, only once all of
        them and its records are durable. Returns its id.
        """
        if not photo:
            raise KeepsakeError("The photo is empty; scan it again.")
        blobs = {"photo": bytes(photo), **{k: bytes(v) for k, v in (files or {}).items()}}
        for kind in blobs:
            self._check_kind(kind)
        caption = self._clean_caption(caption)
        preset = self._check_preset(preset)
        with self._lock:
            if event_id is not None:
                self.event_book.get(event_id)  # EventNotFound for a wrong id
            now_s = self.clock.now()
            expires_s = now_s + self.retention_days * DAY_S
            item_id = secrets.token_hex(8)
            item_key = crypto.new_key()
            staging = self.layout.staging_dir(item_id)
            final = self.layout.item_dir(item_id)
            try:
                with fsio.mapped_errors(staging):  # made durable by the items folder's fsync
                    staging.mkdir(mode=fsio.DIR_MODE)
                sizes = tuple(
                    (kind, self.seal_blob(item_id, item_key, kind, data, staging, staged=True))
                    for kind, data in sorted(blobs.items())
                )
                meta = records.ItemMeta(
                    now_s, expires_s, False, caption, preset, bool(consent), event_id, False, sizes
                )
                records.write_meta(staging / "meta.enc", item_key, item_id, meta, staged=True)
                with self.tx() as db:
                    # The day key is chosen (or made) under the write lock: see keystore.py.
                    ref, day_key = self.current_key(utc_day(expires_s))
                    wrapped = crypto.wrap_key(day_key, item_key, item_id)
                    records.write_wrap(staging / "wrap.key", ref, wrapped, staged=True)
                    fsio.fsync_dir(staging)  # every file in it is durable before it is renamed
                    os.replace(staging, final)
                    fsio.fsync_dir(self.layout.items_dir)
                    self._insert(db, item_id, meta, ref, wrapped, item_key)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                if not self.db.execute("SELECT 1 FROM items WHERE id=?", (item_id,)).fetchone():
                    shutil.rmtree(final, ignore_errors=True)
                raise
        log.info("stored item %s (expires %s)", item_id, utc(expires_s).isoformat())
        return item_id

    def _insert(
        self,
        db: sqlite3.Connection,
        item_id: str,
        meta: records.ItemMeta,
        ref: str,
        wrapped: bytes,
        item_key: bytes,
    ) -> None:
        self.index_item(db, item_id, meta, (ref, wrapped), item_key)
        kinds = ",".join(k for k, _ in meta.files)
        detail = f"consent={int(meta.consent)} files={kinds}"
        self.audit(db, meta.created_s, "added", item_id, detail)

    def put_file(self, item_id: str, kind: str, data: bytes) -> None:
        """Add or replace one of an existing item's files (a later thumb, say), encrypted."""
        self._check_kind(kind)
        with self._lock:
            row = self.row(item_id)
            item_key = self.item_key(row)
            path = self.layout.blob(item_id, kind)
            existed = path.exists()
            size = self.seal_blob(item_id, item_key, kind, data, self.layout.item_dir(item_id))
            try:
                with self.tx() as db:
                    if not db.execute("SELECT 1 FROM items WHERE id=?", (item_id,)).fetchone():
                        raise ItemNotFound("This portrait was deleted while it was being saved.")
                    db.execute(
                        "INSERT OR REPLACE INTO files (item_id, kind, size_bytes) VALUES (?,?,?)",
                        (item_id, kind, size),
                    )
                    self.rewrite_meta(db, item_id)
                    self.audit(db, self.clock.now(), "file-saved", item_id, kind)
            except BaseException:
                if not existed:
                    fsio.remove_file(path)
                raise

    def set_caption(self, item_id: str, caption: str | None) -> None:
        caption = self._clean_caption(caption)
        with self._lock:
            item_key = self.item_key(self.row(item_id))
            sealed = (
                crypto.seal(item_key, caption.encode(), crypto.caption_context(item_id))
                if caption
                else None
            )
            self._update(item_id, "caption=?", (sealed,), "caption-set", "")

    def set_hidden(self, item_id: str, hidden: bool) -> None:
        """Hide a portrait from the tribute wall (it stays stored), or show it again."""
        with self._lock:
            self.row(item_id)
            action = "hidden" if hidden else "shown"
            self._update(item_id, "hidden=?", (int(bool(hidden)),), action, "")

    def _update(
        self, item_id: str, assignment: str, values: tuple[object, ...], action: str, detail: str
    ) -> None:
        with self.tx() as db:
            db.execute(f"UPDATE items SET {assignment} WHERE id=?", (*values, item_id))
            self.rewrite_meta(db, item_id)
            self.audit(db, self.clock.now(), action, item_id, detail)
        self.truncate_wal()

    def move(self, item_id: str, position: int) -> None:
        """Put an item at ``position`` in the tribute loop (0 = first); others shift."""
        with self._lock, self.tx() as db:
            ids = [r[0] for r in db.execute("SELECT id FROM items ORDER BY position, created_s")]
            if item_id not in ids:
                raise ItemNotFound("This portrait is no longer stored.")
            ids.remove(item_id)
            ids.insert(max(0, min(position, len(ids))), item_id)
            db.executemany(
                "UPDATE items SET position=? WHERE id=?", [(i, x) for i, x in enumerate(ids)]
            )
            self.audit(db, self.clock.now(), "moved", item_id, f"position={ids.index(item_id)}")

    # -- events -----------------------------------------------------------------------------

    def open_event(self, name: str, day: dt.date) -> Event:
        """Open a new event (closing any open one); new portraits of the kiosk join it."""
        with self._lock, self.tx() as db:
            now_s = self.clock.now()
            event = self.event_book.open(name, day, now_s)
            self.audit(db, now_s, "event-opened", None, event.event_id)
            return event

    def close_event(self) -> None:
        with self._lock, self.tx() as db:
            now_s = self.clock.now()
            for event_id in self.event_book.close(now_s):
                self.audit(db, now_s, "event-closed", None, event_id)

    def current_event(self) -> Event | None:
        with self._lock:
            return self.event_book.current()

    def events(self) -> list[Event]:
        with self._lock:
            return self.event_book.all()

    # -- reading ----------------------------------------------------------------------------

    def read_file(self, item_id: str, kind: str) -> bytes:
        """Decrypt one of an item's files into memory (plaintext never touches disk).

        An item that turns out unreadable is moved to the quarantine (ItemUnreadable).
        """
        with self._lock:
            row = self.row(item_id)
            if self._expired(row):
                raise ItemNotFound("This portrait's time is over; it is no longer shown.")
            has = self.db.execute(
                "SELECT 1 FROM files WHERE item_id=? AND kind=?", (item_id, kind)
            ).fetchone()
            if not has:
                raise ItemNotFound(f"This portrait has no {kind} stored.")
            try:
                item_key = self.item_key(row)
                blob = fsio.read_bytes(self.layout.blob(item_id, kind))
                return crypto.unseal(item_key, blob, crypto.file_context(item_id, kind))
            except (ItemNotFound, crypto.ItemUnreadable, FileNotFoundError) as exc:
                if not self.db.execute("SELECT 1 FROM items WHERE id=?", (item_id,)).fetchone():
                    raise ItemNotFound(f"The portrait {item_id} is no longer stored.") from exc
                missing = isinstance(exc, FileNotFoundError)
                why = f"its {kind} file is missing" if missing else str(exc)
                self._quarantine(item_id, why)
                raise crypto.ItemUnreadable(
                    "This portrait cannot be read and was moved to the quarantine "
                    f"({why}). Staff: see `keepsake store repair`."
                ) from exc

    def _quarantine(self, item_id: str, why: str) -> None:
        if not self.keys.refs():
            raise KeepsakeError(
                f"The key folder {self.keys.key_dir} holds no keys: is it mounted? "
                "Nothing was moved."
            )
        checking.quarantine(self, item_id, why, self.clock.now())

    def _expired(self, row: sqlite3.Row) -> bool:
        return float(row["expires_s"]) <= self.clock.now()

    def get_item(self, item_id: str) -> Item:
        with self._lock:
            return self._to_item(self.row(item_id))

    def list_items(
        self,
        *,
        include_expired: bool = False,
        event_id: str | None = None,
        include_hidden: bool = True,
    ) -> list[Item]:
        """Items in tribute-loop order; expired ones only when asked (they await the wipe)."""
        with self._lock:
            rows = self.db.execute(
                "SELECT * FROM items WHERE (? OR expires_s > ?) AND (? IS NULL OR event_id = ?)"
                " AND (? OR hidden = 0) ORDER BY position, created_s",
                (int(include_expired), self.clock.now(), event_id, event_id, int(include_hidden)),
            ).fetchall()
            return [self._to_item(r) for r in rows]

    def audit_entries(self, limit: int = 100) -> list[AuditEntry]:
        """The latest audit records, newest last (ids, times and actions only)."""
        with self._lock:
            rows = self.db.execute(
                "SELECT at_s, action, item_id, detail FROM audit ORDER BY seq DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [AuditEntry(utc(r[0]), r[1], r[2], r[3]) for r in reversed(rows)]

    def record(self, action: str, item_id: str | None, detail: str = "") -> None:
        """Add an audit record for something done outside the store (a network download)."""
        with self._lock, self.tx() as db:
            self.audit(db, self.clock.now(), action, item_id, detail)

    def export_item(self, item_id: str, dest_dir: Path, *, detail: str = "") -> list[Path]:
        """Decrypt an item's files straight into ``dest_dir`` (a USB stick), atomically.

        Files get readable names from the caption and date ('2026-05-12 Ruth Miller.mp4').
        """
        dest_dir = Path(dest_dir)
        if not dest_dir.is_dir():
            raise OutputUnwritable(f"The export folder {dest_dir} does not exist.")
        with self._lock:
            item = self.get_item(item_id)
            if item.expires.timestamp() <= self.clock.now():
                raise ItemNotFound("This portrait's time is over; it cannot be exported.")
            written = []
            for kind in item.kinds:
                data = self.read_file(item_id, kind)
                path = export_name(dest_dir, item, kind, data)
                fsio.write_atomic(path, data)
                written.append(path)
            with self.tx() as db:
                note = f"files={len(written)}" + (f" {detail}" if detail else "")
                self.audit(db, self.clock.now(), "exported", item_id, note)
        return written

    def export_film(self, film: bytes, dest_dir: Path, event: Event) -> Path:
        """Write an event's tribute film into ``dest_dir`` (a USB stick), atomically, with a
        readable name ('2026-05-12 Ruth Miller - tribute film.mp4'), and note it in the audit."""
        dest_dir = Path(dest_dir)
        if not dest_dir.is_dir():
            raise OutputUnwritable(f"The export folder {dest_dir} does not exist.")
        with self._lock:
            path = film_name(dest_dir, event)
            fsio.write_atomic(path, film)
            with self.tx() as db:
                self.audit(
                    db, self.clock.now(), "exported", None, f"tribute film event={event.event_id}"
                )
        return path

    # -- forgetting and repair --------------------------------------------------------------

    def delete_item(self, item_id: str) -> WipeReport:
        """Destroy one item now: its wrapped key first, then its files."""
        with self._lock:
            self.row(item_id)
            return forgetting.destroy(self, [item_id], reason="deleted", now_s=self.clock.now())

    def wipe_event(self, event_id: str) -> WipeReport:
        """Destroy every portrait of an event, and the event itself."""
        with self._lock:
            self.event_book.get(event_id)
            rows = self.db.execute("SELECT id FROM items WHERE event_id=?", (event_id,))
            ids = [r[0] for r in rows]
            report = forgetting.destroy(self, ids, reason="event", now_s=self.clock.now())
            with self.tx(use_reserve=True) as db:
                self.event_book.remove(event_id)
                detail = f"{event_id} items={len(ids)}"
                self.audit(db, self.clock.now(), "event-wiped", None, detail)
            return report

    def wipe_expired(self, now: dt.datetime | float | None = None) -> WipeReport:
        """Destroy expired items and shred the keys of every day that has ended."""
        with self._lock:
            now_s = _timestamp(now)
            now_s = self.clock.now() if now_s is None else now_s
            return forgetting.wipe_expired(self, now_s, max_retention_days=self.max_retention_days)

    def wipe_all(self) -> WipeReport:
        """Destroy every item, key, quarantined file and event (staff "wipe everything now")."""
        with self._lock:
            return forgetting.wipe_all(self, self.clock.now())

    def check(self) -> RepairReport:
        """Report problems, restore what the index lost, quarantine what cannot be read."""
        with self._lock:
            return checking.inspect(self, self.clock.now())

    def repair_plan(self) -> RepairPlan:
        with self._lock:
            return checking.plan_repair(self)

    def repair(self, plan: RepairPlan) -> WipeReport:
        """Destroy what ``plan`` lists: only after staff saw it and confirmed."""
        with self._lock:
            return checking.repair(self, plan, self.clock.now())

    # -- helpers ----------------------------------------------------------------------------

    def _to_item(self, r: sqlite3.Row) -> Item:
        caption = None
        try:
            caption = self.caption_of(r, self.item_key(r))
        except (crypto.ItemUnreadable, ItemNotFound):
            caption = None
        found = self.db.execute("SELECT kind FROM files WHERE item_id=?", (r["id"],))
        kinds = tuple(sorted(k for (k,) in found))
        return Item(
            id=r["id"],
            created=utc(r["created_s"]),
            expires=utc(r["expires_s"]),
            pinned=bool(r["pinned"]),
            caption=caption,
            preset=r["preset"],
            consent=bool(r["consent"]),
            kinds=kinds,
            position=r["position"],
            event_id=r["event_id"],
            hidden=bool(r["hidden"]),
        )

    @staticmethod
    def _check_kind(kind: str) -> None:
        if not KIND_PATTERN.match(kind):
            raise ValueError(f"bad file kind {kind!r}")

    @staticmethod
    def _check_preset(preset: str | None) -> str | None:
        if preset is not None and not PRESET_PATTERN.match(preset):
            raise KeepsakeError(
                f"{preset!r} is not a mood preset name (lower-case letters, digits, - and _)."
            )
        return preset

    @staticmethod
    def _clean_caption(caption: str | None) -> str | None:
        if caption is None:
            return None
        caption = " ".join(caption.split())
        if len(caption) > MAX_CAPTION_CHARS:
            raise KeepsakeError(f"A caption can be at most {MAX_CAPTION_CHARS} characters.")
        return caption or None
