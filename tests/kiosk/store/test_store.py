"""The store's behaviour: round trips, encryption at rest, retention, pinning, order, export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from engine_edge.errors import ConfigInvalid, OutputUnwritable
from kiosk.store import ItemNotFound, Store
from tests.kiosk.store.conftest import ManualClock, all_bytes_under


def test_round_trip_keeps_every_field(store: Store, photo_jpeg: bytes) -> None:
    item_id = store.add_item(photo_jpeg, consent=True, preset="memorial", caption="Rose  Miller")
    store.put_file(item_id, "clip", b"\x00\x00\x00\x18ftypisom" + b"m" * 5000)
    item = store.get_item(item_id)
    assert item.caption == "Rose Miller"
    assert item.preset == "memorial" and item.consent and not item.pinned
    assert item.kinds == ("clip", "photo")
    assert item.expires - item.created == dt.timedelta(days=7)
    assert store.read_file(item_id, "photo") == photo_jpeg
    assert store.read_file(item_id, "clip").endswith(b"m" * 5000)


def test_nothing_readable_is_written_to_disk(store: Store, photo_jpeg: bytes) -> None:
    caption = "Caption of Eleanor Whitfield"
    item_id = store.add_item(photo_jpeg, consent=True, caption=caption)
    store.put_file(item_id, "audio", b"RIFF" + b"secret-voice-" * 200)
    for path, raw in all_bytes_under(store.data_dir).items():
        assert photo_jpeg[100:164] not in raw, path
        assert b"secret-voice-secret" not in raw, path
        assert caption.encode() not in raw, path
        assert caption.encode("utf-16-le") not in raw, path


def test_files_are_bound_to_their_item_and_kind(store: Store, photo_jpeg: bytes) -> None:
    from kiosk.store import ItemUnreadable

    a = store.add_item(photo_jpeg, consent=True)
    b = store.add_item(b"other photo", consent=True)
    items = store.data_dir / "items"
    (items / b / "photo.enc").write_bytes((items / a / "photo.enc").read_bytes())
    with pytest.raises(ItemUnreadable):
        store.read_file(b, "photo")


def test_retention_expires_and_shreds_day_keys(
    store: Store, clock: ManualClock, photo_jpeg: bytes
) -> None:
    kept = store.add_item(photo_jpeg, consent=True)
    kept_day = store.get_item(kept).expires.date()
    clock.advance_days(3)
    younger = store.add_item(photo_jpeg, consent=True)
    younger_day = store.get_item(younger).expires.date()
    clock.advance_days(4.01)
    assert [i.id for i in store.list_items()] == [younger]
    assert [i.id for i in store.list_items(include_expired=True)] == [kept, younger]
    report = store.wipe_expired()
    assert report.items == (kept,)
    assert report.day_keys == (kept_day.isoformat(),), "its day had no other item: shredded now"
    assert store.keys.days() == [younger_day]
    with pytest.raises(ItemNotFound):
        store.read_file(kept, "photo")
    assert store.read_file(younger, "photo") == photo_jpeg
    clock.advance_days(3)
    assert store.wipe_expired().items == (younger,)
    assert store.keys.days() == []


def test_ended_days_lose_their_keys_even_without_items(store: Store, clock: ManualClock) -> None:
    item_id = store.add_item(b"p", consent=True)
    pinned_day = store.get_item(item_id).expires.date() + dt.timedelta(days=23)
    store.keys.current_ref(pinned_day - dt.timedelta(days=1), create=True)  # a day no item uses
    store.pin(item_id, True)  # moves the item to a later day's key; the first one goes at once
    assert store.keys.days() == [pinned_day - dt.timedelta(days=1), pinned_day]
    clock.advance_days(29)
    assert store.wipe_expired().day_keys == ((pinned_day - dt.timedelta(days=1)).isoformat(),)
    assert store.read_file(item_id, "photo") == b"p"


def test_deleting_one_item_rotates_its_days_key(store: Store) -> None:
    a = store.add_item(b"a", consent=True, caption="A")
    b = store.add_item(b"b", consent=True, caption="B")
    old_ref = store.row(a)["key_day"]
    report = store.delete_item(a)
    assert report.day_keys == (old_ref,), "the key that wrapped a's key is gone"
    assert store.keys.key(old_ref) is None
    assert store.row(b)["key_day"] != old_ref
    assert store.read_file(b, "photo") == b"b" and store.get_item(b).caption == "B"
    assert store.check().clean


def test_pin_keeps_for_the_maximum_and_no_longer(
    store: Store, clock: ManualClock, photo_jpeg: bytes
) -> None:
    item_id = store.add_item(photo_jpeg, consent=True, caption="Event")
    store.pin(item_id, True)
    item = store.get_item(item_id)
    assert item.pinned and item.expires - item.created == dt.timedelta(days=30)
    assert item.caption == "Event", "re-wrapping the key under another day keeps it readable"
    clock.advance_days(20)
    assert store.wipe_expired().items == ()
    assert store.read_file(item_id, "photo") == photo_jpeg
    store.pin(item_id, False)
    assert store.wipe_expired().items == (item_id,)


def test_retention_is_validated(tmp_path: Path) -> None:
    with pytest.raises(ConfigInvalid):
        Store(tmp_path / "a", retention_days=40, max_retention_days=30)
    with pytest.raises(ConfigInvalid):
        Store(tmp_path / "b", retention_days=0)


def test_move_reorders_the_tribute_loop(store: Store) -> None:
    ids = [store.add_item(f"photo {n}".encode(), consent=True) for n in range(4)]
    store.move(ids[3], 0)
    store.move(ids[0], 99)
    assert [i.id for i in store.list_items()] == [ids[3], ids[1], ids[2], ids[0]]
    assert [i.position for i in store.list_items()] == [0, 1, 2, 3]


def test_caption_can_be_changed_and_cleared(store: Store) -> None:
    item_id = store.add_item(b"p", consent=False)
    store.set_caption(item_id, "In loving memory")
    assert store.get_item(item_id).caption == "In loving memory"
    store.set_caption(item_id, None)
    item = store.get_item(item_id)
    assert item.caption is None and not item.consent


def test_unknown_items_give_a_typed_error(store: Store) -> None:
    with pytest.raises(ItemNotFound):
        store.read_file("0123456789abcdef", "photo")
    with pytest.raises(ItemNotFound):
        store.delete_item("../../etc/passwd")
    item_id = store.add_item(b"p", consent=True)
    with pytest.raises(ItemNotFound):
        store.read_file(item_id, "clip")


def test_export_decrypts_only_into_the_destination(
    store: Store, tmp_path: Path, photo_jpeg: bytes
) -> None:
    item_id = store.add_item(photo_jpeg, consent=True, caption="Ruth Miller / 1931–2024 <3")
    store.put_file(item_id, "clip", b"\x00\x00\x00\x18ftypisom clip")
    dest = tmp_path / "stick"
    dest.mkdir()
    paths = store.export_item(item_id, dest)
    day = f"{store.get_item(item_id).created:%Y-%m-%d}"
    assert sorted(p.name for p in paths) == [
        f"{day} Ruth Miller 1931 2024 3 - photo.jpg",
        f"{day} Ruth Miller 1931 2024 3.mp4",
    ]
    assert (dest / f"{day} Ruth Miller 1931 2024 3 - photo.jpg").read_bytes() == photo_jpeg
    again = store.export_item(item_id, dest)
    assert sorted(p.name for p in again)[0].endswith(" (2) - photo.jpg") or any(
        "(2)" in p.name for p in again
    ), "a second export never overwrites the first"
    assert not [p for p in dest.iterdir() if p.name.startswith(".tmp-")]
    with pytest.raises(OutputUnwritable):
        store.export_item(item_id, tmp_path / "absent")
    assert store.audit_entries()[-1].action == "exported"


def test_audit_log_has_no_personal_data(store: Store, photo_jpeg: bytes) -> None:
    item_id = store.add_item(photo_jpeg, consent=True, caption="Harold Benson")
    store.set_caption(item_id, "Harold B.")
    store.pin(item_id, True)
    store.delete_item(item_id)
    entries = store.audit_entries()
    assert [e.action for e in entries] == ["added", "caption-set", "pinned", "destroyed"]
    assert all(e.item_id == item_id for e in entries)
    assert not any("Harold" in e.detail for e in entries)


def test_two_stores_share_one_folder(tmp_path: Path, clock: ManualClock) -> None:
    a = Store(tmp_path / "d", clock=clock)  # type: ignore[arg-type]
    b = Store(tmp_path / "d", clock=clock)  # type: ignore[arg-type]
    item_id = a.add_item(b"shared", consent=True)
    assert b.read_file(item_id, "photo") == b"shared"
    b.wipe_all()
    with pytest.raises(ItemNotFound):
        a.read_file(item_id, "photo")
    a.close()
    b.close()


def test_repair_spares_another_process_in_flight_writes(tmp_path: Path, clock: ManualClock) -> None:
    """The check never removes leftovers; repair removes young ones only when alone."""
    writer = Store(tmp_path / "d", clock=clock)  # type: ignore[arg-type]
    in_flight = tmp_path / "d" / "items" / ".tmp-00000000000000aa"
    in_flight.mkdir()
    (in_flight / "photo.enc").write_bytes(b"KSK1 ciphertext of a save in progress")
    other = Store(tmp_path / "d", clock=clock)  # type: ignore[arg-type]
    assert other.last_repair is not None and other.last_repair.clean
    plan = other.repair_plan()
    assert plan.leftovers == (str(in_flight),)
    other.repair(plan)
    assert (in_flight / "photo.enc").exists(), "a fresh file may be another process's save"
    other.close()
    writer.close()
    with Store(tmp_path / "d", clock=clock) as alone:  # type: ignore[arg-type]
        assert alone.last_repair is not None and alone.last_repair.clean
        assert in_flight.exists(), "opening the store never destroys"
        alone.repair(alone.repair_plan())
        assert not in_flight.exists()


def test_shorter_retention_applies_to_kept_items_longer_does_not(
    store: Store, clock: ManualClock
) -> None:
    old = store.add_item(b"old", consent=True)
    pinned = store.add_item(b"pinned", consent=True)
    store.pin(pinned, True)
    clock.advance_days(4)
    assert store.set_retention_days(3) == (old,)
    assert store.wipe_expired().items == (old,), "3 days are over for the first portrait"
    assert store.get_item(pinned).pinned, "pinned portraits keep their event date"
    new = store.add_item(b"new", consent=True)
    assert store.set_retention_days(10) == ()
    assert store.get_item(new).expires - store.get_item(new).created == dt.timedelta(days=3)
    with pytest.raises(ConfigInvalid):
        store.set_retention_days(31)


def test_a_missing_key_folder_does_not_destroy_everything(
    tmp_path: Path, clock: ManualClock
) -> None:
    keys = tmp_path / "keys-device"
    store = Store(tmp_path / "d", key_dir=keys, clock=clock)  # type: ignore[arg-type]
    ids = [store.add_item(b"a", consent=True), store.add_item(b"b", consent=True)]
    store.close()
    mounted_elsewhere = Store(tmp_path / "d", key_dir=tmp_path / "empty", clock=clock)  # type: ignore[arg-type]
    assert mounted_elsewhere.last_repair is not None
    assert "is it mounted" in " ".join(mounted_elsewhere.last_repair.skipped)
    mounted_elsewhere.close()
    store = Store(tmp_path / "d", key_dir=keys, clock=clock)  # type: ignore[arg-type]
    assert [store.read_file(i, "photo") for i in ids] == [b"a", b"b"]
    # One item's key lost (its day shredded early by hand): that item alone is quarantined.
    clock.advance_days(1)
    third = store.add_item(b"c", consent=True)
    store.keys.destroy_day(store.get_item(third).expires.date())
    assert store.check().quarantined == (third,)
    assert [i.id for i in store.list_items()] == ids
    store.close()
