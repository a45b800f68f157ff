"""The performance timeline: natural blink timing, limits, loops, determinism, speech slot."""

from __future__ import annotations

import numpy as np
import pytest

from engine_edge.mouth import MouthTrack, SpokenLine
from engine_edge.perform import (
    PRESETS,
    PerformanceInvalid,
    clip_frame_count,
    perform,
)

FPS = 30.0


def _blinks(lid: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) frame of each stretch with the lid at least partly closed."""
    closed = np.concatenate([[0], (lid > 0.02).astype(int), [0]])
    edges = np.flatnonzero(np.diff(closed))
    return list(zip(edges[0::2], edges[1::2] - 1, strict=True))


def test_same_seed_same_performance_other_seed_differs() -> None:
    a = perform(2, preset="birthday", frame_count=180, seed=7)
    b = perform(2, preset="birthday", frame_count=180, seed=7)
    c = perform(2, preset="birthday", frame_count=180, seed=8)
    for name in ("lid_left", "yaw_deg", "smile", "breath", "gaze_x"):
        assert np.array_equal(getattr(a.faces[1], name), getattr(b.faces[1], name))
    assert not np.array_equal(a.faces[0].yaw_deg, c.faces[0].yaw_deg)


@pytest.mark.parametrize("seed", range(6))
def test_blinks_are_brief_full_and_irregular(seed: int) -> None:
    p = perform(1, preset="memorial", frame_count=int(30 * FPS), fps=FPS, seed=seed)
    lid = p.faces[0].lid_left
    blinks = _blinks(lid)
    assert 4 <= len(blinks) <= 10  # 4-16 blinks a minute is normal; restraint: the low end
    for first, last in blinks:
        duration_s = (last - first + 1) / FPS
        assert 0.1 <= duration_s <= 0.34, duration_s
        assert lid[first : last + 1].max() == 1.0  # closes fully
        peak = first + int(np.argmax(lid[first : last + 1]))
        assert peak - first <= last - peak  # closes faster than it opens
    starts = np.array([b[0] for b in blinks]) / FPS
    intervals = np.diff(starts)
    assert intervals.min() >= 2.5 and intervals.max() <= 5.5
    assert np.ptp(intervals) > 0.2  # irregular


def test_faces_in_a_group_never_blink_together() -> None:
    p = perform(5, preset="memorial", frame_count=int(20 * FPS), fps=FPS, seed=3)
    starts = [s / FPS for f in p.faces for s, _ in _blinks(f.lid_left)]
    starts.sort()
    assert np.min(np.diff(starts)) >= 0.45


@pytest.mark.parametrize("preset", list(PRESETS))
def test_head_stays_within_the_preset_limits(preset: str) -> None:
    limit = PRESETS[preset].head_limit_deg
    for seed in range(5):
        f = perform(1, preset=preset, frame_count=180, seed=seed).faces[0]
        for angles in (f.yaw_deg, f.pitch_deg, f.roll_deg):
            assert np.abs(angles).max() <= limit + 1e-6
    assert PRESETS["memorial"].head_limit_deg <= 2.0


def test_a_clip_starts_as_the_photo() -> None:
    f = perform(1, preset="anniversary", frame_count=120, seed=2)
    first = f.frame(0)
    face = first.faces[0]
    assert face.yaw_deg == face.pitch_deg == face.roll_deg == 0.0
    assert face.breath == face.smile == face.lid_left == 0.0
    assert first.camera.zoom == 1.0 and first.camera.pan_x == 0.0


def test_loop_curves_are_periodic() -> None:
    p = perform(2, preset="anniversary", frame_count=180, loop=True, seed=5)
    for f in p.faces:
        for name in ("yaw_deg", "pitch_deg", "roll_deg", "smile", "breath", "gaze_x", "lid_left"):
            x = getattr(f, name).astype(np.float64)
            seam = abs(x[0] - x[-1])
            ordinary = np.abs(np.diff(x)).max()
            assert seam <= ordinary + 1e-6, name
    cam = p.camera
    for x in (cam.zoom, cam.pan_x):
        assert abs(float(x[0]) - float(x[-1])) <= np.abs(np.diff(x)).max() + 1e-7


def test_intensity_and_channel_overrides_scale_motion() -> None:
    full = perform(1, preset="birthday", frame_count=180, seed=1).faces[0]
    calm = perform(1, preset="birthday", frame_count=180, seed=1, intensity=0.3).faces[0]
    still = perform(
        1, preset="birthday", frame_count=180, seed=1, overrides={"head": 0, "blink": 0}
    ).faces[0]
    assert np.abs(calm.yaw_deg).max() == pytest.approx(0.3 * np.abs(full.yaw_deg).max(), rel=1e-4)
    assert np.abs(still.yaw_deg).max() == 0 and still.lid_left.max() == 0
    assert still.smile.max() > 0  # other channels untouched


def test_abilities_limit_what_a_face_does() -> None:
    p = perform(
        2,
        frame_count=300,
        seed=4,
        abilities=[frozenset({"breath", "camera"}), frozenset({"breath", "blink"})],
    )
    assert p.faces[0].lid_left.max() == 0 and p.faces[0].breath_px_per_face_h > 0
    assert p.faces[1].lid_left.max() == 1 and np.abs(p.faces[1].yaw_deg).max() == 0


def test_bad_values_are_refused_clearly() -> None:
    with pytest.raises(PerformanceInvalid, match="Unknown mood"):
        perform(1, preset="party", frame_count=10)
    with pytest.raises(PerformanceInvalid, match="channel"):
        perform(1, frame_count=10, overrides={"wink": 1})
    with pytest.raises(PerformanceInvalid, match="Intensity"):
        perform(1, frame_count=10, intensity=2)
    with pytest.raises(PerformanceInvalid):
        clip_frame_count(0.1, 30, None, 0.6)


def _line(seconds: float) -> SpokenLine:
    n = int(seconds * FPS)
    jaw = (0.5 + 0.5 * np.sin(np.arange(n) / 3.0)).astype(np.float32)
    zero = np.zeros(n, np.float32)
    mouth = MouthTrack(FPS, jaw, zero, zero, zero, np.clip(jaw - 0.4, 0, 1))
    return SpokenLine(np.zeros(int(seconds * 16000), np.float32), 16000, mouth, "hello")


def test_speech_sets_the_length_and_lips_rest_after_it() -> None:
    line = _line(7.0)
    frames = clip_frame_count(6.0, FPS, line, 0.6)
    assert frames == round(7.6 * FPS)
    assert clip_frame_count(6.0, FPS, _line(2.0), 0.6) == 180
    p = perform(2, frame_count=frames, seed=1, speech=line)
    mouth = p.faces[0].mouth
    assert mouth.jaw_open[:10].max() > 0.5
    assert np.all(mouth.jaw_open[int(7.0 * FPS) :] == 0)  # closed and still in the tail
    assert p.faces[1].mouth.jaw_open.max() == 0  # only the speaker talks


def test_a_photo_without_faces_still_drifts_in_a_still_mood() -> None:
    assert perform(1, preset="memorial", frame_count=180).camera.zoom.max() == 1.0
    assert perform(0, preset="memorial", frame_count=180).camera.zoom[-1] > 1.01
