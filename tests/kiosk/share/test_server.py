"""The share server over real sockets on 127.0.0.1: one-time, expiring, nothing else served."""

from __future__ import annotations

import secrets
import threading

import cv2
import numpy as np
import pytest

from engine_edge.errors import ConfigInvalid
from kiosk.share import ShareServer, ShareSettings, ShareUnavailable, SharingDisabled
from tests.kiosk.share.conftest import ManualClock, fetch, free_port, port_accepts

pytestmark = pytest.mark.timeout(60)


def enabled(**overrides: object) -> ShareSettings:
    values: dict[str, object] = {"enabled": True, "bind_address": "127.0.0.1", "port": 0}
    values.update(overrides)
    return ShareSettings(**values)  # type: ignore[arg-type]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def server(store, clock: ManualClock):  # type: ignore[no-untyped-def]
    with ShareServer(store, enabled(), clock=clock) as s:
        yield s


def test_link_downloads_the_exact_clip_once_then_404(server, item_id, clip_mp4) -> None:  # type: ignore[no-untyped-def]
    offer = server.offer(item_id)
    assert offer.url.startswith("http://127.0.0.1:")
    assert len(offer.token) >= 43 and offer.token in offer.url

    first = fetch(offer.url)
    assert first.status == 200
    assert first.body == clip_mp4
    assert first.headers["Content-Type"] == "video/mp4"
    assert first.headers["Content-Length"] == str(len(clip_mp4))
    assert first.headers["Content-Disposition"].startswith("attachment;")
    assert "no-store" in first.headers["Cache-Control"]
    assert first.headers["Pragma"] == "no-cache"
    assert "Python" not in first.headers["Server"]
    assert server.downloads(offer) == 1
    assert server.wait_for_download(offer, timeout_s=0.5)

    again = fetch(offer.url)
    assert again.status == 404
    assert clip_mp4[:64] not in again.body
    assert "no-store" in again.headers["Cache-Control"]


def test_racing_requests_get_the_clip_exactly_once(server, item_id, clip_mp4) -> None:  # type: ignore[no-untyped-def]
    offer = server.offer(item_id)
    statuses: list[int] = []
    lock = threading.Lock()

    def grab() -> None:
        reply = fetch(offer.url)
        with lock:
            statuses.append(reply.status)
            if reply.status == 200:
                assert reply.body == clip_mp4

    threads = [threading.Thread(target=grab) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert sorted(statuses) == [200] + [404] * 7


def test_max_downloads_counts_each_download(store, item_id, clip_mp4) -> None:  # type: ignore[no-untyped-def]
    with ShareServer(store, enabled(max_downloads=2)) as server:
        offer = server.offer(item_id)
        assert [fetch(offer.url).status for _ in range(3)] == [200, 200, 404]
        assert server.downloads(offer) == 2


def test_expired_link_404s(server, item_id, clock) -> None:  # type: ignore[no-untyped-def]
    just_in_time = server.offer(item_id)  # [share] link_minutes = 10 by default
    too_late = server.offer(item_id)
    clock.now_s += 10 * 60 - 1
    assert fetch(just_in_time.url).status == 200
    clock.now_s += 2
    assert fetch(too_late.url).status == 404
    assert not server.wait_for_download(too_late, timeout_s=0.5)


def test_minutes_override_the_configured_lifetime(server, item_id, clock) -> None:  # type: ignore[no-untyped-def]
    offer = server.offer(item_id, minutes=1)
    clock.now_s += 61
    assert fetch(offer.url).status == 404
    with pytest.raises(ConfigInvalid):
        server.offer(item_id, minutes=0)


def test_wrong_tokens_other_paths_and_methods_404(server, item_id, clip_mp4) -> None:  # type: ignore[no-untyped-def]
    offer = server.offer(item_id)
    token = offer.token
    flipped = ("A" if token[0] != "A" else "B") + token[1:]
    misses = [
        f"/{secrets.token_urlsafe(32)}",
        f"/{flipped}",
        f"/{token[:-1]}",
        f"/{token}/",
        f"/{token}?download=1",
        "/",
        "/index.html",
        "/../../etc/passwd",
        f"/{item_id}",
    ]
    for path in misses:
        reply = fetch(offer.url, path=path)
        assert reply.status == 404, path
        assert reply.body == b"Not found.\n", path
        assert "no-store" in reply.headers["Cache-Control"]
    for method in ("HEAD", "POST", "PUT", "DELETE", "OPTIONS"):
        assert fetch(offer.url, method=method).status == 404, method
    # None of those used the link up.
    assert server.downloads(offer) == 0
    assert fetch(offer.url).body == clip_mp4


def test_deleted_portrait_is_not_served(server, store, item_id) -> None:  # type: ignore[no-untyped-def]
    offer = server.offer(item_id)
    store.delete_item(item_id)
    assert fetch(offer.url).status == 404


def test_disabled_sharing_refuses_and_listens_nowhere(store, item_id) -> None:  # type: ignore[no-untyped-def]
    port = free_port()
    server = ShareServer(store, ShareSettings(bind_address="127.0.0.1", port=port))
    with pytest.raises(SharingDisabled, match=r"enabled = true.*\[share\]"):
        server.start()
    with pytest.raises(SharingDisabled):
        server.offer(item_id)
    assert not server.running
    assert not port_accepts(port)


def test_defaults_keep_sharing_off() -> None:
    from engine_edge.config import load_config
    from kiosk.share import share_settings
    from tests.conftest import REPO_ROOT

    assert share_settings({}).enabled is False
    documented = share_settings(load_config(REPO_ROOT / "keepsake.toml"))
    assert documented == ShareSettings()
    assert documented.enabled is False and documented.max_downloads == 1


@pytest.mark.parametrize(
    "bad",
    [
        {"bind_address": "0.0.0.0"},
        {"bind_address": "::1"},
        {"bind_address": "hotspot.local"},
        {"port": 70000},
        {"link_minutes": 0},
        {"link_minutes": 2000},
        {"max_downloads": 0},
    ],
)
def test_unsafe_or_wrong_settings_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ConfigInvalid):
        enabled(**bad)


def test_qr_png_decodes_to_the_link(server, item_id) -> None:  # type: ignore[no-untyped-def]
    offer = server.offer(item_id)
    assert offer.qr_png.startswith(b"\x89PNG\r\n\x1a\n")
    image = cv2.imdecode(np.frombuffer(offer.qr_png, np.uint8), cv2.IMREAD_GRAYSCALE)
    assert image is not None
    # OpenCV's classic detector misses about one valid code in ten of these (random tokens);
    # the ArUco-based one reads them all, as a phone does.
    text, points, _ = cv2.QRCodeDetectorAruco().detectAndDecode(image)
    assert points is not None
    assert text == offer.url


def test_stop_closes_the_port_and_revokes_links(store, item_id) -> None:  # type: ignore[no-untyped-def]
    server = ShareServer(store, enabled()).start()
    _, port = server.address
    offer = server.offer(item_id)
    assert port_accepts(port)
    server.stop()
    assert not server.running
    assert not port_accepts(port)
    assert not server.wait_for_download(offer, timeout_s=0.2)
    server.stop()  # twice is harmless
    with pytest.raises(ShareUnavailable):
        server.offer(item_id)
    # Starting again gives a fresh server on which the old link opens nothing.
    with ShareServer(store, enabled(port=port)) as again:
        assert fetch(offer.url).status == 404
        assert again.address == ("127.0.0.1", port)


def test_busy_port_gives_a_message_staff_can_act_on(store) -> None:  # type: ignore[no-untyped-def]
    with ShareServer(store, enabled()) as first:
        _, port = first.address
        with pytest.raises(ShareUnavailable, match="hotspot"):
            ShareServer(store, enabled(port=port)).start()


def test_offering_what_is_not_there_is_refused(server, store, item_id) -> None:  # type: ignore[no-untyped-def]
    from engine_edge.errors import KeepsakeError
    from kiosk.store import ItemNotFound

    with pytest.raises(KeepsakeError, match="no audio"):
        server.offer(item_id, "audio")
    with pytest.raises(ItemNotFound):
        server.offer("0123456789abcdef")


def test_link_counts_as_used_only_once_its_bytes_are_sent() -> None:
    # `keepsake share` stops the server as soon as the link is used up; if "used up" came at the
    # claim, the process could exit while the guest's download was still being written.
    from kiosk.share.offers import OfferBook

    book = OfferBook()
    token = book.add("item", "clip", lifetime_s=60, max_downloads=1)
    assert book.claim(token) == ("item", "clip")
    assert book.wait_used_up(token, timeout_s=0.3) is False  # still sending
    done = threading.Timer(0.2, book.finished, args=(token,))
    done.start()
    assert book.wait_used_up(token, timeout_s=5) is True
    done.join()
