"""Record a guest's message from the microphone (sounddevice / PortAudio).

PortAudio calls us on its own audio thread; that thread only queues blocks.
The caller's thread drains the queue, so the level-meter callback (which
usually touches the UI) never runs inside the audio driver, and recording
stops cleanly at the maximum length, on ``stop``, or when the device goes
quiet for good.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

import numpy as np

from engine_edge.errors import DeviceUnavailable

log = logging.getLogger(__name__)

DEFAULT_SAMPLE_RATE = 16000
BLOCK_S = 0.05
METER_FLOOR_DB = -60.0
STALL_TIMEOUT_S = 2.0


def level_of(block: np.ndarray) -> float:
    """A meter reading 0..1: RMS in dBFS mapped from METER_FLOOR_DB..0 dB."""
    rms = float(np.sqrt(np.mean(block.astype(np.float64) ** 2))) if block.size else 0.0
    if rms <= 0.0:
        return 0.0
    level_db = 20.0 * np.log10(rms)
    return float(np.clip(1.0 - level_db / METER_FLOOR_DB, 0.0, 1.0))


def record(
    max_duration_s: float,
    on_level: Callable[[float], None] | None = None,
    *,
    device: int | str | None = None,
    sample_rate: int = DEFAULT_SAMPLE_RATE,
    stop: threading.Event | None = None,
) -> np.ndarray:
    """Record mono float32 audio until ``max_duration_s`` or ``stop`` is set.

    ``on_level`` gets a 0..1 meter value about every 50 ms, on the calling thread.
    Raises DeviceUnavailable when there is no microphone or it stops delivering sound.
    """
    if max_duration_s <= 0:
        raise ValueError("max_duration_s must be positive")
    try:
        import sounddevice as sd
    except OSError as exc:  # PortAudio library missing
        raise DeviceUnavailable(
            "Sound recording is not installed (PortAudio missing). Install libportaudio2."
        ) from exc

    wanted = round(max_duration_s * sample_rate)
    blocks: queue.Queue[np.ndarray] = queue.Queue()
    overflows = 0

    def on_audio(indata: np.ndarray, frames: int, time_info: object, status: object) -> None:
        nonlocal overflows
        if status:
            overflows += 1
        blocks.put(indata[:, 0].astype(np.float32) / 32768.0)

    try:
        stream = sd.InputStream(
            samplerate=sample_rate,
            channels=1,
            dtype="int16",  # every microphone offers it; float32 is not always clean (ALSA null)
            device=device,
            blocksize=int(BLOCK_S * sample_rate),
            callback=on_audio,
        )
    except (sd.PortAudioError, ValueError) as exc:
        raise DeviceUnavailable(
            "No microphone is available. Plug in the microphone, or type the message instead."
        ) from exc
    recorded: list[np.ndarray] = []
    count = 0
    with stream:
        while count < wanted and not (stop is not None and stop.is_set()):
            try:
                block = blocks.get(timeout=STALL_TIMEOUT_S)
            except queue.Empty as exc:
                raise DeviceUnavailable(
                    "The microphone stopped sending sound. Check its cable and try again."
                ) from exc
            block = block[: wanted - count]
            recorded.append(block)
            count += block.shape[0]
            if on_level is not None:
                on_level(level_of(block))
    if overflows:
        log.warning("microphone input overflowed %d times; some sound may be missing", overflows)
    return np.concatenate(recorded) if recorded else np.zeros(0, np.float32)
