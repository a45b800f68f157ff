"""Issue #15 in the kiosk: a caption at Keep, "gentler / livelier" on Mood, and the staff's
tribute film, walked through the real app under Xvfb and measured on the decoded files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from scipy.io import wavfile

from engine_edge.deliver import decode_frames, probe_mp4
from kiosk.pin import write_pin_file
from kiosk.store import Store
from tests.kiosk.conftest import kiosk_config
from tests.kiosk.driver import KioskDriver
from tests.kiosk.store.test_usb import _fake_system
from tests.kiosk.test_app import add_portrait, scan_to_check
from tests.kiosk.test_staff_settings import enter_staff

pytestmark = [pytest.mark.ui, pytest.mark.slow]

PIN = "246813"
RUTH = "Ruth Miller, 1931\u20132024"
CLIP_S = 2.0  # the film needs a portrait longer than two cross-fades
FPS = 10
FADE_FRAMES = 8  # the film's 0.8 s cross-fade at 10 fps
CARD_FRAMES = 30  # a caption card: 3 s


def _rendered_portrait(photo: np.ndarray) -> bytes:
    """A real living portrait, small and short (the engine, as the kiosk's worker runs it)."""
    from engine_edge.analysis import load_models
    from engine_edge.pipeline import AnimateOptions, EngineSettings, animate_photo

    options = AnimateOptions(
        seconds=CLIP_S,
        fps=float(FPS),
        self_check=False,
        engine=EngineSettings(max_short_side_px=240, x264_preset="ultrafast"),
    )
    return animate_photo(photo, options, load_models()).mp4


def _music(path: Path) -> Path:
    """Ten seconds of a soft chord (a real WAV on the fake stick)."""
    rate = 48000
    t = np.arange(10 * rate) / rate
    chord = sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6)) * 0.15
    wavfile.write(path, rate, (chord * 32767).astype(np.int16))
    return path


def _plug_stick(tmp_path: Path, plugged: bool) -> Path:
    """A folder the kiosk takes for a USB stick (fake /proc/mounts and /sys, the real rule)."""
    stick = tmp_path / "media" / "STICK"
    stick.mkdir(parents=True, exist_ok=True)
    fake = tmp_path / "fake-system"
    fake.mkdir(exist_ok=True)
    mounts = [("sda1", "/", "rw")] + ([("sdb1", str(stick), "rw")] if plugged else [])
    if (fake / "mounts").exists():  # plugging in or pulling out: only the mount table changes
        (fake / "mounts").write_text(
            "".join(f"{fake / 'dev' / d} {m} vfat {o},relatime 0 0\n" for d, m, o in mounts)
        )
    else:
        _fake_system(fake, mounts)
    return stick


@pytest.fixture()
def kiosk_with_stick(xvfb, tmp_path: Path, print_video: Path, monkeypatch):  # type: ignore[no-untyped-def]
    started: list[KioskDriver] = []

    def start(**kiosk: object) -> tuple[KioskDriver, Path]:
        stick = _plug_stick(tmp_path, plugged=True)
        monkeypatch.setenv("KEEPSAKE_PROC_MOUNTS", str(tmp_path / "fake-system" / "mounts"))
        monkeypatch.setenv(
            "KEEPSAKE_SYS_CLASS_BLOCK", str(tmp_path / "fake-system" / "sys/class/block")
        )
        config = kiosk_config(tmp_path, print_video, **kiosk)
        config += '[engine]\nmax_short_side_px = 240\nx264_preset = "ultrafast"\n'
        driver = KioskDriver(tmp_path, config, xvfb.display)
        started.append(driver)
        return driver, stick

    yield start
    for driver in started:
        driver.stop()


def test_caption_at_keep_gentler_livelier_and_the_tribute_film(  # type: ignore[no-untyped-def]
    kiosk_with_stick, tmp_path: Path, astronaut, shots_dir: Path
) -> None:
    from kiosk.adapters.store import decode_png

    with Store(tmp_path / "store") as store:
        event = store.open_event("Ruth Miller", dt.date(2026, 5, 12))
        ruth = add_portrait(store, astronaut[:, ::-1].copy(), RUTH, event.event_id)
        store.put_file(ruth, "clip", _rendered_portrait(astronaut[:, ::-1].copy()))
    write_pin_file(tmp_path / "state" / "staff_pin", PIN)
    k, stick = kiosk_with_stick(clip_seconds=CLIP_S, clip_fps=FPS, live_tribute=False)
    _music(stick / "hymn.wav")

    # Mood: gentler / livelier, one step at a time, stopping at the ends.
    scan_to_check(k)
    k.tap("check.continue")
    k.wait_for("mood", step=0)
    k.tap("mood.livelier")
    k.tap("mood.livelier")
    state = k.wait_until(lambda s: s["debug"]["step"] == 2, 5)
    assert "Livelier, warmer smile" in state["texts"]
    assert "mood.livelier" not in state["actions"]  # the top step: no further
    k.tap("mood.gentler")
    k.tap("mood.gentler")
    k.tap("mood.gentler")
    k.wait_until(lambda s: s["debug"]["step"] == -1, 5)
    k.screenshot(shots_dir / "05b-mood-gentler.png")
    k.tap("mood.continue")
    k.wait_for("render")
    k.wait_for("preview", 180)
    k.tap("preview.keep")
    k.wait_for("keep")

    # Keep: a caption typed on the kiosk's keyboard, accents included, drawn into the clip.
    k.tap("keep.caption")
    k.wait_until(lambda s: s["debug"]["typing"] == "", 5)
    for key in ("z", "o", "accents", "\u00eb", "space", "shift", "m", "accents", "\u00fc"):
        k.tap(f"key.{key}")
    k.request("key", text="ller")  # a physical keyboard too
    assert k.state()["debug"]["typing"] == "Zo\u00eb M\u00fcller"
    k.screenshot(shots_dir / "09a-keep-caption.png")
    k.tap("keep.caption_add")
    progress: list[bool] = []
    state = k.wait_until(
        lambda s: progress.append(s["debug"]["captioning"]) or s["debug"]["caption"], 120
    )
    assert state["debug"]["status"] == "Your words are in the clip now."
    k.screenshot(shots_dir / "09b-keep-captioned.png")
    k.tap("keep.usb")  # the guest's own copy, named from the day and the caption
    k.wait_until(lambda s: s["debug"]["usb"], 10)
    own_copy = (
        stick / "Keepsake" / f"{dt.date.today():%Y-%m-%d} Zo\u00eb M\u00fcller.mp4"
    ).read_bytes()
    k.tap("keep.loop")
    item_id = k.wait_until(lambda s: s["debug"].get("kept_item"), 10)["debug"]["kept_item"]
    assert "keep.caption" not in k.state()["actions"]  # kept as it is now
    k.tap("keep.done")
    k.wait_for("thanks")
    k.tap("thanks.done")

    with Store(tmp_path / "store", check_on_open=False) as store:
        item = store.get_item(item_id)
        assert item.caption == "Zo\u00eb M\u00fcller"  # the record agrees with the clip
        kept = store.read_file(item_id, "clip")
        assert kept == own_copy  # the same captioned clip on the stick and on the wall
        photo = decode_png(store.read_file(item_id, "photo"))
    _caption_is_where_the_layout_says(kept, photo, "Zo\u00eb M\u00fcller")

    # Staff: the tribute film of the open event, with music from the stick, to the stick.
    enter_staff(k, PIN)
    k.wait_for("staff")
    k.tap("staff.film")
    state = k.wait_for("staff_film")
    assert state["debug"]["portraits"] == [RUTH, "Zo\u00eb M\u00fcller"]  # wall order
    assert "The tribute film for Ruth Miller" in state["texts"]
    k.tap("staff_film.music")
    k.wait_until(lambda s: s["debug"]["music"] == "hymn.wav", 5)
    k.screenshot(shots_dir / "16-staff-film.png")
    k.tap("staff_film.make")
    seen: list[float] = []
    state = k.wait_until(
        lambda s: seen.append(s["debug"]["progress"]) or s["debug"]["film_bytes"] > 0, 180
    )
    assert any(0 < p < 1 for p in seen) or state["debug"]["progress"] == 1.0
    assert state["debug"]["status"].startswith("The film is ready")
    k.screenshot(shots_dir / "17-staff-film-made.png")

    _plug_stick(tmp_path, plugged=False)  # pulled out: a plain sentence, nothing lost
    k.tap("staff_film.export")
    k.wait_until(lambda s: "No USB stick found" in s["debug"]["status"], 5)
    _plug_stick(tmp_path, plugged=True)
    k.tap("staff_film.export")
    name = "2026-05-12 Ruth Miller - tribute film.mp4"
    k.wait_until(lambda s: s["debug"]["status"] == f"Saved to the USB stick as {name}.", 10)
    film = (stick / "Keepsake" / name).read_bytes()

    # The film, decoded: its length is the cards and clips less the cross-fades, with sound.
    facts = probe_mp4(film)
    ruth_clip = _clip_of(tmp_path, ruth)  # as the film read it from the store
    shots = [
        CARD_FRAMES,
        probe_mp4(ruth_clip).frame_count,
        CARD_FRAMES,
        probe_mp4(kept).frame_count,
    ]
    expected = sum(shots) - (len(shots) - 1) * FADE_FRAMES
    assert abs(facts.frame_count - expected) <= 1, (facts.frame_count, shots)
    assert facts.fps == pytest.approx(FPS) and facts.audio_codec == "aac"
    assert (facts.width, facts.height) == (426, 240)
    k.tap("staff_film.back")
    k.wait_for("staff")


def _clip_of(tmp_path: Path, item_id: str) -> bytes:
    with Store(tmp_path / "store", check_on_open=False) as store:
        return store.read_file(item_id, "clip")


def _caption_is_where_the_layout_says(mp4: bytes, photo: np.ndarray, text: str) -> None:
    """The kept clip's last frame has the words in the box ``animate --caption`` lays out for
    this photo (clear of the face and the mark); the first frame, before the fade, has none."""
    from engine_edge.analysis import analyse, load_models
    from engine_edge.pipeline import AnimateOptions, EngineSettings, clip_caption

    facts = probe_mp4(mp4)
    options = AnimateOptions(
        fps=facts.fps, caption=text, engine=EngineSettings(max_short_side_px=240)
    )
    layout = clip_caption(photo, analyse(photo, load_models()), options)
    last = facts.frame_count - 1
    frames = dict(decode_frames(mp4, [0, last]))
    x0, y0, x1, y1 = (int(v) for v in layout.box)
    diff = np.abs(frames[last].astype(int) - frames[0].astype(int)).mean(axis=2)
    inside = float(diff[y0:y1, x0:x1].mean())
    assert inside > 20, inside  # the words faded in, there
    assert float(np.delete(diff, np.s_[y0:y1], axis=0).mean()) < inside / 4  # and only there
    grey = frames[last][y0:y1, x0:x1].astype(np.float32).mean(axis=2)
    assert np.percentile(grey, 98) - np.percentile(grey, 5) > 150  # light letters, dark shadow


def test_film_screen_in_german_and_with_nothing_to_film(  # type: ignore[no-untyped-def]
    start_kiosk, tmp_path: Path, astronaut, shots_dir: Path
) -> None:
    with Store(tmp_path / "store") as store:
        event = store.open_event("Ruth Miller", dt.date(2026, 5, 12))
        add_portrait(store, astronaut, RUTH, event.event_id)
    write_pin_file(tmp_path / "state" / "staff_pin", PIN)
    k = start_kiosk(language="de", live_tribute=False)
    enter_staff(k, PIN)
    state = k.wait_for("staff")
    assert "Erinnerungsfilm" in state["texts"]
    assert "Feier: Ruth Miller \u2014 12. Mai 2026" in state["texts"]  # the month in German
    k.screenshot(shots_dir / "de-staff-event.png")
    k.tap("staff.film")
    state = k.wait_for("staff_film")
    assert "Der Erinnerungsfilm f\u00fcr Ruth Miller" in state["texts"]
    assert "staff_film.make" in state["actions"] and "staff_film.export" not in state["actions"]
    assert state["debug"]["music"] == "" and "USB-Stick" in state["debug"]["status"]  # no stick
    k.screenshot(shots_dir / "de-staff-film.png")
    # Hidden from the wall, hidden from the film: nothing left to make, said plainly.
    k.tap("staff_film.back")
    k.wait_for("staff")
    k.tap("staff.hide.0")
    k.tap("staff.film")
    state = k.wait_for("staff_film")
    assert state["debug"]["portraits"] == [] and "staff_film.make" not in state["actions"]
    assert state["debug"]["status"].startswith("Noch keine Portr\u00e4ts an der Wand")
