"""Forced alignment (pocketsphinx) and the audio-only estimate, checked against known timings."""

from __future__ import annotations

import numpy as np
import pytest

from engine_edge.speech import espeak, line_from_audio, line_from_samples
from engine_edge.speech.align import AlignmentFailed, align, transcript_words
from engine_edge.speech.visemes import phone_from_ipa

from .conftest import GREETING

LIBRIVOX = ("librivox_0880", "librivox_0890", "librivox_0920", "librivox_0930")


def test_alignment_recovers_the_synthesisers_own_timing():
    """espeak-ng tells us exactly when each vowel starts; the aligner must find the same."""
    synthesis = espeak.synthesize(GREETING)
    events = synthesis.phonemes
    end_s = synthesis.samples.shape[0] / synthesis.sample_rate
    truth = [
        phone_from_ipa(e.start_s, events[i + 1].start_s if i + 1 < len(events) else end_s, e.ipa)
        for i, e in enumerate(events)
    ]
    true_vowels = [p.start_s for p in truth if p.kind == "vowel"]
    result = align(synthesis.samples, synthesis.sample_rate, GREETING)
    found_vowels = [p.start_s for p in result.phones if p.kind == "vowel"]
    assert len(found_vowels) == len(true_vowels)
    errors_s = np.abs(np.array(found_vowels) - np.array(true_vowels))
    assert np.median(errors_s) < 0.03, errors_s
    assert np.percentile(errors_s, 90) < 0.08, errors_s


@pytest.mark.parametrize("name", LIBRIVOX)
def test_real_reading_aligns_in_order(shared_data, name):
    wav = shared_data / "audio" / f"{name}.wav"
    text = (shared_data / "audio" / f"{name}.txt").read_text()
    line = line_from_audio(wav, transcript=text)
    assert not line.warnings
    from engine_edge.speech.audio import decode_audio

    decoded = decode_audio(wav, sample_rate=16000, max_decode_s=60)
    result = align(decoded.samples, 16000, text)
    starts = [p.start_s for p in result.phones]
    assert starts == sorted(starts)
    assert sum(p.kind == "vowel" for p in result.phones) >= len(transcript_words(text)) * 0.8


def test_audio_only_estimate_is_close_to_the_aligned_mouth(shared_data):
    """How close does the sound alone get? Correlate the two jaw tracks frame by frame."""
    scores = []
    for name in LIBRIVOX:
        wav = shared_data / "audio" / f"{name}.wav"
        text = (shared_data / "audio" / f"{name}.txt").read_text()
        aligned = line_from_audio(wav, transcript=text).mouth.jaw_open
        estimated = line_from_audio(wav).mouth.jaw_open
        scores.append(np.corrcoef(aligned, estimated)[0, 1])
    assert np.mean(scores) >= 0.7, scores


def test_synthesised_speech_estimate_matches_phoneme_driven_mouth():
    from engine_edge.speech import synthesize_line

    line = synthesize_line(GREETING)
    estimated = line_from_samples(line.audio, line.sample_rate)
    count = min(line.mouth.frame_count, estimated.mouth.frame_count)
    r = np.corrcoef(line.mouth.jaw_open[:count], estimated.mouth.jaw_open[:count])[0, 1]
    assert r >= 0.6, r


def test_words_missing_from_the_dictionary_are_spelled_by_espeak():
    from engine_edge.speech.arpabet import pronounce

    assert pronounce("fluffikins") == "F L AH F IH K IH N Z"
    text = GREETING.replace("Margaret", "Fluffikins")
    synthesis = espeak.synthesize(text)
    result = align(synthesis.samples, synthesis.sample_rate, text)
    assert result.skipped_words == ()
    labels = [p.label for p in result.phones]
    assert _find_run(labels, ["F", "L", "AH", "F"], 9) == [
        "F",
        "L",
        "AH",
        "F",
        "IH",
        "K",
        "IH",
        "N",
        "Z",
    ]


def _find_run(labels: list[str], start: list[str], length: int) -> list[str]:
    for i in range(len(labels) - len(start)):
        if labels[i : i + len(start)] == start:
            return labels[i : i + length]
    return []


def test_mismatched_transcript_falls_back_to_the_sound(greeting_audio):
    samples, rate = greeting_audio
    wrong = line_from_samples(
        samples, rate, transcript="the quick brown fox jumps over the lazy dog " * 3
    )
    assert any("was not used" in w and "match" in w for w in wrong.warnings), wrong.warnings
    assert wrong.mouth.jaw_open.max() > 0.3  # the lips still move, from the sound
    with pytest.raises(AlignmentFailed):
        align(samples, rate, "zzxq qxzz")


def test_transcripts_in_other_languages_are_not_guessed():
    line = synthesize_line_de()
    german = line_from_samples(
        line.audio, line.sample_rate, transcript="Alles Gute zum Geburtstag, liebe Oma!"
    )
    assert any("only English" in w for w in german.warnings), german.warnings
    assert german.mouth.jaw_open.max() > 0.3


def synthesize_line_de():  # type: ignore[no-untyped-def]
    from engine_edge.speech import synthesize_line

    return synthesize_line("Alles Gute zum Geburtstag, liebe Oma!", voice="de")
