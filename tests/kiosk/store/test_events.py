"""Events (issue #13): the store side the kiosk's staff screens and tribute wall use."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from engine_edge.errors import KeepsakeError
from kiosk.store import Event, EventNotFound, ItemNotFound, Store
from tests.kiosk.store.conftest import ManualClock


def test_one_event_is_open_at_a_time(store: Store, clock: ManualClock) -> None:
    assert store.current_event() is None and store.events() == []
    ruth = store.open_event("  Ruth   Miller — 12 May ", dt.date(2026, 5, 12))
    assert isinstance(ruth, Event) and ruth.name == "Ruth Miller — 12 May"
    assert ruth.day == dt.date(2026, 5, 12) and ruth.closed_at is None
    assert store.current_event() == ruth
    clock.advance_days(1 / 24)
    expo = store.open_event("Exhibition", dt.date(2026, 5, 13))
    assert store.current_event() == expo
    first, second = store.events()
    assert first.event_id == ruth.event_id and first.closed_at is not None
    assert second == expo
    store.close_event()
    assert store.current_event() is None
    with pytest.raises(KeepsakeError):
        store.open_event("   ", dt.date(2026, 5, 14))


def test_items_belong_to_their_event_and_can_be_hidden(store: Store) -> None:
    ruth = store.open_event("Ruth", dt.date(2026, 5, 12))
    earlier = store.add_item(b"earlier", consent=True, event_id=ruth.event_id)
    expo = store.open_event("Expo", dt.date(2026, 5, 13))
    a = store.add_item(b"a", consent=True, event_id=expo.event_id)
    b = store.add_item(b"b", consent=True, event_id=expo.event_id)
    loose = store.add_item(b"no event", consent=True)
    assert [i.id for i in store.list_items(event_id=expo.event_id)] == [a, b]
    assert [i.id for i in store.list_items(event_id=ruth.event_id)] == [earlier]
    assert [i.id for i in store.list_items()] == [earlier, a, b, loose]
    store.set_hidden(a, True)
    assert store.get_item(a).hidden and not store.get_item(b).hidden
    wall = store.list_items(event_id=expo.event_id, include_hidden=False)
    assert [i.id for i in wall] == [b]
    store.set_hidden(a, False)
    assert [i.id for i in store.list_items(event_id=expo.event_id, include_hidden=False)] == [a, b]
    with pytest.raises(EventNotFound):
        store.add_item(b"x", consent=True, event_id="0123456789abcdef")
    with pytest.raises(ItemNotFound):
        store.set_hidden("0123456789abcdef", True)


def test_earlier_events_still_follow_retention(store: Store, clock: ManualClock) -> None:
    ruth = store.open_event("Ruth", dt.date(2026, 5, 12))
    old = store.add_item(b"old", consent=True, event_id=ruth.event_id)
    store.open_event("Later", dt.date(2026, 5, 20))
    clock.advance_days(7.5)
    with pytest.raises(ItemNotFound):
        store.read_file(old, "photo")  # expired, not yet wiped: never offered again
    assert store.wipe_expired().items == (old,)
    assert [e.name for e in store.events()] == ["Later"], "a finished, empty event is forgotten"


def test_wipe_event_destroys_its_portraits_and_itself(store: Store, tmp_path: Path) -> None:
    ruth = store.open_event("Ruth", dt.date(2026, 5, 12))
    ids = [store.add_item(b"r%d" % n, consent=True, event_id=ruth.event_id) for n in range(2)]
    other = store.add_item(b"other", consent=True)
    report = store.wipe_event(ruth.event_id)
    assert sorted(report.items) == sorted(ids)
    assert [i.id for i in store.list_items()] == [other]
    assert store.events() == []
    assert not list((store.data_dir / "items").glob(ids[0]))
    with pytest.raises(EventNotFound):
        store.wipe_event(ruth.event_id)
