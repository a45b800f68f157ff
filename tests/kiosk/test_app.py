"""The real kiosk, in a real Kivy window under Xvfb, driven tap by tap.

Each test starts `keepsake kiosk --windowed` in a subprocess with the file
camera playing a video of a print, walks the screens a guest or staff member
would, saves a screenshot of every screen, and checks what was stored.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import time
import urllib.error
import urllib.request
from pathlib import Path

import av
import numpy as np
import psutil
import pytest

from kiosk.pin import write_pin_file
from kiosk.store import Store
from tests.kiosk.driver import KioskDriver

pytestmark = [pytest.mark.ui, pytest.mark.slow]


def open_store(driver: KioskDriver) -> Store:
    return Store(driver.workdir / "store", check_on_open=False)


def clip_frames(mp4: bytes) -> list[np.ndarray]:
    with av.open(io.BytesIO(mp4)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def scan_to_check(k: KioskDriver, shots: Path | None = None) -> None:
    k.tap("attract.begin")
    state = k.wait_for("consent")
    if shots:
        k.screenshot(shots / "02-consent.png")
    # Plain words: what is made, where it can be shown, how long it is kept, how to delete it.
    said = " ".join(state["texts"])
    for words in ("AI animation", "this event's tribute", "only if you choose", "deleted after"):
        assert words in said, words
    k.request("key", text="\n")  # neither answer is pre-selected: Enter decides nothing
    assert k.state()["state"] == "consent"
    k.tap("consent.agree")
    k.wait_for("scan")
    k.wait_until(lambda s: s["debug"].get("camera") == "scanning", 20)
    if shots:
        time.sleep(0.6)
        k.screenshot(shots / "03-scan.png")
    k.wait_for("check", 40)
    k.wait_until(lambda s: s["debug"].get("faces", 0) > 0, 60)


def test_guest_flow_end_to_end(start_kiosk, tmp_path: Path, astronaut, shots_dir: Path) -> None:  # type: ignore[no-untyped-def]
    # Yesterday's service left a portrait on the wall; today's event starts empty.
    with Store(tmp_path / "store") as store:
        earlier = store.open_event("Ruth Miller", dt.date(2026, 5, 12))
        old = add_portrait(store, astronaut[:, ::-1].copy(), "Ruth", earlier.event_id)
        today = store.open_event("Arthur Penn", dt.date(2026, 5, 13))
    k = start_kiosk(share=True)
    state = k.wait_for("attract")
    assert "Touch to begin" in state["texts"]
    assert state["debug"]["items"] == 0 and state["debug"]["wall"] == []  # not Ruth's guests'
    k.screenshot(shots_dir / "01-attract-empty.png")

    scan_to_check(k, shots_dir)
    k.screenshot(shots_dir / "04-check.png")
    state = k.state()
    assert state["debug"]["faces"] == 1 and not state["debug"]["photo_dimmed"]
    assert "We found one face." in state["texts"]  # upright as it lay: nothing said of a turn

    k.tap("check.continue")
    k.wait_for("mood")
    # The four cards move this very photo live (textured mesh + the engine's rig).
    k.wait_until(lambda s: min(s["debug"]["live"]) > 5, 30)
    k.screenshot(shots_dir / "05-mood.png")
    k.tap("mood.birthday")
    assert k.state()["debug"]["preset"] == "birthday"
    k.tap("mood.continue")

    k.wait_for("voice")
    k.tap("voice.record")  # this machine has no microphone: a plain sentence, not a crash
    k.tap("voice.record_start")
    k.wait_until(lambda s: any("No microphone" in t for t in s["texts"]), 10)
    k.tap("voice.type")
    for key in "hi":  # the on-screen keys, tapped; an empty line starts with a capital
        k.tap(f"key.{key}")
    k.request("key", text=" mum")  # and a physical keyboard
    assert k.state()["debug"]["text"] == "Hi mum"
    k.screenshot(shots_dir / "06-voice-type.png")
    for key in (
        ("delete",) * 6 + ("shift", *"happy") + ("space", "page", "9", "0", "page", "t", "h")
    ):
        k.tap(f"key.{key}")
    for key in ("space", "b", "i", "r", "t", "h", "d", "a", "y", "page", "!"):
        k.tap(f"key.{key}")
    assert k.state()["debug"]["text"] == "Happy 90th birthday!"
    k.screenshot(shots_dir / "06-voice-type-digits.png")
    k.tap("voice.continue")

    k.wait_for("render")
    progress_seen: list[float] = []
    shot = False
    deadline = time.monotonic() + 120
    while (state := k.state())["state"] == "render" and time.monotonic() < deadline:
        progress_seen.append(state["debug"]["progress"])
        if 0.2 < progress_seen[-1] < 1 and not shot:
            shot = bool(k.screenshot(shots_dir / "07-render.png"))
        time.sleep(0.05)
    assert any(0 < p < 1 for p in progress_seen), progress_seen
    k.wait_for("preview")
    k.wait_until(lambda s: s["debug"]["frames_shown"] > 5, 20)
    k.screenshot(shots_dir / "08-preview.png")
    assert "AI-animated keepsake" in k.state()["texts"]

    k.tap("preview.keep")
    k.wait_for("keep")
    assert k.state()["debug"]["tribute_offered"]
    k.tap("keep.loop")
    state = k.wait_until(lambda s: s["debug"].get("kept_item"), 10)
    item_id = state["debug"]["kept_item"]
    assert state["debug"]["status"] == "Added to the tribute for Arthur Penn."
    # Sharing is on: the kept clip can go to a phone through a one-time link (QR code).
    k.tap("keep.phone")
    url = k.wait_until(lambda s: s["debug"]["share_url"], 10)["debug"]["share_url"]
    k.screenshot(shots_dir / "09-keep.png")
    with urllib.request.urlopen(url, timeout=10) as response:
        downloaded = response.read()
    with pytest.raises(urllib.error.HTTPError):  # used once: gone
        urllib.request.urlopen(url, timeout=10)
    k.tap("keep.done")
    k.wait_for("thanks")
    assert "Your keepsake is saved." in k.state()["texts"]
    k.screenshot(shots_dir / "10-thanks.png")
    k.tap("thanks.done")

    # The stored item: consent, mood, and a clip that plays with a spoken line.
    with open_store(k) as store:
        item = store.get_item(item_id)
        assert item.consent is True and item.preset == "birthday"
        assert item.event_id == today.event_id
        assert {"photo", "clip", "thumb"} <= set(item.kinds)
        assert downloaded == store.read_file(item_id, "clip")
        frames = clip_frames(store.read_file(item_id, "clip"))
        assert len(frames) >= 15  # 1.5 s at 10 fps, longer when the line needs it
        with av.open(io.BytesIO(store.read_file(item_id, "clip"))) as container:
            assert container.streams.audio, "the typed line should be spoken in the clip"

    # Back in Attract the kept portrait plays, as a fresh loop rendered in the background;
    # the earlier event's never does.
    state = k.wait_for("attract")
    state = k.wait_until(lambda s: s["debug"].get("mode") == "loop", 60)
    assert state["debug"]["items"] == 1
    assert state["debug"]["wall"] == [item_id] and old not in state["debug"]["wall"]
    k.screenshot(shots_dir / "11-attract-tribute.png")


def add_portrait(store: Store, photo: np.ndarray, caption: str | None, event_id: str | None) -> str:
    """A portrait as the kiosk keeps it (photo, a short real H.264 clip, a thumbnail)."""
    from kiosk.adapters.store import encode_png

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 128, 128, "yuv420p"
        small = photo[::4, ::4][:128, :128]
        for i in range(10):
            frame = np.roll(small, i, axis=1)
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    item_id = store.add_item(
        encode_png(photo), consent=True, preset="memorial", caption=caption, event_id=event_id
    )
    store.put_file(item_id, "clip", buffer.getvalue())
    store.put_file(item_id, "thumb", encode_png(photo[::4, ::4]))
    return item_id


def test_staff_mode(start_kiosk, tmp_path: Path, astronaut, shots_dir: Path) -> None:  # type: ignore[no-untyped-def]
    with Store(tmp_path / "store") as store:
        event = store.open_event("Ruth Miller", dt.date(2026, 5, 12))
        first = add_portrait(store, astronaut, "Grandma Ruth", event.event_id)
        second = add_portrait(store, astronaut[:, ::-1].copy(), None, event.event_id)
    write_pin_file(tmp_path / "state" / "staff_pin", "246813")  # there is no default PIN
    k = start_kiosk(pin_max_failures=2, pin_lockout_s=8.0, live_tribute=False)
    state = k.wait_until(lambda s: s["debug"].get("mode") == "clip", 20)
    assert state["debug"]["caption"] == "Grandma Ruth"

    # A short tap in the corner just begins; only a long press asks for the PIN.
    k.request("touch", x=0.02, y=0.98, hold_s=1.6)
    k.wait_for("staff_pin")
    k.screenshot(shots_dir / "12-staff-pin.png")
    for _attempt in range(2):
        for digit in "1111":
            k.tap(f"key.{digit}")
        k.tap("staff_pin.enter")
    state = k.state()
    locked_at = time.monotonic()
    assert state["state"] == "staff_pin" and state["debug"]["locked_s"] > 0
    assert any("locked" in t for t in state["texts"])
    for digit in "246813":  # right PIN, but still locked
        k.tap(f"key.{digit}")
    k.tap("staff_pin.enter")
    assert k.state()["state"] == "staff_pin"
    time.sleep(max(0.0, state["debug"]["locked_s"] - (time.monotonic() - locked_at)) + 1.0)
    k.request("key", text="246813\n")  # a physical keyboard works too
    k.wait_for("staff")

    state = k.state()
    assert [i[0] for i in state["debug"]["items"]] == [first, second]
    k.tap("staff.down.0")
    k.wait_until(lambda s: [i[0] for i in s["debug"]["items"]] == [second, first], 5)
    k.tap("staff.pin.1")  # pin the first portrait for the event: it moves to the top
    k.wait_until(lambda s: s["debug"]["items"][0][0] == first and s["debug"]["items"][0][2], 5)
    k.tap("staff.caption.1")
    caption_keys = [*"ruth", "space", "shift", *"miller,", "space", "page", *"1931\u20132024"]
    for key in caption_keys:  # the most common memorial caption, on the touchscreen alone
        k.tap(f"key.{key}")
    k.screenshot(shots_dir / "13-staff-caption.png")
    k.tap("staff.save_caption")
    caption = "Ruth Miller, 1931\u20132024"
    k.wait_until(lambda s: [i[1] for i in s["debug"]["items"]] == ["Grandma Ruth", caption], 5)
    k.tap("staff.caption.0")  # a slip of the finger can be thrown away
    k.tap("key.x")
    k.tap("staff.cancel_caption")
    k.tap("staff.tab.loop")
    assert [i[1] for i in k.state()["debug"]["items"]] == ["Grandma Ruth", caption]
    assert "Event: Ruth Miller \u2014 12 May 2026" in k.state()["texts"]
    k.screenshot(shots_dir / "13-staff-loop.png")

    # Hide and show: the wall (the store's tribute) drops the portrait, staff still see it.
    k.tap("staff.hide.1")
    state = k.wait_until(lambda s: len(s["debug"]["items"]) == 1, 5)
    assert f"Hidden \u00b7 {caption}" in state["texts"]
    k.screenshot(shots_dir / "13-staff-loop-hidden.png")
    k.tap("staff.hide.1")
    k.wait_until(lambda s: len(s["debug"]["items"]) == 2, 5)

    # Remove shows the portrait and asks; "Keep it" changes nothing.
    k.tap("staff.remove.1")
    state = k.wait_until(lambda s: "Remove this portrait?" in s["texts"], 5)
    k.screenshot(shots_dir / "13-staff-remove-confirm.png")
    k.tap("staff.remove_keep")
    k.wait_until(lambda s: "staff.remove.1" in s["actions"], 5)
    assert len(k.state()["debug"]["items"]) == 2
    # Confirmed, it leaves the wall at once and can be undone ...
    k.tap("staff.remove.1")
    k.tap("staff.remove_confirm")
    state = k.wait_until(lambda s: len(s["debug"]["items"]) == 1, 5)
    assert "Portrait removed." in state["texts"]
    k.screenshot(shots_dir / "13-staff-removed-undo.png")
    k.tap("staff.undo")
    k.wait_until(lambda s: len(s["debug"]["items"]) == 2, 5)
    # ... and after the undo time it is destroyed.
    k.tap("staff.remove.1")
    k.tap("staff.remove_confirm")
    k.wait_until(lambda s: len(s["debug"]["items"]) == 1, 5)
    removed_at = time.monotonic()

    deadline = removed_at + 20
    while time.monotonic() < deadline:
        with Store(tmp_path / "store", check_on_open=False) as store:
            if len(store.list_items()) == 1:
                break
        time.sleep(0.5)
    else:
        raise AssertionError("the removed portrait was not destroyed after the undo time")
    assert time.monotonic() - removed_at >= 9.5

    k.tap("staff.tab.settings")
    before = k.state()["debug"]["retention_days"]
    k.tap("staff.retention_more")
    k.wait_until(lambda s: s["debug"]["retention_days"] == before + 1, 5)
    k.tap("staff.export")
    k.wait_until(lambda s: "No USB stick found" in s["debug"]["status"], 5)
    k.screenshot(shots_dir / "14-staff-settings.png")
    k.tap("staff.wipe_now")
    assert len(k.state()["debug"]["items"]) == 1  # the first touch only arms it
    k.tap("staff.wipe_now")
    k.wait_until(lambda s: not s["debug"]["items"], 5)

    # A new event: typed on the touchscreen; the wall starts empty for its guests.
    k.tap("staff.tab.loop")
    k.tap("staff.event_open")
    k.wait_for("staff_event")
    for key in "ann":
        k.tap(f"key.{key}")
    k.tap("staff_event.later")
    k.screenshot(shots_dir / "13-staff-event.png")
    k.tap("staff_event.open")
    state = k.wait_for("staff")
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert f"Event: Ann \u2014 {tomorrow.day} {tomorrow:%B %Y}" in state["texts"]
    k.tap("staff.event_close")  # the first touch only arms it
    assert any(t.startswith("Event: Ann") for t in k.state()["texts"])
    k.tap("staff.event_close")
    k.wait_until(lambda s: any("No event is open" in t for t in s["texts"]), 5)
    with Store(tmp_path / "store", check_on_open=False) as store:
        assert "Ann" in [e.name for e in store.events()]
        assert store.current_event() is None

    k.tap("staff.tab.diag")
    state = k.wait_until(lambda s: "connecting\u2026" not in s["debug"]["diagnostics"].values(), 60)
    facts = state["debug"]["diagnostics"]
    assert "CPU" in facts["staff.diag.models"]  # what the running renderer loaded
    # Then `keepsake doctor`'s own report for this configuration: every check, the same words.
    from engine_edge.config import load_config
    from engine_edge.doctor import CHECKS, run_checks

    assert {"staff.doctor." + name.replace(" ", "_") for name in CHECKS} <= set(facts)
    verdict = {"ok": "ok", "warn": "note", "fail": "to fix"}
    for check in run_checks(load_config(str(k.config)), only=("camera", "versions")).checks:
        shown = facts["staff.doctor." + check.name]
        assert shown.startswith(f"{verdict[check.status]}: {check.summary}"), shown
    assert facts["staff.doctor.camera"].startswith("note: camera is a file")  # a demo camera
    assert "GB free" in facts["staff.doctor.disk"]
    k.screenshot(shots_dir / "15-staff-diagnostics.png")

    with Store(tmp_path / "store", check_on_open=False) as store:
        assert store.list_items() == []
    kept = json.loads((tmp_path / "state" / "kiosk-state.json").read_text())
    assert kept["retention_days"] == before + 1 and kept["last_wipe"]

    k.tap("staff.tab.system")  # leaving to a shell is on the power page, behind a second touch
    k.tap("settings.open.power")
    k.tap("settings.shell")
    with contextlib.suppress(RuntimeError):  # the kiosk may be gone before it answers this tap
        k.tap("settings.shell")
    k.process.wait(15)
    assert k.process.returncode == 10  # "left to a shell on purpose": systemd does not restart


def test_failures_end_in_a_clear_message_and_a_working_kiosk(  # type: ignore[no-untyped-def]
    start_kiosk, tmp_path: Path, print_video: Path, shots_dir: Path
) -> None:
    with Store(tmp_path / "store") as store:
        store.open_event("Ruth Miller", dt.date(2026, 5, 12))
    k = start_kiosk()
    k.wait_for("attract")

    # The camera is pulled mid-scan, stays away, then comes back.
    k.tap("attract.begin")
    k.tap("consent.agree")
    k.wait_for("scan")
    k.wait_until(lambda s: s["debug"].get("camera") == "scanning", 20)
    hidden = print_video.with_suffix(".away")
    print_video.rename(hidden)
    try:
        k.request("fault", name="unplug_camera")
        k.wait_until(
            lambda s: "The camera stopped answering. Checking it again\u2026" in s["texts"], 10
        )
        state = k.wait_until(lambda s: s["debug"].get("camera") == "gone", 20)
        assert any("Please ask a member of staff" in t for t in state["texts"])
        k.screenshot(shots_dir / "16-scan-camera-gone.png")
        # No USB stick either: a clear sentence, and the kiosk carries on.
        k.tap("scan.usb")
        k.wait_until(lambda s: any("No USB stick found" in t for t in s["texts"]), 5)
    finally:
        hidden.rename(print_video)
    k.wait_for("check", 60)  # reconnected by itself and captured

    # The render worker dies mid-render (what an out-of-memory kill looks like).
    k.wait_until(lambda s: s["debug"].get("faces", 0) > 0, 60)
    k.tap("check.continue")
    k.tap("mood.continue")
    k.wait_for("render")
    k.request("fault", name="kill_worker")
    state = k.wait_for("failsafe", 20)
    assert any("could not finish this portrait" in t for t in state["texts"])
    k.screenshot(shots_dir / "17-failsafe-render.png")
    k.tap("failsafe.ok")
    k.wait_for("attract")

    # A fresh worker renders the next guest's portrait (after one cancelled render);
    # a full disk keeps nothing, and says so.
    scan_to_check(k)
    k.tap("check.continue")
    k.tap("mood.continue")
    k.wait_for("render")
    k.tap("render.cancel")
    k.wait_for("mood")
    assert "flow: render --cancel_render--> mood" in k.log_text()
    k.tap("mood.continue")
    k.wait_for("preview", 120)
    k.tap("preview.keep")
    k.wait_for("keep")
    k.tap("keep.usb")
    k.wait_until(lambda s: "No USB stick found" in s["debug"]["status"], 5)
    k.request("fault", name="disk_full")
    try:
        k.tap("keep.loop")
        state = k.wait_until(lambda s: "storage is full" in s["debug"]["status"], 10)
        assert state["debug"]["kept_item"] is None
        # The offer is withdrawn, and the screen says why.
        assert not state["debug"]["tribute_offered"] and "keep.loop" not in state["actions"]
    finally:
        k.request("fault", name="disk_ok")
    k.screenshot(shots_dir / "18-keep-disk-full.png")
    with open_store(k) as store:
        assert store.list_items() == []
    k.tap("keep.done")
    k.wait_for("thanks")
    assert "Your photo has been deleted from this kiosk." in k.state()["texts"]

    # Anything unexpected: a gentle message, then Attract; never a stack trace.
    k.tap("thanks.done")
    k.wait_for("attract")
    k.tap("attract.begin")
    k.wait_for("consent")
    k.request("fault", name="raise")
    state = k.wait_for("failsafe", 10)
    assert not any("Traceback" in t or "RuntimeError" in t for t in state["texts"])
    assert "fault injected" in k.log_text()  # the details are logged
    k.tap("failsafe.ok")
    k.wait_for("attract")
    assert k.process.poll() is None


def test_idle_timeout_returns_to_attract_and_discards_work(start_kiosk) -> None:  # type: ignore[no-untyped-def]
    k = start_kiosk(idle_timeout_s=2.0)
    k.tap("attract.begin")
    k.wait_for("consent")
    k.wait_for("attract", 15)
    assert "flow: consent --timeout--> attract" in k.log_text()

    # systemd stops the kiosk with SIGTERM: it closes properly and its worker goes with it.
    worker = k.state()["worker_pid"]
    assert worker and psutil.pid_exists(worker)
    assert k.stop() == 0
    deadline = time.monotonic() + 10
    while psutil.pid_exists(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not psutil.pid_exists(worker)
