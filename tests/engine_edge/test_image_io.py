"""load_image on the odd files scanners and phones produce, all made by the tests."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from engine_edge.errors import ImageTooLarge, ImageUnreadable, OutputUnwritable
from engine_edge.image_io import as_rgb8, decode_image, load_image, save_image


def _left_red(width: int = 60, height: int = 30) -> Image.Image:
    arr = np.zeros((height, width, 3), np.uint8)
    arr[:, : width // 2] = (255, 0, 0)
    arr[:, width // 2 :] = (0, 0, 255)
    return Image.fromarray(arr)


@pytest.mark.parametrize(
    ("orientation", "shape", "red_at"),
    [
        (1, (30, 60), (15, 5)),  # as stored
        (3, (30, 60), (15, 55)),  # rotated 180
        (6, (60, 30), (5, 15)),  # rotated 90 clockwise to display: left edge goes to the top
        (8, (60, 30), (55, 15)),  # rotated 90 counter-clockwise
    ],
)
def test_exif_orientation_is_applied(tmp_path, orientation, shape, red_at):
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / "phone.jpg"
    _left_red().save(path, exif=exif, quality=95)
    img = load_image(path)
    assert img.shape == (*shape, 3) and img.dtype == np.uint8
    r, _, b = img[red_at].astype(int)
    assert r > 200 and b < 60


@pytest.mark.parametrize("mode", ["L", "LA", "P", "RGBA", "CMYK", "I;16", "1"])
def test_every_mode_becomes_rgb8(tmp_path, astronaut, mode):
    src = Image.fromarray(astronaut[::4, ::4])
    if mode == "I;16":
        gray = np.asarray(src.convert("L"), np.uint16) * 257
        img = Image.fromarray(gray, mode="I;16")
        path = tmp_path / "scan16.png"
    elif mode == "CMYK":
        img, path = src.convert("CMYK"), tmp_path / "print.jpg"
    else:
        img, path = src.convert(mode), tmp_path / f"file_{mode}.png"
    img.save(path)
    out = load_image(path)
    assert out.shape == (128, 128, 3) and out.dtype == np.uint8
    assert 40 < out.mean() < 220  # real content, not blank or saturated
    if mode == "I;16":  # 16-bit scaled to 8 bits, not clipped
        expected = np.asarray(src.convert("L"), np.float64)
        assert np.abs(out[..., 0] - expected).max() <= 1


def test_transparency_is_composited_on_white(tmp_path):
    arr = np.zeros((10, 10, 4), np.uint8)
    arr[:, :5] = (255, 0, 0, 255)  # opaque red; right half fully transparent
    Image.fromarray(arr, "RGBA").save(tmp_path / "cutout.png")
    out = load_image(tmp_path / "cutout.png")
    assert tuple(out[5, 2]) == (255, 0, 0)
    assert tuple(out[5, 8]) == (255, 255, 255)


def _png_header_only(path: Path, width: int, height: int) -> None:
    """A PNG that declares width x height but holds almost no pixel data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


def test_huge_image_is_refused_before_decoding(tmp_path):
    path = tmp_path / "poster.png"
    _png_header_only(path, 12_000, 9_000)  # 108 MP, but the file is tiny
    with pytest.raises(ImageTooLarge, match=r"12000x9000.*lower resolution"):
        load_image(path)
    _png_header_only(path, 20_000, 10_000)  # beyond Pillow's own bomb limit too
    with pytest.raises(ImageTooLarge, match="lower resolution"):
        load_image(path)


def test_pixel_limit_is_configurable(tmp_path, astronaut):
    Image.fromarray(astronaut).save(tmp_path / "a.png")
    with pytest.raises(ImageTooLarge):
        load_image(tmp_path / "a.png", max_pixels=100_000)


def test_truncated_file_is_unreadable(tmp_path, astronaut):
    path = tmp_path / "cut.jpg"
    Image.fromarray(astronaut).save(path, quality=90)
    path.write_bytes(path.read_bytes()[:3000])
    with pytest.raises(ImageUnreadable, match="damaged or cut short"):
        load_image(path)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", "empty"),
        (b"hello, this is a text file\n", "not a photo"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "could not be read|not a photo"),
    ],
)
def test_bad_files_say_what_to_do(tmp_path, content, match):
    path = tmp_path / "photo.jpg"
    path.write_bytes(content)
    with pytest.raises(ImageUnreadable, match=match):
        load_image(path)


def test_missing_path_and_folder(tmp_path):
    with pytest.raises(ImageUnreadable, match="does not exist"):
        load_image(tmp_path / "nope.jpg")
    with pytest.raises(ImageUnreadable, match="not a file"):
        load_image(tmp_path)


def test_save_image_is_atomic_and_checks_the_folder(tmp_path, astronaut):
    out = save_image(tmp_path / "o.png", astronaut)
    assert np.array_equal(load_image(out), astronaut)
    assert [p.name for p in tmp_path.iterdir()] == ["o.png"]  # no temp file left behind
    with pytest.raises(OutputUnwritable, match="does not exist"):
        save_image(tmp_path / "missing" / "o.png", astronaut)
    with pytest.raises(OutputUnwritable, match="unknown image type"):
        save_image(tmp_path / "o.xyz", astronaut)


EPS = (
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 32 32\n%%EndComments\n"
    b"newpath 0 0 moveto 32 32 lineto stroke showpage\n%%EOF\n"
)
POSTSCRIPT = b"%!PS-Adobe-3.0\n%%BoundingBox: 0 0 32 32\n%%EndComments\nshowpage\n%%EOF\n"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.mark.parametrize("content", [EPS, POSTSCRIPT, PDF], ids=["eps", "ps", "pdf"])
def test_a_document_named_jpg_is_refused_without_running_ghostscript(
    tmp_path, monkeypatch, content
):
    """Pillow decodes by content: an EPS named photo.jpg would go to Ghostscript. Only the
    formats Keepsake supports are tried, so Ghostscript (an external program with a long
    history of exploits) is never started, even on a box where it is installed."""
    from PIL import EpsImagePlugin

    started: list[object] = []
    monkeypatch.setattr(EpsImagePlugin, "has_ghostscript", lambda: True)
    monkeypatch.setattr(EpsImagePlugin, "gs_binary", "gs", raising=False)
    monkeypatch.setattr(EpsImagePlugin, "Ghostscript", lambda *a, **k: started.append(a))
    path = tmp_path / "photo.jpg"
    path.write_bytes(content)
    with pytest.raises(ImageUnreadable, match="not a photo Keepsake can read"):
        load_image(path)
    assert started == []


def test_a_png_named_jpg_is_read_by_its_content(tmp_path, astronaut):
    path = tmp_path / "photo.jpg"
    Image.fromarray(astronaut).save(path, format="PNG")
    assert np.array_equal(load_image(path), astronaut)


@pytest.mark.parametrize("size", [(20000, 40), (40, 2000), (4, 4)])
def test_strips_and_specks_are_refused_from_the_header(tmp_path, size):
    path = tmp_path / "strip.png"
    Image.new("RGB", size).save(path)
    with pytest.raises(ImageUnreadable, match=f"{size[0]}x{size[1]} pixels"):
        load_image(path)


def test_a_photo_without_read_permission_says_so(tmp_path, astronaut):
    import os

    path = tmp_path / "locked.png"
    Image.fromarray(astronaut).save(path)
    path.chmod(0)
    if os.access(path, os.R_OK):
        pytest.skip("running as root: permissions do not stop reading")
    with pytest.raises(ImageUnreadable, match="permission denied"):
        load_image(path)


def test_photo_bytes_in_memory_follow_the_same_rules(astronaut):
    """What the store keeps and the kiosk shows is decoded like a file: EPS refused, PNG read."""
    import io

    buffer = io.BytesIO()
    Image.fromarray(astronaut).save(buffer, format="PNG")
    assert np.array_equal(decode_image(buffer.getvalue()), astronaut)
    with pytest.raises(ImageUnreadable, match="stored photo is not a photo Keepsake can read"):
        decode_image(EPS, "The stored photo")
    with pytest.raises(ImageUnreadable, match="empty"):
        decode_image(b"")


def test_arrays_in_memory_become_rgb8_or_a_clear_error():
    grey = np.arange(48, dtype=np.uint8).reshape(6, 8)
    three = as_rgb8(grey)
    assert three.shape == (6, 8, 3) and (three == grey[..., None]).all()
    assert as_rgb8(grey[..., None]).shape == (6, 8, 3)
    rgb = np.full((6, 8, 3), 90, np.uint8)
    assert as_rgb8(rgb) is rgb
    rgba = np.zeros((6, 8, 4), np.uint8)
    rgba[..., 3] = 255
    rgba[:3, :, 3] = 0  # the top half is transparent: white paper shows there
    composited = as_rgb8(rgba)
    assert (composited[:3] == 255).all() and (composited[3:] == 0).all()
    for bad in (grey.astype(np.float32), np.zeros((6, 8, 2), np.uint8), np.zeros((0, 8), np.uint8)):
        with pytest.raises(ImageUnreadable, match="camera"):
            as_rgb8(bad, "The camera's picture")
