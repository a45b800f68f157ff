"""A large on-screen keyboard for one short line of text, and the digit keypad for the PIN.

Kivy's own VKeyboard is small and fiddly for a grieving guest; this one uses
the same big buttons as the rest of the kiosk. The text keyboard has three pages
of three ten-key rows (letters; digits and punctuation; accented letters) so
that "Ruth Miller, 1931–2024", "Happy 90th birthday!", "Zoë", "José" or
"Müller" can be typed with keys that stay at least 15 mm wide and tall. The
"123" and "àéü" keys open their page; an accented letter, like a phone's
long-press, types once and returns to the letters.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.uix.boxlayout import BoxLayout

from kiosk.widgets import BigButton

LETTERS = ("qwertyuiop", "asdfghjkl'", "zxcvbnm,.?")
# Every glyph here is in the kiosk's font, in both cases (tests/kiosk/test_languages.py).
SYMBOLS = ("1234567890", '-\u2013/:;()&@"', ".,?!'\u00bf\u00a1+=%")
# German, French and Spanish (and most western European names): 30 letters, one page.
ACCENTS = (
    "\u00e0\u00e1\u00e2\u00e4\u00e3\u00e6\u00e7\u00e8\u00e9\u00ea",
    "\u00eb\u00ec\u00ed\u00ee\u00ef\u00f1\u00f2\u00f3\u00f4\u00f6",
    "\u00f5\u00f8\u0153\u00f9\u00fa\u00fb\u00fc\u00fd\u00ff\u00df",
)
DIGITS = ("123", "456", "789")
TEXT_PAGES = (LETTERS, SYMBOLS, ACCENTS)

SHIFT = "shift"
PAGE = "page"
ACCENT_PAGE = "accents"
SPACE = " "
DELETE = "\b"

_KEY_NAMES = {SPACE: "space", DELETE: "delete"}


class KeyState:
    """Which page shows and whether the next letter is a capital; no Kivy, so it is unit-tested.

    Shift is one-shot, like a phone: it capitalises the next letter only. An
    empty line starts shifted so a name or a sentence begins with a capital.
    """

    def __init__(self, pages: tuple[tuple[str, ...], ...]) -> None:
        self.pages = pages
        self.page = 0
        self.shifted = False

    @property
    def rows(self) -> tuple[str, ...]:
        return self.pages[self.page]

    def begin(self, text: str) -> None:
        """A fresh edit of ``text``: letters first, shifted if the line is empty."""
        self.page = 0
        self.shifted = not text

    def press(self, key: str) -> str | None:
        """The character one key types, or None for a key that only changes the keyboard."""
        if key in (PAGE, ACCENT_PAGE):
            wanted = 1 if key == PAGE else 2
            self.page = 0 if self.page == wanted else wanted % len(self.pages)
            return None
        if key == SHIFT:
            self.shifted = not self.shifted
            return None
        typed = key
        if key.isalpha() and self.shifted:
            self.shifted = False
            typed = capital(key)
        if self.pages[self.page] is ACCENTS:
            self.page = 0  # one accented letter, then back to the letters
        return typed


def capital(letter: str) -> str:
    """The capital of a letter; "ß" stays itself rather than becoming two letters."""
    upper = letter.upper()
    return upper if len(upper) == 1 else letter


class OnScreenKeyboard(BoxLayout):
    def __init__(
        self,
        on_key: Callable[[str], None],
        key_px: float,
        font_px: float,
        t: Callable[[str], str],
        layout: tuple[str, ...] | None = None,
        **kw: object,
    ) -> None:
        super().__init__(orientation="vertical", spacing=6, size_hint_y=None, **kw)
        self.on_key = on_key
        self.key_px, self.font_px, self.t = key_px, font_px, t
        self.is_pin = layout is not None
        self.keys = KeyState((layout,) if layout is not None else TEXT_PAGES)
        self.height = 4 * (key_px + 6)
        self._draw()

    def begin(self, text: str) -> None:
        """Call when an edit starts, so the first letter of an empty line is a capital."""
        self.keys.begin(text)
        self._draw()

    def _press(self, key: str) -> None:
        before = (self.keys.page, self.keys.shifted)
        typed = self.keys.press(key)
        if typed is not None:
            self.on_key(typed)
        if (self.keys.page, self.keys.shifted) != before:
            self._draw()

    def _draw(self) -> None:
        """Rebuild the keys: labels follow the page and the shift."""
        self.clear_widgets()
        for keys in self.keys.rows:
            self.add_widget(self._row([(ch, 1.0) for ch in keys]))
        if self.is_pin:
            self.add_widget(self._row([(DELETE, 1.0), ("0", 1.0)]))
        else:
            self.add_widget(
                self._row(
                    [(PAGE, 1.5), (ACCENT_PAGE, 1.5), (SHIFT, 1.5), (SPACE, 3.5), (DELETE, 2.0)]
                )
            )

    def _row(self, keys: list[tuple[str, float]]) -> BoxLayout:
        row = BoxLayout(orientation="horizontal", spacing=6, size_hint_y=None, height=self.key_px)
        for key, width in keys:
            button = BigButton(
                self._label(key),
                action_id=f"key.{_KEY_NAMES.get(key, key)}",
                on_press=lambda key=key: self._press(key),
                height_px=self.key_px,
                font_px=self.font_px,
                size_hint_x=width,
            )
            button.selected = key == SHIFT and self.keys.shifted
            row.add_widget(button)
        return row

    def _label(self, key: str) -> str:
        if key == PAGE:
            return self.t("keyboard.letters" if self.keys.page == 1 else "keyboard.symbols")
        if key == ACCENT_PAGE:
            return self.t("keyboard.letters" if self.keys.page == 2 else "keyboard.accents")
        if key in (SHIFT, SPACE, DELETE):
            return self.t(f"keyboard.{_KEY_NAMES.get(key, key)}")
        return capital(key) if self.keys.shifted else key


def apply_key(current: str, key: str, max_chars: int) -> str:
    """The text after one key: backspace deletes, other keys append up to ``max_chars``."""
    if key == DELETE:
        return current[:-1]
    if len(current) >= max_chars or not key.isprintable():
        return current
    return current + key
