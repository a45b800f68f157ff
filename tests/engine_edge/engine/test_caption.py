"""Captions: set where the layout says, clear of faces and the AI mark, readable, fading in."""

from __future__ import annotations

import numpy as np
import pytest

from engine_edge.caption import Caption, CaptionInvalid, clean_caption
from engine_edge.deliver import decode_frames
from engine_edge.pipeline import AnimateOptions, EngineSettings, animate_photo

SMALL = EngineSettings(max_short_side_px=384, x264_preset="ultrafast", crf=16)
TEXT = "Ruth Miller, 1931–2024"


def _contrast(region: np.ndarray) -> float:
    grey = region.astype(np.float32).mean(axis=2)
    return float(np.percentile(grey, 98) - np.percentile(grey, 5))


def test_caption_lands_in_its_box_clear_of_face_and_mark(astronaut, astronaut_analysis) -> None:
    options = AnimateOptions(seconds=2.0, fps=15.0, engine=SMALL, self_check=False)
    plain = animate_photo(astronaut, options, None, analysis=astronaut_analysis)
    captioned = animate_photo(
        astronaut,
        AnimateOptions(seconds=2.0, fps=15.0, engine=SMALL, self_check=False, caption=TEXT),
        None,
        analysis=astronaut_analysis,
    )
    frames_a = dict(decode_frames(plain.mp4, [0, 29]))
    frames_b = dict(decode_frames(captioned.mp4, [0, 29]))
    h, w = frames_b[29].shape[:2]
    layout = Caption(TEXT, (w, h), 15.0, faces=[_face_box(astronaut_analysis, w)])
    x0, y0, x1, y1 = (int(v) for v in layout.box)
    diff = np.abs(frames_b[29].astype(int) - frames_a[29].astype(int)).mean(axis=2)
    inside = diff[y0:y1, x0:x1].mean()
    outside = np.delete(diff, np.s_[y0:y1], axis=0).mean()
    assert inside > 20 and outside < 1.5  # the caption is where the layout put it, nowhere else
    _fx0, fy0, _fx1, fy1 = (int(v) for v in _face_box(astronaut_analysis, w))
    assert y0 > fy1 or y1 < fy0  # never over the face
    assert _contrast(frames_b[29][y0:y1, x0:x1]) > 150  # white letters over a dark shadow
    assert np.abs(frames_b[0].astype(int) - frames_a[0].astype(int)).mean() < 1.0  # fades in
    # the AI mark (bottom-right) is still there, untouched
    mark = diff[h - 40 :, w - 120 :]
    assert mark.mean() < 1.5


def _face_box(analysis, width: int) -> tuple[float, float, float, float]:  # type: ignore[no-untyped-def]
    k = width / analysis.image_size[0]
    return tuple(v * k for v in analysis.faces[0].box)  # type: ignore[return-value]


def test_caption_moves_to_the_top_when_the_face_is_low() -> None:
    low_face = [(200.0, 400.0, 440.0, 640.0)]
    assert Caption(TEXT, (640, 640), 30, faces=low_face).band == "top"
    assert Caption(TEXT, (640, 640), 30, faces=[(200.0, 60.0, 440.0, 300.0)]).band == "bottom"


def test_caption_avoids_the_mark_and_wraps_long_text() -> None:
    mark = [(0.0, 580.0, 640.0, 620.0)]  # a mark as wide as the frame
    c = Caption(
        "Margaret Elizabeth Thompson-Hargreaves, beloved grandmother", (640, 640), 30, avoid=mark
    )
    assert c.box[3] <= 580
    assert c.box[2] - c.box[0] <= 640 * 0.8 + 60


def test_accents_greek_cyrillic_render_and_unknown_scripts_are_refused() -> None:
    for text in ("Zoë Müller, José", "Ελένη Παπαδοπούλου", "Ольга Иванова"):
        c = Caption(text, (512, 512), 30)
        assert c.alpha.max() > 0.9
    with pytest.raises(CaptionInvalid, match="cannot draw"):
        Caption("王小明", (512, 512), 30)
    with pytest.raises(CaptionInvalid, match="empty"):
        clean_caption("  \n\t ")
    with pytest.raises(CaptionInvalid, match="characters"):
        clean_caption("x" * 200)
