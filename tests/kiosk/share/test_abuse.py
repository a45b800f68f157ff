"""The share server under abuse (issue #17): slow and many connections, HTTP/0.9, aborted
downloads, expired portraits. Loopback only."""

from __future__ import annotations

import socket
import threading
import time
from urllib.parse import urlsplit

import pytest

from kiosk.share import ShareServer
from kiosk.share import server as share_server
from tests.kiosk.share.conftest import fetch
from tests.kiosk.share.test_server import enabled

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def server(store):  # type: ignore[no-untyped-def]
    with ShareServer(store, enabled()) as s:
        yield s


def _connect(url: str) -> socket.socket:
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=5.0)
    return sock


@pytest.mark.slow
def test_300_slow_connections_hold_few_threads_and_a_real_request_is_served(  # type: ignore[no-untyped-def]
    server, item_id, clip_mp4
) -> None:
    offer = server.offer(item_id)
    threads_before = threading.active_count()
    slow = []
    for n in range(300):
        sock = _connect(offer.url)
        sock.sendall(b"G")  # the start of a request line, then one byte now and then
        slow.append(sock)
        if n % 50 == 0:
            for s in slow:
                s.sendall(b"E")
    time.sleep(0.5)
    assert threading.active_count() - threads_before <= share_server.MAX_WORKERS + 2
    reply = fetch(offer.url)
    assert reply.status == 200 and reply.body == clip_mp4
    assert threading.active_count() - threads_before <= share_server.MAX_WORKERS + 2
    for sock in slow:
        sock.close()


def test_a_request_head_must_arrive_in_time(store, item_id, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(share_server, "HEAD_DEADLINE_S", 2.0)  # 10 s on a real box
    with ShareServer(store, enabled()) as server:
        offer = server.offer(item_id)
        sock = _connect(offer.url)
        sock.sendall(b"GET /")
        start = time.monotonic()
        cut_off = False
        while time.monotonic() - start < 8.0:  # a byte every half second, never a whole head
            time.sleep(0.5)
            try:
                sock.sendall(b"a")
                sock.settimeout(0.01)
                if sock.recv(100) == b"":
                    cut_off = True
                    break
            except TimeoutError:
                continue
            except OSError:
                cut_off = True
                break
        sock.close()
        assert cut_off and time.monotonic() - start < 4.0, "a trickling client was cut off"
        assert server.downloads(offer) == 0


def test_http_0_9_is_refused(server, item_id, clip_mp4) -> None:  # type: ignore[no-untyped-def]
    offer = server.offer(item_id)
    sock = _connect(offer.url)
    sock.sendall(f"GET /{offer.token}\r\n\r\n".encode())
    answer = b""
    while chunk := sock.recv(65536):
        answer += chunk
    sock.close()
    assert answer.startswith(b"HTTP/1.0 400") and clip_mp4[:64] not in answer
    assert fetch(offer.url).body == clip_mp4, "the link was not used up"


def test_an_aborted_download_does_not_burn_the_link(server, store, item_id) -> None:  # type: ignore[no-untyped-def]
    import os

    # Bigger than any socket buffer, so the server is still sending when the guest hangs up.
    big = b"\x00\x00\x00\x18ftypisom" + os.urandom(24 << 20)
    store.put_file(item_id, "clip", big)
    offer = server.offer(item_id)
    sock = _connect(offer.url)
    # A tiny receive buffer and no reading: the server's send blocks, then we hang up.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.sendall(f"GET /{offer.token} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    sock.recv(100)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    sock.close()  # RST: the download breaks off
    deadline = time.monotonic() + 10
    while server.downloads(offer) and time.monotonic() < deadline:
        time.sleep(0.05)
    reply = fetch(offer.url)
    assert reply.status == 200 and reply.body == big
    assert server.wait_for_download(offer, timeout_s=10)  # the guest has every byte: over
    actions = [e.action for e in server.store.audit_entries()]
    assert actions.count("shared") == 1, "only the complete download is in the audit log"


def test_expired_portraits_are_neither_offered_nor_served(server, store, item_id) -> None:  # type: ignore[no-untyped-def]
    from engine_edge.errors import KeepsakeError

    offer = server.offer(item_id)
    real_now = store.clock.now
    store.clock.now = lambda: real_now() + 8 * 86400.0  # type: ignore[method-assign]
    try:
        with pytest.raises(KeepsakeError, match="time is over"):
            server.offer(item_id)
        assert fetch(offer.url).status == 404
    finally:
        store.clock.now = real_now  # type: ignore[method-assign]
