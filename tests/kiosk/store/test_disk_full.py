"""A full disk while saving gives StorageFull, keeps nothing half-written, and the store goes on.

Uses a real 2 MiB tmpfs (needs permission to mount; skipped with the reason
otherwise). The key folder lives on the same small disk, as it would on a box
with one data partition.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine_edge.errors import StorageFull
from kiosk.store import Store
from tests.kiosk.store.conftest import ManualClock


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", str(mnt)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a 2 MiB tmpfs here ({result.stderr.strip() or 'not root'})")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False, timeout=30)


def _fill_until_full(store: Store) -> tuple[list[str], StorageFull]:
    saved = []
    for n in range(100):
        try:
            item_id = store.add_item(os.urandom(150_000) + f"#{n}".encode(), consent=True)
            saved.append(item_id)
            store.put_file(item_id, "clip", os.urandom(120_000))
        except StorageFull as exc:
            return saved, exc
    raise AssertionError("the 2 MiB disk never filled up")


def _fill_to_the_last_byte(path: Path) -> None:
    with path.open("wb", buffering=0) as fh:
        for chunk in (65536, 4096, 1):
            try:
                while True:
                    fh.write(b"\0" * chunk)
            except OSError:
                continue


def test_full_disk_gives_storage_full_and_a_consistent_store(
    tiny_disk: Path, clock: ManualClock
) -> None:
    store = Store(tiny_disk / "data", clock=clock)  # type: ignore[arg-type]
    saved, exc = _fill_until_full(store)
    assert saved, "some items fit before the disk filled"
    assert "full" in str(exc) and "nothing was saved" in str(exc)
    assert not [p for p in tiny_disk.rglob(".tmp-*")], "no half-written temporary file is left"

    # Everything listed is complete and readable, and a fresh self-check has nothing to repair.
    listed = store.list_items()
    for item in listed:
        for kind in item.kinds:
            store.read_file(item.id, kind)
    store.close()
    store = Store(tiny_disk / "data", clock=clock)  # type: ignore[arg-type]
    assert store.last_repair is not None and store.last_repair.clean, store.last_repair
    assert [i.id for i in store.list_items()] == [i.id for i in listed]

    # Something else (logs, say) takes the last byte. Staff can still free space: the
    # store's reserve makes room for the deletion. Saving works again afterwards.
    _fill_to_the_last_byte(tiny_disk / "filler.bin")
    with pytest.raises(StorageFull):
        store.add_item(b"no room", consent=True)
    report = store.delete_item(listed[0].id)
    assert report.items == (listed[0].id,)
    store.wipe_all()
    assert store.list_items(include_expired=True) == []
    new_id = store.add_item(b"after the wipe", consent=True)
    assert store.read_file(new_id, "photo") == b"after the wipe"
    store.close()


def test_full_disk_while_saving_a_clip_keeps_the_item_and_its_old_files(
    tiny_disk: Path, clock: ManualClock
) -> None:
    store = Store(tiny_disk / "data", clock=clock)  # type: ignore[arg-type]
    item_id = store.add_item(b"photo", consent=True)
    store.put_file(item_id, "clip", b"first clip")
    with pytest.raises(StorageFull):
        store.put_file(item_id, "clip", os.urandom(3_000_000))
    assert store.read_file(item_id, "clip") == b"first clip"
    assert store.get_item(item_id).kinds == ("clip", "photo")
    assert store.check().clean
    store.close()


def test_cli_on_a_full_disk_says_so(tiny_disk: Path, tmp_path: Path, photo_jpeg: bytes) -> None:
    from tests.kiosk.store.test_commands import keepsake

    data = tiny_disk / "data"
    keepsake("store", "list", data_dir=data)
    (tiny_disk / "filler.bin").touch()
    _fill_to_the_last_byte(tiny_disk / "filler.bin")
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(photo_jpeg)
    message = keepsake("store", "add", str(photo), data_dir=data, expect=2)
    assert "is full, so nothing was saved" in message
    assert "No portraits are stored." in keepsake("store", "list", data_dir=data)
    assert not list(data.rglob(".tmp-*"))
