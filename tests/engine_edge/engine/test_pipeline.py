"""animate_photo end to end: progress and cancel, loops, speech, hard photos, the CLI."""

from __future__ import annotations

import itertools
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from engine_edge.analysis import analyse
from engine_edge.deliver import decode_frames, probe_mp4
from engine_edge.mouth import MouthTrack, SpokenLine
from engine_edge.pipeline import (
    AnimateOptions,
    EngineSettings,
    RenderCancelled,
    animate_photo,
    animate_staged,
    stage_photo,
)

from .conftest import lip_gap

SMALL = EngineSettings(max_short_side_px=384, x264_preset="ultrafast")


def test_progress_runs_to_one_and_cancel_stops_cleanly(astronaut, astronaut_analysis) -> None:
    seen: list[float] = []
    clip = animate_photo(
        astronaut,
        AnimateOptions(seconds=1.0, engine=SMALL),
        None,
        progress=seen.append,
        analysis=astronaut_analysis,
    )
    assert seen == sorted(seen) and seen[-1] == pytest.approx(1.0) and len(seen) > 10
    assert probe_mp4(clip.mp4).frame_count == 30
    cancel = threading.Event()

    def stop_half_way(fraction: float) -> None:
        if fraction > 0.5:
            cancel.set()

    with pytest.raises(RenderCancelled):
        animate_photo(
            astronaut,
            AnimateOptions(seconds=2.0, engine=SMALL),
            None,
            progress=stop_half_way,
            cancel=cancel,
            analysis=astronaut_analysis,
        )


def test_loop_seam_is_no_bigger_than_an_ordinary_frame_step(astronaut, astronaut_analysis) -> None:
    options = AnimateOptions(
        preset="anniversary", seconds=3.0, loop=True, seed=2, engine=SMALL, format="original"
    )
    clip = animate_photo(astronaut, options, None, analysis=astronaut_analysis)
    frames = [f.astype(np.float32) for _, f in decode_frames(clip.mp4)]
    steps = [np.abs(b - a).mean() for a, b in itertools.pairwise(frames)]
    seam = np.abs(frames[0] - frames[-1]).mean()
    assert max(steps) > 0.2  # it does move
    assert seam <= 1.5 * float(np.median(steps)), (seam, np.median(steps))


def test_same_seed_gives_the_same_clip(astronaut, astronaut_analysis) -> None:
    options = AnimateOptions(seconds=1.0, seed=9, engine=SMALL)
    a = animate_photo(astronaut, options, None, analysis=astronaut_analysis)
    b = animate_photo(astronaut, options, None, analysis=astronaut_analysis)
    fa = dict(decode_frames(a.mp4, [20]))[20]
    fb = dict(decode_frames(b.mp4, [20]))[20]
    assert np.array_equal(fa, fb)


def _spoken(seconds: float, fps: float = 30.0) -> SpokenLine:
    n = int(seconds * fps)
    t = np.arange(n) / fps
    # two "words": the mouth opens and closes with them; silence before, between and after
    jaw = np.where(((t > 0.4) & (t < 0.9)) | ((t > 1.3) & (t < 1.8)), 0.8, 0.0)
    jaw = np.convolve(jaw, np.ones(3) / 3, mode="same").astype(np.float32)
    zero = np.zeros(n, np.float32)
    mouth = MouthTrack(
        fps, jaw, zero, zero, zero, np.clip((jaw - 0.3) * 1.5, 0, 1).astype(np.float32)
    )
    sr = 16000
    ts = np.arange(int(seconds * sr)) / sr
    audio = (0.3 * np.sin(2 * np.pi * 180 * ts) * (np.interp(ts, t, jaw) > 0.1)).astype(np.float32)
    return SpokenLine(audio, sr, mouth, "hello there")


@pytest.fixture(scope="module")
def closed_mouth_photo(shared_data):  # type: ignore[no-untyped-def]
    from engine_edge.image_io import load_image

    return load_image(shared_data / "photos" / "sadtalker_sad.png")


def test_speech_opens_the_mouth_in_sync_and_keeps_it_still_in_silence(
    closed_mouth_photo, models
) -> None:
    line = _spoken(2.2)
    options = AnimateOptions(
        seconds=1.0,
        speech=line,
        intensity=0.0,
        format="original",
        engine=EngineSettings(x264_preset="ultrafast"),
    )
    clip = animate_photo(closed_mouth_photo, options, models)
    facts = probe_mp4(clip.mp4)
    assert facts.audio_codec == "aac"
    assert facts.duration_s == pytest.approx(2.2 + 0.6, abs=0.05)  # the line plus a short tail
    frames = dict(decode_frames(clip.mp4, [0, 6, 19, 33, 50, 70]))
    gaps = {i: lip_gap(analyse(f, models).faces[0].landmarks) for i, f in frames.items()}
    assert gaps[19] > gaps[0] + 0.12 and gaps[50] > gaps[0] + 0.12, gaps  # open on the words
    for silent in (6, 33, 70):  # closed and still between and after
        assert abs(gaps[silent] - gaps[0]) < 0.04, gaps


def test_photo_without_a_face_gets_camera_motion_only(shared_data, models) -> None:
    from engine_edge.image_io import load_image

    dog = load_image(shared_data / "photos" / "pet_dog_no_human_face.jpg")
    clip = animate_photo(
        dog, AnimateOptions(preset="anniversary", seconds=1.0, engine=SMALL), models
    )
    assert any("No face" in w for w in clip.warnings)
    frames = dict(decode_frames(clip.mp4, [0, 29]))
    assert np.abs(frames[0].astype(float) - frames[29]).mean() > 1.0  # the camera drifted


def test_group_faces_blink_at_different_times(group_photo, group_analysis) -> None:
    clip = animate_photo(
        group_photo, AnimateOptions(seconds=6.0, engine=SMALL), None, analysis=group_analysis
    )
    tracks = clip.performance.faces
    assert len(tracks) >= 3
    closed = [set(np.flatnonzero(t.lid_left > 0.5)) for t in tracks]
    for i in range(len(closed)):
        for j in range(i + 1, len(closed)):
            assert not closed[i] & closed[j]


def _keepsake(*args: str, timeout_s: float) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a guest's shell would: a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "engine_edge.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )


def test_cli_animate_and_sheet(tmp_path: Path, astronaut) -> None:
    from engine_edge.image_io import save_image

    photo = save_image(tmp_path / "photo.png", astronaut)
    clip = tmp_path / "clip.mp4"
    options = ["--seconds", "1", "--format", "square", "--seed", "4", "--quiet"]
    run = _keepsake("animate", str(photo), "-o", str(clip), *options, timeout_s=300)
    assert run.returncode == 0, run.stderr
    assert "clip.mp4" in run.stdout and "memorial" in run.stdout
    facts = probe_mp4(clip)
    assert facts.width == facts.height and facts.faststart and facts.frame_count == 30
    sheet = tmp_path / "sheet.png"
    run = _keepsake("sheet", str(clip), "-o", str(sheet), timeout_s=120)
    assert run.returncode == 0, run.stderr
    assert sheet.stat().st_size > 10_000
    bad = _keepsake("animate", str(photo), "-o", str(tmp_path / "no/such/clip.mp4"), timeout_s=120)
    assert bad.returncode == 2 and "does not exist" in bad.stderr
    assert not (tmp_path / "no").exists()


def test_a_staged_clip_reports_the_time_its_analysis_took(astronaut, models) -> None:  # type: ignore[no-untyped-def]
    """The CLI analyses, stages and lets go of the photo before it renders: the clip still
    says how long the analysis took (it said 0)."""
    analysis = analyse(astronaut, models)
    options = AnimateOptions(seconds=0.5, fps=8, self_check=False)
    clip = animate_staged(stage_photo(astronaut, analysis, options), options, None)
    assert clip.timings_s["analyse"] == pytest.approx(analysis.timings_ms["total_ms"] / 1000.0)
    assert clip.timings_s["analyse"] > 0.0
