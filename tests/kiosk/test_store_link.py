"""The kiosk's view of the store: staff's end-of-day export and remembered retention."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from skimage import data

from kiosk.adapters.store import StoreLink


@pytest.fixture
def link(tmp_path: Path):
    config = {"store": {"data_dir": str(tmp_path / "store")}}
    store_link = StoreLink(config, tmp_path / "state")
    yield store_link
    store_link.close()


def _keep(link: StoreLink, caption: str) -> str:
    photo = data.astronaut()[::4, ::4]
    event = link.current_event() or link.open_event("Ruth Miller", dt.date(2026, 5, 12))
    return link.keep(
        photo,
        b"\x00\x00\x00\x18ftypmp42" + bytes(64),
        None,
        consent=True,
        preset="memorial",
        caption=caption,
        event_id=event.event_id,
    )


def _wall(link: StoreLink) -> list[str]:
    return [i.caption for i in link.tribute()]


def test_the_wall_plays_only_the_open_events_visible_portraits(link: StoreLink) -> None:
    link.open_event("Ruth Miller", dt.date(2026, 5, 12))
    ruth = [_keep(link, "Ruth 1"), _keep(link, "Ruth 2")]
    assert _wall(link) == ["Ruth 1", "Ruth 2"]

    link.open_event("Arthur Penn", dt.date(2026, 5, 13))  # the next family's service
    assert _wall(link) == []
    _keep(link, "Arthur 1")
    arthur = _keep(link, "Arthur 2")
    assert _wall(link) == ["Arthur 1", "Arthur 2"]
    link.move(arthur, -1)  # reordering stays within the event
    assert _wall(link) == ["Arthur 2", "Arthur 1"]
    link.set_hidden(arthur, True)
    assert _wall(link) == ["Arthur 1"]
    assert [(i.caption, i.hidden) for i in link.event_items()] == [
        ("Arthur 2", True),
        ("Arthur 1", False),
    ]
    link.close_event()
    assert _wall(link) == [] and link.event_items() == []
    # The earlier event's portraits are still stored (retention decides), never shown.
    stored = {i.id for i in link.store.list_items()}
    assert set(ruth) <= stored


def test_a_removal_leaves_the_wall_at_once_and_is_undone_or_finished_on_close(
    link: StoreLink, tmp_path: Path
) -> None:
    first, second = _keep(link, "Ruth 1"), _keep(link, "Ruth 2")
    link.start_removal(first, hidden_before=False)
    assert _wall(link) == ["Ruth 2"]
    link.undo_removal(first)
    assert _wall(link) == ["Ruth 1", "Ruth 2"]
    link.set_hidden(second, True)
    link.start_removal(second, hidden_before=True)
    link.undo_removal(second)  # back as staff left it: hidden
    assert [(i.caption, i.hidden) for i in link.event_items()] == [
        ("Ruth 1", False),
        ("Ruth 2", True),
    ]
    link.start_removal(first, hidden_before=False)
    link.close()  # the kiosk stops within the undo time: the removal is finished, not forgotten
    again = StoreLink({"store": {"data_dir": str(tmp_path / "store")}}, tmp_path / "state")
    try:
        assert {i.id for i in again.store.list_items()} == {second}
    finally:
        again.close()


def test_a_full_disk_is_seen_before_the_tribute_is_offered(link: StoreLink) -> None:
    import shutil

    free = shutil.disk_usage(link.data_dir).free
    assert link.has_room_for(1 << 20)
    assert not link.has_room_for(free)  # twice the portrait's size must fit


def test_export_today_writes_only_todays_portraits(link: StoreLink, tmp_path: Path) -> None:
    _keep(link, "Grandma Ruth")
    today = dt.date.today()
    usb_today = tmp_path / "usb-today"
    usb_yesterday = tmp_path / "usb-yesterday"
    usb_today.mkdir()
    usb_yesterday.mkdir()
    assert link.export_today(usb_today, today=today) >= 2  # the photo and the clip
    exported = sorted(p.name for p in usb_today.rglob("*") if p.is_file())
    assert any(name.endswith(".mp4") for name in exported), exported
    assert link.export_today(usb_yesterday, today=today - dt.timedelta(days=1)) == 0
    assert not any(usb_yesterday.rglob("*"))


def test_retention_choice_survives_a_restart(link: StoreLink, tmp_path: Path) -> None:
    assert link.set_retention(3) == 3
    link.close()
    again = StoreLink({"store": {"data_dir": str(tmp_path / "store")}}, tmp_path / "state")
    try:
        assert again.retention_days == 3
    finally:
        again.close()
