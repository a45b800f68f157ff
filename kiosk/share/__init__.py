"""Optional hotspot sharing: a one-time link (and its QR code) to one portrait's clip.

Off by default (``[share] enabled = false``): with it off, nothing listens on
the network and nothing leaves the box except onto a USB stick. See the README
section "Privacy and retention".

Names are imported lazily so that ``keepsake --help`` (which loads the
``share`` command module) pulls in neither ``qrcode`` nor ``cryptography``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "ShareServer": "kiosk.share.server",
    "ShareOffer": "kiosk.share.offers",
    "ShareSettings": "kiosk.share.settings",
    "share_settings": "kiosk.share.settings",
    "SharingDisabled": "kiosk.share.errors",
    "ShareUnavailable": "kiosk.share.errors",
}

__all__ = [
    "ShareOffer",
    "ShareServer",
    "ShareSettings",
    "ShareUnavailable",
    "SharingDisabled",
    "share_settings",
]

if TYPE_CHECKING:
    from kiosk.share.errors import ShareUnavailable, SharingDisabled
    from kiosk.share.offers import ShareOffer
    from kiosk.share.server import ShareServer
    from kiosk.share.settings import ShareSettings, share_settings


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'kiosk.share' has no attribute {name!r}")
