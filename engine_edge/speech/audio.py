"""Recorded voice in, clean mono speech out: decode, downmix, resample, trim, normalise.

Guests bring whatever their phone made (WAV, FLAC, MP3, OGG, M4A; 8 kHz phone
calls to 96 kHz studio files; stereo). PyAV decodes and resamples all of them,
so the rest of speech only ever sees float32 mono at one rate. Anything we
cannot use becomes an AudioUnusable whose message says what to do.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import signal

from engine_edge.errors import AudioUnusable
from engine_edge.speech.loudness import integrated_loudness_lufs, normalise_loudness

log = logging.getLogger(__name__)

# Headerless PCM (e.g. pocketsphinx's test material) is read as 16 kHz signed 16-bit mono.
RAW_SUFFIXES = {".raw", ".pcm"}
RAW_SAMPLE_RATE = 16000
SILENT_LUFS = -55.0
TRIM_FLOOR_DB = 35.0  # below the loudest 50 ms by this much counts as silence at the ends
TRIM_WINDOW_S = 0.02


@dataclass(frozen=True)
class DecodedAudio:
    samples: np.ndarray  # float32 mono -1..1
    sample_rate: int
    source_rate: int
    source_channels: int


def decode_audio(path: str | Path, *, sample_rate: int, max_decode_s: float) -> DecodedAudio:
    """Decode the first audio stream of ``path`` to float32 mono at ``sample_rate``.

    Stops reading once ``max_decode_s`` of audio have come out, so a guest's
    hour-long file is refused quickly instead of filling memory.
    """
    import av

    file = Path(path)
    if not file.is_file():
        raise AudioUnusable(f"The sound file {file.name} was not found.")
    if file.stat().st_size == 0:
        raise AudioUnusable(f"The sound file {file.name} is empty. Record the message again.")
    options: dict[str, str] = {}
    container_format = None
    if file.suffix.lower() in RAW_SUFFIXES:
        container_format = "s16le"
        options = {"sample_rate": str(RAW_SAMPLE_RATE), "ch_layout": "mono"}
    unreadable = (
        f"The sound file {file.name} cannot be read (damaged or not a sound file). "
        "Use a WAV, FLAC, MP3, OGG or M4A recording."
    )
    chunks: list[np.ndarray] = []
    decoded = 0
    cut_short = False
    try:
        with av.open(str(file), format=container_format, options=options) as container:
            if not container.streams.audio:
                raise AudioUnusable(f"The file {file.name} has no sound in it.")
            stream = container.streams.audio[0]
            source_rate = int(stream.codec_context.sample_rate or 0)
            source_channels = int(stream.codec_context.channels or 0)
            resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().reshape(-1)
                    chunks.append(chunk)
                    decoded += chunk.shape[0]
                if decoded > max_decode_s * sample_rate:
                    cut_short = True
                    break
            else:
                for out in resampler.resample(None):
                    chunks.append(out.to_ndarray().reshape(-1))
    except AudioUnusable:
        raise
    except (av.FFmpegError, ValueError, OSError, IndexError) as exc:
        raise AudioUnusable(unreadable) from exc
    if not chunks or source_rate <= 0:
        raise AudioUnusable(unreadable)
    samples = np.clip(np.concatenate(chunks).astype(np.float32), -1.0, 1.0)
    if samples.shape[0] < int(0.05 * sample_rate):
        raise AudioUnusable(f"The sound file {file.name} is too short to hold any speech.")
    if cut_short and speech_bounds(samples, sample_rate)[1] >= samples.shape[0] - sample_rate:
        # Still talking where we stopped reading: say so, not "N s of speech" for the part read.
        raise AudioUnusable(
            f"The sound file {file.name} goes on for more than {max_decode_s:.0f} s; "
            "record or choose a short message."
        )
    return DecodedAudio(samples, sample_rate, source_rate, source_channels)


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Polyphase resampling between integer rates (e.g. 22050 -> 48000)."""
    if from_rate == to_rate:
        return samples.astype(np.float32)
    divisor = np.gcd(from_rate, to_rate)
    out = signal.resample_poly(samples, to_rate // divisor, from_rate // divisor)
    return out.astype(np.float32)


def speech_bounds(
    samples: np.ndarray, sample_rate: int, floor_db: float = TRIM_FLOOR_DB
) -> tuple[int, int]:
    """First and one-past-last sample of the part louder than (loudest 20 ms − floor_db)."""
    window = max(1, int(TRIM_WINDOW_S * sample_rate))
    count = samples.shape[0] // window
    if count == 0:
        return 0, 0
    frames = samples[: count * window].reshape(count, window)
    level_db = 10.0 * np.log10(np.mean(frames.astype(np.float64) ** 2, axis=1) + 1e-12)
    loud = np.flatnonzero(level_db > level_db.max() - floor_db)
    if loud.size == 0:
        return 0, 0
    return int(loud[0] * window), int(min(samples.shape[0], (loud[-1] + 1) * window))


@dataclass(frozen=True)
class PreparedSpeech:
    samples: np.ndarray  # float32 mono, trimmed, padded, loudness-normalised
    sample_rate: int
    offset_s: float  # add to a time in the input to get the time in ``samples``
    loudness_lufs: float  # of the input, before normalisation


def prepare_speech(
    samples: np.ndarray,
    sample_rate: int,
    *,
    target_lufs: float,
    max_duration_s: float,
    lead_s: float,
    tail_s: float,
    name: str = "The recording",
) -> PreparedSpeech:
    """Refuse silence and over-long speech, trim the ends to ``lead_s``/``tail_s``, normalise."""
    loudness = integrated_loudness_lufs(samples, sample_rate)
    if not np.isfinite(loudness) or loudness < SILENT_LUFS:
        raise AudioUnusable(
            f"{name} is silent or far too quiet. Speak closer to the microphone and try again."
        )
    start, end = speech_bounds(samples, sample_rate)
    speech_s = (end - start) / sample_rate
    if speech_s > max_duration_s:
        raise AudioUnusable(
            f"{name} has {speech_s:.0f} s of speech; the limit is {max_duration_s:.0f} s. "
            "Choose a shorter message."
        )
    end = min(samples.shape[0], end + int(TRIM_WINDOW_S * sample_rate))
    first = max(0, start - int(lead_s * sample_rate))
    pad = int(lead_s * sample_rate) - (start - first)
    body = np.concatenate([np.zeros(pad, np.float32), samples[first:end].astype(np.float32)])
    # Fade the cut edges over 10 ms so trimming never adds a click.
    fade = min(int(0.01 * sample_rate), body.shape[0] // 4)
    if fade > 0:
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        body[:fade] *= ramp
        body[-fade:] *= ramp[::-1]
    body = np.concatenate([body, np.zeros(int(tail_s * sample_rate), np.float32)])
    normalised = normalise_loudness(body, sample_rate, target_lufs)
    return PreparedSpeech(normalised, sample_rate, (pad - first) / sample_rate, loudness)
