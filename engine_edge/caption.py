"""A caption burned into a clip: "Ruth Miller, 1931–2024", set quietly away from the face.

Typography follows memorial print: a serif face (DejaVu Serif, from Debian's
fonts-dejavu-core: Latin with accents, Greek and Cyrillic), warm white with a
soft blurred shadow so it reads on any photo, one or two centred lines, in
whichever band (bottom or top) keeps clear of every face, fading in after the
clip has settled. It never covers the AI-animated mark.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine_edge.errors import KeepsakeError

FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSerif.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
)
MAX_CHARS = 80
MAX_LINES = 2


class CaptionInvalid(KeepsakeError):
    """The caption cannot be set (too long, empty, or no font that can draw it)."""


@dataclass(frozen=True)
class CaptionStyle:
    size_frac: float = 0.048  # cap height of a line relative to the frame's shorter side
    start_s: float = 0.4
    fade_in_s: float = 0.9
    colour: tuple[int, int, int] = (252, 248, 238)  # warm white
    shadow_opacity: float = 0.7
    scrim_opacity: float = 0.38  # a soft dark cloud behind the words, for light photos


def caption_font_path() -> Path:
    for path in FONT_CANDIDATES:
        if path.is_file():
            return path
    raise CaptionInvalid(
        "No caption font is installed (DejaVu Serif, Debian package fonts-dejavu-core)."
    )


def clean_caption(text: str) -> str:
    """One line of printable text, at most MAX_CHARS, or a clear error."""
    cleaned = " ".join("".join(ch for ch in text if ch.isprintable()).split())
    if not cleaned:
        raise CaptionInvalid("The caption is empty; type a name or a few words.")
    if len(cleaned) > MAX_CHARS:
        raise CaptionInvalid(
            f"The caption is {len(cleaned)} characters long; keep it to {MAX_CHARS}."
        )
    return cleaned


Box = tuple[float, float, float, float]


class Caption:
    """The caption rendered once; blended into each frame with its fade."""

    def __init__(
        self,
        text: str,
        frame_size: tuple[int, int],
        fps: float,
        *,
        faces: list[Box] = (),  # type: ignore[assignment]
        avoid: list[Box] = (),  # type: ignore[assignment]
        style: CaptionStyle = CaptionStyle(),
    ) -> None:
        self.text = clean_caption(text)
        self.style = style
        self.fps = fps
        w, h = frame_size
        rgba = set_text(self.text, frame_size, style)
        th, tw = rgba.shape[:2]
        margin = int(min(w, h) * 0.045)
        band = _choose_band(faces, h, th, margin)
        y = margin if band == "top" else h - th - margin
        x = (w - tw) // 2
        y = _clear_of(avoid, x, y, tw, th, h, band)
        x0, y0 = max(0, x), max(0, y)
        x1, y1 = min(w, x + tw), min(h, y + th)
        crop = rgba[y0 - y : y1 - y, x0 - x : x1 - x]
        self.alpha = crop[..., 3:4]
        self.colour = crop[..., :3]
        self.slices = (slice(y0, y1), slice(x0, x1))
        self.box: Box = (float(x0), float(y0), float(x1), float(y1))
        self.band = band
        self.frame_size = frame_size

    @property
    def full_index(self) -> int:
        """The first frame where the caption has fully faded in."""
        return math.ceil((self.style.start_s + self.style.fade_in_s) * self.fps)

    def opacity_at(self, index: int) -> float:
        t = index / self.fps - self.style.start_s
        if t <= 0:
            return 0.0
        x = min(1.0, t / self.style.fade_in_s)
        return x * x * (3 - 2 * x)

    def apply(self, frame: np.ndarray, index: int) -> np.ndarray:
        a = self.opacity_at(index)
        if a <= 0.0:
            return frame
        alpha = self.alpha * a
        region = frame[self.slices].astype(np.float32)
        frame[self.slices] = (region * (1 - alpha) + self.colour * alpha + 0.5).astype(np.uint8)
        return frame


def set_text(text: str, frame_size: tuple[int, int], style: CaptionStyle) -> np.ndarray:
    """The words set in at most two centred lines (shrunk to fit 80 % of the width), as
    float32 RGBA: colour 0..255, alpha 0..1, shadow and scrim included."""
    from PIL import ImageFont

    w, h = frame_size
    size_px = max(12, round(min(w, h) * style.size_frac / 0.72))  # cap height ~0.72 em
    font_path = caption_font_path()
    _check_glyphs(font_path, text)
    for _ in range(8):
        font = ImageFont.truetype(str(font_path), size_px)
        lines = _wrap(text, font, int(w * 0.8))
        if len(lines) <= MAX_LINES:
            break
        size_px = max(10, int(size_px * 0.88))
    return _render(lines, font, size_px, style)


def _wrap(text: str, font, max_w: int) -> list[str]:  # type: ignore[no-untyped-def]
    words, lines, line = text.split(" "), [], ""
    for word in words:
        trial = f"{line} {word}".strip()
        if font.getlength(trial) <= max_w or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return lines


def _check_glyphs(font_path: Path, text: str) -> None:
    """Refuse text the font would draw as empty boxes (e.g. CJK in DejaVu Serif)."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    cmap = TTFont(str(font_path), lazy=True).getBestCmap()
    missing = sorted({ch for ch in text if not ch.isspace() and ord(ch) not in cmap})
    if missing:
        raise CaptionInvalid(
            f"The caption font cannot draw {''.join(missing)!r}; use Latin, Greek or Cyrillic."
        )


def _render(lines: list[str], font, size_px: int, style: CaptionStyle):  # type: ignore[no-untyped-def]
    """Premultiplied-free RGBA float32 (0..255 colour, 0..1 alpha) of the text and its shadow."""
    from PIL import Image, ImageDraw, ImageFilter

    line_h = int(size_px * 1.25)
    pad = int(size_px * 0.6)
    tw = int(max(font.getlength(line) for line in lines)) + 2 * pad
    th = line_h * len(lines) + 2 * pad
    text_mask = Image.new("L", (tw, th), 0)
    draw = ImageDraw.Draw(text_mask)
    for i, line in enumerate(lines):
        lx = (tw - font.getlength(line)) / 2
        draw.text((lx, pad + i * line_h), line, font=font, fill=255)
    shadow = text_mask.filter(ImageFilter.GaussianBlur(max(2, size_px // 7)))
    shadow = shadow.transform(
        shadow.size,
        Image.Transform.AFFINE,
        (1, 0, -max(1, size_px // 18), 0, 1, -max(1, size_px // 14)),
    )
    scrim = Image.new("L", (tw, th), 0)
    ImageDraw.Draw(scrim).rounded_rectangle(
        (pad // 2, pad // 2, tw - pad // 2, th - pad // 2), radius=pad, fill=255
    )
    scrim = scrim.filter(ImageFilter.GaussianBlur(pad / 2.5))
    t = np.asarray(text_mask, np.float32)[..., None] / 255.0
    s = np.clip(np.asarray(shadow, np.float32)[..., None] / 255.0 * 1.6, 0, 1)
    s = np.maximum(
        s * style.shadow_opacity,
        np.asarray(scrim, np.float32)[..., None] / 255.0 * style.scrim_opacity,
    )
    alpha = t + s * (1 - t)
    colour = np.array(style.colour, np.float32) * t / np.maximum(alpha, 1e-6)
    return np.concatenate([colour, alpha], axis=2)


def _overlap(a: Box, b: Box) -> float:
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    return w * h


def _choose_band(faces: list[Box], h: int, th: int, margin: int) -> str:
    """Bottom unless the faces reach further into it than into the top band."""
    bottom: Box = (0, h - th - margin, 1e9, h)
    top: Box = (0, 0, 1e9, th + margin)
    grown = [
        (x0 - 0.1 * (x1 - x0), y0 - 0.15 * (y1 - y0), x1 + 0.1 * (x1 - x0), y1 + 0.15 * (y1 - y0))
        for x0, y0, x1, y1 in faces
    ]
    cover_bottom = sum(_overlap(f, bottom) for f in grown)
    cover_top = sum(_overlap(f, top) for f in grown)
    return "top" if cover_top < cover_bottom else "bottom"


def _clear_of(avoid: list[Box], x: int, y: int, tw: int, th: int, h: int, band: str) -> int:
    """Move the caption up (bottom band) or down (top band) until it clears the mark."""
    step = 1 if band == "top" else -1
    for _ in range(h):
        if not any(_overlap((x, y, x + tw, y + th), a) for a in avoid):
            return y
        y += step * 2
    return y


# What a kept clip's container says about itself (engine_edge.deliver.provenance): carried over.
PROVENANCE_KEYS = ("comment", "description", "encoder", "creation_time", "keepsake_provenance")


def burn_caption(
    mp4: bytes,
    caption: Caption,
    *,
    x264_preset: str = "veryfast",
    crf: int = 20,
    credentials=None,  # type: ignore[no-untyped-def]  # BoxCredentials: sign it again
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> tuple[bytes, np.ndarray]:
    """The clip with ``caption`` drawn into every frame, and its first fully captioned frame.

    Streamed: decode one frame, draw, encode (never the whole clip in memory as frames).
    The spoken line and the provenance metadata are kept; a signed clip is signed again
    with the same C2PA claim (the manifest's hashes bind the old pixels, so it cannot stay).
    """
    from engine_edge.deliver import AudioTrack, decode_frames, encode_mp4, probe_mp4
    from engine_edge.montage.film import SAMPLE_RATE, clip_audio

    facts = probe_mp4(mp4)
    if (facts.width, facts.height) != caption.frame_size:
        raise CaptionInvalid("The caption was laid out for a different clip size.")
    audio = clip_audio(mp4)
    full_at = caption.full_index
    poster: list[np.ndarray] = []

    def frames() -> Iterator[np.ndarray]:
        for i, frame in decode_frames(mp4):
            if cancel is not None and cancel.is_set():
                raise CaptionCancelled("Adding the caption was cancelled.")
            frame = caption.apply(np.ascontiguousarray(frame), i)
            if i == min(full_at, facts.frame_count - 1):
                poster.append(frame.copy())
            yield frame
            if progress is not None:
                progress(min(1.0, (i + 1) / max(1, facts.frame_count)))

    out = encode_mp4(
        frames(),
        fps=facts.fps,
        size=caption.frame_size,
        audio=AudioTrack(audio, SAMPLE_RATE) if audio is not None else None,
        metadata={k: v for k, v in facts.metadata.items() if k in PROVENANCE_KEYS},
        x264_preset=x264_preset,
        crf=crf,
    )
    if credentials is not None:
        out = _signed_like(mp4, out, credentials)
    return out, poster[0]


class CaptionCancelled(KeepsakeError):
    """The caption was being drawn in when the guest left: nothing changed."""


def _signed_like(original: bytes, captioned: bytes, credentials) -> bytes:  # type: ignore[no-untyped-def]
    """Sign the captioned clip with the claim the original carried (preset, self-check, …)."""
    from engine_edge import __version__
    from engine_edge.credentials import portrait_manifest, read_provenance, sign_mp4

    claim = read_provenance(original).claim
    manifest = portrait_manifest(
        software="Keepsake",
        version=__version__,
        preset=str(claim.get("preset", "")),
        self_check=str(claim.get("self_check", "not run")),
        speech=str(claim.get("speech", "none")),
        loop=bool(claim.get("loop", False)),
        visible_label=bool(claim.get("visible_label", True)),
    )
    return sign_mp4(captioned, manifest, credentials)
