"""SIGKILL at random points while saving never corrupts, half-shows, leaks or loses an item.

Each trial forks a child that saves items (photo, then a clip, sometimes a pin
or a delete) into one shared store and reports each step on a pipe only after
the call returned. The parent kills it with SIGKILL after a random delay, then
opens the store as a restarted kiosk would (self-check included) and checks:
everything reported saved is there and byte-identical, every visible item is
complete and decryptable, nothing reported deleted came back, and no
plaintext marker is anywhere on disk.
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

import pytest

from kiosk.store import Store
from tests.kiosk.store.conftest import all_bytes_under, fork_and_kill

TRIALS = 120  # test_crash_atomic.py kills adds with clips, wipes and repairs too
TRIALS_PER_STORE = 40  # a fresh store now and then keeps the per-trial verification cheap
SAVES_PER_KILL = 6  # kills land anywhere in about this many saves (measured on this machine)
MARKER = b"PLAINTEXT-MARKER"


def _photo(n: int) -> bytes:
    return b"\xff\xd8\xff" + MARKER + f"-photo-{n:05d}-".encode() * 6


def _clip(n: int) -> bytes:
    return MARKER + f"-clip-{n:05d}-".encode() * 9


def _caption(n: int) -> str:
    return f"{MARKER.decode()} caption {n}"


def _child(data_dir: Path, fd: int, seed: int, first_n: int) -> None:
    rnd = random.Random(seed)

    def report(line: str) -> None:
        os.write(fd, (line + "\n").encode())

    store = Store(data_dir)
    report("READY")
    for n in range(first_n, first_n + 40):
        report(f"ADD-START {n}")
        item_id = store.add_item(_photo(n), consent=True, caption=_caption(n))
        report(f"ADDED {n} {item_id}")
        if rnd.random() < 0.7:
            store.put_file(item_id, "clip", _clip(n))
            report(f"CLIP {n} {item_id}")
        if rnd.random() < 0.15:
            store.pin(item_id, True)
        if rnd.random() < 0.3:
            report(f"DELETE-START {n} {item_id}")
            store.delete_item(item_id)
            report(f"DELETED {n} {item_id}")


def _run_trial(
    data_dir: Path, seed: int, first_n: int, delay_s: float, after_open: bool
) -> list[list[str]]:
    """Fork a saver and SIGKILL it ``delay_s`` after it starts (or, with ``after_open``,
    after it has opened the store)."""
    lines = fork_and_kill(
        lambda fd: _child(data_dir, fd, seed, first_n), delay_s, after_ready=after_open
    )
    return [line.split() for line in lines]


def _save_time_s(scratch: Path) -> float:
    """How long one save (photo + clip) takes here and now: the kill window scales with it."""
    with Store(scratch) as store:
        t0 = time.perf_counter()
        for n in range(5):
            store.put_file(store.add_item(_photo(n), consent=True), "clip", _clip(n))
        return (time.perf_counter() - t0) / 5


def _trials_on_one_store(
    data_dir: Path, rnd: random.Random, first_n: int, trials: int, max_delay_s: float
) -> tuple[int, int, int]:
    """Run ``trials`` kills against one store; returns (kept, deleted, kills that needed repair)."""
    saved: dict[str, int] = {}  # item id -> n, reported saved and not being deleted
    with_clip: set[str] = set()
    deleted: set[str] = set()
    repairs = 0
    for trial in range(trials):
        n0 = first_n + 40 * trial
        events = _run_trial(
            data_dir,
            rnd.randrange(1 << 30),
            n0,
            rnd.uniform(0, max_delay_s),
            after_open=rnd.random() < 0.8,  # one kill in five may land during start-up repairs
        )
        for event in events:
            if event[0] == "ADDED":
                saved[event[2]] = int(event[1])
            elif event[0] == "CLIP":
                with_clip.add(event[2])
            elif event[0] == "DELETE-START":
                saved.pop(event[2], None)  # may or may not be gone now
                with_clip.discard(event[2])
            elif event[0] == "DELETED":
                deleted.add(event[2])

        with Store(data_dir) as store:
            assert store.last_repair is not None and store.last_repair.database_ok
            repairs += bool(store.last_repair.repairs)
            visible = {item.id: item for item in store.list_items(include_expired=True)}
            for item_id, n in saved.items():
                assert item_id in visible, f"item {n} was reported saved but is lost"
                assert store.read_file(item_id, "photo") == _photo(n)
                assert visible[item_id].caption == _caption(n)
                if item_id in with_clip:
                    assert store.read_file(item_id, "clip") == _clip(n)
            for item_id, item in visible.items():
                assert "photo" in item.kinds, f"half-visible item {item_id}"
                for kind in item.kinds:
                    store.read_file(item_id, kind)  # decrypts, or raises
            assert not deleted & set(visible), "a deleted item came back"
            second = store.check()
            assert second.clean, f"a second self-check still found work: {second}"
        for path, raw in all_bytes_under(data_dir).items():
            assert MARKER not in raw, f"plaintext in {path}"
    return len(saved), len(deleted), repairs


@pytest.mark.slow
def test_sigkill_while_saving(tmp_path: Path) -> None:
    rnd = random.Random(20261125)
    max_delay_s = SAVES_PER_KILL * _save_time_s(tmp_path / "scratch")
    kept = n_deleted = repairs = 0
    for block in range(TRIALS // TRIALS_PER_STORE):
        k, d, r = _trials_on_one_store(
            tmp_path / f"data{block}",
            rnd,
            block * 40 * TRIALS_PER_STORE,
            TRIALS_PER_STORE,
            max_delay_s,
        )
        kept, n_deleted, repairs = kept + k, n_deleted + d, repairs + r
    print(
        f"\n{TRIALS} SIGKILL trials (kill within {max_delay_s * 1000:.0f} ms of opening): "
        f"{kept} items kept, {n_deleted} deleted, "
        f"self-check repaired something after {repairs} kills"
    )
    assert kept > TRIALS // 10, "the kills came too early to test anything"
    assert repairs > 0, "no kill ever landed mid-write; the trial timing is off"
