"""Events (a service, an exhibition, a day): one small JSON file each in ``events/``.

An event's name is what the tribute wall shows to everyone in the room, so it
is kept as plain text; an event's file is removed when it is wiped, or by the
retention wipe once it is closed and none of its portraits is left. Callers
change events only while holding the index's write lock, which orders them
between processes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import re
import secrets
from pathlib import Path

from engine_edge.errors import KeepsakeError
from kiosk.store import files
from kiosk.store.clock import utc as _utc
from kiosk.store.model import Event, EventNotFound

MAX_NAME_CHARS = 80
_ID = re.compile(r"^[0-9a-f]{16}$")


def clean_name(name: str) -> str:
    cleaned = " ".join(str(name).split())
    if not cleaned:
        raise KeepsakeError("Give the event a name, e.g. 'Ruth Miller — 12 May'.")
    if len(cleaned) > MAX_NAME_CHARS:
        raise KeepsakeError(f"An event name can be at most {MAX_NAME_CHARS} characters.")
    return cleaned


class EventBook:
    def __init__(self, events_dir: Path) -> None:
        self.events_dir = files.ensure_dir(events_dir)

    def _path(self, event_id: str) -> Path:
        if not isinstance(event_id, str) or not _ID.match(event_id):
            raise EventNotFound(f"There is no event with the id {event_id!r}.")
        return self.events_dir / f"{event_id}.json"

    def _write(self, event: Event) -> None:
        record = {
            "name": event.name,
            "day": event.day.isoformat(),
            "opened_s": event.opened_at.timestamp(),
            "closed_s": event.closed_at.timestamp() if event.closed_at else None,
        }
        files.write_atomic(self._path(event.event_id), json.dumps(record).encode())

    def get(self, event_id: str) -> Event:
        try:
            record = json.loads(files.read_bytes(self._path(event_id)))
            return Event(
                event_id=event_id,
                name=str(record["name"]),
                day=dt.date.fromisoformat(record["day"]),
                opened_at=_utc(float(record["opened_s"])),
                closed_at=None if record["closed_s"] is None else _utc(float(record["closed_s"])),
            )
        except FileNotFoundError as exc:
            raise EventNotFound(f"There is no event with the id {event_id}.") from exc
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise EventNotFound(f"The record of event {event_id} is damaged.") from exc

    def all(self) -> list[Event]:
        found = []
        for path in self.events_dir.glob("*.json"):
            with contextlib.suppress(EventNotFound):
                found.append(self.get(path.stem))
        return sorted(found, key=lambda e: (e.opened_at, e.event_id))

    def current(self) -> Event | None:
        open_ = [e for e in self.all() if e.closed_at is None]
        return open_[-1] if open_ else None

    def open(self, name: str, day: dt.date, now_s: float) -> Event:
        """A new open event; any event still open is closed first."""
        if not isinstance(day, dt.date):
            raise KeepsakeError("An event needs a date.")
        name = clean_name(name)
        self.close(now_s)
        event = Event(secrets.token_hex(8), name, day, _utc(now_s), None)
        self._write(event)
        return event

    def close(self, now_s: float) -> list[str]:
        closed = []
        for event in self.all():
            if event.closed_at is None:
                self._write(dataclasses.replace(event, closed_at=_utc(now_s)))
                closed.append(event.event_id)
        return closed

    def remove(self, event_id: str) -> bool:
        path = self._path(event_id)
        existed = path.exists()
        files.remove_file(path)
        return existed
