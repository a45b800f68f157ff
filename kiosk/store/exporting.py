"""Readable names for exported files: '2026-05-12 Ruth Miller.mp4', never an id soup.

A caption is typed by staff or guests, so it is cut down to letters, digits,
spaces and a few safe marks before it becomes part of a file name (no path
separators, no leading dots, no control characters, at most 60 characters).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

from kiosk.store.model import Event, Item

MAX_STEM_CHARS = 60
_UNSAFE = re.compile(r"[^\w\s'-]+")
_KIND_NAMES = {"photo": "photo", "clip": "", "thumb": "poster", "audio": "voice"}


def extension(data: bytes) -> str:
    if data.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    if data.startswith(b"\x89PNG"):
        return ".png"
    if data[4:8] == b"ftyp":
        return ".mp4"
    if data.startswith(b"RIFF") and data[8:12] == b"WAVE":
        return ".wav"
    return ".bin"


def safe_words(text: str) -> str:
    """``text`` reduced to what every file system accepts in a name."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C")
    text = _UNSAFE.sub(" ", text)
    text = " ".join(text.split()).strip(" .-'")
    return text[:MAX_STEM_CHARS].rstrip(" .-'")


def export_name(dest_dir: Path, item: Item, kind: str, data: bytes) -> Path:
    """A free file name in ``dest_dir`` for one of ``item``'s files."""
    words = safe_words(item.caption or "") or "Keepsake"
    suffix = _KIND_NAMES.get(kind, safe_words(kind))
    stem = f"{item.created:%Y-%m-%d} {words}" + (f" - {suffix}" if suffix else "")
    return _free(dest_dir, stem, extension(data))


def film_name(dest_dir: Path, event: Event) -> Path:
    """'2026-05-12 Ruth Miller - tribute film.mp4' for an event's tribute film."""
    words = safe_words(event.name) or "Keepsake"
    return _free(dest_dir, f"{event.day:%Y-%m-%d} {words} - tribute film", ".mp4")


def clip_name(dest_dir: Path, day: dt.date, caption: str) -> Path:
    """'2026-05-12 Zoë Müller.mp4' for a guest's own clip saved to their stick."""
    return _free(dest_dir, f"{day:%Y-%m-%d} {safe_words(caption) or 'Keepsake'}", ".mp4")


def _free(dest_dir: Path, stem: str, ext: str) -> Path:
    """``stem + ext`` in ``dest_dir``, numbered ' (2)', ' (3)'… when that name is taken."""
    path = dest_dir / f"{stem}{ext}"
    n = 2
    while path.exists():
        path = dest_dir / f"{stem} ({n}){ext}"
        n += 1
    return path
