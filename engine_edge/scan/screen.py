"""Is the "print" a screen? Look for the screen itself: its pixel grid.

A photographed display shows its sub-pixel grid, or the moiré that grid aliases into:
narrow peaks in the spectrum of the picture's fine detail that stand far above their
spectral neighbourhood, in lightness and often in colour (the red, green and blue stripes).
A print's tones, however dark, however bordered, have a smooth spectrum. Dark edges,
borders and backgrounds are deliberately not evidence: old prints have them too.

The spectrum is taken on a frame-aligned patch from the middle of the print, so a JPEG's
8-pixel block grid sits on known frequencies, which are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class ScreenSettings:
    """Peak prominences are natural logs of peak / local spectral floor (2.2 = 9x)."""

    grid_prominence: float = 2.2  # a pixel grid or its moiré, in lightness and colour alike
    lightness_prominence: float = 2.4  # or so strong in lightness alone (a print's reach 2.3)
    min_patch_px: int = 64  # a smaller print cannot tell


@dataclass(frozen=True)
class ScreenEvidence:
    """The strongest periodic peak that lightness and colour share (its prominence in the
    weaker of the two): a display's sub-pixel stripes make both at one frequency, while a
    print's own artefacts (a JPEG's blocks, resampling) show in one or the other."""

    grid_peak: float
    lightness_peak: float = 0.0  # the strongest periodic peak in lightness alone

    def is_screen(self, settings: ScreenSettings = ScreenSettings()) -> bool:
        return (
            self.grid_peak >= settings.grid_prominence
            or self.lightness_peak >= settings.lightness_prominence
        )


def screen_evidence(
    frame: np.ndarray, corners: np.ndarray, settings: ScreenSettings = ScreenSettings()
) -> ScreenEvidence:
    """Measure the pixel-grid evidence inside ``corners`` (frame pixels) of ``frame`` (RGB)."""
    h, w = frame.shape[:2]
    centre = corners.mean(axis=0)
    inner = centre + 0.5 * (corners - centre)  # the middle quarter, well clear of any border
    span = inner.max(axis=0) - inner.min(axis=0)
    n = int(min(span.min(), 512)) // 16 * 16
    if n < settings.min_patch_px:
        return ScreenEvidence(0.0)
    x0 = int(np.clip(round(centre[0]) - n // 2, 0, w - n))
    y0 = int(np.clip(round(centre[1]) - n // 2, 0, h - n))
    patch = frame[y0 : y0 + n, x0 : x0 + n].astype(np.float32) / 255.0
    lab = cv2.cvtColor(patch, cv2.COLOR_RGB2Lab)
    lightness, peaks = _prominence(lab[..., 0])
    colour = np.maximum(_prominence(lab[..., 1])[0], _prominence(lab[..., 2])[0])
    # Colour's peak may sit a bin away from lightness's: compare with its 3 x 3 best.
    colour = cv2.dilate(colour, np.ones((3, 3), np.uint8))
    shared = np.minimum(lightness, colour)[peaks]
    if not shared.size:
        return ScreenEvidence(0.0)
    return ScreenEvidence(float(shared.max()), float(lightness[peaks].max()))


def _prominence(channel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each frequency's prominence over its spectral neighbourhood in ``channel``'s fine
    detail, and the mask of the local peaks worth considering."""
    n = channel.shape[0]
    detail = channel - cv2.GaussianBlur(channel, (0, 0), 2.0)
    window = np.outer(np.hanning(n), np.hanning(n)).astype(np.float32)
    spectrum = np.abs(np.fft.fftshift(np.fft.fft2(detail * window))).astype(np.float32)
    log_spec = np.log(spectrum + 1e-4)
    prominence = np.asarray(log_spec - cv2.blur(log_spec, (17, 17)))
    c = n // 2
    yy, xx = np.mgrid[:n, :n]
    usable = np.hypot(yy - c, xx - c) > 0.08 * n  # coarse structure is the picture's own
    usable &= (np.abs(xx - c) > 2) & (np.abs(yy - c) > 2)  # the patch's own edges
    for k in range(-4, 5):  # a JPEG's 8-pixel block grid
        f = c + k * n // 8
        usable &= (np.abs(xx - f) > 1) & (np.abs(yy - f) > 1)
    local_max = log_spec == cv2.dilate(log_spec, np.ones((5, 5), np.uint8))
    return prominence, usable & local_max
