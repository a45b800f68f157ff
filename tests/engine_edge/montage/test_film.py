"""The tribute film, measured on the decoded file: cuts, cross-fades, caption cards, the music
bed ducked under a spoken line and faded out, and a loop whose last frame flows into its first."""

from __future__ import annotations

import io
import itertools

import numpy as np
import pytest

from engine_edge.deliver import decode_frames, probe_mp4
from engine_edge.montage import FilmOptions, Piece, make_film
from engine_edge.montage.film import FilmInvalid, _timeline
from engine_edge.montage.music import DUCK_DB, duck_gain, music_bed
from engine_edge.pipeline import AnimateOptions, EngineSettings, animate_photo

SMALL = EngineSettings(max_short_side_px=192, x264_preset="ultrafast", crf=16)
FILM = FilmOptions(
    size=(320, 180), fps=15.0, crossfade_s=0.4, card_s=1.2, x264_preset="ultrafast", crf=16
)
RATE = 48000


@pytest.fixture(scope="module")
def clips(astronaut):  # type: ignore[no-untyped-def]
    """Two real portraits: a silent one and one that says a line (espeak-ng)."""
    from skimage import data

    from engine_edge.speech.line import synthesize_line

    quiet = animate_photo(
        astronaut, AnimateOptions(seconds=2.0, fps=15.0, engine=SMALL, self_check=False), _models()
    )
    line = synthesize_line("Happy birthday, Margaret.", fps=15.0)
    spoken = animate_photo(
        data.astronaut()[:, ::-1].copy(),
        AnimateOptions(seconds=2.0, fps=15.0, engine=SMALL, self_check=False, speech=line),
        _models(),
    )
    return quiet.mp4, spoken.mp4


def _models():  # type: ignore[no-untyped-def]
    from engine_edge.analysis import load_models

    return load_models()


def _grey(mp4: bytes) -> list[np.ndarray]:
    return [f.astype(np.float32).mean(axis=2) for _, f in decode_frames(mp4)]


def test_cuts_cards_and_crossfades_are_where_the_timeline_says(clips) -> None:
    quiet, spoken = clips
    film = make_film([Piece(quiet, "Ruth Miller, 1931–2024"), Piece(spoken)], FILM)
    frames = _grey(film)
    fade = round(FILM.crossfade_s * FILM.fps)
    card_n = round(FILM.card_s * FILM.fps)
    counts = [card_n, probe_mp4(quiet).frame_count, probe_mp4(spoken).frame_count]
    starts, total = _timeline(counts, fade, loop=False)
    assert len(frames) == total == sum(counts) - 2 * fade
    card = frames[2]
    assert card.mean() < 60 and card.max() > 200  # light words on a dark card
    mid_clip = frames[starts[1] + counts[1] // 2]
    assert mid_clip.mean() > card.mean() + 30  # the portrait, not the card
    # inside a cross-fade each frame lies between the shots it joins
    k = starts[2] + fade // 2
    before, during, after = frames[starts[2] - 1], frames[k], frames[starts[2] + fade + 1]
    assert np.abs(during - before).mean() < np.abs(after - before).mean()
    assert np.abs(during - after).mean() < np.abs(after - before).mean()
    # a hard cut would be one big step; the fade spreads it over several small ones
    steps = [
        np.abs(a - b).mean()
        for a, b in zip(
            frames[starts[2] - 1 : starts[2] + fade + 1],
            frames[starts[2] : starts[2] + fade + 2],
            strict=True,
        )
    ]
    assert max(steps) < 0.5 * np.abs(after - before).mean()


def test_loop_film_flows_from_its_last_frame_into_its_first(clips) -> None:
    quiet, spoken = clips
    looped = make_film(
        [Piece(quiet, "In loving memory"), Piece(spoken)],
        FilmOptions(**{**FILM.__dict__, "loop": True}),
    )
    plain = make_film([Piece(quiet, "In loving memory"), Piece(spoken)], FILM)
    # A film holds still cards, so a "typical" (median) step is near zero: the seam is measured
    # against the largest step inside the film, a cross-fade's. It must be no larger.
    assert _seam_over_largest_step(_grey(looped)) <= 1.05
    assert _seam_over_largest_step(_grey(plain)) > 2.0  # without --loop it jumps at the seam


def _seam_over_largest_step(frames: list[np.ndarray]) -> float:
    steps = [np.abs(a - b).mean() for a, b in itertools.pairwise(frames)]
    return float(np.abs(frames[-1] - frames[0]).mean() / max(steps))


def _film_audio(mp4: bytes) -> np.ndarray:
    import av

    with av.open(io.BytesIO(mp4)) as c:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
        return np.concatenate(
            [o.to_ndarray().reshape(-1) for f in c.decode(audio=0) for o in resampler.resample(f)]
        )


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x.astype(np.float64) ** 2)))


def test_music_is_ducked_under_the_spoken_line_and_fades_out(clips) -> None:
    quiet, spoken = clips
    t = np.arange(RATE * 20) / RATE
    music = 0.3 * np.sin(2 * np.pi * 220 * t) * (1 + 0.2 * np.sin(2 * np.pi * 0.5 * t))
    film = make_film([Piece(quiet), Piece(spoken)], FILM, music=(music.astype(np.float32), RATE))
    assert probe_mp4(film).audio_codec == "aac"
    audio = _film_audio(film)
    # the bed alone (quiet portrait) vs the bed + voice: the tone at 220 Hz must drop under speech
    starts, _ = _timeline(
        [probe_mp4(quiet).frame_count, probe_mp4(spoken).frame_count],
        round(FILM.crossfade_s * FILM.fps),
        loop=False,
    )
    spoken_start = int(starts[1] / FILM.fps * RATE)
    quiet_part = audio[int(0.6 * spoken_start) : int(0.9 * spoken_start)]
    speech_part = audio[spoken_start + int(0.3 * RATE) : spoken_start + int(1.0 * RATE)]
    assert _tone_level(speech_part) < _tone_level(quiet_part) * 10 ** ((DUCK_DB + 6) / 20)
    tail = audio[-int(0.1 * RATE) :]
    assert _rms(tail) < 0.25 * _rms(quiet_part)  # faded at the end


def _tone_level(x: np.ndarray) -> float:
    """Amplitude of the 220 Hz music tone in a stretch (the voice has little energy there)."""
    n = x.size
    spectrum = np.abs(np.fft.rfft(x * np.hanning(n)))
    freqs = np.fft.rfftfreq(n, 1 / RATE)
    band = (freqs > 210) & (freqs < 230)
    return float(spectrum[band].max() / n)


def test_duck_gain_and_bed_shape() -> None:
    voices = np.zeros(RATE * 6, np.float32)
    voices[RATE * 2 : RATE * 3] = 0.2 * np.sin(np.arange(RATE) * 0.05)
    gain = duck_gain(voices, RATE)
    assert gain[RATE // 2] == pytest.approx(1.0, abs=0.01)
    assert 20 * np.log10(gain[int(RATE * 2.5)]) == pytest.approx(DUCK_DB, abs=1.0)
    assert gain[int(RATE * 5.5)] == pytest.approx(1.0, abs=0.01)  # released after the line
    bed = music_bed(np.full(RATE, 0.1, np.float32), RATE, RATE * 6, voices)
    assert bed.size == RATE * 6 and abs(bed[-1]) < 1e-3 and abs(bed[0]) < 1e-3


def test_bad_inputs_are_clear_errors(clips) -> None:
    with pytest.raises(FilmInvalid, match="at least one"):
        make_film([], FILM)
    with pytest.raises(FilmInvalid):
        make_film([Piece(b"not a clip at all")], FILM)
    with pytest.raises(FilmInvalid, match="two shots"):
        make_film([Piece(clips[0])], FilmOptions(**{**FILM.__dict__, "loop": True}))


def test_a_photo_scanned_on_its_side_is_animated_upright(tmp_path, astronaut) -> None:  # type: ignore[no-untyped-def]
    """`keepsake montage` animates a photo file turned upright, as `keepsake animate` does."""
    from PIL import Image

    from engine_edge.analysis import analyse
    from engine_edge.commands.montage import _clip_of
    from engine_edge.config import load_config
    from kiosk.adapters.engine import first_frame

    portrait = np.ascontiguousarray(astronaut[:, 40:480])  # 440 wide, 512 high
    photo = tmp_path / "sideways.png"
    Image.fromarray(np.ascontiguousarray(np.rot90(portrait, 1))).save(photo)
    toml = tmp_path / "keepsake.toml"
    toml.write_text('[engine]\nx264_preset = "ultrafast"\nmax_short_side_px = 240\n')
    frame = first_frame(_clip_of(str(photo), load_config(toml)), 720)
    assert frame.shape[0] > frame.shape[1]
    (face,) = analyse(frame, _models()).faces
    assert abs(face.pose.roll_deg) < 15
