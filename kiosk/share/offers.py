"""One-time links: unguessable tokens that open one file of one item, a few times, briefly.

The book holds only item ids, kinds and deadlines; the file itself is read
from the store when the link is used, so a portrait deleted in the meantime is
never served.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

TOKEN_BYTES = 32  # 256 random bits: guessing a live link is hopeless
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")


@dataclass(frozen=True)
class ShareOffer:
    """What the kiosk shows a guest: the link, its QR code and when it stops working."""

    url: str
    token: str = field(repr=False)
    expires_at: dt.datetime
    qr_png: bytes = field(repr=False)
    item_id: str = ""
    kind: str = "clip"
    wifi_qr_png: bytes = field(default=b"", repr=False)  # join the hotspot (b"": none set up)


@dataclass
class _Entry:
    item_id: str
    kind: str
    deadline_s: float  # on the book's monotonic clock
    downloads_left: int
    downloads: int = 0
    in_flight: int = 0  # claimed downloads whose bytes are still being sent


class OfferBook:
    """Live tokens and what each one may still open; safe to use from many threads."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._changed = threading.Condition()

    def add(self, item_id: str, kind: str, *, lifetime_s: float, max_downloads: int) -> str:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        with self._changed:
            self._prune()
            self._entries[token] = _Entry(
                item_id, kind, self._clock() + lifetime_s, downloads_left=max_downloads
            )
        return token

    def claim(self, token: str) -> tuple[str, str] | None:
        """Reserve one download of ``token``: its (item id, kind), or None if it opens nothing.

        The download counts as used only when :meth:`finished` says every byte was sent;
        a broken-off one gives the reservation back, so an aborted download does not burn
        the guest's link.
        """
        if not TOKEN_PATTERN.match(token):
            return None
        with self._changed:
            self._prune()
            entry = self._entries.get(token)
            if entry is None or entry.downloads_left <= 0:
                return None
            entry.downloads_left -= 1
            entry.downloads += 1
            entry.in_flight += 1
            return entry.item_id, entry.kind

    def finished(self, token: str, *, complete: bool = True) -> None:
        """A claimed download is over: sent (it counts) or broken off (given back)."""
        with self._changed:
            entry = self._entries.get(token)
            if entry is not None and entry.in_flight > 0:
                entry.in_flight -= 1
                if not complete:
                    entry.downloads_left += 1
                    entry.downloads -= 1
            self._changed.notify_all()

    def downloads(self, token: str) -> int:
        """How many times the link has been used (0 once it expired and was forgotten)."""
        with self._changed:
            entry = self._entries.get(token)
            return entry.downloads if entry else 0

    def wait_used_up(self, token: str, timeout_s: float | None = None) -> bool:
        """Block until every download of ``token`` is used and sent (True), or it lapses.

        Waiting for the sending too matters: a caller that stops the server as soon as the
        link is claimed would cut the guest's download off mid-way.
        """
        give_up_s = None if timeout_s is None else time.monotonic() + timeout_s
        with self._changed:
            while True:
                self._prune()
                entry = self._entries.get(token)
                if entry is None:
                    return False
                if entry.downloads_left <= 0 and entry.in_flight == 0:
                    return True
                wait_s = 0.2  # the book's clock may be a test's, so look again now and then
                if give_up_s is not None:
                    wait_s = min(wait_s, give_up_s - time.monotonic())
                    if wait_s <= 0:
                        return False
                self._changed.wait(wait_s)

    def revoke_all(self) -> None:
        with self._changed:
            self._entries.clear()
            self._changed.notify_all()

    def _prune(self) -> None:
        now_s = self._clock()
        expired = [t for t, e in self._entries.items() if e.deadline_s <= now_s]
        for token in expired:
            del self._entries[token]
        if expired:
            self._changed.notify_all()
