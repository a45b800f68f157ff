"""The mouth a synthesised line produces, measured against the line's own sound."""

from __future__ import annotations

import numpy as np
import pytest

from engine_edge.mouth import MouthTrack
from engine_edge.speech import SpeechSettings, synthesize_line
from engine_edge.speech.articulation import TEETH_JAW_LOW
from engine_edge.speech.envelope import rms_envelope, sync_score
from engine_edge.speech.loudness import integrated_loudness_lufs

from .conftest import GREETING

FPS = 25.0


@pytest.fixture(scope="module")
def greeting_line():
    return synthesize_line(GREETING, voice="en", rate_wpm=160, pitch=50, fps=FPS)


def _envelope(line):
    return rms_envelope(line.audio, line.sample_rate, line.mouth.fps, line.mouth.frame_count)


def test_mouth_follows_the_speech_envelope(greeting_line):
    score = sync_score(greeting_line.mouth.jaw_open, _envelope(greeting_line))
    assert score.r >= 0.6, score
    assert abs(score.lag_frames) <= 1, score
    assert score.p_value < 0.01


@pytest.mark.parametrize(
    ("text", "voice", "minimum_r"),
    [
        ("Thank you all for coming today. He would have loved to see you here.", "en", 0.6),
        ("Joyeux anniversaire, mamie. Nous t'aimons.", "fr", 0.6),
        # German is rich in loud rounded vowels (u:, o:) that barely open the jaw: ~0.6.
        ("Alles Gute zum Geburtstag, liebe Oma!", "de", 0.5),
    ],
)
def test_other_lines_and_languages_sync_too(text, voice, minimum_r):
    line = synthesize_line(text, voice=voice, fps=30.0)
    score = sync_score(line.mouth.jaw_open, _envelope(line))
    assert score.r >= minimum_r and abs(score.lag_frames) <= 1, score


def test_audio_is_trimmed_normalised_and_frames_cover_it(greeting_line):
    line = greeting_line
    assert line.sample_rate == 48000 and line.audio.dtype == np.float32 and line.audio.ndim == 1
    assert integrated_loudness_lufs(line.audio, line.sample_rate) == pytest.approx(-16.0, abs=1.0)
    assert line.mouth.frame_count == int(np.ceil(line.duration_s * FPS))
    envelope = _envelope(line)
    loud = np.flatnonzero(envelope > 0.1 * envelope.max())
    lead_s, tail_s = loud[0] / FPS, line.duration_s - (loud[-1] + 1) / FPS
    assert 0.0 < lead_s <= 0.25 and 0.1 <= tail_s <= 0.5


def test_lips_closed_and_still_in_silence(greeting_line):
    mouth, envelope = greeting_line.mouth, _envelope(greeting_line)
    quiet = envelope < 0.02 * envelope.max()
    # Leading and trailing silence: everything exactly at rest.
    first, last = np.flatnonzero(~quiet)[[0, -1]]
    for name in ("jaw_open", "lip_width", "lip_round", "teeth_show", "head_nod_deg"):
        values = getattr(mouth, name)
        assert np.all(values[: first - 1] == 0.0), name
        assert np.all(values[last + 4 :] == 0.0), name


def test_long_pause_rests_the_mouth():
    line = synthesize_line("We miss you. ... ... And we love you.", fps=FPS)
    envelope = _envelope(line)
    quiet = envelope < 0.01 * envelope.max()
    runs, start = [], None
    for i, q in enumerate(quiet):
        if q and start is None:
            start = i
        if not q and start is not None:
            runs.append((start, i))
            start = None
    inner = [(a, b) for a, b in runs if a > 0 and b - a >= 9]
    assert inner, "the synthesiser made no long pause"
    a, b = inner[0]
    assert np.all(line.mouth.jaw_open[a + 5 : b - 1] == 0.0)


def test_first_opening_within_one_frame_of_speech_onset(greeting_line):
    envelope = _envelope(greeting_line)
    # Speech starts with the first audible sound (the h of "Happy", 2 % of the loudest frame).
    onset = int(np.flatnonzero(envelope > 0.02 * envelope.max())[0])
    opening = int(np.flatnonzero(greeting_line.mouth.jaw_open > 0.1)[0])
    assert abs(opening - onset) <= 1


def test_teeth_never_show_between_nearly_closed_lips(greeting_line):
    mouth = greeting_line.mouth
    assert np.all(mouth.teeth_show[mouth.jaw_open < TEETH_JAW_LOW] == 0.0)
    assert mouth.teeth_show.max() > 0.2  # and they do show when the mouth is open
    for name in ("jaw_open", "lip_round", "upper_lip_raise", "teeth_show", "chin_raise"):
        values = getattr(mouth, name)
        assert values.min() >= 0.0 and values.max() <= 1.0, name
    assert mouth.lip_width.min() >= -1.0 and mouth.lip_width.max() <= 1.0


def test_shapes_follow_the_phonemes():
    rounded = synthesize_line("Ooh, who knew you too?", fps=FPS).mouth
    spread = synthesize_line("Eat cheese, please, Steve.", fps=FPS).mouth
    assert rounded.lip_round.max() > 0.5 and spread.lip_round.max() < 0.2
    assert rounded.lip_width.min() < -0.3 and spread.lip_width.max() > 0.1
    labial = synthesize_line("Five very fine violins.", fps=FPS).mouth
    assert labial.upper_lip_raise.max() > 0.4


def test_presets_change_voice_and_face():
    settings = SpeechSettings()
    memorial = synthesize_line(GREETING, fps=FPS, preset="memorial", settings=settings)
    social = synthesize_line(GREETING, fps=FPS, preset="social", settings=settings)
    assert memorial.duration_s > 1.1 * social.duration_s  # slower
    memorial_lufs = integrated_loudness_lufs(memorial.audio, memorial.sample_rate)
    social_lufs = integrated_loudness_lufs(social.audio, social.sample_rate)
    assert memorial_lufs < social_lufs - 2.0  # softer
    assert np.all(memorial.mouth.head_nod_deg == 0.0)
    nod = social.mouth.head_nod_deg
    assert 0.5 < nod.max() <= settings.social_nod_deg + 1e-6
    # A few nods, on syllables: nodding frames are a minority and coincide with speech.
    nodding = nod > 0.5 * nod.max()
    assert 0.05 < nodding.mean() < 0.5
    assert np.corrcoef(nod, social.mouth.jaw_open)[0, 1] > 0.0
    assert social.mouth.brow_raise.max() > 0.0 and social.mouth.cheek_raise.max() > 0.0


def test_track_defaults_keep_old_callers_working():
    track = MouthTrack(25.0, *[np.zeros(10, np.float32)] * 5)
    assert track.head_nod_deg.shape == (10,) and not track.chin_raise.any()
    assert MouthTrack.silent(7, 30.0).brow_raise.shape == (7,)


def test_text_without_words_or_far_too_long_is_refused():
    from engine_edge.errors import AudioUnusable

    with pytest.raises(AudioUnusable, match="nothing to say"):
        synthesize_line("... ,,, ...", fps=FPS)
    with pytest.raises(AudioUnusable, match="limit is 15 s"):
        synthesize_line("We will always remember you. " * 30, fps=FPS)
