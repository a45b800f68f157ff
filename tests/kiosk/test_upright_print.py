"""A print laid on the table on its side: the kiosk turns it upright once, shows it upright on
the Check screen with a line saying so, renders the clip upright and keeps the upright photo."""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading
from pathlib import Path

import cv2
import numpy as np
import pytest

from engine_edge import analysis
from engine_edge.analysis import Turn, analyse, load_models
from engine_edge.config import load_config
from kiosk.adapters.engine import EngineRunner, first_frame
from kiosk.strings import Strings
from tests.kiosk.conftest import kiosk_config
from tests.kiosk.driver import KioskDriver, Xvfb


def rgb_of_png(path: Path) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(path).convert("RGB"))


@pytest.mark.slow
def test_the_worker_turns_a_sideways_print_once(
    tmp_path: Path, astronaut: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    """find_faces hands back the upright photo and boxes in its pixels; neither the Mood
    screen's live preview (a screen-sized copy of a print over 1080 px) nor the render of
    that photo turns it again, and the clip stands upright."""
    calls: list[tuple[int, ...]] = []
    real = analysis.analyse_upright

    def counted(photo, models, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(photo.shape)
        return real(photo, models, **kwargs)

    monkeypatch.setattr(analysis, "analyse_upright", counted)
    toml = tmp_path / "keepsake.toml"
    toml.write_text('[engine]\nx264_preset = "ultrafast"\nmax_short_side_px = 240\n')
    runner = EngineRunner(load_config(toml))
    # 1320x1536, as a 4K camera rectifies a print: over the 1080 px of a screen-sized copy.
    portrait = cv2.resize(astronaut[:, 40:480], None, fx=3, fy=3, interpolation=cv2.INTER_CUBIC)
    laid = np.ascontiguousarray(np.rot90(portrait, -1))  # turned clockwise on the table
    found = runner.find_faces(laid, progress=lambda _f: None, cancel=threading.Event())
    assert found["turned_clockwise_deg"] == 270
    np.testing.assert_array_equal(found["photo"], portrait)
    ((x0, y0, x1, y1),) = found["boxes"]
    assert 0 <= x0 < x1 <= portrait.shape[1] and 0 <= y0 < y1 <= portrait.shape[0] / 2
    runner.live_portrait(found["photo"], progress=lambda _f: None, cancel=threading.Event())
    clip = runner.render(
        found["photo"],
        preset="memorial",
        seconds=0.5,
        fps=5,
        faces=(0,),
        say_text="",
        audio=None,
        sample_rate=48000,
        progress=lambda _f: None,
        cancel=threading.Event(),
    )
    assert calls == [laid.shape]  # analysed once, on the photo as it lay
    frame = first_frame(clip["mp4"], 720)
    assert frame.shape[0] > frame.shape[1]
    (face,) = analyse(frame, load_models()).faces
    assert abs(face.pose.roll_deg) < 15


@pytest.mark.ui
@pytest.mark.slow
def test_the_guest_is_told_in_their_language_that_the_print_was_turned(  # type: ignore[no-untyped-def]
    xvfb: Xvfb, tmp_path: Path, astronaut: np.ndarray, shots_dir: Path
) -> None:
    """While the worker looks for faces the print as it lay is dimmed, not shown as the final
    photo; then the upright photo comes with one line, in the kiosk's language, saying so."""
    from engine_edge.scan.synthetic import write_hand_away_video

    video = tmp_path / "laid.mp4"
    write_hand_away_video(np.rot90(astronaut, -1), video, fps=15)  # on its other side
    k = KioskDriver(tmp_path, kiosk_config(tmp_path, video, language="de"), xvfb.display)
    text = Strings("de")
    try:
        k.wait_for("attract")
        k.tap("attract.begin")
        k.tap("consent.agree")
        worker = k.state()["worker_pid"]
        os.kill(worker, signal.SIGSTOP)  # the faces job waits in the stopped worker's queue
        try:
            looking = k.wait_for("check", 60)
            assert looking["debug"]["faces"] == 0 and looking["debug"]["photo_dimmed"]
            assert text("check.looking") in looking["texts"]
            k.screenshot(shots_dir / "check-looking-de.png")
        finally:
            os.kill(worker, signal.SIGCONT)
        state = k.wait_until(lambda s: s["debug"].get("faces", 0) > 0, 60)
        assert state["debug"]["turned_deg"] == 270 and not state["debug"]["photo_dimmed"]
        assert f"{text('check.turned')} {text('check.one_face')}" in state["texts"]
        k.screenshot(shots_dir / "check-turned-upright-de.png")
    finally:
        k.stop()


@pytest.mark.ui
@pytest.mark.slow
def test_the_guest_sees_and_keeps_the_print_upright(  # type: ignore[no-untyped-def]
    xvfb: Xvfb, tmp_path: Path, astronaut: np.ndarray, shots_dir: Path
) -> None:
    from engine_edge.scan.synthetic import write_hand_away_video
    from kiosk.adapters.store import decode_png
    from kiosk.store import Store

    video = tmp_path / "laid.mp4"
    write_hand_away_video(np.rot90(astronaut), video, fps=15)  # on its side on the table
    with Store(tmp_path / "store") as store:
        event = store.open_event("Ruth Miller", dt.date(2026, 5, 12))
    k = KioskDriver(tmp_path, kiosk_config(tmp_path, video), xvfb.display)
    try:
        k.wait_for("attract")
        k.tap("attract.begin")
        k.tap("consent.agree")
        k.wait_for("check", 60)
        state = k.wait_until(lambda s: s["debug"].get("faces", 0) > 0, 60)
        assert state["debug"]["turned_deg"] == 90 and not state["debug"]["photo_dimmed"]
        assert "We turned your photo upright. We found one face." in state["texts"]
        shot = rgb_of_png(k.screenshot(shots_dir / "check-turned-upright.png"))
        # What the guest sees: the face upright on the Check screen.
        (face,) = [f for f in analyse(shot, load_models()).faces if not f.too_small]
        assert abs(face.pose.roll_deg) < 15
        k.tap("check.continue")
        k.tap("mood.continue")
        k.wait_for("preview", 120)
        k.tap("preview.keep")
        k.wait_for("keep")
        k.tap("keep.loop")
        item_id = k.wait_until(lambda s: s["debug"].get("kept_item"), 10)["debug"]["kept_item"]
    finally:
        k.stop()
    with Store(tmp_path / "store", check_on_open=False) as store:
        assert store.get_item(item_id).event_id == event.event_id
        kept = decode_png(store.read_file(item_id, "photo"))
    upright = analysis.analyse_upright(kept, load_models())
    assert upright.turn == Turn()  # the kept photo is the upright one
    assert abs(upright.analysis.faces[0].pose.roll_deg) < 15
