"""A tiny HTTP server on the hotspot address that serves one-time links and nothing else.

Only ``GET /<token>`` of a live link answers with a file; every other method,
path, query or token gets the same bare 404 (no directory listing, no hint
whether a token ever existed). The file is decrypted from the store into
memory for each download and written to the socket, so plaintext never
touches the disk. Nothing listens until :meth:`ShareServer.start`, and
starting is refused unless staff set ``[share] enabled = true``.

Threads are bounded: one accepts, one reads every connection's request head
(intake.py), and ``MAX_WORKERS`` answer complete requests; each answer has a
whole deadline. A link counts as used only once its last byte is sent, and
every finished download is written to the store's audit log like a USB export.
HTTP/0.9 requests (no version, so no headers in the answer) are refused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

from engine_edge.compat import UTC
from engine_edge.errors import KeepsakeError
from kiosk.share.errors import ShareUnavailable, SharingDisabled
from kiosk.share.hotspot import read_key, wifi_qr_text
from kiosk.share.intake import Intake
from kiosk.share.offers import OfferBook, ShareOffer
from kiosk.share.qr import qr_png
from kiosk.share.settings import ShareSettings, check_link_minutes

log = logging.getLogger(__name__)

SEND_TIMEOUT_S = 20.0  # a phone that stops reading does not hold a worker for long
SEND_DEADLINE_S = 120.0  # the whole answer, however slowly it is read
HEAD_DEADLINE_S = 10.0  # the request line and headers must arrive within this
MAX_WORKERS = 4  # requests answered at once
MAX_QUEUED = 32  # complete requests waiting for a worker; beyond that a 503
MAX_PENDING = 256  # connections still sending their request head (the oldest is dropped)
CHUNK_BYTES = 64 << 10
NO_STORE_HEADERS = (
    ("Cache-Control", "no-store, no-cache, must-revalidate, private, max-age=0"),
    ("Pragma", "no-cache"),
    ("Expires", "0"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Content-Security-Policy", "default-src 'none'; sandbox"),
)
FILE_TYPES = (  # (magic test, MIME type, file name extension)
    (lambda d: d[4:8] == b"ftyp", "video/mp4", ".mp4"),
    (lambda d: d.startswith(b"\xff\xd8\xff"), "image/jpeg", ".jpg"),
    (lambda d: d.startswith(b"\x89PNG"), "image/png", ".png"),
    (lambda d: d.startswith(b"RIFF") and d[8:12] == b"WAVE", "audio/wav", ".wav"),
)


class ShareServer:
    """Serves one-time links to stored portraits on the hotspot while it runs.

    The kiosk creates one with the store and ``[share]`` settings, calls
    :meth:`start` when staff have enabled sharing, :meth:`offer` for each guest
    who asks, and :meth:`stop` on exit; stopping closes the port and revokes
    every link.
    """

    def __init__(
        self,
        store: Any,
        settings: ShareSettings,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.settings = settings
        self._clock = clock
        self._offers = OfferBook(clock)
        self._httpd: _Httpd | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> ShareServer:
        """Listen on the configured address; refused while sharing is switched off."""
        if not self.settings.enabled:
            raise SharingDisabled()
        with self._lock:
            if self._httpd is not None:
                return self
            address = (self.settings.bind_address, self.settings.port)
            try:
                httpd = _Httpd(address, _Handler, self)
            except OSError as exc:
                raise ShareUnavailable(
                    f"Sharing cannot listen on {address[0]}:{address[1]}"
                    f" ({exc.strerror or exc}). Check that the hotspot is on and has this"
                    " address ([share] bind_address), and that no other program uses the port."
                ) from exc
            self._httpd = httpd
            self._thread = threading.Thread(
                target=httpd.serve_forever, kwargs={"poll_interval": 0.2}, name="keepsake-share"
            )
            self._thread.daemon = True
            self._thread.start()
        log.info("sharing on http://%s:%d/ (one-time links only)", *self.address)
        return self

    def stop(self) -> None:
        """Close the port and forget every link; safe to call twice."""
        with self._lock:
            httpd, thread = self._httpd, self._thread
            self._httpd = self._thread = None
        self._offers.revoke_all()
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        if thread is not None:
            thread.join(timeout=5.0)
        log.info("sharing stopped")

    def __enter__(self) -> ShareServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._httpd is not None

    @property
    def address(self) -> tuple[str, int]:
        """(host, port) actually listened on (the port is chosen when configured as 0)."""
        httpd = self._httpd
        if httpd is None:
            raise ShareUnavailable("Sharing is not running.")
        host, port = httpd.server_address[:2]
        return str(host), int(port)

    # -- links ------------------------------------------------------------------------------

    def offer(
        self, item_id: str, kind: str = "clip", *, minutes: float | None = None
    ) -> ShareOffer:
        """A new one-time link to one stored file (the clip by default) and its QR code."""
        if not self.settings.enabled:
            raise SharingDisabled()
        if not self.running:
            raise ShareUnavailable("Sharing is not running; start it before offering a link.")
        item = self.store.get_item(item_id)  # ItemNotFound when it is gone
        if item.expires.timestamp() <= self.store.clock.now():
            raise KeepsakeError("This portrait's time is over; it can no longer be shared.")
        if kind not in item.kinds:
            raise KeepsakeError(f"This portrait has no {kind} to share yet.")
        lifetime_s = 60.0 * check_link_minutes(
            self.settings.link_minutes if minutes is None else minutes
        )
        token = self._offers.add(
            item_id, kind, lifetime_s=lifetime_s, max_downloads=self.settings.max_downloads
        )
        host, port = self.address
        url = f"http://{host}:{port}/{token}"
        expires_at = dt.datetime.now(UTC) + dt.timedelta(seconds=lifetime_s)
        log.info("share link for item %s (%s) until %s", item_id, kind, f"{expires_at:%H:%M:%S}Z")
        return ShareOffer(
            url, token, expires_at, qr_png(url), item_id, kind, wifi_qr_png=self._wifi_qr()
        )

    def _wifi_qr(self) -> bytes:
        """Today's hotspot password as a join-this-network QR code (b"" when none is set)."""
        key = read_key(Path(self.settings.hotspot_password_file))
        if key is None:
            return b""
        return qr_png(wifi_qr_text(self.settings.hotspot_ssid, key.password))

    def downloads(self, offer: ShareOffer) -> int:
        return self._offers.downloads(offer.token)

    def wait_for_download(self, offer: ShareOffer, timeout_s: float | None = None) -> bool:
        """True once the link has been used up; False when it expired, was revoked or timed out."""
        return self._offers.wait_used_up(offer.token, timeout_s)

    # -- serving (called from the server's threads) -------------------------------------------

    def _download_finished(self, path: str, *, complete: bool, item: tuple[str, str]) -> None:
        """Audit a complete download, then count it (or give it back when it broke off): once
        the link is used up (``wait_for_download``), its downloads are in the audit log."""
        try:
            if complete:
                self.store.record("shared", item[0], f"{item[1]} over the hotspot")
        except KeepsakeError as exc:
            log.warning("could not audit a hotspot download: %s", exc)
        finally:
            self._offers.finished(path[1:], complete=complete)

    def _file_for(self, path: str) -> tuple[bytes, str, str, tuple[str, str]] | None:
        """(data, MIME type, file name, (item, kind)) for a live link's path, or None: the
        same 404 for all."""
        claim = self._offers.claim(path[1:]) if path.startswith("/") else None
        if claim is None:
            return None
        item_id, kind = claim
        try:
            data = self.store.read_file(item_id, kind)  # refuses expired items too
        except KeepsakeError as exc:
            log.warning("share link for item %s could not be served: %s", item_id, exc)
            self._offers.finished(path[1:], complete=False)
            return None
        mime, ext = next(
            ((m, e) for test, m, e in FILE_TYPES if test(data)), ("application/octet-stream", "")
        )
        log.info("shared item %s (%s, %d bytes)", item_id, kind, len(data))
        return data, mime, f"keepsake-{kind}{ext}", claim


class _Httpd(HTTPServer):
    """Accepts on one thread, reads heads on another (Intake), answers on a few workers."""

    request_queue_size = 64

    def __init__(self, address: tuple[str, int], handler: type, share: ShareServer) -> None:
        self.share = share
        self._slots = threading.BoundedSemaphore(MAX_WORKERS + MAX_QUEUED)
        self._workers = ThreadPoolExecutor(MAX_WORKERS, thread_name_prefix="keepsake-share")
        self._intake = Intake(
            self._dispatch, max_pending=MAX_PENDING, head_deadline_s=HEAD_DEADLINE_S
        )
        try:
            super().__init__(address, handler)
        except BaseException:
            self._close_pools()
            raise

    def process_request(self, request: Any, client_address: Any) -> None:
        self._intake.add(request, client_address)

    def _dispatch(self, sock: socket.socket, address: tuple[str, int], head: bytes) -> None:
        if not self._slots.acquire(blocking=False):
            with contextlib.suppress(OSError):
                sock.settimeout(1.0)
                sock.sendall(b"HTTP/1.1 503 Busy\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            sock.close()
            return
        self._workers.submit(self._answer, sock, address, head)

    def _answer(self, sock: socket.socket, address: tuple[str, int], head: bytes) -> None:
        try:
            self.RequestHandlerClass((sock, head), address, self)
        except Exception:  # a worker must survive any one request
            log.exception("share: a request failed")
        finally:
            with contextlib.suppress(OSError):
                sock.close()
            self._slots.release()

    def server_close(self) -> None:
        super().server_close()
        self._close_pools()

    def _close_pools(self) -> None:
        self._intake.stop()
        self._workers.shutdown(wait=False)


class _Handler(BaseHTTPRequestHandler):
    server_version = "Keepsake"
    sys_version = ""
    server: _Httpd

    def setup(self) -> None:
        # The request head was read by the intake; only the answer uses the socket.
        self.connection, head = self.request
        self.connection.settimeout(SEND_TIMEOUT_S)
        self.rfile = io.BytesIO(head)
        self.wfile = self.connection.makefile("wb", buffering=0)

    def parse_request(self) -> bool:
        if len(str(self.raw_requestline, "iso-8859-1").split()) != 3:
            # HTTP/0.9 would get the file with no headers at all: refuse it plainly.
            self.command, self.request_version = None, "HTTP/1.0"
            self.send_error(400)
            return False
        return super().parse_request()

    def do_GET(self) -> None:
        share = self.server.share
        found = share._file_for(self.path)
        if found is None:
            self._not_found()
            return
        data, mime, name, item = found
        complete = False
        try:
            self.send_response(200)
            self.send_header("Content-Type", mime)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Content-Disposition", f'attachment; filename="{name}"')
            self.send_header("Accept-Ranges", "none")
            self._send_no_store()
            self.end_headers()
            give_up_s = time.monotonic() + SEND_DEADLINE_S
            view = memoryview(data)
            for start in range(0, len(view), CHUNK_BYTES):
                if time.monotonic() > give_up_s:
                    raise TimeoutError("the download took longer than its deadline")
                self.wfile.write(view[start : start + CHUNK_BYTES])
            complete = True
        except OSError as exc:
            log.warning("a share download broke off: %s", exc)
        finally:
            share._download_finished(self.path, complete=complete, item=item)

    def _not_found(self) -> None:
        body = b"Not found.\n"
        self.send_response(404)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self._send_no_store()
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_no_store(self) -> None:
        for name, value in NO_STORE_HEADERS:
            self.send_header(name, value)
        self.send_header("Connection", "close")

    def __getattr__(self, name: str) -> Any:
        # Every other method (HEAD, POST, PUT, OPTIONS, ...) gets the same 404, not a 501.
        if name.startswith("do_"):
            return self._not_found
        raise AttributeError(name)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # Malformed requests: answer as plainly as any other miss (no HTML, no echo of input).
        self.close_connection = True
        self.send_response(code if code >= 400 else 400)
        self.send_header("Content-Length", "0")
        self._send_no_store()
        self.end_headers()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # The request line holds the token: log who and what happened, never the path.
        log.debug("share: %s %s -> %s", self.client_address[0], self.command, code)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("share: request from %s not served", self.client_address[0])
