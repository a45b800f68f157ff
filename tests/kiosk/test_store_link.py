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
    return link.keep(
        photo,
        b"\x00\x00\x00\x18ftypmp42" + bytes(64),
        None,
        consent=True,
        preset="memorial",
        caption=caption,
    )


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
