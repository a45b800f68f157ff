"""Recorded voices in every format and condition a guest may bring, and the ones we refuse."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import signal

from engine_edge.errors import AudioUnusable
from engine_edge.speech import SpeechSettings, line_from_audio, line_from_samples
from engine_edge.speech.audio import resample
from engine_edge.speech.envelope import rms_envelope, sync_score
from engine_edge.speech.loudness import integrated_loudness_lufs, normalise_loudness

from .conftest import write_audio


def _sync(line):
    mouth = line.mouth
    envelope = rms_envelope(line.audio, line.sample_rate, mouth.fps, mouth.frame_count)
    return sync_score(mouth.jaw_open, envelope)


def test_bs1770_reference_tone():
    # BS.1770: a 997 Hz sine at 0 dBFS peak on one channel reads -3.01 LKFS.
    for rate in (48000, 44100, 16000):
        t = np.arange(5 * rate) / rate
        tone = np.sin(2 * np.pi * 997.0 * t)
        assert integrated_loudness_lufs(tone, rate) == pytest.approx(-3.01, abs=0.1)
        assert integrated_loudness_lufs(0.1 * tone, rate) == pytest.approx(-23.01, abs=0.1)
    assert integrated_loudness_lufs(np.zeros(48000), 48000) == float("-inf")


def test_gating_ignores_silence_and_limiter_keeps_peaks(greeting_audio):
    samples, rate = greeting_audio
    padded = np.concatenate([samples, np.zeros(5 * rate, np.float32)])
    assert integrated_loudness_lufs(padded, rate) == pytest.approx(
        integrated_loudness_lufs(samples, rate), abs=0.5
    )
    louder = normalise_loudness(samples, rate, -12.0)
    assert integrated_loudness_lufs(louder, rate) == pytest.approx(-12.0, abs=0.7)
    assert np.abs(louder).max() <= 0.951


@pytest.mark.parametrize(
    ("suffix", "codec", "rate", "channels"),
    [
        ("wav", "pcm_s16le", 22050, 1),
        ("flac", "flac", 44100, 1),
        ("mp3", "libmp3lame", 44100, 1),
        ("ogg", "libopus", 48000, 1),
        ("m4a", "aac", 44100, 2),
        ("wav", "pcm_s16le", 96000, 2),
    ],
)
def test_every_format_decodes_to_normalised_mono(
    tmp_path, greeting_audio, suffix, codec, rate, channels
):
    samples, source_rate = greeting_audio
    path = write_audio(
        tmp_path / f"voice.{suffix}",
        0.3 * resample(samples, source_rate, rate),
        rate,
        codec,
        channels,
    )
    line = line_from_audio(path, fps=25.0)
    assert line.sample_rate == 48000 and line.audio.ndim == 1
    assert integrated_loudness_lufs(line.audio, line.sample_rate) == pytest.approx(-16.0, abs=1.0)
    speech_s = samples.shape[0] / source_rate
    assert line.duration_s == pytest.approx(speech_s, abs=0.6)
    score = _sync(line)
    assert score.r >= 0.6 and abs(score.lag_frames) <= 1, score
    assert not line.warnings


def test_telephone_band_8khz_works(tmp_path, greeting_audio):
    samples, rate = greeting_audio
    sos = signal.butter(6, [300, 3400], btype="bandpass", fs=rate, output="sos")
    narrow = resample(signal.sosfilt(sos, samples).astype(np.float32), rate, 8000)
    path = write_audio(tmp_path / "phone.wav", 0.5 * narrow, 8000, "pcm_s16le")
    line = line_from_audio(path)
    score = _sync(line)
    assert score.r >= 0.6 and abs(score.lag_frames) <= 1, score
    aligned = line_from_audio(
        path, transcript="Happy birthday Margaret we all love you very much and we miss you"
    )
    assert not aligned.warnings
    assert _sync(aligned).r >= 0.6


def test_real_stereo_recording(shared_data):
    line = line_from_audio(shared_data / "audio" / "radio_34_002.wav", fps=30.0)
    score = _sync(line)
    assert score.r >= 0.6 and abs(score.lag_frames) <= 1, score
    assert not line.warnings


def test_headerless_pcm(shared_data):
    line = line_from_audio(shared_data / "audio" / "goforward_16k_s16le.raw")
    assert 2.0 < line.duration_s < 4.0
    assert line.mouth.jaw_open.max() > 0.3


def test_music_is_accepted_with_a_warning(shared_data):
    line = line_from_audio(shared_data / "audio" / "imagine.wav")
    assert line.warnings and "music" in line.warnings[0]
    for name in ("librivox_0880", "librivox_0890", "librivox_0920", "librivox_0930"):
        assert not line_from_audio(shared_data / "audio" / f"{name}.wav").warnings, name


@pytest.mark.parametrize("name", ["awful.wav", "bad.wav", "evil.wav", "null.wav"])
def test_malformed_files_are_refused(shared_data, name):
    with pytest.raises(AudioUnusable, match=r"cannot be read|no sound|too short|empty"):
        line_from_audio(shared_data / "audio_bad" / name)


def test_empty_truncated_and_foreign_files(tmp_path, greeting_audio):
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    with pytest.raises(AudioUnusable, match="empty"):
        line_from_audio(empty)
    samples, rate = greeting_audio
    good = write_audio(tmp_path / "good.m4a", samples, rate, "aac")
    truncated = tmp_path / "truncated.m4a"
    truncated.write_bytes(good.read_bytes()[:300])
    with pytest.raises(AudioUnusable, match="cannot be read"):
        line_from_audio(truncated)
    photo = tmp_path / "photo.mp3"
    photo.write_bytes(np.random.default_rng(1).integers(0, 255, 4000, dtype=np.uint8).tobytes())
    with pytest.raises(AudioUnusable, match="cannot be read"):
        line_from_audio(photo)
    with pytest.raises(AudioUnusable, match="not found"):
        line_from_audio(tmp_path / "missing.wav")


def test_silence_is_refused(tmp_path):
    rate = 16000
    hiss = np.random.default_rng(0).normal(0.0, 1e-5, 3 * rate).astype(np.float32)
    path = write_audio(tmp_path / "silence.wav", hiss, rate, "pcm_s16le")
    with pytest.raises(AudioUnusable, match="silent"):
        line_from_audio(path)
    with pytest.raises(AudioUnusable, match="silent"):
        line_from_samples(np.zeros(rate, np.float32), rate)


def test_too_long_is_refused_with_the_limit(tmp_path, greeting_audio):
    samples, rate = greeting_audio
    long_speech = np.concatenate([samples] * 6)  # ~20 s of speech
    path = write_audio(tmp_path / "long.flac", long_speech, rate, "flac")
    with pytest.raises(AudioUnusable, match="limit is 15 s"):
        line_from_audio(path)
    with pytest.raises(AudioUnusable, match="limit is 2 s"):
        line_from_audio(path, settings=SpeechSettings(max_duration_s=2.0))
    # Long silence around a short message is trimmed, not held against it.
    padded = np.concatenate(
        [np.zeros(10 * rate, np.float32), samples, np.zeros(8 * rate, np.float32)]
    )
    line = line_from_samples(padded, rate)
    assert line.duration_s < samples.shape[0] / rate + 0.8


def test_nothing_is_written(tmp_path, greeting_audio):
    samples, rate = greeting_audio
    path = write_audio(tmp_path / "voice.wav", samples, rate, "pcm_s16le")
    before = sorted(p.name for p in Path(tmp_path).iterdir())
    line_from_audio(path)
    with pytest.raises(AudioUnusable):
        line_from_audio(path, settings=SpeechSettings(max_duration_s=1.0))
    assert sorted(p.name for p in Path(tmp_path).iterdir()) == before
