"""System checks: disk, clock, the systemd units, the store (read-only) and the last wipe."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

from engine_edge.doctor.host import Host
from engine_edge.doctor.report import FAIL, OK, WARN, Check

UNITS = ("keepsake-kiosk.service", "keepsake-wipe.timer", "keepsake-wipe.service")
MIN_FREE_GB = 1.0  # below this the kiosk refuses new portraits soon
LOW_FREE_GB = 5.0
# A clock before this has never been set (this release did not exist yet).
EARLIEST_PLAUSIBLE = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
WIPE_LATE_S = 3 * 3600  # the timer runs hourly; three hours without one is a fault


def _data_dir(config: dict[str, Any], host: Host) -> Path:
    from kiosk.store.settings import store_settings

    return host.path(str(store_settings(config).resolved_data_dir()))


def disk(config: dict[str, Any], host: Host) -> Check:
    path = _data_dir(config, host)
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    usage = shutil.disk_usage(probe)
    free_gb, total_gb = usage.free / 1e9, usage.total / 1e9
    summary = f"{free_gb:.1f} GB free of {total_gb:.1f} GB where portraits are stored ({path})"
    if free_gb < MIN_FREE_GB:
        return Check("disk", FAIL, summary, "delete old portraits (keepsake wipe) or free space")
    if free_gb < LOW_FREE_GB:
        return Check("disk", WARN, summary, "free some space soon")
    return Check("disk", OK, summary)


def _time_zone(host: Host) -> str:
    if os.environ.get("TZ"):
        return os.environ["TZ"]
    zone = host.read("/etc/timezone").strip()
    if zone:
        return zone
    link = host.path("/etc/localtime")
    if link.is_symlink():
        target = os.readlink(link)
        return target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else target
    return ""


def _store_latest_time(config: dict[str, Any], host: Host) -> dt.datetime | None:
    """The latest time the store has seen (kiosk/store/clock.py keeps it for clockless boxes)."""
    import json

    try:
        wall_s = float(json.loads((_data_dir(config, host) / "clock.json").read_text())["wall_s"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return dt.datetime.fromtimestamp(wall_s, dt.timezone.utc)


def clock(
    host: Host, now: dt.datetime | None = None, config: dict[str, Any] | None = None
) -> Check:
    """RTC present, time plausible (not before what the store has seen), time zone set:
    retention days end at local midnight."""
    now = now or dt.datetime.now(dt.timezone.utc)
    latest = _store_latest_time(config or {}, host)
    rtc = host.path("/sys/class/rtc/rtc0").exists() or host.path("/dev/rtc0").exists()
    synced = host.path("/run/systemd/timesync/synchronized").exists()
    zone = _time_zone(host)
    details = (
        ("time (UTC)", now.strftime("%Y-%m-%d %H:%M:%S")),
        ("time zone", zone or "not set (UTC)"),
        ("battery clock (RTC)", "present" if rtc else "absent"),
        ("network time", "synchronised" if synced else "not synchronised"),
    )
    summary = f"{now.astimezone():%Y-%m-%d %H:%M %Z}"
    if now < EARLIEST_PLAUSIBLE or now.year >= 2100:
        return Check(
            "clock",
            FAIL,
            f"the clock says {now:%Y-%m-%d}: never set",
            "set the date and time (staff screen, or `sudo date -s`)",
            details,
        )
    if latest and now < latest - dt.timedelta(minutes=5):
        return Check(
            "clock",
            FAIL,
            f"the clock is behind {latest:%Y-%m-%d %H:%M} UTC, a time the store has already seen",
            "set the date and time (it was set back, or lost while the box was off)",
            details,
        )
    if not zone:
        return Check(
            "clock",
            WARN,
            summary + ", no time zone",
            "`sudo timedatectl set-timezone Area/City`",
            details,
        )
    if not rtc and not synced:
        return Check(
            "clock",
            WARN,
            summary + ", no battery clock and no network time",
            "after each power cut, check the time on the staff screen",
            details,
        )
    return Check("clock", OK, summary, details=details)


def units(host: Host) -> Check:
    if not host.systemd_running():
        return Check(
            "units",
            FAIL,
            "systemd is not running here: no kiosk service",
            "install the box with `sudo systemd/install.sh` (docs/DEPLOY.md)",
        )
    details, bad = [], []
    for unit in UNITS:
        p = host.unit_properties(
            unit, "LoadState", "ActiveState", "SubState", "UnitFileState", "Result"
        )
        state = (
            f"{p.get('UnitFileState', '?')}, {p.get('ActiveState', '?')} ({p.get('SubState', '?')})"
        )
        details.append((unit, state))
        if p.get("LoadState") != "loaded":
            bad.append(f"{unit} is not installed")
        elif unit.endswith(".service") and p.get("Result", "success") != "success":
            bad.append(f"{unit} last ended with {p.get('Result')}")
        elif not unit.startswith("keepsake-wipe.service") and (
            p.get("UnitFileState") != "enabled" or p.get("ActiveState") != "active"
        ):
            bad.append(f"{unit} is {state}")
    if bad:
        return Check(
            "units",
            FAIL,
            "; ".join(bad),
            "`sudo systemd/install.sh`, then `journalctl -u 'keepsake-*'` says why",
            tuple(details),
        )
    return Check("units", OK, "kiosk running, wipe timer armed", details=tuple(details))


def _open_read_only(path: Path) -> sqlite3.Connection:
    """Read the index without creating anything beside it.

    A plain read-only open of a WAL database creates its -wal and -shm files when absent,
    owned by whoever runs the doctor (root): the kiosk could then not open its own store.
    With them present (the store is open), read through them; without them (nothing is
    open, so nothing waits in a WAL), read the file as immutable, which creates nothing.
    """
    shared = all(path.with_name(path.name + s).exists() for s in ("-wal", "-shm"))
    mode = "mode=ro" if shared else "immutable=1"
    return sqlite3.connect(f"file:{path}?{mode}", uri=True, timeout=5)


def store(config: dict[str, Any], host: Host, now_s: float | None = None) -> Check:
    """The portrait index read without writing: integrity, counts, portraits awaiting the wipe."""
    now_s = time.time() if now_s is None else now_s
    data_dir = _data_dir(config, host)
    index = data_dir / "index.sqlite3"
    if not data_dir.exists() or (os.access(data_dir, os.X_OK) and not index.exists()):
        return Check(
            "store", WARN, f"no store yet at {data_dir}", "the kiosk creates it at first start"
        )
    if not os.access(data_dir, os.R_OK | os.X_OK):
        return Check(
            "store",
            WARN,
            f"{data_dir} is not readable by this user",
            "run `sudo keepsake doctor` to check the store",
        )
    try:
        db = _open_read_only(index)
        try:
            integrity = db.execute("PRAGMA quick_check").fetchone()[0]
            items = db.execute("SELECT COUNT(*) FROM items").fetchone()[0]
            overdue = db.execute(
                "SELECT COUNT(*) FROM items WHERE expires_s < ? AND pinned = 0",
                (now_s - WIPE_LATE_S,),
            ).fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error as exc:
        return Check(
            "store",
            FAIL,
            f"the portrait index cannot be read: {exc}",
            "`sudo -u keepsake keepsake store check` repairs what it can",
        )
    keys = len(list((data_dir / "keys").glob("day-*.key"))) if (data_dir / "keys").is_dir() else 0
    details = (("portraits", str(items)), ("day keys", str(keys)), ("integrity", integrity))
    if integrity != "ok":
        return Check(
            "store",
            FAIL,
            f"the portrait index is damaged ({integrity})",
            "`sudo -u keepsake keepsake store check` repairs what it can",
            details,
        )
    if overdue:
        return Check(
            "store",
            FAIL,
            f"{overdue} portrait(s) kept past their retention",
            "the wipe is not running: see the units check",
            details,
        )
    return Check(
        "store", OK, f"{items} portrait(s), {keys} day key(s), index intact", details=details
    )


def _last_audit_wipe(data_dir: Path) -> float | None:
    try:
        db = _open_read_only(data_dir / "index.sqlite3")
        try:
            row = db.execute(
                "SELECT MAX(at_s) FROM audit WHERE action IN "
                "('destroyed', 'day-keys-shredded', 'wiped-all')"
            ).fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return None
    return row[0] if row and row[0] is not None else None


def last_wipe(config: dict[str, Any], host: Host) -> Check:
    """When the wipe last ran (systemd) and last destroyed something (the store's audit)."""
    props = host.unit_properties("keepsake-wipe.service", "ExecMainExitTimestamp", "Result")
    ran = props.get("ExecMainExitTimestamp", "")
    audit_s = _last_audit_wipe(_data_dir(config, host))
    details = (
        ("last run", ran or "never (or no systemd)"),
        ("last result", props.get("Result", "unknown")),
        (
            "last destroyed something",
            dt.datetime.fromtimestamp(audit_s).astimezone().strftime("%Y-%m-%d %H:%M %Z")
            if audit_s
            else "never",
        ),
    )
    if not host.systemd_running():
        return Check(
            "last wipe",
            WARN,
            "no systemd here: the hourly wipe is not scheduled",
            "install the box with `sudo systemd/install.sh`",
            details,
        )
    if not ran:
        return Check(
            "last wipe",
            FAIL,
            "the wipe has not run since boot",
            "`sudo systemctl start keepsake-wipe.service`; journalctl says why it failed",
            details,
        )
    if props.get("Result", "success") != "success":
        return Check(
            "last wipe",
            FAIL,
            f"the last wipe ended with {props.get('Result')}",
            "`journalctl -u keepsake-wipe.service` says why",
            details,
        )
    return Check("last wipe", OK, f"last ran {ran}", details=details)
