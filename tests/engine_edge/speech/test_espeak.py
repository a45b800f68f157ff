"""espeak-ng through ctypes: real synthesis, real phoneme events, clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from engine_edge.errors import AudioUnusable
from engine_edge.speech import espeak, supported_languages
from engine_edge.speech.visemes import phone_from_ipa


def _rms(samples: np.ndarray, rate: int, start_s: float, end_s: float) -> float:
    chunk = samples[int(start_s * rate) : int(end_s * rate)]
    return float(np.sqrt(np.mean(chunk.astype(np.float64) ** 2))) if chunk.size else 0.0


def test_phoneme_events_are_ordered_and_match_the_sound():
    synthesis = espeak.synthesize("Happy birthday, Margaret! We all love you very much.")
    starts = [p.start_s for p in synthesis.phonemes]
    assert len(starts) > 25
    assert starts == sorted(starts)
    duration_s = synthesis.samples.shape[0] / synthesis.sample_rate
    assert starts[0] >= 0.0 and starts[-1] <= duration_s + 1e-6
    rate = synthesis.sample_rate
    ends = [*starts[1:], duration_s]
    phones = [
        phone_from_ipa(s, e, p.ipa)
        for s, e, p in zip(starts, ends, synthesis.phonemes, strict=True)
    ]
    vowel_rms = [
        _rms(synthesis.samples, rate, p.start_s, p.end_s) for p in phones if p.kind == "vowel"
    ]
    pause_rms = [
        _rms(synthesis.samples, rate, p.start_s + 0.03, p.end_s - 0.03)
        for p in phones
        if p.kind == "pause" and p.duration_s > 0.1
    ]
    assert vowel_rms and pause_rms
    # The events really time the audio: vowels are loud where espeak says they are, pauses quiet.
    assert np.median(vowel_rms) > 20 * max(np.median(pause_rms), 1e-5)
    assert {p.ipa for p in synthesis.phonemes} >= {"h", "b", "m"}


def test_rate_and_voice_change_the_speech():
    slow = espeak.synthesize("We miss you every day.", rate_wpm=110)
    fast = espeak.synthesize("We miss you every day.", rate_wpm=220)
    assert slow.samples.shape[0] > 1.5 * fast.samples.shape[0]
    german = espeak.synthesize("Alles Gute zum Geburtstag", voice="de")
    assert len(german.phonemes) > 10
    female = espeak.synthesize("We miss you every day.", voice="en+f3", rate_wpm=110)
    assert not np.array_equal(
        female.samples[: slow.samples.shape[0]], slow.samples[: female.samples.shape[0]]
    )


def test_languages_are_listed_and_unknown_voices_explained():
    languages = supported_languages()
    assert {"en", "de", "fr", "es"} <= set(languages)
    with pytest.raises(AudioUnusable) as caught:
        espeak.synthesize("Hello", voice="tlh")
    message = str(caught.value)
    assert "tlh" in message and "en" in message and "de" in message


@pytest.mark.parametrize(
    ("text", "options", "expected"),
    [
        ("   ", {}, "empty"),
        ("Hello", {"rate_wpm": 20}, "words per minute"),
        ("Hello", {"pitch": 300}, "Pitch"),
    ],
)
def test_bad_requests_are_refused_clearly(text, options, expected):
    with pytest.raises(AudioUnusable, match=expected):
        espeak.synthesize(text, **options)
