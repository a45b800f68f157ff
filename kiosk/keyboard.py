"""A large on-screen keyboard (letters, digits, space, delete) for one short line of text.

Kivy's own VKeyboard is small and fiddly for a grieving guest; this one uses
the same big buttons as the rest of the kiosk.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.uix.boxlayout import BoxLayout

from kiosk.widgets import BigButton

# Letters and the punctuation a short spoken line or a caption needs; four rows keep 15 mm keys.
ROWS = ("qwertyuiop", "asdfghjkl'", "zxcvbnm,.?")
DIGITS = ("123", "456", "789")


class OnScreenKeyboard(BoxLayout):
    def __init__(
        self,
        on_key: Callable[[str], None],
        key_px: float,
        font_px: float,
        space_label: str,
        delete_label: str,
        layout: tuple[str, ...] = ROWS,
        **kw: object,
    ) -> None:
        super().__init__(orientation="vertical", spacing=6, size_hint_y=None, **kw)
        self.on_key = on_key
        rows = [*layout, " \b"] if layout is ROWS else [*layout, "\b0"]
        self.height = len(rows) * (key_px + 6)
        for keys in rows:
            row = BoxLayout(orientation="horizontal", spacing=6, size_hint_y=None, height=key_px)
            for ch in keys:
                label = {" ": space_label, "\b": delete_label}.get(ch, ch.upper())
                button = BigButton(
                    label,
                    action_id=f"key.{ {' ': 'space', chr(8): 'delete'}.get(ch, ch) }",
                    on_press=lambda ch=ch: self.on_key(ch),
                    height_px=key_px,
                    font_px=font_px,
                )
                if ch == " ":
                    button.size_hint_x = 4
                row.add_widget(button)
            self.add_widget(row)


def apply_key(current: str, key: str, max_chars: int) -> str:
    """The text after one key: backspace deletes, other keys append up to ``max_chars``."""
    if key == "\b":
        return current[:-1]
    if len(current) >= max_chars or not key.isprintable():
        return current
    return current + key
