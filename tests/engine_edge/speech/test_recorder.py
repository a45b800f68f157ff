"""The microphone path through real PortAudio/ALSA, with ALSA devices defined by the test.

PortAudio reads the ALSA configuration once, when sounddevice is imported, so
each check runs in a fresh interpreter with ALSA_CONFIG_PATH pointing at a
configuration that adds a null capture device and a "file" device that plays
speech into the capture side.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

SYSTEM_ALSA_CONF = Path("/usr/share/alsa/alsa.conf")

PROBE = textwrap.dedent(
    """
    import json, sys, threading
    import numpy as np
    from engine_edge.errors import DeviceUnavailable
    from engine_edge.speech.recorder import record
    device, seconds, stop_early = sys.argv[1], float(sys.argv[2]), sys.argv[3] == "1"
    levels = []
    stop = threading.Event()
    def on_level(value):
        levels.append(value)
        if stop_early and len(levels) >= 5:
            stop.set()
    try:
        audio = record(seconds, on_level, device=device, stop=stop)
    except DeviceUnavailable as exc:
        print(json.dumps({"error": str(exc)}))
        raise SystemExit(0)
    print(json.dumps({"samples": audio.tolist()[::4], "count": int(audio.shape[0]),
                      "dtype": str(audio.dtype), "levels": levels}))
    """
)


@pytest.fixture(scope="module")
def alsa_config(tmp_path_factory, greeting_audio) -> Path:
    if not SYSTEM_ALSA_CONF.is_file():
        pytest.skip("ALSA's alsa.conf is not installed (Debian package libasound2-data)")
    from engine_edge.speech.audio import resample

    folder = tmp_path_factory.mktemp("alsa")
    samples, rate = greeting_audio
    speech = resample(samples, rate, 16000)
    raw = folder / "speech.raw"
    raw.write_bytes((np.clip(speech * 0.8, -1, 1) * 32767).astype("<i2").tobytes())
    config = folder / "asound.conf"
    config.write_text(
        f"""<{SYSTEM_ALSA_CONF}>
pcm.keepsake_null {{
    type null
}}
pcm.keepsake_speech {{
    type plug
    slave {{ pcm "keepsake_speech_file"; format S16_LE; rate 16000; channels 1 }}
}}
pcm.keepsake_speech_file {{
    type file
    slave.pcm "null"
    file "/dev/null"
    infile "{raw}"
    format "raw"
}}
"""
    )
    return config


def _record(config: Path, device: str, seconds: float, stop_early: bool = False) -> dict:
    env = {**os.environ, "ALSA_CONFIG_PATH": str(config)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, device, str(seconds), "1" if stop_early else "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_null_device_records_exactly_the_maximum_length(alsa_config):
    result = _record(alsa_config, "keepsake_null", 1.5)
    assert result["count"] == 24000 and result["dtype"] == "float32"
    # One meter reading per 50 ms block, each within 0..1.
    assert 25 <= len(result["levels"]) <= 35
    assert all(0.0 <= level <= 1.0 for level in result["levels"])


def test_stop_ends_the_recording_early(alsa_config):
    result = _record(alsa_config, "keepsake_null", 10.0, stop_early=True)
    assert len(result["levels"]) == 5
    assert result["count"] == 5 * 800


def test_meter_follows_the_voice(alsa_config, greeting_audio):
    from engine_edge.speech.audio import resample
    from engine_edge.speech.recorder import level_of

    result = _record(alsa_config, "keepsake_speech", 3.0)
    levels = np.array(result["levels"])
    samples, rate = greeting_audio
    source = resample(samples, rate, 16000) * 0.8
    expected = np.array([level_of(source[i : i + 800]) for i in range(0, 800 * levels.size, 800)])
    # The meter shows the voice block by block (allowing for a block of buffering).
    best = max(np.corrcoef(levels[k:], expected[: expected.size - k])[0, 1] for k in range(3))
    assert best > 0.9, best
    assert levels.max() > 0.5
    recorded = np.array(result["samples"])
    assert 0.05 < np.abs(recorded).max() <= 1.0


def test_a_missing_microphone_is_explained(alsa_config):
    result = _record(alsa_config, "no_such_microphone", 1.0)
    assert "microphone" in result["error"].lower()


def test_recorded_voice_becomes_a_line(alsa_config):
    from engine_edge.speech import line_from_samples

    result = _record(alsa_config, "keepsake_speech", 3.0)
    samples = np.repeat(np.array(result["samples"], np.float32), 4)
    line = line_from_samples(samples, 16000)
    assert line.mouth.jaw_open.max() > 0.3
