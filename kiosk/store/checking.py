"""The store's check, quarantine, rebuild and staff repair.

Reading never destroys. The check that runs when the store opens (and
``keepsake store check``) only:

- restores into the index every complete item folder it does not list (a lost
  or truncated index, or a crash between an add's rename and its commit),
  from the item's wrap record and sealed metadata;
- writes back an item's wrap record or metadata when a crash lost it;
- moves items that cannot be read (key gone or damaged, a file missing or
  damaged) to ``quarantine/`` with a note of why, out of the tribute loop.

Only :func:`repair` (``keepsake store repair``, after staff confirm) and the
wipes destroy anything: the quarantine, half-written leftovers, key versions
no item uses.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time
from pathlib import Path

from kiosk.store import crypto, files, records
from kiosk.store.core import StoreCore, log, utc
from kiosk.store.forgetting import remove_tree, rotate_day, shred_unused_keys
from kiosk.store.keystore import ref_day
from kiosk.store.layout import META, WRAP
from kiosk.store.model import ItemNotFound, RepairPlan, RepairReport, WipeReport

LEFTOVER_GRACE_S = 3600.0  # another process's add in progress is younger than this
_ID_CHARS = set("0123456789abcdef")


def inspect(core: StoreCore, now_s: float) -> RepairReport:
    """Check every item, restore what the index lost, quarantine what cannot be read."""
    repairs: list[str] = list(core.notes)
    skipped: list[str] = []
    core.notes.clear()
    with core.tx() as db:  # the write lock: no add or deletion is half-way meanwhile
        restored = _restore_unlisted(core, db, now_s)
        rows = db.execute("SELECT * FROM items").fetchall()
        broken: dict[str, str] = {}
        for row in rows:
            problem = _problem(core, db, row)
            if problem:
                broken[row["id"]] = problem
        if broken and len(broken) == len(rows) and not core.keys.refs():
            # Every key is missing at once: far likelier a key folder that is not mounted
            # than a crash. Leave the items where they are (the wipe still expires them).
            skipped.append(
                f"the key folder {core.keys.key_dir} holds no keys for {len(rows)} item(s): "
                "is it mounted? Nothing was moved."
            )
            log.error("store check: %s", skipped[-1])
            broken = {}
        for item_id, why in broken.items():
            quarantine_row(core, db, item_id, why, now_s)
    if restored:
        repairs.append(f"restored {len(restored)} item(s) into the index from their files")
    if broken:
        repairs.append(
            f"moved {len(broken)} unreadable item(s) to the quarantine "
            f"({'; '.join(sorted(set(broken.values())))}); "
            "staff can destroy them with `keepsake store repair`"
        )
    if repairs:
        with core.tx(use_reserve=True) as db:
            core.audit(db, now_s, "checked", None, "; ".join(repairs))
        log.warning("store check: %s", "; ".join(repairs))
    return RepairReport(
        repairs=tuple(repairs),
        skipped=tuple(skipped),
        items_checked=len(rows),
        quarantined=tuple(broken),
        restored=tuple(restored),
    )


def _problem(core: StoreCore, db: sqlite3.Connection, row: sqlite3.Row) -> str | None:
    """Why an indexed item cannot be shown, or None; writes back lost wrap/meta records."""
    item_id = row["id"]
    try:
        item_key = core.item_key(row)
    except ItemNotFound:
        return "its day key is gone"
    except crypto.ItemUnreadable:
        return "its key is damaged"
    folder = core.layout.item_dir(item_id)
    kinds = [r[0] for r in db.execute("SELECT kind FROM files WHERE item_id=?", (item_id,))]
    missing = [k for k in kinds if not core.layout.blob(item_id, k).is_file()]
    if missing:
        return f"its {', '.join(sorted(missing))} file is missing"
    if records.read_wrap(core.layout.wrap(item_id)) != (row["key_day"], row["wrapped_key"]):
        records.write_wrap(core.layout.wrap(item_id), row["key_day"], row["wrapped_key"])
    if not (folder / META).is_file():
        meta = core.meta_of(db, row, item_key)
        records.write_meta(core.layout.meta(item_id), item_key, item_id, meta)
    return None


def _restore_unlisted(core: StoreCore, db: sqlite3.Connection, now_s: float) -> list[str]:
    """Index every complete item folder the index does not list; returns their ids."""
    listed = {r[0] for r in db.execute("SELECT id FROM items")}
    found = []
    for folder in sorted(core.layout.items_dir.iterdir()):
        item_id = folder.name
        if item_id in listed or len(item_id) != 16 or not set(item_id) <= _ID_CHARS:
            continue
        wrap = records.read_wrap(folder / WRAP)
        key = core.keys.key(wrap[0]) if wrap else None
        if wrap is None or key is None:
            continue  # a deletion's leftover, or its key is gone: repair removes it
        try:
            item_key = crypto.unwrap_key(key, wrap[1], item_id)
            meta = records.read_meta(folder / META, item_key, item_id)
        except (crypto.ItemUnreadable, OSError):
            continue
        if any(not core.layout.blob(item_id, kind).is_file() for kind, _ in meta.files):
            continue
        caption = (
            crypto.seal(item_key, meta.caption.encode(), crypto.caption_context(item_id))
            if meta.caption
            else None
        )
        (position,) = db.execute("SELECT COALESCE(MAX(position) + 1, 0) FROM items").fetchone()
        db.execute(
            "INSERT INTO items (id, created_s, expires_s, key_day, wrapped_key, pinned, caption,"
            " preset, consent, position, event_id, hidden) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                item_id,
                meta.created_s,
                meta.expires_s,
                wrap[0],
                wrap[1],
                int(meta.pinned),
                caption,
                meta.preset,
                int(meta.consent),
                position,
                meta.event_id,
                int(meta.hidden),
            ),
        )
        db.executemany(
            "INSERT INTO files (item_id, kind, size_bytes) VALUES (?,?,?)",
            [(item_id, kind, size) for kind, size in meta.files],
        )
        core.audit(db, now_s, "restored", item_id, "from its files")
        found.append(item_id)
    return found


def quarantine_row(
    core: StoreCore, db: sqlite3.Connection, item_id: str, why: str, now_s: float
) -> None:
    """Inside a write transaction: move an item out of the index and its folder to the
    quarantine, keeping its wrap record (so nothing that could still open it is lost)."""
    row = db.execute("SELECT * FROM items WHERE id=?", (item_id,)).fetchone()
    if row is None:
        return
    dest = core.layout.quarantine_dir / f"{item_id}-{int(now_s)}"
    files.ensure_dir(core.layout.quarantine_dir)
    folder = core.layout.item_dir(item_id)
    if folder.is_dir():
        os.replace(folder, dest)
    else:
        files.ensure_dir(dest)
    if records.read_wrap(dest / WRAP) is None:
        records.write_wrap(dest / WRAP, row["key_day"], row["wrapped_key"])
    stamp = utc(now_s).isoformat()
    files.write_atomic(dest / "reason.txt", f"{stamp} {why}\n".encode())
    files.fsync_dir(core.layout.quarantine_dir)
    files.fsync_dir(core.layout.items_dir)
    db.execute("DELETE FROM items WHERE id=?", (item_id,))
    core.audit(db, now_s, "quarantined", item_id, why)


def quarantine(core: StoreCore, item_id: str, why: str, now_s: float) -> None:
    with core.tx() as db:
        quarantine_row(core, db, item_id, why, now_s)
    log.warning("store: item %s moved to the quarantine: %s", item_id, why)


def plan_repair(core: StoreCore) -> RepairPlan:
    """What repair would destroy, so staff can see it before confirming."""
    listed = {r[0] for r in core.db.execute("SELECT id FROM items")}
    quarantined = tuple(p.name for p in _entries(core.layout.quarantine_dir))
    leftovers = [str(p) for p in _entries(core.layout.items_dir) if p.name not in listed]
    for base in (core.data_dir, core.keys.key_dir):
        leftovers += [str(p) for p in _entries(base) if p.name.startswith(files.TEMP_PREFIX)]
    used = {r[0] for r in core.db.execute("SELECT DISTINCT key_day FROM items")}
    unused = tuple(ref for ref in core.keys.refs() if ref not in used)
    return RepairPlan(quarantined, tuple(leftovers), unused)


def repair(core: StoreCore, plan: RepairPlan, now_s: float) -> WipeReport:
    """Destroy what ``plan`` lists (staff confirmed it). Leftovers younger than an hour are
    spared while another process has the store open: they may be its add in progress."""
    exclusive = core.try_exclusive()
    try:
        min_age_s = 0.0 if exclusive else LEFTOVER_GRACE_S
        n_files = n_bytes = 0
        days: set[dt.date] = set()
        for name in plan.quarantined:
            folder = core.layout.quarantine_dir / name
            wrap = records.read_wrap(folder / WRAP)
            if wrap:
                days.add(ref_day(wrap[0]))
            f, b = remove_tree(folder)
            n_files, n_bytes = n_files + f, n_bytes + b
        for leftover in map(Path, plan.leftovers):
            if min_age_s and _age_s(leftover) < min_age_s:
                continue
            if leftover.parent == core.keys.key_dir:
                n_files, n_bytes = n_files + 1, n_bytes + files.shred_file(leftover)
                continue
            f, b = remove_tree(leftover)
            n_files, n_bytes = n_files + f, n_bytes + b
        with core.tx(use_reserve=True) as db:
            # The destroyed quarantined items' key versions may still open live items:
            # rotate those days so the versions can go.
            for day in sorted(days):
                rotate_day(core, db, day)
            core.audit(db, now_s, "repaired", None, plan.summary())
        shredded = shred_unused_keys(core, days | {ref_day(r) for r in plan.unused_keys})
        core.truncate_wal()
        return WipeReport(
            items=plan.quarantined,
            day_keys=tuple(shredded),
            files_removed=n_files,
            bytes_removed=n_bytes,
            reason="repair",
        )
    finally:
        core.release_exclusive()


def _entries(folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir())
    except FileNotFoundError:
        return []


def _age_s(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except FileNotFoundError:
        return float("inf")
