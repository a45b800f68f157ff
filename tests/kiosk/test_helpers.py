"""Plain helpers behind the screens: typing, time left, USB photos, strings, touch sizes."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from kiosk import theme
from kiosk.adapters.usb import list_photos, save_bytes
from kiosk.keyboard import (
    DELETE,
    LETTERS,
    PAGE,
    SHIFT,
    SPACE,
    SYMBOLS,
    TEXT_PAGES,
    KeyState,
    apply_key,
)
from kiosk.strings import EN, Strings


def test_apply_key_types_deletes_and_caps_length() -> None:
    text = ""
    for key in "hi mum":
        text = apply_key(text, key, 5)
    assert text == "hi mu"
    assert apply_key(text, "\b", 5) == "hi m"
    assert apply_key("", "\b", 5) == ""


def type_keys(keys: list[str], start: str = "") -> str:
    """What a finger typing ``keys`` on the text keyboard leaves in the line."""
    state = KeyState(TEXT_PAGES)
    state.begin(start)
    text = start
    for key in keys:
        typed = state.press(key)
        if typed is not None:
            text = apply_key(text, typed, 60)
    return text


def test_text_keyboard_types_a_memorial_caption_and_a_greeting() -> None:
    caption = [*"ruth", SPACE, SHIFT, *"miller,", SPACE, PAGE, *"1931\u20132024"]
    assert type_keys(caption) == "Ruth Miller, 1931\u20132024"
    greeting = [*"happy", SPACE, PAGE, "9", "0", PAGE, *"th", SPACE, *"birthday", PAGE, "!"]
    assert type_keys(greeting) == "Happy 90th birthday!"
    # Shift is one-shot and toggles off; editing a line that has text starts lower-case.
    assert type_keys([SHIFT, SHIFT, "a", SHIFT, "b", "c"], start="x") == "xaBc"
    assert type_keys([DELETE, DELETE, "z"], start="ab") == "z"


def test_text_keyboard_offers_what_captions_need_on_ten_key_rows() -> None:
    keys = "".join(LETTERS + SYMBOLS)
    for needed in "0123456789-\u2013!',.?":
        assert needed in keys
    assert all(len(row) == 10 for row in LETTERS + SYMBOLS)  # same width as the letter keys


def test_remaining_time_estimate() -> None:
    pytest.importorskip("kivy")
    from kiosk.screens.render import remaining_s

    assert remaining_s(1.0, 0.01) is None
    assert remaining_s(10.0, 0.5) == pytest.approx(10.0)
    assert remaining_s(30.0, 0.75) == pytest.approx(10.0)


def test_usb_photos_newest_first_and_hidden_skipped(tmp_path: Path) -> None:
    for i, name in enumerate(["a.jpg", "b.PNG", ".hidden.jpg", "notes.txt"]):
        Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(tmp_path / name, format="PNG")
        (tmp_path / name).touch()
        import os

        os.utime(tmp_path / name, (i, i))
    (tmp_path / ".Trashes").mkdir()
    Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(tmp_path / ".Trashes" / "x.png")
    assert [p.name for p in list_photos(tmp_path)] == ["b.PNG", "a.jpg"]


def test_save_bytes_is_atomic_and_complete(tmp_path: Path) -> None:
    path = save_bytes(tmp_path, "clip.mp4", b"x" * 1000)
    assert path.read_bytes() == b"x" * 1000
    assert [p.name for p in tmp_path.iterdir()] == ["clip.mp4"]


def test_strings_all_format_and_screens_use_only_known_keys() -> None:
    text = Strings("en")
    for key, template in EN.items():
        fields = re.findall(r"{(\w+)", template)
        assert text(key, **dict.fromkeys(fields, 1)) if fields else text(key)
    used = set()
    for path in Path(__file__).resolve().parents[2].joinpath("kiosk").rglob("*.py"):
        used |= set(
            re.findall(
                r'(?:self\.t|t|text|self\.title|self\.button)\(\s*"([a-z_]+\.[a-z_.]+)"',
                path.read_text(),
            )
        )
    assert used, "no string keys found"
    assert used <= set(EN), sorted(used - set(EN))


def test_touch_targets_are_at_least_15_mm() -> None:
    for width_mm, width_px in ((217.0, 1280), (345.0, 1920), (0.0, 1280)):
        m = theme.metrics_for(width_px, width_mm, 96.0)
        assert m.touch_px / m.px_per_mm >= theme.MIN_TOUCH_MM


def test_keepsake_toml_documents_the_kiosk_defaults() -> None:
    from engine_edge.config import load_config
    from kiosk.settings import KioskSettings, load_settings

    toml = Path(__file__).resolve().parents[2] / "keepsake.toml"
    assert load_settings(load_config(toml)) == KioskSettings()
