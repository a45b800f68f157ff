"""A caption drawn into a clip that was made without one (the kiosk's Keep screen): the same
layout as a render with the caption, the spoken line and the signed provenance kept."""

from __future__ import annotations

import numpy as np
import pytest

from engine_edge.caption import CaptionCancelled, burn_caption
from engine_edge.credentials import create_credentials, load_credentials, read_provenance
from engine_edge.deliver import decode_frames, probe_mp4
from engine_edge.montage.film import clip_audio
from engine_edge.pipeline import AnimateOptions, EngineSettings, animate_photo, clip_caption

SMALL = EngineSettings(max_short_side_px=384, x264_preset="ultrafast", crf=16)
TEXT = "Zoë Müller, 1931–2024"


@pytest.fixture(scope="module")
def spoken(astronaut, astronaut_analysis, tmp_path_factory):  # type: ignore[no-untyped-def]
    """A signed, spoken clip without a caption, and the same clip rendered with it."""
    from engine_edge.speech.line import synthesize_line

    keys = tmp_path_factory.mktemp("box") / "keys"
    create_credentials(keys, box_name="test-box")
    credentials = load_credentials(keys)
    line = synthesize_line("We love you.", fps=15.0)
    base = AnimateOptions(
        seconds=2.0, fps=15.0, engine=SMALL, self_check=False, speech=line, credentials=credentials
    )
    plain = animate_photo(astronaut, base, None, analysis=astronaut_analysis)
    options = AnimateOptions(**{**base.__dict__, "caption": TEXT})
    rendered = animate_photo(astronaut, options, None, analysis=astronaut_analysis)
    return plain.mp4, rendered.mp4, options, credentials


def test_burned_caption_matches_a_render_with_it(spoken, astronaut, astronaut_analysis) -> None:  # type: ignore[no-untyped-def]
    plain, rendered, options, credentials = spoken
    caption = clip_caption(astronaut, astronaut_analysis, options)
    seen: list[float] = []
    burned, poster = burn_caption(
        plain, caption, crf=SMALL.crf, credentials=credentials, progress=seen.append
    )
    assert seen and seen[-1] == pytest.approx(1.0)
    facts = probe_mp4(burned)
    assert facts.frame_count == probe_mp4(plain).frame_count and facts.audio_codec == "aac"
    assert "keepsake_provenance" in facts.metadata  # the container still says what it is
    last = facts.frame_count - 1
    a = dict(decode_frames(plain, [0, last]))
    b = dict(decode_frames(burned, [0, last]))
    r = dict(decode_frames(rendered, [last]))
    x0, y0, x1, y1 = (int(v) for v in caption.box)
    diff = np.abs(b[last].astype(int) - a[last].astype(int)).mean(axis=2)
    assert diff[y0:y1, x0:x1].mean() > 20  # the words are where the layout says
    # and nowhere else: the rest differs only by one more H.264 generation
    assert np.delete(diff, np.s_[y0:y1], axis=0).mean() < 3.0
    assert np.abs(b[0].astype(int) - a[0].astype(int)).mean() < 3.0  # fading in
    # the very caption a render with --caption draws: letters in the same pixels
    letters_burned = b[last][y0:y1, x0:x1].astype(int).mean(axis=2) > 200
    letters_rendered = r[last][y0:y1, x0:x1].astype(int).mean(axis=2) > 200
    overlap = (letters_burned & letters_rendered).sum() / max(1, letters_rendered.sum())
    assert letters_rendered.sum() > 50 and overlap > 0.8
    assert np.abs(poster[y0:y1, x0:x1].astype(int) - a[last][y0:y1, x0:x1]).mean() > 20
    # the spoken line is still there, as long as before
    before, after = clip_audio(plain), clip_audio(burned)
    assert before is not None and after is not None
    assert abs(after.size - before.size) < 0.05 * before.size
    assert float(np.sqrt(np.mean(after**2))) > 0.5 * float(np.sqrt(np.mean(before**2)))
    # signed again by the box, with the same claim
    report = read_provenance(burned, trusted_root_pem=credentials.root_pem)
    assert report.valid and report.trusted, report.problems
    assert report.claim == read_provenance(plain).claim


def test_cancel_stops_it(spoken, astronaut, astronaut_analysis) -> None:  # type: ignore[no-untyped-def]
    import threading

    plain, _, options, _ = spoken
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(CaptionCancelled):
        burn_caption(plain, clip_caption(astronaut, astronaut_analysis, options), cancel=cancel)
