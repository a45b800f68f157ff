"""Colours, type sizes and touch-target sizes: calm, high contrast, large.

Sizes are in millimetres of the physical screen where it matters (touch
targets at least 15 mm, per the issue), converted with the screen's width.
"""

from __future__ import annotations

from dataclasses import dataclass

# Deep blue-grey background, warm off-white text, muted gold for the one main action.
BACKGROUND = (0.09, 0.10, 0.12, 1)
SURFACE = (0.15, 0.17, 0.20, 1)
SURFACE_PRESSED = (0.22, 0.25, 0.29, 1)
TEXT = (0.96, 0.94, 0.90, 1)
TEXT_MUTED = (0.78, 0.76, 0.72, 1)
ACCENT = (0.86, 0.76, 0.52, 1)
ACCENT_PRESSED = (0.74, 0.64, 0.42, 1)
ON_ACCENT = (0.09, 0.10, 0.12, 1)
WARNING = (0.95, 0.72, 0.55, 1)
OUTLINE = (0.86, 0.76, 0.52, 1)
DETECTED = (0.55, 0.85, 0.65, 1)
SEARCHING = (0.95, 0.85, 0.55, 1)

MIN_TOUCH_MM = 15.0

# Kivy's bundled Roboto draws every label; it holds every letter of the four languages, the
# accents page and the PIN dot (tests/kiosk/test_languages.py checks each string against it).
FONT_FILES = ("Roboto-Regular.ttf", "Roboto-Bold.ttf")
# One entered PIN digit. (U+25CF, the black circle used before, is not in Roboto: it drew boxes.)
PIN_DOT = "\u2022"


@dataclass(frozen=True)
class Metrics:
    """Pixel sizes for one screen."""

    px_per_mm: float

    def mm(self, value_mm: float) -> float:
        return value_mm * self.px_per_mm

    @property
    def touch_px(self) -> float:
        """Height of every button: 18 mm, comfortably over the 15 mm minimum."""
        return self.mm(18.0)

    @property
    def gap_px(self) -> float:
        return self.mm(5.0)

    @property
    def title_px(self) -> float:
        return max(34.0, self.mm(9.0))

    @property
    def body_px(self) -> float:
        return max(24.0, self.mm(5.5))

    @property
    def small_px(self) -> float:
        return max(20.0, self.mm(4.5))

    @property
    def table_px(self) -> float:
        """Rows of facts for staff (diagnostics): read up close, so smaller than guest text."""
        return max(18.0, self.mm(3.6))


def metrics_for(window_width_px: float, screen_width_mm: float, system_dpi: float) -> Metrics:
    """Pixels per millimetre from the configured physical width, else the system DPI."""
    if screen_width_mm > 0:
        return Metrics(px_per_mm=window_width_px / screen_width_mm)
    return Metrics(px_per_mm=max(system_dpi, 96.0) / 25.4)
