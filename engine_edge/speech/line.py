"""A typed sentence or a recorded voice becomes a SpokenLine: clean audio plus its mouth track.

Both paths end the same way (phones -> Rhubarb cues -> control curves ->
MouthTrack), so synthesised and recorded speech move the face alike. Times
are kept in the prepared audio's timeline: frame 0 starts at audio sample 0.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path

import numpy as np

from engine_edge.errors import AudioUnusable
from engine_edge.mouth import MouthTrack, SpokenLine
from engine_edge.speech import align as aligner
from engine_edge.speech import espeak
from engine_edge.speech.articulation import Curves, curves_from_cues, track_from_curves
from engine_edge.speech.audio import PreparedSpeech, decode_audio, prepare_speech, resample
from engine_edge.speech.estimate import curves_from_audio
from engine_edge.speech.settings import SpeechSettings, VoiceStyle, voice_style
from engine_edge.speech.speechness import measure_speechness
from engine_edge.speech.visemes import Phone, cues_from_phones, phone_from_ipa

log = logging.getLogger(__name__)

MUSIC_WARNING = (
    "This recording sounds more like music or singing than speech; "
    "the lips will follow its loudness only roughly."
)


def _frame_count(duration_s: float, fps: float) -> int:
    return max(1, math.ceil(duration_s * fps - 1e-9))


def _finish(
    prepared: PreparedSpeech,
    curves: Curves,
    *,
    fps: float,
    style: VoiceStyle,
    text: str | None,
    warnings: tuple[str, ...] = (),
) -> SpokenLine:
    duration_s = prepared.samples.shape[0] / prepared.sample_rate
    mouth: MouthTrack = track_from_curves(
        curves, fps=fps, frame_count=_frame_count(duration_s, fps), expression=style.expression
    )
    return SpokenLine(prepared.samples, prepared.sample_rate, mouth, text, warnings)


def _shifted(phones: list[Phone], offset_s: float) -> list[Phone]:
    return [
        Phone(p.start_s + offset_s, p.end_s + offset_s, p.shapes, p.kind, p.label) for p in phones
    ]


def _check_fps(fps: float) -> None:
    if not 1.0 <= fps <= 120.0:
        raise ValueError(f"fps must be between 1 and 120, got {fps}")


def _prepared(
    samples: np.ndarray,
    sample_rate: int,
    settings: SpeechSettings,
    style: VoiceStyle,
    name: str = "The recording",
) -> PreparedSpeech:
    """Resample to the output rate, then trim and normalise as the preset asks."""
    return prepare_speech(
        resample(samples, sample_rate, settings.sample_rate),
        settings.sample_rate,
        target_lufs=style.loudness_lufs,
        max_duration_s=settings.max_duration_s,
        lead_s=settings.lead_s,
        tail_s=settings.tail_s,
        name=name,
    )


def synthesize_line(
    text: str,
    *,
    voice: str | None = None,
    rate_wpm: int | None = None,
    pitch: int | None = None,
    fps: float = 25.0,
    preset: str | None = None,
    settings: SpeechSettings | None = None,
) -> SpokenLine:
    """Speak ``text`` offline with espeak-ng and time the mouth by the synthesiser's own phonemes.

    ``voice`` is an espeak-ng language (``en``, ``en-gb``, ``de``; ``en+f3`` for a variant);
    unset values come from the preset (memorial: slower, lower, softer) and [speech] settings.
    """
    _check_fps(fps)
    settings = settings or SpeechSettings()
    style = voice_style(preset, settings)
    rate = rate_wpm if rate_wpm is not None else style.rate_wpm
    words = len(text.split())
    if words / max(rate, 1) * 60.0 > 1.5 * settings.max_duration_s:
        raise AudioUnusable(
            f"This text would take about {words / rate * 60.0:.0f} s to say; the limit is "
            f"{settings.max_duration_s:.0f} s. Choose a shorter message."
        )
    synthesis = espeak.synthesize(
        text,
        voice=voice or settings.voice,
        rate_wpm=rate,
        pitch=pitch if pitch is not None else style.pitch,
        pitch_range=style.pitch_range,
    )
    if not any(phone_from_ipa(0.0, 1.0, e.ipa).kind == "vowel" for e in synthesis.phonemes):
        raise AudioUnusable("There is nothing to say in this text. Type a few words.")
    prepared = _prepared(
        synthesis.samples, synthesis.sample_rate, settings, style, name="The sentence"
    )
    events = synthesis.phonemes
    source_s = synthesis.samples.shape[0] / synthesis.sample_rate
    phones = [
        phone_from_ipa(e.start_s, events[i + 1].start_s if i + 1 < len(events) else source_s, e.ipa)
        for i, e in enumerate(events)
    ]
    duration_s = prepared.samples.shape[0] / prepared.sample_rate
    cues = cues_from_phones(_shifted(phones, prepared.offset_s), duration_s)
    curves = curves_from_cues(cues, prepared.samples, prepared.sample_rate, duration_s)
    return _finish(prepared, curves, fps=fps, style=style, text=text)


def line_from_audio(
    path: str | Path,
    *,
    transcript: str | None = None,
    fps: float = 25.0,
    preset: str | None = None,
    settings: SpeechSettings | None = None,
) -> SpokenLine:
    """A recorded voice, cleaned up, then aligned to ``transcript`` (English) or estimated.

    Raises AudioUnusable for unreadable, empty, silent or over-long recordings; music
    is accepted with a warning in ``SpokenLine.warnings``.
    """
    _check_fps(fps)
    settings = settings or SpeechSettings()
    decoded = decode_audio(
        path,
        sample_rate=settings.sample_rate,
        max_decode_s=2.0 * settings.max_duration_s + 30.0,
    )
    log.info(
        "decoded %s: %d Hz, %d channel(s), %.1f s",
        Path(path).name,
        decoded.source_rate,
        decoded.source_channels,
        decoded.samples.shape[0] / decoded.sample_rate,
    )
    return line_from_samples(
        decoded.samples,
        decoded.sample_rate,
        transcript=transcript,
        fps=fps,
        preset=preset,
        settings=settings,
    )


def line_from_samples(
    samples: np.ndarray,
    sample_rate: int,
    *,
    transcript: str | None = None,
    fps: float = 25.0,
    preset: str | None = None,
    settings: SpeechSettings | None = None,
) -> SpokenLine:
    """Like :func:`line_from_audio` for audio already in memory (the kiosk's microphone)."""
    _check_fps(fps)
    settings = settings or SpeechSettings()
    style = voice_style(preset, settings)
    prepared = _prepared(np.asarray(samples, np.float32), sample_rate, settings, style)
    warnings: list[str] = []
    if measure_speechness(prepared.samples, prepared.sample_rate).looks_like_music:
        log.warning("%s", MUSIC_WARNING)
        warnings.append(MUSIC_WARNING)
    duration_s = prepared.samples.shape[0] / prepared.sample_rate
    curves = None
    if transcript and transcript.strip():
        try:
            alignment = aligner.align(prepared.samples, prepared.sample_rate, transcript)
            cues = cues_from_phones(list(alignment.phones), duration_s)
            curves = curves_from_cues(cues, prepared.samples, prepared.sample_rate, duration_s)
            if alignment.skipped_words:
                warnings.append(
                    "Some words were not in the dictionary and were timed from their "
                    f"neighbours: {', '.join(alignment.skipped_words)}."
                )
        except aligner.AlignmentFailed as exc:
            log.warning("transcript could not be aligned (%s); estimating from the sound", exc)
            warnings.append(
                f"The transcript was not used ({exc}); the lips follow the sound instead."
            )
    if curves is None:
        curves = curves_from_audio(prepared.samples, prepared.sample_rate, duration_s)
    return _finish(
        prepared, curves, fps=fps, style=style, text=transcript, warnings=tuple(warnings)
    )
