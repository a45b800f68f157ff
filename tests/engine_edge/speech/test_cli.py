"""`keepsake animate` with speech options: bad speech input stops before anything is written."""

from __future__ import annotations

import numpy as np
import pytest

from engine_edge.cli import main


@pytest.fixture(scope="module")
def photo(tmp_path_factory, astronaut):
    from PIL import Image

    path = tmp_path_factory.mktemp("photo") / "astronaut.png"
    Image.fromarray(astronaut).save(path)
    return path


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--say", "Hello", "--voice", "tlh"], "no speaking voice for 'tlh'"),
        (["--audio", "{tmp}/missing.wav"], "missing.wav does not exist"),
        (["--audio", "{tmp}/empty.m4a"], "empty"),
    ],
)
def test_bad_speech_input_exits_2_and_writes_nothing(tmp_path, photo, capsys, extra, message):
    (tmp_path / "empty.m4a").write_bytes(b"")
    out = tmp_path / "out" / "clip.mp4"
    out.parent.mkdir()
    argv = ["animate", str(photo), "-o", str(out), "--quiet"]
    argv += [a.format(tmp=tmp_path) for a in extra]
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    assert list(out.parent.iterdir()) == []


def test_say_puts_the_line_in_the_clip(tmp_path, photo):
    import av

    config = tmp_path / "keepsake.toml"
    config.write_text("[engine]\nmax_short_side_px = 256\n")
    out = tmp_path / "hello.mp4"
    text = "Hello, my dear. We miss you every day."
    argv = [
        "animate",
        str(photo),
        "-o",
        str(out),
        "--quiet",
        "--fps",
        "12",
        "--config",
        str(config),
    ]
    assert (
        main([*argv, "--preset", "social", "--say", text, "--voice", "en-us", "--rate", "150"]) == 0
    )
    with av.open(str(out)) as container:
        audio = container.streams.audio[0]
        assert audio.codec_context.name == "aac"
        heard = np.concatenate([f.to_ndarray().mean(axis=0) for f in container.decode(audio)])
        rate = audio.codec_context.sample_rate
    with av.open(str(out)) as container:
        frames = sum(1 for _ in container.decode(video=0))
    loud = np.flatnonzero(np.abs(heard) > 0.05)
    speech_s = (loud[-1] - loud[0]) / rate
    assert 2.0 < speech_s < 4.5
    # The clip lasts the speech plus a tail, and at least the preset's length.
    assert frames / 12.0 >= max(speech_s, 5.0)
