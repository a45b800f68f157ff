"""Real audio for the speech tests: espeak-ng output, written in the formats guests bring."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

GREETING = "Happy birthday, Margaret! We all love you very much, and we miss you."


def write_audio(
    path: Path, samples: np.ndarray, sample_rate: int, codec: str, channels: int = 1
) -> Path:
    """Encode mono float samples with PyAV, copied to ``channels`` channels."""
    import av

    layout = "mono" if channels == 1 else "stereo"
    data = np.clip(samples, -1.0, 1.0).astype(np.float32)
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=sample_rate, layout=layout)
        target = stream.codec_context.codec.audio_formats[0].name
        resampler = av.AudioResampler(format=target, layout=layout, rate=sample_rate)
        block = 1024
        for start in range(0, data.shape[0], block):
            planes = np.ascontiguousarray(np.tile(data[start : start + block], (channels, 1)))
            frame = av.AudioFrame.from_ndarray(planes, format="fltp", layout=layout)
            frame.sample_rate = sample_rate
            frame.pts = start
            frame.time_base = Fraction(1, sample_rate)
            for out in resampler.resample(frame):
                for packet in stream.encode(out):
                    container.mux(packet)
        for out in resampler.resample(None):
            for packet in stream.encode(out):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


@pytest.fixture(scope="session")
def greeting_audio() -> tuple[np.ndarray, int]:
    """The greeting spoken by espeak-ng at its own rate (22050 Hz), untouched."""
    from engine_edge.speech import espeak

    synthesis = espeak.synthesize(GREETING, voice="en", rate_wpm=160)
    return synthesis.samples, synthesis.sample_rate
