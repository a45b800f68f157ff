"""SIGKILL at random points of an add with a clip, a wipe and a repair (issue #12).

The promises checked after each kill, on the store as a restarted kiosk opens it:

- add: an item is visible only with its photo, clip and thumb, all decrypting to
  what was saved, and every add that returned is visible (all or nothing);
- wipe: whatever survived a killed wipe is whole and readable, and running the
  wipe again leaves nothing (no key, no ciphertext, no item);
- repair: live items are untouched, and repair run again completes.

About 40 kills in all, bounded to well under a minute.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.store import Store
from tests.kiosk.store.conftest import all_bytes_under, fork_and_kill

MARKER = b"PLAINTEXT-MARKER"
pytestmark = pytest.mark.timeout(120)


def _files(n: int) -> tuple[bytes, dict[str, bytes]]:
    photo = b"\xff\xd8\xff" + MARKER + f"-photo-{n:04d}-".encode() * 50
    clip = b"\x00\x00\x00\x18ftyp" + MARKER + f"-clip-{n:04d}-".encode() * 20000  # ~300 kB
    return photo, {"clip": clip, "thumb": MARKER + f"-thumb-{n:04d}".encode()}


def _add(store: Store, n: int, event_id: str | None = None) -> str:
    photo, extra = _files(n)
    return store.add_item(photo, consent=True, caption=f"n={n}", event_id=event_id, files=extra)


def _assert_whole(store: Store) -> dict[str, int]:
    """Every visible item complete and readable; returns id -> n."""
    found = {}
    for item in store.list_items(include_expired=True):
        n = int((item.caption or "n=-1")[2:])
        photo, extra = _files(n)
        assert item.kinds == ("clip", "photo", "thumb"), f"half-visible item {item.id}"
        assert store.read_file(item.id, "photo") == photo
        for kind, data in extra.items():
            assert store.read_file(item.id, kind) == data
        found[item.id] = n
    return found


Work = Callable[[Store, Callable[[str], None]], None]


def _time_on_a_twin(data_dir: Path, work: Work) -> float:
    """How long ``work`` takes, uninterrupted, on a copy of the store: the window the kills aim at
    (measured, so they land inside the work on a quiet machine and on a loaded one alike)."""
    import shutil

    twin = data_dir.with_name(data_dir.name + "-twin")
    shutil.copytree(data_dir, twin)
    try:
        with Store(twin) as store:
            t0 = time.perf_counter()
            work(store, lambda line: None)
            return time.perf_counter() - t0
    finally:
        shutil.rmtree(twin)


def _kill_during(data_dir: Path, work: Work, delay_s: float) -> list[str]:
    """Run ``work`` in a forked child that has opened the store; SIGKILL it after ``delay_s``."""

    def child(fd: int) -> None:
        store = Store(data_dir)
        os.write(fd, b"READY\n")
        work(store, lambda line: os.write(fd, (line + "\n").encode()))
        os.write(fd, b"DONE\n")
        time.sleep(60)

    return fork_and_kill(child, delay_s, after_ready=True)


def _op_time_s(tmp_path: Path, op: Callable[[Store], object]) -> float:
    with Store(tmp_path / "timing") as store:
        t0 = time.perf_counter()
        op(store)
        return time.perf_counter() - t0


@pytest.mark.slow
def test_a_killed_add_with_a_clip_is_all_or_nothing(tmp_path: Path) -> None:
    rnd = random.Random(12)
    add_s = _op_time_s(tmp_path, lambda s: [_add(s, n) for n in range(3)]) / 3
    data = tmp_path / "data"
    returned: dict[str, int] = {}
    half_done = 0
    for trial in range(20):
        first = 100 * trial

        def adds(store: Store, report: Callable[[str], None], first: int = first) -> None:
            for n in range(first, first + 10):
                report(f"ADDED {_add(store, n)} {n}")

        lines = _kill_during(data, adds, rnd.uniform(0, 4 * add_s))
        returned.update({w[1]: int(w[2]) for w in map(str.split, lines) if w[0] == "ADDED"})
        with Store(data) as store:
            visible = _assert_whole(store)
            half_done += bool(store.last_repair and store.last_repair.restored)
            missing = set(returned) - set(visible)
            assert not missing, f"adds that returned are gone: {missing}"
    raw = all_bytes_under(data)
    assert not [p for p, b in raw.items() if MARKER in b], "plaintext on disk"
    print(
        f"\n20 kills during adds: {len(returned)} adds returned, "
        f"{half_done} kill(s) left a complete item to restore"
    )


@pytest.mark.slow
@pytest.mark.parametrize("how", ["wipe_all", "wipe_event", "wipe_expired"])
def test_a_killed_wipe_leaves_whole_items_and_wiping_again_finishes(
    tmp_path: Path, how: str
) -> None:
    import datetime as dt

    rnd = random.Random(how)
    cut_short = 0
    for trial in range(6):
        data = tmp_path / f"data{trial}"
        with Store(data) as store:
            event = store.open_event("Ruth", dt.date(2026, 5, 12))
            doomed = [_add(store, n, event.event_id) for n in range(6)]
            keep = [_add(store, n) for n in range(6, 8)] if how == "wipe_event" else []

        def wipe(store: Store, report: Callable[[str], None], eid: str = event.event_id) -> None:
            if how == "wipe_all":
                store.wipe_all()
            elif how == "wipe_event":
                store.wipe_event(eid)
            else:
                store.wipe_expired(time.time() + 400 * 86400)

        work_s = _time_on_a_twin(data, wipe)
        cut_short += "DONE" not in _kill_during(data, wipe, rnd.uniform(0, work_s))
        with Store(data) as store:
            _assert_whole(store)
            if how == "wipe_all":
                store.wipe_all()
                assert not list(store.keys.key_dir.iterdir()), "a key outlived wipe --all"
                assert not list(data.rglob("*.enc")), "ciphertext outlived wipe --all"
            elif how == "wipe_event":
                if store.events():
                    store.wipe_event(event.event_id)
                assert sorted(i.id for i in store.list_items()) == sorted(keep)
            else:
                store.wipe_expired(time.time() + 400 * 86400)
                assert not store.keys.refs()
            assert not set(doomed) & {i.id for i in store.list_items(include_expired=True)}
    assert cut_short >= 2, "the kills came too late to cut any wipe short"


@pytest.mark.slow
def test_a_killed_repair_spares_live_items_and_repair_again_finishes(tmp_path: Path) -> None:
    rnd = random.Random(7)
    cut_short = 0
    for trial in range(8):
        data = tmp_path / f"data{trial}"
        with Store(data) as store:
            live = [_add(store, n) for n in range(3)]
            broken = [_add(store, n) for n in range(3, 7)]
        for item_id in broken:
            (data / "items" / item_id / "photo.enc").unlink()
        (data / "items" / ".tmp-00000000000000ab").mkdir()
        with Store(data) as store:
            assert len(store.repair_plan().quarantined) == len(broken)

        def repair(store: Store, report: Callable[[str], None]) -> None:
            store.repair(store.repair_plan())

        work_s = _time_on_a_twin(data, repair)
        cut_short += "DONE" not in _kill_during(data, repair, rnd.uniform(0, work_s))
        with Store(data) as store:
            assert sorted(_assert_whole(store)) == sorted(live)
            store.repair(store.repair_plan())
            assert store.repair_plan().empty
            assert sorted(_assert_whole(store)) == sorted(live)
    assert cut_short >= 2, "the kills came too late to cut any repair short"


@pytest.mark.slow
def test_a_killed_cli_add_with_a_big_clip_is_all_or_nothing(tmp_path: Path) -> None:
    """The issue's case: `keepsake store add PHOTO --clip BIG.mp4` killed mid-way."""
    import struct
    import subprocess
    import sys

    from tests.kiosk.store.conftest import tiny_mp4

    repo = Path(__file__).resolve().parents[3]
    photo = tmp_path / "photo.png"
    from PIL import Image

    Image.new("RGB", (64, 64), (120, 90, 60)).save(photo)
    padding = 60 << 20  # a valid MP4 'free' box: the clip still decodes, and takes a while
    big = tmp_path / "big.mp4"
    big.write_bytes(tiny_mp4() + struct.pack(">I", padding + 8) + b"free" + bytes(padding))
    data = tmp_path / "store"
    env = {**os.environ, "KEEPSAKE_DATA_DIR": str(data), "KEEPSAKE_CONFIG": ""}
    command = [sys.executable, "-m", "engine_edge.cli", "store", "add", str(photo)]
    t0 = time.monotonic()
    done = subprocess.run([*command, "--clip", str(big)], cwd=repo, env=env, capture_output=True)
    full_s = time.monotonic() - t0
    assert done.returncode == 0, done.stderr
    rnd = random.Random(3)
    for _ in range(4):
        proc = subprocess.Popen([*command, "--clip", str(big)], cwd=repo, env=env)
        time.sleep(rnd.uniform(0.3 * full_s, 0.95 * full_s))
        proc.kill()  # SIGKILL
        proc.wait()
    with Store(data) as store:
        items = store.list_items()
        assert items, "the add that finished is there"
        for item in items:
            assert item.kinds == ("clip", "photo"), f"half-visible item {item.id}"
            assert store.read_file(item.id, "clip") == big.read_bytes()
