"""A clip's spoken line on the kiosk's speakers: real PortAudio into an ALSA device the
test defines, and the picture following the sound's clock.

PortAudio reads the ALSA configuration when sounddevice is imported, so playback runs
in a fresh interpreter with ALSA_CONFIG_PATH naming a "file" device that keeps
everything played (its slave is ALSA's null device, which takes samples as fast as
they come: the check is on what was played, and the clock is checked on its own).
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

SYSTEM_ALSA_CONF = Path("/usr/share/alsa/alsa.conf")
RATE = 16000
FPS = 25

PLAY = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from kiosk.live.sound import SoundOut, clip_audio
    audio = clip_audio(Path(sys.argv[1]).read_bytes())
    sound = SoundOut(audio, float(sys.argv[2]), device="keepsake_out")
    sound.start()
    time.sleep(0.05)
    sound.stop()
    print(json.dumps({"rate": audio.sample_rate, "latency_s": sound.latency_s}))
    """
)


@pytest.fixture(scope="module")
def spoken_clip(astronaut) -> tuple[bytes, np.ndarray]:  # type: ignore[no-untyped-def]
    """A 2 s clip with a line spoken by espeak-ng, and that line at 16 kHz."""
    from engine_edge.deliver import AudioTrack, encode_mp4
    from engine_edge.speech import espeak
    from engine_edge.speech.audio import resample

    spoken = espeak.synthesize("Happy birthday, Ruth.", voice="en", rate_wpm=160)
    line = resample(spoken.samples, spoken.sample_rate, RATE)[: 2 * RATE].astype(np.float32)
    frames = [np.ascontiguousarray(astronaut[::2, ::2])] * (2 * FPS)
    mp4 = encode_mp4(frames, fps=FPS, size=(256, 256), audio=AudioTrack(line, RATE))
    return mp4, line


def test_the_spoken_line_reaches_the_alsa_device_in_step_at_the_set_volume(
    spoken_clip, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    if not SYSTEM_ALSA_CONF.is_file():
        pytest.skip("ALSA's alsa.conf is not installed (Debian package libasound2-data)")
    mp4, line = spoken_clip
    captured = tmp_path / "played.raw"
    config = tmp_path / "asound.conf"
    config.write_text(
        f"""<{SYSTEM_ALSA_CONF}>
pcm.keepsake_out {{
    type plug
    slave {{ pcm "keepsake_out_file"; format S16_LE; rate {RATE}; channels 1 }}
}}
pcm.keepsake_out_file {{
    type file
    slave.pcm "null"
    file "{captured}"
    format "raw"
}}
"""
    )
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(mp4)
    answer = subprocess.run(
        [sys.executable, "-c", PLAY, str(clip), "0.5"],
        env={**os.environ, "ALSA_CONFIG_PATH": str(config)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert answer.returncode == 0, answer.stderr[-2000:]
    facts = json.loads(answer.stdout)
    assert facts["rate"] == RATE
    played = np.frombuffer(captured.read_bytes(), dtype="<i2").astype(np.float32) / 32767
    assert played.size >= line.size
    played = played[: line.size + RATE // 2]
    # PortAudio starts the device with its buffer of silence, so the line's first sample
    # reaches the output after the latency the player's clock subtracts: within a frame.
    window = line[:RATE]
    scores = np.correlate(played[: RATE + RATE // 2], window, mode="valid")
    lag = int(np.argmax(scores))
    assert np.abs(played[: max(lag - 8, 0)]).max(initial=0.0) < 1e-3
    late_s = lag / RATE - facts["latency_s"]
    assert abs(late_s) <= 1 / FPS, f"the sound is {late_s * 1000:.0f} ms off the picture's clock"
    heard = played[lag : lag + line.size]
    assert np.corrcoef(heard, line)[0, 1] > 0.98
    loudness = float(np.sqrt(np.mean(heard**2)) / np.sqrt(np.mean(line**2)))
    assert loudness == pytest.approx(0.5, abs=0.05)  # [kiosk] volume


class _SoundClock:
    """Stands in for the speakers' clock only: what the listener has heard so far."""

    heard_s = 0.0


def test_the_picture_shows_the_frame_the_listener_is_hearing() -> None:
    from kiosk.live.clip_player import ClipPlayer

    player = ClipPlayer()
    shown: list[int] = []
    player.show_frame = lambda image: shown.append(int(image[0, 0, 0]))  # type: ignore[method-assign]
    clock = _SoundClock()
    player._sound, player._fps, player._taken = clock, float(FPS), 0  # type: ignore[assignment]
    player._frames = queue.Queue()
    for index in range(60):
        player._frames.put(np.full((2, 2, 3), index, np.uint8))
    # The UI's clock ticks unevenly (a busy frame, then two quick ones); the sound runs on.
    for heard_s in (0.0, 0.01, 0.05, 0.13, 0.131, 0.3, 0.52, 0.53, 1.0):
        clock.heard_s = heard_s
        player._next(0.0)
        assert shown[-1] == int(heard_s * FPS), (heard_s, shown)
    player._sound = None
