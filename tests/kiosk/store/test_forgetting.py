"""After a wipe nothing of a wiped item can be recovered from the data or key folders.

The scan reads every file's raw bytes — including the SQLite database, its WAL
and shared-memory files while the store is still open — and looks for the
item's plaintext, its ciphertext, its raw key, its wrapped key and its sealed
caption.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kiosk.store import Store
from tests.kiosk.store.conftest import ManualClock, all_bytes_under


def _secrets_of(store: Store, item_id: str) -> dict[str, bytes]:
    """Everything that could bring the item back, captured before it is destroyed."""
    row = store.row(item_id)
    found = {
        "item key": store.item_key(row),
        "wrapped key": bytes(row["wrapped_key"]),
        "day key": store.keys.key(row["key_day"]),
    }
    if row["caption"] is not None:
        found["sealed caption"] = bytes(row["caption"])
    for kind in store.get_item(item_id).kinds:
        blob = (store.data_dir / "items" / item_id / f"{kind}.enc").read_bytes()
        found[f"{kind} ciphertext"] = blob[16:80]
    return found  # type: ignore[return-value]


def _assert_gone(roots: list[Path], needles: dict[str, bytes]) -> None:
    haystack = {}
    for root in roots:
        haystack.update(all_bytes_under(root))
    assert any(p.name == "index.sqlite3" for p in haystack)
    for path, raw in haystack.items():
        for what, needle in needles.items():
            assert needle not in raw, f"{what} of a wiped item found in {path}"


def _plaintexts(photo_jpeg: bytes, marker: str) -> dict[str, bytes]:
    return {
        "photo": photo_jpeg[200:264],
        "clip": f"CLIP-{marker}-".encode() * 4,
        "caption": f"Caption {marker}".encode(),
    }


def _add(store: Store, photo_jpeg: bytes, marker: str) -> str:
    item_id = store.add_item(photo_jpeg, consent=True, caption=f"Caption {marker}")
    store.put_file(item_id, "clip", f"CLIP-{marker}-".encode() * 400)
    store.set_caption(item_id, f"Caption {marker}")  # a second version of the row
    return item_id


@pytest.mark.parametrize("how", ["delete", "expire", "wipe_all"])
def test_wiped_item_leaves_nothing_behind(
    tmp_path: Path, clock: ManualClock, photo_jpeg: bytes, how: str
) -> None:
    store = Store(tmp_path / "data", key_dir=tmp_path / "keys", clock=clock)  # type: ignore[arg-type]
    # A second process-like user of the same store, idle, as the kiosk is while the timer wipes.
    kiosk = Store(tmp_path / "data", key_dir=tmp_path / "keys", clock=clock)  # type: ignore[arg-type]
    victim = _add(store, photo_jpeg, "victim-0451")
    needles = _secrets_of(store, victim) | _plaintexts(photo_jpeg, "victim-0451")
    clock.advance_days(3)
    survivor = _add(store, photo_jpeg[::-1], "survivor-77")
    assert kiosk.read_file(victim, "clip").startswith(b"CLIP-victim-0451-")

    if how == "delete":
        store.delete_item(victim)
    elif how == "expire":
        clock.advance_days(4.5)
        first = store.wipe_expired()
        assert first.items == (victim,)
        clock.advance_days(1)
        assert len(first.day_keys + store.wipe_expired().day_keys) == 1
        assert len(store.keys.days()) == 1, "only the survivor's day key is left"
    else:
        store.wipe_all()

    roots = [tmp_path / "data", tmp_path / "keys"]
    assert (tmp_path / "data" / "index.sqlite3-wal").exists(), "scan while the WAL is live"
    _assert_gone(roots, needles)
    kiosk.close()
    store.close()
    _assert_gone(roots, needles)
    if how != "wipe_all":
        reopened = Store(tmp_path / "data", key_dir=tmp_path / "keys", clock=clock)  # type: ignore[arg-type]
        assert reopened.read_file(survivor, "photo") == photo_jpeg[::-1]
        assert [i.id for i in reopened.list_items()] == [survivor]
        reopened.close()


def test_shredded_day_key_makes_surviving_ciphertext_useless(
    tmp_path: Path, clock: ManualClock, photo_jpeg: bytes
) -> None:
    """Crypto-erase: even a full copy of the disk taken before the wipe is useless afterwards."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    store = Store(tmp_path / "data", clock=clock)  # type: ignore[arg-type]
    item_id = store.add_item(photo_jpeg, consent=True)
    row = store.row(item_id)
    copy_wrapped = bytes(row["wrapped_key"])
    copy_blob = (store.data_dir / "items" / item_id / "photo.enc").read_bytes()
    clock.advance_days(8.1)
    store.wipe_expired()
    assert store.keys.days() == []
    # An attacker holding the old ciphertext and wrapped key can only guess keys.
    for _ in range(3):
        guess = os.urandom(32)
        with pytest.raises(InvalidTag):
            AESGCM(guess).decrypt(copy_wrapped[4:16], copy_wrapped[16:], None)
        with pytest.raises(InvalidTag):
            AESGCM(guess).decrypt(copy_blob[4:16], copy_blob[16:], None)
    store.close()


@pytest.mark.parametrize("change", ["pin", "unpin", "retention"])
def test_remnants_of_rewrapped_keys_open_nothing_after_delete(
    tmp_path: Path, clock: ManualClock, change: str
) -> None:
    """Issue #17: pin, unpin or a retention change re-wraps an item's key under another day.
    The old day key, which other items still use, must not open the old wrapped key that
    flash may keep: after the item is deleted, no key left on disk opens any copy of it."""
    from kiosk.store import ItemUnreadable
    from kiosk.store.crypto import unwrap_key

    store = Store(tmp_path / "data", clock=clock)  # type: ignore[arg-type]
    clock.advance_days(-23)
    early = store.add_item(b"pinned 23 days earlier", consent=True)
    store.pin(early, True)  # expires on the same day as the items added 23 days later
    clock.advance_days(23)
    victim = store.add_item(b"victim", consent=True)
    neighbour = store.add_item(b"neighbour", consent=True)
    copies = {(store.row(victim)["key_day"], bytes(store.row(victim)["wrapped_key"]))}
    if change == "pin":
        store.pin(victim, True)
    elif change == "unpin":
        store.pin(victim, True)
        copies.add((store.row(victim)["key_day"], bytes(store.row(victim)["wrapped_key"])))
        store.pin(victim, False)
    else:
        store.pin(neighbour, True)  # pinned items keep their day when the retention shortens
        store.set_retention_days(3)
    copies.add((store.row(victim)["key_day"], bytes(store.row(victim)["wrapped_key"])))
    assert len({ref for ref, _ in copies}) > 1, "the item really moved between keys"
    store.delete_item(victim)
    left = [p.read_bytes() for p in (tmp_path / "data" / "keys").iterdir()]
    assert left, "other items' keys are still there"
    for key in left:
        for _, wrapped in copies:
            with pytest.raises(ItemUnreadable):
                unwrap_key(key, wrapped, victim)
    assert store.read_file(early, "photo") == b"pinned 23 days earlier"
    assert store.read_file(neighbour, "photo") == b"neighbour"
    store.close()
