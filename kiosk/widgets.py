"""The few widgets every screen is built from: big buttons, wrapped text, photos, a progress bar.

Each button carries an ``action_id`` ("consent.agree") so keyboard handling
and the test-control hook can find it the same way a finger does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from kivy.graphics import Color, Line, Rectangle, RoundedRectangle
from kivy.graphics.texture import Texture
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk import theme

# Longest side of a photo's texture: more than any screen shows it at (1280x800, 1080p panels).
MAX_TEXTURE_SIDE_PX = 1024


class TextBlock(Label):
    """A label that wraps to its width and grows to its text's height."""

    def __init__(self, text: str = "", size_px: float = 24, color=theme.TEXT, bold=False, **kw):
        super().__init__(
            text=text,
            font_size=size_px,
            color=color,
            bold=bold,
            halign=kw.pop("halign", "center"),
            valign="middle",
            size_hint_y=None,
            **kw,
        )
        self.bind(width=self._wrap, texture_size=self._grow)
        self._grow()  # an empty block is a few pixels tall, not Kivy's default 100

    def _wrap(self, *_: object) -> None:
        self.text_size = (self.width, None)

    def _grow(self, *_: object) -> None:
        self.height = self.texture_size[1] + 8


class BigButton(ButtonBehavior, Label):
    """A large, rounded button; ``primary`` ones are gold with dark text."""

    action_id = StringProperty("")
    primary = BooleanProperty(False)
    selected = BooleanProperty(False)

    def __init__(self, text: str, action_id: str, on_press: Callable[[], None], **kw):
        self._press_handler = on_press
        height = kw.pop("height_px", 80)
        super().__init__(
            text=text,
            action_id=action_id,
            font_size=kw.pop("font_px", 26),
            size_hint_y=None,
            height=height,
            halign="center",
            valign="middle",
            **kw,
        )
        self.bind(size=self._redraw, pos=self._redraw, state=self._redraw, selected=self._redraw)
        self.bind(primary=self._redraw, disabled=self._redraw)
        self.bind(width=lambda *_: setattr(self, "text_size", (self.width - 20, None)))
        self._redraw()

    def _redraw(self, *_: object) -> None:
        pressed = self.state == "down"
        if self.primary:
            fill = theme.ACCENT_PRESSED if pressed else theme.ACCENT
            self.color = theme.ON_ACCENT
        else:
            fill = theme.SURFACE_PRESSED if pressed or self.selected else theme.SURFACE
            self.color = theme.TEXT if not self.disabled else theme.TEXT_MUTED
        self.canvas.before.clear()
        with self.canvas.before:
            Color(*fill)
            RoundedRectangle(pos=self.pos, size=self.size, radius=[14])
            if self.selected or not self.primary:
                Color(*(theme.OUTLINE if self.selected else (1, 1, 1, 0.12)))
                Line(
                    rounded_rectangle=(*self.pos, *self.size, 14),
                    width=3 if self.selected else 1.2,
                )

    def on_press(self) -> None:
        self._press_handler()


class CalmProgressBar(Widget):
    """A thick, calm progress bar (0..1)."""

    value = NumericProperty(0.0)

    def __init__(self, **kw):
        super().__init__(**kw)
        self.bind(pos=self._redraw, size=self._redraw, value=self._redraw)

    def _redraw(self, *_: object) -> None:
        self.canvas.clear()
        with self.canvas:
            Color(*theme.SURFACE)
            RoundedRectangle(pos=self.pos, size=self.size, radius=[self.height / 2])
            Color(*theme.ACCENT)
            width = max(self.height, self.width * min(1.0, max(0.0, self.value)))
            RoundedRectangle(pos=self.pos, size=(width, self.height), radius=[self.height / 2])


class LevelMeter(CalmProgressBar):
    """The microphone level while recording; the same bar, fed by loudness."""


def texture_from_rgb(image: np.ndarray) -> Texture:
    """Upload an RGB uint8 image into a Kivy texture (top row first)."""
    height, width = image.shape[:2]
    tex = Texture.create(size=(width, height), colorfmt="rgb")
    tex.blit_buffer(np.ascontiguousarray(image[::-1]).tobytes(), colorfmt="rgb", bufferfmt="ubyte")
    return tex


def fit_within(image: np.ndarray, max_side_px: int) -> np.ndarray:
    """The image shrunk (area-averaged) so its longer side is at most ``max_side_px``.

    A scan can be 3000 px on a side while the screen shows it at 600: uploading
    and sampling the full image is what made frames slow on software GL.
    """
    height, width = image.shape[:2]
    scale = max_side_px / max(height, width)
    if scale >= 1.0:
        return image
    import cv2

    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA))


class PhotoView(Widget):
    """Shows an RGB image fitted inside the widget, letterboxed, with optional outline and boxes.

    ``quad`` is a detected print outline and ``boxes`` face boxes, both in image
    pixels; ``dimmed`` lists boxes to draw as "left still".
    """

    quad = ListProperty([])
    boxes = ListProperty([])
    dimmed = ListProperty([])
    quad_found = BooleanProperty(False)
    max_side_px = NumericProperty(MAX_TEXTURE_SIDE_PX)  # the texture's longest side

    def __init__(self, **kw):
        super().__init__(**kw)
        self._texture: Texture | None = None
        self._image_size = (1, 1)
        self.bind(pos=self._redraw, size=self._redraw, quad=self._redraw, boxes=self._redraw)
        self.bind(dimmed=self._redraw)

    def set_image(self, image: np.ndarray | None) -> None:
        if image is None:
            self._texture = None
        else:
            height, width = image.shape[:2]
            shown = fit_within(image, int(self.max_side_px))
            size = (shown.shape[1], shown.shape[0])
            if self._texture is None or self._texture.size != size:
                self._texture = Texture.create(size=size, colorfmt="rgb")
            self._texture.blit_buffer(
                np.ascontiguousarray(shown[::-1]).tobytes(), colorfmt="rgb", bufferfmt="ubyte"
            )
            self._image_size = (width, height)  # boxes and quads stay in the image's pixels
        self._redraw()

    def fitted_rect(self) -> tuple[float, float, float, float]:
        """x, y, width, height of the image inside the widget (window-relative)."""
        iw, ih = self._image_size
        scale = min(self.width / iw, self.height / ih) if iw and ih else 1.0
        w, h = iw * scale, ih * scale
        return self.x + (self.width - w) / 2, self.y + (self.height - h) / 2, w, h

    def image_to_widget(self, x_px: float, y_px: float) -> tuple[float, float]:
        fx, fy, fw, fh = self.fitted_rect()
        iw, ih = self._image_size
        return fx + x_px * fw / iw, fy + fh - y_px * fh / ih

    def widget_to_image(self, x: float, y: float) -> tuple[float, float]:
        fx, fy, fw, fh = self.fitted_rect()
        iw, ih = self._image_size
        return (x - fx) * iw / fw, (fy + fh - y) * ih / fh

    def _redraw(self, *_: object) -> None:
        self.canvas.clear()
        if self._texture is None:
            return
        fx, fy, fw, fh = self.fitted_rect()
        with self.canvas:
            Color(1, 1, 1, 1)
            Rectangle(texture=self._texture, pos=(fx, fy), size=(fw, fh))
            if len(self.quad) == 4:
                Color(*(theme.DETECTED if self.quad_found else theme.SEARCHING))
                points = [c for x, y in self.quad for c in self.image_to_widget(x, y)]
                Line(points=points, close=True, width=3)
            for index, (x0, y0, x1, y1) in enumerate(self.boxes):
                still = index in self.dimmed
                Color(*((1, 1, 1, 0.45) if still else theme.DETECTED))
                ax, ay = self.image_to_widget(x0, y1)
                bx, by = self.image_to_widget(x1, y0)
                Line(rectangle=(ax, ay, bx - ax, by - ay), width=4, dash_length=12 if still else 1)


class Row(BoxLayout):
    """A horizontal row of buttons with the standard gap."""

    def __init__(self, gap_px: float, height_px: float, **kw):
        super().__init__(orientation="horizontal", spacing=gap_px, size_hint_y=None, **kw)
        self.height = height_px


def find_action(root: Widget, action_id: str) -> Any:
    """The widget on screen carrying this ``action_id``, as a finger would find it (or None)."""
    for widget in root.walk(restrict=True):
        if getattr(widget, "action_id", None) == action_id and widget.get_root_window() is not None:
            return widget
    return None
