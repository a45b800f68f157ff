"""What the store hands out: items, events and reports (frozen, no keys inside)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from engine_edge.errors import KeepsakeError


class ItemNotFound(KeepsakeError):
    """The portrait is no longer stored (deleted, or its retention ended)."""


class StoreUnavailable(KeepsakeError):
    """The store's folder or index cannot be used."""


class EventNotFound(KeepsakeError):
    """No event with this id is stored (it was wiped, or the id is mistyped)."""


@dataclass(frozen=True)
class Event:
    """A service, an exhibition or a day: portraits added while it is open belong to it."""

    event_id: str
    name: str
    day: dt.date
    opened_at: dt.datetime
    closed_at: dt.datetime | None


@dataclass(frozen=True)
class Item:
    """One guest's portrait: the scan plus whatever was made from it."""

    id: str
    created: dt.datetime
    expires: dt.datetime
    pinned: bool
    caption: str | None
    preset: str | None
    consent: bool
    kinds: tuple[str, ...]
    position: int
    event_id: str | None = None
    hidden: bool = False


@dataclass(frozen=True)
class WipeReport:
    """What a wipe destroyed; item ids and day names only, never captions or images."""

    items: tuple[str, ...] = ()
    day_keys: tuple[str, ...] = ()
    files_removed: int = 0
    bytes_removed: int = 0
    reason: str = ""

    def summary(self) -> str:
        return (
            f"{len(self.items)} item(s) destroyed, {len(self.day_keys)} day key(s) shredded, "
            f"{self.files_removed} file(s) removed ({self.bytes_removed} bytes)"
        )


@dataclass(frozen=True)
class RepairReport:
    """What a check found: problems reported, items quarantined or restored; nothing destroyed."""

    repairs: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    database_ok: bool = True
    items_checked: int = 0
    quarantined: tuple[str, ...] = field(default=())
    restored: tuple[str, ...] = field(default=())

    @property
    def clean(self) -> bool:
        return not self.repairs and self.database_ok

    def summary(self) -> str:
        if self.clean:
            return f"store is consistent ({self.items_checked} item(s) checked)"
        return "; ".join(self.repairs) or "database check failed"


@dataclass(frozen=True)
class RepairPlan:
    """What ``keepsake store repair`` would destroy, shown to staff before they confirm."""

    quarantined: tuple[str, ...] = ()
    leftovers: tuple[str, ...] = ()
    unused_keys: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.quarantined or self.leftovers or self.unused_keys)

    def summary(self) -> str:
        if self.empty:
            return "Nothing to repair: no quarantined items, leftovers or unused keys."
        return (
            f"{len(self.quarantined)} quarantined item(s) or index copies, "
            f"{len(self.leftovers)} half-written or orphaned file(s) and "
            f"{len(self.unused_keys)} unused day key(s) would be destroyed"
        )


@dataclass(frozen=True)
class AuditEntry:
    at: dt.datetime
    action: str
    item_id: str | None
    detail: str
