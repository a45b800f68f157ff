"""The SQLite index: items, their files, and an audit trail with no personal data.

WAL mode with ``synchronous=FULL`` makes every commit durable before it
returns. ``secure_delete`` overwrites deleted rows with zeros, and after a
deletion the WAL is checkpointed and truncated, so a deleted item's wrapped
key does not linger in the database file or the log.

The index is a cache of the item files (records.py): when it is lost or
damaged the store moves it to the quarantine and rebuilds it from them.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    id TEXT PRIMARY KEY,
    created_s REAL NOT NULL,
    expires_s REAL NOT NULL,
    key_day TEXT NOT NULL,
    wrapped_key BLOB NOT NULL,
    pinned INTEGER NOT NULL DEFAULT 0,
    caption BLOB,
    preset TEXT,
    consent INTEGER NOT NULL,
    position INTEGER NOT NULL,
    event_id TEXT,
    hidden INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS files (
    item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    PRIMARY KEY (item_id, kind)
);
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at_s REAL NOT NULL,
    action TEXT NOT NULL,
    item_id TEXT,
    detail TEXT NOT NULL DEFAULT ''
);
"""
ADDED_COLUMNS = (  # columns later versions added to ``items``: (name, declaration)
    ("event_id", "TEXT"),
    ("hidden", "INTEGER NOT NULL DEFAULT 0"),
)

AUDIT_KEEP_ROWS = 20000
BUSY_TIMEOUT_MS = 15000


@contextlib.contextmanager
def creation_lock(data_dir: Path) -> Iterator[None]:
    """Held while an index is opened, created or replaced: SQLite's own locks do not cover
    switching a brand-new file to WAL, so two processes creating a store at once could
    see 'database is locked'."""
    fd = os.open(data_dir / "index.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the index with the durability settings the store relies on.

    Raises sqlite3.DatabaseError when the file is not a usable SQLite database.
    """
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))  # owner-only; WAL/SHM inherit it
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=15.0)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise sqlite3.OperationalError(f"could not switch the index to WAL mode (got {mode})")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA secure_delete=ON")
        conn.execute("PRAGMA temp_store=MEMORY")  # sorts and temporary tables never touch disk
        conn.execute("PRAGMA foreign_keys=ON")
        conn.executescript(SCHEMA)
        have = {r[1] for r in conn.execute("PRAGMA table_info(items)")}
        for name, declaration in ADDED_COLUMNS:
            if name not in have:
                conn.execute(f"ALTER TABLE items ADD COLUMN {name} {declaration}")
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError("the index failed SQLite's quick_check")
    except BaseException:
        conn.close()
        raise
    return conn


def truncate_wal(conn: sqlite3.Connection) -> bool:
    """Copy the WAL into the database and cut the WAL file to zero bytes; False when busy."""
    busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return busy == 0
