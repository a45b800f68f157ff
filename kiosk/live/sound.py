"""A clip's sound on the kiosk's speakers (PortAudio through sounddevice), and its clock.

PortAudio pulls samples on its own thread; what it has taken, less the output
latency it reports, is where the listener is. The clip player shows the frame
for that moment, so picture and sound stay within a frame of each other however
the UI's clock drifts. A loop's sound loops with the picture: it is cut or
padded to the clip's exact length.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import numpy as np

from engine_edge.errors import DeviceUnavailable

log = logging.getLogger("keepsake.kiosk.sound")


@dataclass(frozen=True)
class ClipAudio:
    samples: np.ndarray  # float32 mono, -1..1
    sample_rate: int


def clip_audio(mp4: bytes) -> ClipAudio | None:
    """The clip's sound track as mono float32 at its own rate, or None when it has none."""
    from engine_edge.deliver import decode_sound

    sound = decode_sound(mp4)
    return None if sound is None else ClipAudio(*sound)


class SoundOut:
    """Plays samples (round and round when ``loop_s`` is given) at ``volume`` (0..1)."""

    def __init__(
        self,
        audio: ClipAudio,
        volume: float,
        *,
        loop_s: float | None = None,
        device: int | str | None = None,
    ) -> None:
        samples = np.clip(audio.samples, -1.0, 1.0) * float(np.clip(volume, 0.0, 1.0))
        if loop_s is not None:  # exactly one picture loop long
            wanted = round(loop_s * audio.sample_rate)
            samples = np.resize(np.pad(samples, (0, max(0, wanted - samples.size))), wanted)
        self.samples = samples.astype(np.float32)
        self.sample_rate = audio.sample_rate
        self.loop = loop_s is not None
        self.device = device
        self._taken = 0
        self._lock = threading.Lock()
        self._stream: object | None = None
        self.latency_s = 0.0

    def start(self) -> None:
        try:
            import sounddevice as sd
        except (ImportError, OSError) as exc:
            raise DeviceUnavailable(
                "Sound playback is not installed (PortAudio missing). Install libportaudio2."
            ) from exc
        try:
            stream = sd.OutputStream(
                samplerate=self.sample_rate,
                channels=1,
                dtype="float32",
                device=self.device,
                callback=self._fill,
            )
            stream.start()
        except (sd.PortAudioError, ValueError) as exc:
            raise DeviceUnavailable(f"The speakers are not available ({exc}).") from exc
        self._stream = stream
        self.latency_s = float(stream.latency)

    def stop(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.stop()  # type: ignore[attr-defined]
            stream.close()  # type: ignore[attr-defined]

    @property
    def heard_s(self) -> float:
        """Seconds of sound the listener has heard since the start (on and on for a loop)."""
        with self._lock:
            taken = self._taken
        return max(0.0, taken / self.sample_rate - self.latency_s)

    def _fill(self, out: np.ndarray, frames: int, _time: object, _status: object) -> None:
        n = self.samples.size
        with self._lock:
            start = self._taken
            self._taken += frames
        if n == 0:
            out.fill(0)
            return
        if self.loop:
            out[:, 0] = np.take(self.samples, np.arange(start, start + frames) % n)
            return
        chunk = self.samples[start : start + frames]
        out[: chunk.size, 0] = chunk
        out[chunk.size :, 0] = 0.0
