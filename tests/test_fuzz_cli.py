"""Fuzz every `keepsake` command (but `kiosk`) from its own argparse definition.

Each example builds a command line from the parser: sub-commands, options and
positionals with values drawn from pools chosen by what the argument *is*
(a file to read, a file to write, a number, a choice, free text), including bad
images, bad audio (../shared/data/audio_bad when present) and bad configuration
files. Every run must:

- end with exit status 0 or 2 and no traceback (a refusal is one sentence on stderr),
- leave every input file byte-identical,
- write nothing but the output it was told to write.

Durations are drawn short (a valid clip is at most about a second at a few fps) so
the whole file stays within about a minute.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import os
import socket
import stat
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from engine_edge import cli

# Pools of (good, bad) values; a good one is drawn six times as often, so that a fair share
# of command lines get past the parser and into the work itself.
NUMBERS = ["-1", "0", "1e12", "nan", "inf", "-inf", "x", "", "4294967296", "20000"]
GOOD_NUMBERS = {
    "camera": ["0"],
    "faces": ["1", "largest", "all"],
    "seed": ["0", "3"],
    "rate": ["80", "160"],
    "pitch": ["50"],
    "frames": ["4"],
    "width": ["400"],
    "intensity": ["0.5", "1"],
}
GOOD_TEXTS = {"voice": ["en", "de"], "caption": ["Ruth Miller, 1931–2024"], "preset": ["memorial"]}
# Durations: never a long valid value, and never 0 where 0 means "run for ever".
DURATIONS = (["0.5", "0.7"], ["-1", "0", "0.2", "nan", "inf", "1e12", "x", ""])
FPS = (["5", "6"], ["0", "4", "61", "nan", "x"])
CHANNELS = (["smile=0.5", "blink=0"], ["blink=3", "nose=1", "smile", "=", "gaze=nan"])
LIGHTS = (["15:0.8"], ["0b1111:1", "256:1", "1:nan", "all:bright"])
TEXTS = (["hello"], ["", "   ", "\x1b[2Jhi", "a" * 600, "Ruth Miller, 1931–2024", "-x", "\n"])

# dest -> what it is; anything else is a number (typed) or free text.
OUTPUT_DESTS = {
    "output",
    "out",
    "overlay",
    "debug_dir",
    "link",
    "dest",
    "data_dir",
    "key_dir",
    "dir",
}
INPUT_DESTS = {"photo", "clip", "image", "video", "audio", "inputs", "captions", "music", "root"}
DURATION_DESTS = {"seconds", "timeout"}
# Commands whose answer is a verdict: 1 means "not ready" (doctor), "the clip failed its review"
# (check) or "the credentials do not validate" (verify), not a refusal.
ANSWER_WITH_1 = {"doctor", "check", "verify"}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Inputs of every kind (good and broken), places to write, and configs, made once."""
    root = tmp_path_factory.mktemp("fuzz")
    inputs, outputs, cwd, store = (root / n for n in ("in", "out", "cwd", "store"))
    for folder in (inputs, outputs, cwd, store):
        folder.mkdir()
    from skimage import data

    face = data.astronaut()[:384:3, 64:448:3]  # 128x128, a face: quick to analyse and render
    Image.fromarray(face).save(inputs / "photo.jpg", quality=85)
    Image.fromarray(face).save(inputs / "photo.png")
    (inputs / "empty.jpg").write_bytes(b"")
    good = (inputs / "photo.jpg").read_bytes()
    (inputs / "truncated.jpg").write_bytes(good[: len(good) // 3])
    (inputs / "noise.jpg").write_bytes(np.random.default_rng(0).bytes(5000))
    (inputs / "eps.jpg").write_bytes(
        b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 32 32\nshowpage\n%%EOF\n"
    )
    (inputs / "bomb.png").write_bytes(_png_header_only(30000, 30000))
    Image.new("RGB", (2000, 20)).save(inputs / "strip.png")
    Image.new("P", (64, 64)).save(inputs / "gif.png", format="GIF")
    (inputs / "text.png").write_text("not an image\n")
    (inputs / "clip.mp4").write_bytes(_tiny_mp4())
    (inputs / "speech.wav").write_bytes(_wav(0.6))
    (inputs / "folder.jpg").mkdir()
    os.mkfifo(inputs / "pipe.jpg")
    configs = {
        # onnxruntime: the quickest backend to load, and every run loads its models afresh
        "good.toml": '[engine]\ncrf = 23\n[analysis]\nbackend = "onnxruntime"\n'
        f'[signing]\nkey_dir = "{root / "signing"}"\n',
        "latin1.toml": b'[label]\ntext = "caf\xe9"\n',
        "unknown.toml": "[enigne]\ncrf = 20\n",
        "range.toml": '[engine]\ncrf = -50\nx264_preset = "bogus"\nmax_short_side_px = 0\n',
        "type.toml": '[engine]\ncrf = "twenty"\n',
        "broken.toml": "[engine\n",
    }
    for name, body in configs.items():
        path = inputs / name
        path.write_bytes(body if isinstance(body, bytes) else body.encode())
    (outputs / "existing.mp4").write_bytes(b"old")
    os.mkfifo(outputs / "fifo")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(outputs / "sock"))
    shared_bad = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "audio_bad"
    audio = sorted(str(p) for p in shared_bad.glob("*.wav")) if shared_bad.is_dir() else []
    return {
        "root": root,
        "inputs": inputs,
        "outputs": outputs,
        "cwd": cwd,
        "store": store,
        "configs": [str(inputs / n) for n in configs],
        "audio": [str(inputs / "speech.wav"), *audio],
        "socket": sock,
    }


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def _tiny_mp4() -> bytes:
    import av

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=5)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for i in range(5):
            frame = av.VideoFrame.from_ndarray(np.full((64, 64, 3), i * 40, np.uint8), "rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return buffer.getvalue()


def _wav(seconds: float, rate: int = 16000) -> bytes:
    import wave

    t = np.arange(int(seconds * rate)) / rate
    tone = (0.3 * np.sin(2 * np.pi * 220 * t) * np.sin(2 * np.pi * 3 * t) * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(tone.tobytes())
    return buffer.getvalue()


# --- the command line, drawn from the parser ---------------------------------------------


def _inputs(ws: dict[str, object], dest: str, command: str) -> tuple[list[str], list[str]]:
    folder = ws["inputs"]
    assert isinstance(folder, Path)
    names = [
        "empty.jpg", "truncated.jpg", "noise.jpg", "eps.jpg", "bomb.png", "strip.png",
        "gif.png", "text.png", "clip.mp4", "folder.jpg", "pipe.jpg", "missing.jpg",
    ]  # fmt: skip
    bad = [str(folder / n) for n in names] + ["/dev/null", ""]
    if dest == "audio":
        return [str(folder / "speech.wav")], [*ws["audio"], *bad[:4]]  # type: ignore[misc]
    if dest in ("clip", "video"):
        return [str(folder / "clip.mp4")], [str(folder / "photo.jpg"), *bad]
    return [str(folder / "photo.jpg"), str(folder / "photo.png")], bad


def _outputs(ws: dict[str, object], dest: str) -> tuple[list[str], list[str]]:
    out, inputs = ws["outputs"], ws["inputs"]
    assert isinstance(out, Path) and isinstance(inputs, Path)
    suffix = {"overlay": ".png", "output": ".mp4", "out": ".png"}.get(dest, "")
    good = [str(out / f"new{suffix}")] + ([str(out / "existing.mp4")] if suffix else [])
    bad = [
        str(out),
        str(out / "fifo"),
        str(out / "sock"),
        "/dev/null",
        "/dev/full",
        str(out / "missing" / f"x{suffix}"),
        str(inputs / "photo.jpg"),
        str(inputs / "clip.mp4"),
        str(inputs / "good.toml"),
    ]
    return good, bad


def _pools(
    ws: dict[str, object], action: argparse.Action, command: str
) -> tuple[list[str], list[str]]:
    dest = action.dest
    if action.choices:
        return [str(c) for c in action.choices], ["bogus", ""]
    if dest in OUTPUT_DESTS:
        return _outputs(ws, dest)
    if dest in INPUT_DESTS:
        return _inputs(ws, dest, command)
    if dest == "config":
        configs: list[str] = ws["configs"]  # type: ignore[assignment]
        return configs[:1], [*configs[1:], "/dev/null", str(ws["inputs"])]
    if dest in DURATION_DESTS:
        return DURATIONS
    pools = {"fps": FPS, "channel": CHANNELS, "light": LIGHTS}
    if dest in pools:
        return pools[dest]
    if dest in GOOD_NUMBERS:
        return GOOD_NUMBERS[dest], NUMBERS
    if dest in GOOD_TEXTS:
        return GOOD_TEXTS[dest], TEXTS[1]
    if dest == "port":
        return ["/nonexistent/tty"], ["/dev/null", str(ws["inputs"])]
    return TEXTS


def _value(draw: st.DrawFn, ws: dict[str, object], action: argparse.Action, command: str) -> str:
    good, bad = _pools(ws, action, command)
    if draw(st.integers(0, 6)) > 0:
        return draw(st.sampled_from(good))
    return draw(st.sampled_from(bad) | st.text(max_size=8))


def _argv(
    draw: st.DrawFn, ws: dict[str, object], parser: argparse.ArgumentParser, command: str
) -> list[str]:
    argv: list[str] = []
    positionals: list[str] = []
    left_out: set[int] = set()  # all but one of each mutually exclusive group (mostly)
    for group in parser._mutually_exclusive_groups:
        keep = draw(st.sampled_from(group._group_actions))
        if draw(st.integers(0, 9)) > 0:
            left_out |= {id(a) for a in group._group_actions if a is not keep}
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction) or id(action) in left_out:
            continue
        if isinstance(action, argparse._SubParsersAction):
            name = draw(st.sampled_from(sorted(action.choices)))
            positionals += [name, *_argv(draw, ws, action.choices[name], command)]
            continue
        if not action.option_strings:
            if draw(st.integers(0, 19)) > 0:  # now and then a positional is left out
                positionals.append(_value(draw, ws, action, command))
            continue
        always = action.required or action.dest in DURATION_DESTS | {"fps"}
        if not always and not draw(st.booleans()):
            continue
        flag = draw(st.sampled_from(action.option_strings))
        if action.nargs == 0:
            argv.append(flag)
        else:
            argv += [flag, _value(draw, ws, action, command)]
    return argv + positionals


# --- what a run may change ----------------------------------------------------------------


def _snapshot(paths: list[Path]) -> dict[str, str]:
    """Every file and folder under ``paths``: content digest, or its kind."""
    seen: dict[str, str] = {}
    for top in paths:
        for dirpath, dirnames, filenames in os.walk(top):
            for name in dirnames + filenames:
                path = os.path.join(dirpath, name)
                mode = os.lstat(path).st_mode
                if stat.S_ISREG(mode):
                    with open(path, "rb") as fh:
                        seen[path] = hashlib.sha256(fh.read()).hexdigest()
                else:
                    seen[path] = f"mode {stat.S_IFMT(mode):o}"
    return seen


def _allowed(argv: list[str], ws: dict[str, object]) -> list[str]:
    """The outputs named on the command line (an output folder's contents included)."""
    parser = cli.build_parser()
    allowed = []
    for action in _all_actions(parser):
        if action.dest in OUTPUT_DESTS:
            for i, word in enumerate(argv[:-1]):
                if word in action.option_strings:
                    allowed.append(os.path.abspath(argv[i + 1]))
    if argv[:1] == ["store"] and "export" in argv:
        allowed += [os.path.abspath(w) for w in argv]  # the export folder is positional
    return allowed


def _all_actions(parser: argparse.ArgumentParser) -> Iterator[argparse.Action]:
    for action in parser._actions:
        yield action
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _all_actions(sub)


def _is_allowed(path: str, allowed: list[str]) -> bool:
    """An output, something inside an output folder, or a folder made to hold an output."""
    for a in allowed:
        inside = path == a or path.startswith(a.rstrip("/") + "/")
        holder = a.startswith(path.rstrip("/") + "/") and os.path.isdir(path)
        if inside or holder:
            return True
    return False


def _run(argv: list[str], ws: dict[str, object], capsys: pytest.CaptureFixture[str]) -> str:
    """Run ``keepsake ARGV`` in-process; assert the three rules; return stderr."""
    watched = [ws["inputs"], ws["outputs"], ws["cwd"]]
    before = _snapshot(watched)  # type: ignore[arg-type]
    capsys.readouterr()
    environment = dict(os.environ)  # a command may set one for its own process (--data-dir)
    try:
        code = cli.main(argv)
    finally:
        os.environ.clear()
        os.environ.update(environment)
    out, err = capsys.readouterr()
    codes = (0, 1, 2) if argv[:1] and argv[0] in ANSWER_WITH_1 else (0, 2)
    assert code in codes, f"exit {code} for {argv}: {err[-500:]}"
    assert "Traceback" not in err + out, argv
    if code == 2:
        assert err.strip(), f"refused without a word: {argv}"
        assert all(ch.isprintable() for ch in err.strip().splitlines()[-1]), err
    after = _snapshot(watched)  # type: ignore[arg-type]
    allowed = _allowed(argv, ws)
    changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
    intruders = sorted(p for p in changed if not _is_allowed(p, allowed))
    assert not intruders, f"{argv} changed {intruders}"
    for path in changed:  # keep the pools as they were for the next example
        if path not in before:
            with contextlib.suppress(OSError):
                if os.path.isdir(path) and not os.path.islink(path):
                    import shutil

                    shutil.rmtree(path)
                else:
                    os.unlink(path)
    return err


FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
COMMANDS = [name for name in cli.COMMANDS if name != "kiosk"]
EXAMPLES = {"animate": 20, "analyse": 8, "sheet": 15, "scan": 15, "bridge": 12, "demo": 6}
# A longer hunt than CI's minute: KEEPSAKE_FUZZ_SCALE=10 tries ten times as many lines.
SCALE = float(os.environ.get("KEEPSAKE_FUZZ_SCALE", "1"))


@pytest.fixture
def in_workspace(
    workspace: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> dict[str, object]:
    monkeypatch.chdir(workspace["cwd"])  # type: ignore[arg-type]
    monkeypatch.setenv("KEEPSAKE_DATA_DIR", str(workspace["store"]))
    monkeypatch.setenv("KEEPSAKE_CONFIG", workspace["configs"][0])  # type: ignore[index]
    return workspace


@pytest.mark.slow
@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_line_ends_in_0_or_a_clear_2(
    command: str, in_workspace: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    command_parser = sub.choices[command]

    @st.composite
    def command_lines(draw: st.DrawFn) -> list[str]:
        return [command, *_argv(draw, in_workspace, command_parser, command)]

    @settings(FUZZ, max_examples=max(1, round(SCALE * EXAMPLES.get(command, 10))))
    @given(command_lines())
    def check(argv: list[str]) -> None:
        if command == "demo" and _demo_would_render(argv):
            return  # a whole demo takes a minute: `make demo` runs it
        _run(argv, in_workspace, capsys)

    check()


def _demo_would_render(argv: list[str]) -> bool:
    """Only the refusals of `demo` are fuzzed: a usable --out folder means a full render."""
    if "--help" in argv or "-h" in argv:
        return False
    out = argv[argv.index("--out") + 1] if "--out" in argv[:-1] else "out"
    return bool(out.strip()) and (not os.path.lexists(out) or os.path.isdir(out))


@pytest.mark.parametrize("config_index", range(6))
def test_a_bad_config_is_refused_by_every_command_that_reads_one(
    config_index: int, in_workspace: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    config = in_workspace["configs"][config_index]  # type: ignore[index]
    photo = str(in_workspace["inputs"] / "photo.jpg")  # type: ignore[operator]
    new = str(in_workspace["outputs"] / "new.mp4")  # type: ignore[operator]
    for argv in (
        ["animate", photo, "-o", new, "--seconds", "0.5", "--fps", "5", "--config", config],
        ["analyse", photo, "--config", config],
        ["bridge", "monitor", "--seconds", "0.2", "--port", "/nonexistent", "--config", config],
    ):
        err = _run(argv, in_workspace, capsys)
        if not config.endswith("good.toml"):
            assert f"The configuration file {config}" in err, err


@pytest.mark.parametrize("name", ["noise.jpg", "truncated.jpg", "eps.jpg", "bomb.png", "strip.png"])
def test_bad_images_are_refused_in_one_sentence(
    name: str, in_workspace: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    photo = str(in_workspace["inputs"] / name)  # type: ignore[operator]
    new = str(in_workspace["outputs"] / "new.mp4")  # type: ignore[operator]
    err = _run(
        ["animate", photo, "-o", new, "--seconds", "0.5", "--fps", "5"], in_workspace, capsys
    )
    assert err.startswith("keepsake animate: ") and len(err.strip().splitlines()) == 1, err


STORE_FAULTS = {
    "pipe.jpg": "`store add` of a FIFO opened it and waited for ever",
    "bomb.png": "`store add` of a 30000x30000 PNG ended in a DecompressionBombError traceback",
    "eps.jpg": "`store add` accepted an EPS named .jpg (Pillow would hand it to Ghostscript)",
}


@pytest.mark.parametrize("name", sorted(STORE_FAULTS))
def test_store_add_refuses_what_once_hung_or_crashed_it(
    name: str, in_workspace: dict[str, object]
) -> None:
    import subprocess
    import sys

    photo = str(in_workspace["inputs"] / name)  # type: ignore[operator]
    try:
        result = subprocess.run(
            [sys.executable, "-m", "engine_edge.cli", "store", "add", photo],
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(STORE_FAULTS[name])
    assert result.returncode == 2 and "Traceback" not in result.stderr, STORE_FAULTS[name]
