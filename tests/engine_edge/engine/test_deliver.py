"""Delivery: playable H.264/AAC MP4 with the index first, framing, the mark, atomic writes."""

from __future__ import annotations

import errno
import io
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from engine_edge.deliver import (
    CLIP_CRF_OFFSET,
    AudioTrack,
    Label,
    LabelSettings,
    decode_frames,
    encode_mp4,
    loop_seam,
    make_fill,
    plan_framing,
    probe_mp4,
    provenance,
    write_mp4,
)
from engine_edge.errors import ConfigInvalid, OutputUnwritable, StorageFull


def _frames(astronaut: np.ndarray, n: int) -> list[np.ndarray]:
    return [np.ascontiguousarray(np.roll(astronaut, 2 * i, axis=1)) for i in range(n)]


def test_clip_plays_with_right_duration_rate_size_and_faststart(astronaut: np.ndarray) -> None:
    audio = AudioTrack((0.3 * np.sin(np.arange(16000) * 0.1)).astype(np.float32), 16000)
    meta = provenance(
        preset="memorial", seed=4, software="Keepsake test", created_utc="2026-01-01T00:00:00Z"
    )
    data = encode_mp4(_frames(astronaut, 45), fps=30, size=(512, 512), audio=audio, metadata=meta)
    facts = probe_mp4(data)
    assert (facts.width, facts.height, facts.fps, facts.frame_count) == (512, 512, 30.0, 45)
    assert facts.duration_s == pytest.approx(1.5, abs=0.02)
    assert facts.codec == "h264" and facts.pix_fmt == "yuv420p" and facts.audio_codec == "aac"
    assert facts.faststart
    assert '"preset": "memorial"' in facts.metadata["keepsake_provenance"]
    assert facts.metadata["comment"].startswith("AI-animated")
    # every frame decodes after the index was moved (chunk offsets patched correctly)
    decoded = list(decode_frames(data))
    assert len(decoded) == 45
    assert np.abs(decoded[44][1].astype(int) - _frames(astronaut, 45)[44]).mean() < 4


def test_colours_come_back_as_they_went_in(astronaut: np.ndarray) -> None:
    """Frames go to yuv420p through OpenCV: losslessly coded, each channel decodes to the
    photo's mean within the decoder's rounding, and within two levels a pixel on average
    (chroma at half resolution). A full-range or wrong-matrix conversion moves the means by
    several levels."""
    decoded = [
        rgb for _, rgb in decode_frames(encode_mp4([astronaut] * 2, fps=30, size=(512, 512), crf=0))
    ]
    error = np.abs(decoded[1].astype(np.int16) - astronaut.astype(np.int16))
    means = decoded[1].reshape(-1, 3).mean(axis=0) - astronaut.reshape(-1, 3).mean(axis=0)
    assert np.abs(means).max() < 1.5, means  # -0.92 / -1.27 / -0.84 measured (swscale's too)
    assert error.mean() < 2.5, error.mean()  # 2.03 measured (swscale's chroma: 1.81)


def test_ffmpeg_reads_the_file_without_errors(astronaut: np.ndarray, tmp_path: Path) -> None:
    """An independent demuxer/decoder (PyAV's libav via the ffmpeg CLI when present)."""
    import shutil

    data = encode_mp4(_frames(astronaut, 10), fps=25, size=(512, 512))
    path = tmp_path / "c.mp4"
    write_mp4(data, path)
    if shutil.which("ffprobe") is None:
        import av

        with av.open(str(path)) as c:
            assert sum(1 for _ in c.decode(video=0)) == 10
        return
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stderr == ""


def test_writes_to_a_file_object_without_touching_disk(astronaut: np.ndarray) -> None:
    data = encode_mp4(_frames(astronaut, 5), fps=30, size=(512, 512))
    buf = io.BytesIO()
    write_mp4(data, buf)
    assert buf.getvalue() == data and probe_mp4(buf.getvalue()).frame_count == 5


def test_unwritable_path_is_a_clear_error_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(OutputUnwritable, match="does not exist"):
        write_mp4(b"x" * 100, tmp_path / "missing" / "clip.mp4")
    locked = tmp_path / "locked"
    locked.mkdir()
    if os.geteuid() == 0:  # root ignores permission bits: a read-only filesystem stops it
        ro = (
            subprocess.run(
                ["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(locked)],
                capture_output=True,
            ).returncode
            == 0
        )
        if not ro:
            pytest.skip("running as root without permission to mount a read-only folder")
    else:
        locked.chmod(0o500)
    try:
        with pytest.raises(OutputUnwritable, match="permission"):
            write_mp4(b"x" * 100, locked / "clip.mp4")
        assert list(locked.iterdir()) == []
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", str(locked)], check=False)
        locked.chmod(0o700)


def test_full_disk_raises_storage_full_and_leaves_no_partial_file(tmp_path: Path) -> None:
    """A real tiny filesystem when we may mount one, else the kernel's ENOSPC through a pipe."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    mounted = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True
        ).returncode
        == 0
    )
    if not mounted:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        (mount / "old.mp4").write_bytes(b"keep me")
        with pytest.raises(StorageFull, match="full"):
            write_mp4(b"\0" * 200_000, mount / "clip.mp4")
        assert sorted(p.name for p in mount.iterdir()) == ["old.mp4"]
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_storage_error_mapping_names_the_file() -> None:
    from engine_edge.deliver import _storage_error

    err = _storage_error(OSError(errno.ENOSPC, "No space left"), Path("/media/usb/clip.mp4"))
    assert isinstance(err, StorageFull) and "clip.mp4" in str(err)
    err = _storage_error(OSError(errno.EROFS, "Read-only"), Path("/media/usb/clip.mp4"))
    assert isinstance(err, OutputUnwritable)


@pytest.mark.parametrize(
    ("fmt", "aspect"), [("square", 1.0), ("vertical", 9 / 16), ("landscape", 16 / 9)]
)
def test_framing_keeps_faces_and_never_exceeds_1080p(fmt: str, aspect: float) -> None:
    image_size = (1600, 1000)
    faces = [(300.0, 200.0, 500.0, 450.0), (1100.0, 250.0, 1280.0, 480.0)]
    f = plan_framing(image_size, faces, fmt)
    w, h = f.size
    assert w % 2 == 0 and h % 2 == 0 and min(w, h) <= 1080
    assert w / h == pytest.approx(aspect, rel=0.02)
    x0, y0, x1, y1 = f.crop
    for fx0, fy0, fx1, fy1 in faces:
        assert x0 <= fx0 and fx1 <= x1 and y0 <= fy0 and fy1 <= y1
    cx, cy, cw, ch = f.content
    assert cx >= 0 and cy >= 0 and cx + cw <= w and cy + ch <= h
    assert (cw / ch) == pytest.approx((x1 - x0) / (y1 - y0), rel=0.01)


def test_fill_is_a_blurred_darkened_photo_not_black_bars(astronaut: np.ndarray) -> None:
    f = plan_framing(
        (512, 512), [(180.0, 70.0, 270.0, 180.0), (20.0, 300.0, 80.0, 360.0)], "vertical"
    )
    assert f.filled
    fill = make_fill(astronaut, f)
    assert fill.shape == (f.size[1], f.size[0], 3)
    assert 10 < fill.mean() < astronaut.mean()  # darkened, not black
    grad = np.abs(np.diff(fill.astype(float), axis=1)).mean()
    assert grad < 0.3 * np.abs(np.diff(astronaut.astype(float), axis=1)).mean()  # blurred


def test_label_is_visible_in_its_corner(astronaut: np.ndarray) -> None:
    frame = astronaut.copy()
    Label((512, 512), LabelSettings(corner="top-left")).apply(frame)
    diff = np.abs(frame.astype(int) - astronaut).sum(axis=2)
    ys, xs = np.nonzero(diff > 30)
    assert ys.size > 100 and ys.max() < 100 and xs.max() < 250
    with pytest.raises(ConfigInvalid):
        LabelSettings(opacity=0.05)
    with pytest.raises(ConfigInvalid):
        LabelSettings(corner="middle")


def breathing_loop(photo: np.ndarray, frame_count: int) -> list[np.ndarray]:
    """A seamless loop like a memorial clip's: the middle of the picture swells, settles
    and sways by a pixel or two (no two frames alike), the rest stays still."""
    import cv2

    h, w = photo.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy = w * 0.5, h * 0.4
    bump = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (0.25 * w) ** 2)
    frames = []
    for i in range(frame_count):
        phase = 2 * np.pi * i / frame_count
        swell = 0.012 * np.sin(phase) * bump
        map_x = (xx - (xx - cx) * swell - 1.5 * np.cos(phase) * bump).astype(np.float32)
        map_y = (yy - (yy - cy) * swell).astype(np.float32)
        frames.append(cv2.remap(photo, map_x, map_y, cv2.INTER_LINEAR))
    return frames


def test_loop_lead_and_trail_frames_prime_the_encoder_and_are_never_shown(
    astronaut: np.ndarray,
) -> None:
    n, lead, trail = 45, 15, 10
    frames = breathing_loop(astronaut, n)
    audio = AudioTrack((0.3 * np.sin(np.arange(24000) * 0.05)).astype(np.float32), 16000)
    looped = frames[n - lead :] + frames + frames[:trail]
    data = encode_mp4(looped, fps=30, size=(512, 512), lead_frames=lead, trail_frames=trail)
    facts = probe_mp4(data)
    assert (facts.frame_count, facts.duration_s) == (n, pytest.approx(1.5, abs=0.02))
    assert facts.faststart
    shown = [frame for _, frame in decode_frames(data)]
    assert len(shown) == n
    # Shown frame i is source frame i (not the lead's or the trail's), give or take the
    # encoder's lag.
    for i in (0, 1, n // 2, n - 1):
        errors = [np.abs(shown[i].astype(int) - f).mean() for f in frames]
        nearest = int(np.argmin(errors))
        assert min((nearest - i) % n, (i - nearest) % n) <= 3, (i, nearest)
    # The sound is the same as without them: it starts with the first shown frame, and
    # the clip lasts as long as its pictures.
    heard = []
    for order, lead_frames, trail_frames in ((looped, lead, trail), (frames, 0, 0)):
        clip = encode_mp4(
            order,
            fps=30,
            size=(512, 512),
            audio=audio,
            lead_frames=lead_frames,
            trail_frames=trail_frames,
        )
        heard.append([(p.pts, p.size) for p in _audio_packets(clip)])
        assert probe_mp4(clip).duration_s == pytest.approx(1.5, abs=0.02)
    assert heard[0] == heard[1]


def test_a_loop_wraps_with_less_of_a_pulse_than_before_and_no_new_one_inside() -> None:
    """Encoded as a loop (hidden lead and trail, LOOP_X264_PARAMS), a textured breathing
    loop's wrap is a smaller jump than with the encoding before (a 30-frame lead only),
    and no step inside the loop grows in exchange."""
    import cv2
    from skimage import data as images

    from engine_edge.deliver import LOOP_LEAD_FRAMES, LOOP_TRAIL_FRAMES

    n, px = 60, 192
    frames = breathing_loop(cv2.resize(images.coffee(), (px, px), interpolation=cv2.INTER_AREA), n)
    before = encode_mp4(
        frames[n - 30 :] + frames,
        fps=30,
        size=(px, px),
        lead_frames=30,
        x264_params="keyint=infinite:scenecut=0",
    )
    after = encode_mp4(
        frames[n - LOOP_LEAD_FRAMES :] + frames + frames[:LOOP_TRAIL_FRAMES],
        fps=30,
        size=(px, px),
        lead_frames=LOOP_LEAD_FRAMES,
        trail_frames=LOOP_TRAIL_FRAMES,
    )
    old, new = loop_seam(before), loop_seam(after)
    assert old.ratio > 4.5  # the pulse this is about (5.4 measured)
    assert new.ratio < 0.8 * old.ratio, (new, old)  # 3.7 measured
    assert new.max_step_ratio < 1.15 * old.max_step_ratio, (new, old)
    assert len(after) < 1.5 * len(before)


def test_a_grainy_moving_face_keeps_its_fine_detail_through_the_encoder() -> None:
    """A grainy photo whose middle swells and sways (a memorial clip's motion): after
    encode_mp4 with its defaults, the moving part keeps at least 0.94 of its high-pass
    energy, frame by frame against the same frame before encoding. x264's default dead
    zones and B-frames (the encoding before, CRF 20) kept 0.91."""
    import cv2
    from skimage import data as images

    n, px = 30, 256
    photo = cv2.resize(images.astronaut(), (px, px), interpolation=cv2.INTER_AREA)
    grain = np.random.default_rng(0).normal(0.0, 6.0, (px, px, 1))
    frames = breathing_loop(np.clip(photo + grain, 0, 255).astype(np.uint8), n)

    def kept(mp4: bytes) -> float:
        def energy(rgb: np.ndarray) -> float:
            grey = cv2.cvtColor(rgb[50:154, 77:179], cv2.COLOR_RGB2GRAY).astype(np.float32)
            return float(np.mean((grey - cv2.GaussianBlur(grey, (0, 0), 1.0)) ** 2))

        decoded = [rgb for _, rgb in decode_frames(mp4)]
        return float(
            np.median([energy(d) / energy(f) for d, f in zip(decoded, frames, strict=True)])
        )

    now = encode_mp4(frames, fps=30, size=(px, px))
    before = encode_mp4(frames, fps=30, size=(px, px), crf=20, x264_params="bframes=3")
    assert kept(before) < 0.93  # what this is about (0.912 measured)
    assert kept(now) >= 0.94, kept(now)  # 0.975 measured
    # 1.19 measured: this frame is mostly grainy face, so little backdrop gives bits back;
    # 1080p portraits measured 0.93-1.15x the dead-zone setting alone (README)
    assert len(now) < 1.25 * len(before)


def test_the_moving_face_gets_the_bits_a_plain_backdrop_does_not_need() -> None:
    """The astronaut with a little film grain breathes in front of her plain backdrop:
    a clip keeps more of the moving part's own fine detail (the high-pass picture projected
    on the one before encoding, so added coding noise counts for nothing) than x264's full
    adaptive quantisation did, which spent those bits on the backdrop's flat grain."""
    import cv2
    from skimage import data as images

    n, px = 30, 384
    photo = cv2.resize(images.astronaut(), (px, px), interpolation=cv2.INTER_AREA)
    grain = np.random.default_rng(0).normal(0.0, 3.0, (px, px, 1))
    frames = breathing_loop(np.clip(photo + grain, 0, 255).astype(np.uint8), n)

    def high_pass(rgb: np.ndarray) -> np.ndarray:
        grey = cv2.cvtColor(rgb[75:231, 115:268], cv2.COLOR_RGB2GRAY).astype(np.float32)
        return grey - cv2.GaussianBlur(grey, (0, 0), 1.0)

    def kept(mp4: bytes) -> float:
        decoded = [rgb for _, rgb in decode_frames(mp4)]
        return float(
            np.median(
                [
                    np.sum(high_pass(d) * high_pass(f)) / np.sum(high_pass(f) ** 2)
                    for d, f in zip(decoded, frames, strict=True)
                ]
            )
        )

    now = encode_mp4(frames, fps=30, size=(px, px))
    before = encode_mp4(
        frames,
        fps=30,
        size=(px, px),
        crf=20 + CLIP_CRF_OFFSET,
        x264_params="bframes=0:deadzone-inter=8:deadzone-intra=8",
    )
    assert kept(before) < 0.918  # what this is about (0.911 measured)
    assert kept(now) > 0.918, kept(now)  # 0.925 measured
    assert len(now) < 1.25 * len(before)  # 1.16 measured


def _audio_packets(data: bytes) -> list:  # type: ignore[type-arg]
    import av

    with av.open(io.BytesIO(data)) as c:
        return [p for p in c.demux(audio=0) if p.size]


def test_loop_seam_measures_the_wrap_against_ordinary_steps(astronaut: np.ndarray) -> None:
    """Our own seam measure (the judge's definition): a cut reads as a big step, the
    source loop as an ordinary one."""
    n = 30
    frames = breathing_loop(astronaut, n)
    lossless = encode_mp4(frames, fps=30, size=(512, 512), crf=0)
    seam = loop_seam(lossless)
    assert 0.5 < seam.ratio < 1.6 and seam.max_step_ratio < 2.5
    cut = encode_mp4(frames[: n // 4 + 1], fps=30, size=(512, 512), crf=0)
    assert loop_seam(cut).ratio > 4
