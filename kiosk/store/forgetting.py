"""Destroying items: deletion, retention, wipes, and moving an item between day keys.

Deletion runs the opposite way to saving: in one transaction the rows (and
with them the wrapped keys) go, the items' wrap records are unlinked, and the
day keys they used are *rotated* (the day's remaining items re-wrapped under a
new version); once that is committed, the key versions no item uses any more
are shredded, then the files. A crash at any point leaves either the item
intact or ciphertext whose key no longer exists. Moving an item to another
day (pin, unpin, a shorter retention) rotates the day it left for the same
reason: the old key version also opened this item's old wrapped key, copies
of which may survive on flash.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from kiosk.store import crypto, files, records
from kiosk.store.core import StoreCore, log, utc_day
from kiosk.store.keystore import ref_day
from kiosk.store.layout import INDEX_FILES
from kiosk.store.model import ItemNotFound, WipeReport


def destroy(core: StoreCore, ids: list[str], *, reason: str, now_s: float) -> WipeReport:
    """Delete items: rows and wrap records first, day keys rotated, keys shredded, then files."""
    if not ids:
        return WipeReport(reason=reason)
    deleted: list[str] = []
    days: set[dt.date] = set()
    with core.tx(use_reserve=True) as db:
        for item_id in ids:
            row = db.execute("SELECT key_day FROM items WHERE id=?", (item_id,)).fetchone()
            if row is None:
                continue
            days.add(ref_day(row[0]))
            db.execute("DELETE FROM items WHERE id=?", (item_id,))
            # Without its wrap record a leftover folder can never be restored into the index.
            files.remove_file(core.layout.wrap(item_id))
            core.audit(db, now_s, "destroyed", item_id, reason)
            deleted.append(item_id)
        with contextlib.suppress(OSError):
            files.fsync_dir(core.layout.items_dir)
        for day in sorted(days):
            rotate_day(core, db, day)
    # Only after the commit does no row point at these days' old key versions.
    destroyed = shred_unused_keys(core, days)
    core.truncate_wal()
    n_files = n_bytes = 0
    for item_id in deleted:
        f, b = remove_tree(core.layout.item_dir(item_id))
        n_files, n_bytes = n_files + f, n_bytes + b
    with contextlib.suppress(OSError):
        files.fsync_dir(core.layout.items_dir)
    core.keep_reserve()
    log.info("destroyed %d item(s) (%s)", len(deleted), reason)
    return WipeReport(
        items=tuple(deleted),
        day_keys=tuple(destroyed),
        files_removed=n_files,
        bytes_removed=n_bytes,
        reason=reason,
    )


def rotate_day(core: StoreCore, db: sqlite3.Connection, day: dt.date) -> None:
    """Inside the write transaction: re-wrap ``day``'s remaining items under a new version
    of its key, so that the old versions, which also opened the items that left, can be
    shredded once this is committed."""
    remaining = db.execute(
        "SELECT * FROM items WHERE substr(key_day, 1, 10) = ?", (day.isoformat(),)
    ).fetchall()
    if not remaining:
        return
    new_ref = core.keys.rotate(day)
    new_key = core.day_key(new_ref)
    updates = []
    for row in remaining:
        try:
            item_key = core.item_key(row)
        except (crypto.ItemUnreadable, ItemNotFound):
            continue  # already unreadable; the next check quarantines it
        wrapped = crypto.wrap_key(new_key, item_key, row["id"])
        if core.layout.item_dir(row["id"]).is_dir():
            records.write_wrap(core.layout.wrap(row["id"]), new_ref, wrapped)
        updates.append((wrapped, new_ref, row["id"]))
    db.executemany("UPDATE items SET wrapped_key=?, key_day=? WHERE id=?", updates)


def move_to_day(
    core: StoreCore, db: sqlite3.Connection, row: sqlite3.Row, expires_s: float, pinned: bool
) -> dt.date:
    """Inside the write transaction: give an item a new expiry, wrapped under that day's key.

    Returns the day it left; the caller rotates that day (rotate_day) before committing
    and shreds its unused keys after.
    """
    item_key = core.item_key(row)
    ref, wrapped = core.wrap_under(db, row["id"], item_key, utc_day(expires_s))
    db.execute(
        "UPDATE items SET pinned=?, expires_s=?, key_day=?, wrapped_key=? WHERE id=?",
        (int(pinned), expires_s, ref, wrapped, row["id"]),
    )
    core.rewrite_meta(db, row["id"])
    return ref_day(row["key_day"])


def shred_unused_keys(core: StoreCore, days: Iterable[dt.date]) -> list[str]:
    """Shred every version of ``days``' keys that no stored item is wrapped under.

    Never inside a transaction that deletes items: a crash before its commit would
    keep the items and lose their keys. This runs in a write transaction of its own
    that writes nothing: it holds off every other process's choice of a key until
    the keys are gone, and a crash part-way only leaves unused keys, which
    ``keepsake store repair`` or the day's end shreds. It needs no free space.
    """
    with core.tx() as db:
        used = {r[0] for r in db.execute("SELECT DISTINCT key_day FROM items")}
        return [
            ref
            for day in sorted(set(days))
            for ref in core.keys.refs(day)
            if ref not in used and core.keys.destroy(ref)
        ]


def wipe_expired(core: StoreCore, now_s: float) -> WipeReport:
    """Destroy expired items, shred the keys of every ended day, forget finished events."""
    ids = [r[0] for r in core.db.execute("SELECT id FROM items WHERE expires_s <= ?", (now_s,))]
    report = destroy(core, ids, reason="expired", now_s=now_s)
    today = utc_day(now_s)
    with core.tx(use_reserve=True) as db:
        # A day key whose items are still stored (clock moved back) is kept.
        live = {ref_day(r[0]) for r in db.execute("SELECT DISTINCT key_day FROM items")}
        ended = [d for d in core.keys.days() if d < today and d not in live]
        shredded = [ref for day in ended for ref in core.keys.destroy_day(day)]
        # Versions no item uses (a crash between a deletion's commit and its shredding).
        used = {r[0] for r in db.execute("SELECT DISTINCT key_day FROM items")}
        shredded += [r for r in core.keys.refs() if r not in used and core.keys.destroy(r)]
        if shredded:
            core.audit(db, now_s, "day-keys-shredded", None, f"keys={len(shredded)}")
        in_use = {r[0] for r in db.execute("SELECT DISTINCT event_id FROM items")}
        for event in core.event_book.all():
            if event.closed_at is not None and event.event_id not in in_use:
                core.event_book.remove(event.event_id)
                core.audit(db, now_s, "event-forgotten", None, event.event_id)
    return WipeReport(
        items=report.items,
        day_keys=report.day_keys + tuple(shredded),
        files_removed=report.files_removed,
        bytes_removed=report.bytes_removed,
        reason="expired",
    )


def wipe_all(core: StoreCore, now_s: float) -> WipeReport:
    """Destroy every item, every key, the quarantine and the events (staff "wipe everything").

    Shredding every day key is the erase: whatever else survives (an unreadable index,
    a file that could not be removed) is ciphertext nothing can open any more.
    """
    ids = [r[0] for r in core.db.execute("SELECT id FROM items")]
    with core.tx(use_reserve=True) as db:
        db.execute("DELETE FROM items")
        # Under the write lock: no other process is choosing a key we are about to shred.
        keys = [ref for ref in core.keys.refs() if core.keys.destroy(ref)]
        core.audit(db, now_s, "wiped-all", None, f"items={len(ids)} keys={len(keys)}")
    core.truncate_wal()
    n_files = n_bytes = 0
    for folder in (core.layout.items_dir, core.layout.quarantine_dir, core.layout.events_dir):
        f, b = remove_tree(folder, keep_root=True)
        n_files, n_bytes = n_files + f, n_bytes + b
    core.keep_reserve()
    return WipeReport(
        items=tuple(ids),
        day_keys=tuple(keys),
        files_removed=n_files,
        bytes_removed=n_bytes,
        reason="wipe-all",
    )


def wipe_folders(data_dir: Path, key_dir: Path) -> WipeReport:
    """Wipe a store that cannot be opened at all: shred every key file, remove the rest.

    The keys go first: once they are shredded, whatever cannot be removed is
    ciphertext nothing can open.
    """
    keys = []
    if key_dir.is_dir():
        for path in sorted(key_dir.iterdir()):
            if path.is_file():
                files.shred_file(path)
                keys.append(path.name)
        with contextlib.suppress(OSError):
            files.fsync_dir(key_dir)
    n_files = n_bytes = 0
    for name in ("items", "quarantine", "events", *INDEX_FILES):
        f, b = remove_tree(data_dir / name)
        n_files, n_bytes = n_files + f, n_bytes + b
    return WipeReport(
        day_keys=tuple(keys), files_removed=n_files, bytes_removed=n_bytes, reason="wipe-all"
    )


def remove_tree(root: Path, *, keep_root: bool = False) -> tuple[int, int]:
    """Unlink every file under ``root`` (ciphertext needs no overwrite once its key is gone)."""
    n_files = n_bytes = 0
    if not root.exists():
        return 0, 0
    if not root.is_dir():
        return 1, files.remove_file(root)
    for path in sorted(root.rglob("*"), reverse=True):
        if path.is_dir() and not path.is_symlink():
            with contextlib.suppress(OSError):
                path.rmdir()
        else:
            n_bytes += files.remove_file(path)
            n_files += 1
    if not keep_root:
        shutil.rmtree(root, ignore_errors=True)
    return n_files, n_bytes
