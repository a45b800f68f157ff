"""The encrypted item store (kiosk.store, the appliance engineer's) as the kiosk uses it.

Keeping a portrait, the tribute loop's playlist, events, staff edits,
retention and wipes all go through here; the store's own errors (StorageFull)
pass through unchanged so screens can show their message.

The tribute wall belongs to one event at a time: it plays only the open
event's visible portraits, so the next family never sees the last one's.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from engine_edge.atomic import write_atomic

log = logging.getLogger("keepsake.kiosk.store")

STATE_FILE = "kiosk-state.json"
# Free space a kept portrait needs besides its own bytes (index, metadata, the store's reserve).
KEEP_MARGIN_BYTES = 8 << 20


@dataclass(frozen=True)
class TributeItem:
    item_id: str
    caption: str
    pinned: bool
    preset: str
    hidden: bool = False


def encode_png(image: np.ndarray) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return buffer.getvalue()


def decode_png(data: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(data), formats=("PNG",)).convert("RGB"))


class StoreLink:
    """Opens the store lazily (so a broken disk shows on a screen, not at boot)."""

    def __init__(self, config: dict[str, Any], state_dir: Path) -> None:
        self._config = config
        self.state_dir = state_dir
        self._state_path = state_dir / STATE_FILE
        self._state = self._read_state()
        self._store: Any = None
        # Portraits staff removed that can still be undone: id -> hidden before the removal.
        self._removing: dict[str, bool] = {}
        self.last_wipe = str(self._state.get("last_wipe", ""))

    @property
    def store(self) -> Any:
        if self._store is None:
            from kiosk.store.settings import open_store

            store = open_store(self._config)
            if "retention_days" in self._state:
                store.set_retention_days(
                    min(int(self._state["retention_days"]), store.max_retention_days)
                )
            self._store = store
        return self._store

    @property
    def data_dir(self) -> Path:
        return Path(self.store.data_dir)

    @property
    def retention_days(self) -> int:
        return int(self.store.retention_days)

    @property
    def max_retention_days(self) -> int:
        return int(self.store.max_retention_days)

    def close(self) -> None:
        """Finish removals still waiting for their undo time, then close the store."""
        for item_id in list(self._removing):
            try:
                self.remove(item_id)
            except Exception:  # already gone (a wipe): nothing left to destroy
                log.warning("removal of %s could not finish", item_id, exc_info=True)
        if self._store is not None:
            self._store.close()
            self._store = None

    # -- kiosk-side state (retention chosen by staff, last wipe) --
    def _read_state(self) -> dict[str, Any]:
        try:
            return dict(json.loads(self._state_path.read_text()))
        except (OSError, ValueError):
            return {}

    def _write_state(self) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(self._state_path, json.dumps(self._state).encode())

    def set_retention(self, days: int) -> int:
        days = max(1, min(self.max_retention_days, int(days)))
        self.store.set_retention_days(days)
        self._state["retention_days"] = days
        self._write_state()
        return days

    # -- guests --
    def keep(
        self,
        photo: np.ndarray,
        clip_mp4: bytes,
        poster: np.ndarray | None,
        *,
        consent: bool,
        preset: str,
        caption: str | None,
        event_id: str,
    ) -> str:
        """Add a portrait to this event's tribute, all or nothing (StorageFull leaves nothing)."""
        files = {"clip": clip_mp4}
        if poster is not None:
            files["thumb"] = encode_png(poster)
        item_id = self.store.add_item(
            encode_png(photo),
            consent=consent,
            preset=preset,
            caption=caption or None,
            event_id=event_id,
            files=files,
        )
        return str(item_id)

    def has_room_for(self, size_bytes: int) -> bool:
        """Whether the disk can take a portrait of about this size (checked before offering)."""
        try:
            free = shutil.disk_usage(self.data_dir).free
        except OSError:  # the disk cannot say: let the write itself find out
            return True
        return free >= 2 * size_bytes + KEEP_MARGIN_BYTES

    # -- events --
    def current_event(self) -> Any:
        """The open event (store.model.Event), or None: then nothing joins the tribute."""
        return self.store.current_event()

    def open_event(self, name: str, day: dt.date) -> Any:
        """Open an event; any open one closes, and its portraits leave the wall."""
        return self.store.open_event(name, day)

    def close_event(self) -> None:
        self.store.close_event()

    # -- the tribute loop --
    def tribute(self) -> list[TributeItem]:
        """What the wall plays: the open event's portraits, minus those staff hid."""
        return [i for i in self.event_items() if not i.hidden]

    def event_items(self) -> list[TributeItem]:
        """The open event's portraits in wall order, hidden ones too (staff see them all)."""
        event = self.current_event()
        if event is None:
            return []
        items = [i for i in self.store.list_items(event_id=event.event_id) if "clip" in i.kinds]
        items.sort(key=lambda i: (not i.pinned, i.position))
        return [
            TributeItem(i.id, i.caption or "", bool(i.pinned), i.preset or "", bool(i.hidden))
            for i in items
        ]

    def clip(self, item_id: str) -> bytes:
        return bytes(self.store.read_file(item_id, "clip"))

    def photo(self, item_id: str) -> np.ndarray:
        return decode_png(self.store.read_file(item_id, "photo"))

    def thumb(self, item_id: str) -> np.ndarray:
        return decode_png(self.store.read_file(item_id, "thumb"))

    # -- staff --
    def move(self, item_id: str, offset: int) -> None:
        """Swap places with the neighbour on the open event's wall (other events keep theirs)."""
        ids = [i.item_id for i in self.event_items()]
        index = ids.index(item_id)
        target = max(0, min(len(ids) - 1, index + offset))
        if target == index:
            return
        everything = [i.id for i in self.store.list_items(include_expired=True)]
        self.store.move(item_id, everything.index(ids[target]))

    def set_hidden(self, item_id: str, hidden: bool) -> None:
        self.store.set_hidden(item_id, hidden)

    def start_removal(self, item_id: str, hidden_before: bool) -> None:
        """Take a portrait off the wall now; :meth:`remove` destroys it, :meth:`undo_removal`
        brings it back. One still waiting when the kiosk closes is destroyed then."""
        self.store.set_hidden(item_id, True)
        self._removing[item_id] = hidden_before

    def undo_removal(self, item_id: str) -> None:
        self.store.set_hidden(item_id, self._removing.pop(item_id))

    def remove(self, item_id: str) -> None:
        """Destroy a portrait now (staff confirmed, and the undo time ran out)."""
        self._removing.pop(item_id, None)
        self.store.delete_item(item_id)

    def wipe_expired(self) -> Any:
        report = self.store.wipe_expired()
        self._note_wipe()
        return report

    def wipe_all(self) -> int:
        report = self.store.wipe_all()
        self._note_wipe()
        return len(report.items)

    def _note_wipe(self) -> None:
        self.last_wipe = time.strftime("%Y-%m-%d %H:%M")
        self._state["last_wipe"] = self.last_wipe
        self._write_state()

    def export_today(self, dest_dir: Path, today: dt.date | None = None) -> int:
        """Export the portraits kept today (the box's local date): staff's end-of-day copy."""
        today = today or dt.date.today()
        count = 0
        for item in self.store.list_items():
            if "clip" in item.kinds and item.created.astimezone().date() == today:
                count += len(self.store.export_item(item.id, dest_dir))
        return count
