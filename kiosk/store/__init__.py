"""Keepsake's private store: encrypted per item, crypto-shredded on schedule.

See ``layout.py`` for what lies where, ``store.py`` for the crash-safety argument, and the README
section "Privacy and retention" for what this protects against.

Names are imported lazily so that ``keepsake --help`` (which loads the
``store`` and ``wipe`` command modules) does not pull in ``cryptography``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "KINDS": "kiosk.store.store",
    "Store": "kiosk.store.store",
    "ItemUnreadable": "kiosk.store.crypto",
    "AuditEntry": "kiosk.store.model",
    "Event": "kiosk.store.model",
    "EventNotFound": "kiosk.store.model",
    "RepairPlan": "kiosk.store.model",
    "Item": "kiosk.store.model",
    "ItemNotFound": "kiosk.store.model",
    "RepairReport": "kiosk.store.model",
    "StoreUnavailable": "kiosk.store.model",
    "WipeReport": "kiosk.store.model",
}

__all__ = [
    "KINDS",
    "AuditEntry",
    "Event",
    "EventNotFound",
    "Item",
    "ItemNotFound",
    "ItemUnreadable",
    "RepairPlan",
    "RepairReport",
    "Store",
    "StoreUnavailable",
    "WipeReport",
]

if TYPE_CHECKING:
    from kiosk.store.crypto import ItemUnreadable
    from kiosk.store.model import (
        AuditEntry,
        Event,
        EventNotFound,
        Item,
        ItemNotFound,
        RepairPlan,
        RepairReport,
        StoreUnavailable,
        WipeReport,
    )
    from kiosk.store.store import KINDS, Store


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'kiosk.store' has no attribute {name!r}")
