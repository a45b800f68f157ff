"""A damaged store is reported and quarantined, never destroyed by a read (issue #12).

Each test breaks the store the way the issue found it broken (an index cut to
zero bytes or overwritten with garbage, a missing photo file, a damaged day
key) and checks that reading commands keep every byte that could still be
recovered, that `repair` destroys only after being asked, and that
`wipe --all` wipes whatever state the index is in.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kiosk.store import ItemUnreadable, Store
from tests.kiosk.store.conftest import all_bytes_under, tiny_mp4
from tests.kiosk.store.test_commands import keepsake


def _two_items(data: Path, photo: bytes) -> list[str]:
    with Store(data) as store:
        a = store.add_item(photo, consent=True, caption="Ada", files={"clip": tiny_mp4()})
        b = store.add_item(photo[::-1], consent=False, preset="birthday", caption="Bo")
        store.pin(b, True)
        store.set_hidden(a, True)
        return [a, b]


def _enc_files(data: Path) -> set[Path]:
    return {p for p in data.rglob("*.enc")}


@pytest.mark.parametrize("damage", ["truncated", "garbage", "deleted"])
def test_a_lost_index_is_rebuilt_from_the_item_files(
    tmp_path: Path, photo_jpeg: bytes, damage: str
) -> None:
    data = tmp_path / "data"
    ids = _two_items(data, photo_jpeg)
    before = _enc_files(data)
    index = data / "index.sqlite3"
    if damage == "truncated":
        os.truncate(index, 0)
    elif damage == "garbage":
        index.write_bytes(os.urandom(8192))
    else:
        index.unlink()
    for name in ("index.sqlite3-wal", "index.sqlite3-shm"):
        (data / name).unlink(missing_ok=True)
    with Store(data) as store:
        assert store.last_repair is not None
        assert set(store.last_repair.restored) == set(ids), store.last_repair
        items = {i.id: i for i in store.list_items()}
        assert set(items) == set(ids)
        a, b = items[ids[0]], items[ids[1]]
        assert (a.caption, a.hidden, a.kinds, a.consent) == ("Ada", True, ("clip", "photo"), True)
        assert (b.caption, b.pinned, b.preset, b.consent) == ("Bo", True, "birthday", False)
        assert store.read_file(ids[0], "photo") == photo_jpeg
        assert store.read_file(ids[0], "clip") == tiny_mp4()
    assert before <= _enc_files(data), "nothing encrypted was removed"
    if damage == "garbage":
        (moved,) = (data / "quarantine").glob("index-*")
        assert (moved / "index.sqlite3").exists(), "the unreadable index is kept for staff"


def test_a_missing_photo_quarantines_the_item_and_keeps_its_clip(
    tmp_path: Path, photo_jpeg: bytes
) -> None:
    data = tmp_path / "data"
    ids = _two_items(data, photo_jpeg)
    (data / "items" / ids[0] / "photo.enc").unlink()
    clip_blob = (data / "items" / ids[0] / "clip.enc").read_bytes()
    out = tmp_path / "out"
    out.mkdir()
    export = ("store", "export", ids[0], str(out), "--to-internal-disk")
    message = keepsake(*export, data_dir=data, expect=2)
    assert "quarantine" in message and "Traceback" not in message
    (kept,) = (data / "quarantine").glob(f"{ids[0]}-*")
    assert (kept / "clip.enc").read_bytes() == clip_blob, "the intact clip is kept"
    assert "photo file is missing" in (kept / "reason.txt").read_text()
    listing = keepsake("store", "list", data_dir=data)
    assert ids[1] in listing and ids[0] not in listing


def test_a_damaged_day_key_quarantines_its_items_and_destroys_nothing(
    tmp_path: Path, photo_jpeg: bytes
) -> None:
    data = tmp_path / "data"
    with Store(data) as store:
        ids = [store.add_item(photo_jpeg, consent=True) for _ in range(2)]
        other_day = store.add_item(b"kept", consent=True)
        store.pin(other_day, True)
        ref = store.row(ids[0])["key_day"]
    key_file = data / "keys" / f"day-{ref}.key"
    key_file.write_bytes(os.urandom(32))  # damaged: the wrong bytes, right length
    before = all_bytes_under(data)
    with Store(data) as store:
        assert store.last_repair is not None
        assert sorted(store.last_repair.quarantined) == sorted(ids)
        assert [i.id for i in store.list_items()] == [other_day]
    after = all_bytes_under(data)
    for path, raw in before.items():
        if path.suffix in (".enc", ".key") and "index" not in path.name:
            moved = [p for p, r in after.items() if r == raw]
            assert moved, f"{path} was destroyed by a read"


def test_repair_destroys_only_after_confirmation(tmp_path: Path, photo_jpeg: bytes) -> None:
    data = tmp_path / "data"
    ids = _two_items(data, photo_jpeg)
    (data / "items" / ids[0] / "clip.enc").write_bytes(b"KSK1" + os.urandom(64))
    with Store(data) as store, pytest.raises(ItemUnreadable, match="quarantine"):
        store.read_file(ids[0], "clip")
    refused = keepsake("store", "repair", data_dir=data, expect=1)
    assert "1 quarantined item(s)" in refused and "Nothing destroyed" in refused
    assert list((data / "quarantine").iterdir())
    done = keepsake("store", "repair", "--yes", data_dir=data)
    assert "repair:" in done and not list((data / "quarantine").iterdir())
    assert ids[1] in keepsake("store", "list", data_dir=data)


def test_wipe_all_wipes_even_a_garbage_index(tmp_path: Path, photo_jpeg: bytes) -> None:
    data = tmp_path / "data"
    _two_items(data, photo_jpeg)
    (data / "index.sqlite3").write_bytes(b"not a database" * 100)
    (data / "index.sqlite3-wal").unlink(missing_ok=True)
    out = keepsake("wipe", "--all", data_dir=data)
    assert "2 item(s) destroyed" in out or "day key" in out
    assert not list((data / "keys").iterdir()), "every key shredded"
    assert not _enc_files(data), "no ciphertext left"
    assert not list((data / "quarantine").iterdir()), "the bad index copy went too"
    assert "No portraits are stored." in keepsake("store", "list", data_dir=data)


def test_two_adds_on_a_new_store_both_succeed(tmp_path: Path, photo_file: Path) -> None:
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[3]
    for attempt in range(5):
        data = tmp_path / f"new-{attempt}"
        env = {**os.environ, "KEEPSAKE_DATA_DIR": str(data), "KEEPSAKE_CONFIG": ""}
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "engine_edge.cli", "store", "add", str(photo_file)],
                cwd=repo,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        results = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], results
        with Store(data) as store:
            assert len(store.list_items()) == 2


@pytest.fixture
def photo_file(tmp_path: Path, photo_jpeg: bytes) -> Path:
    path = tmp_path / "photo.jpg"
    path.write_bytes(photo_jpeg)
    return path
