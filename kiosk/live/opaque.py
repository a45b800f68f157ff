"""Drawing without blending, for what hides everything under it (a video frame).

Kivy leaves GL blending on for every instruction. Over an opaque picture that buys
nothing (alpha 1 over anything is the picture itself: the same pixels) but it makes
the renderer read the framebuffer back for each pixel; with software GL (llvmpipe)
that read is a large share of the wall's frame (benchmarks/kiosk.py --wall).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from kivy.graphics import Callback
from kivy.graphics import opengl as gl


def _blending_off(_instruction: object) -> None:
    gl.glDisable(gl.GL_BLEND)


def _blending_on(_instruction: object) -> None:
    gl.glEnable(gl.GL_BLEND)


@contextmanager
def opaque() -> Iterator[None]:
    """Inside ``with canvas:``, what is drawn in the block is written without blending."""
    Callback(_blending_off)
    yield
    Callback(_blending_on)
