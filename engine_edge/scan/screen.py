"""Is the "print" a screen? Look for the screen itself: its pixel grid.

A photographed display shows its sub-pixel grid, or the moiré that grid aliases into:
narrow peaks in the spectrum of the picture's fine detail that stand far above their
spectral neighbourhood, in lightness and often in colour (the red, green and blue stripes).
A print's tones, however dark, however bordered, have a smooth spectrum. Dark edges,
borders and backgrounds are deliberately not evidence: old prints have them too.

The spectrum is taken on a frame-aligned patch from the middle of the print, so a JPEG's
8-pixel block grid sits on known frequencies, which are ignored. Straight edges along the
frame's rows and columns spread along the spectrum's axes; a peak there counts only where
it also stands above the rest of that line, since a screen square to the camera, or turned
on the table, can alias into a moiré along the frame's rows or columns.

A grid far finer than the camera's pixels is not resolved, but it still beats with them: a
moiré whose frequency drifts across a tilted screen, so one large patch smears its peak. It
stays sharp in small tiles, and it is everywhere on a screen: the median over the tiles of
their strongest lightness peak is the second cue. A print's own periodic texture (fabric,
a fence, a halftone) lives in some tiles; its median tile is as smooth as any photo's.

A print can carry a lattice everywhere too: the pixels or JPEG blocks of a small picture
printed large (a painting reproduction, an old web photo). That lattice is the picture's
own, so its rows and columns run along the print's sides. A moiré does not: it is the
screen's grid aliased by the camera's, and aliasing turns it away from the screen's axes
(by the grid's frequency over the moiré's, times the screen's turn: many degrees unless the
screen lies square to the camera within a fraction of a degree). So the tiled moiré counts
only when its peaks lie off the print's own axes.

A fainter moiré (the median tile's peak short of that threshold) still counts when it
carries as much of the detail, lies off the print's axes and is coloured: the colour
channels peak where lightness does (the sub-pixel stripes are red, green and blue). The
stripes lie side by side, so their red, green and blue beat out of step with each other: at
the moiré's frequency the three channels' waves are shifted apart. A print's coloured
texture (a knitted collar's yellow-green dots) brightens and darkens its colours together,
so at its peak the three waves are in step. Waves that far out of step are a screen's alone,
so they count even where the moiré stands out in a tile or two only (most of a tile's detail
is the picture's, the sensor's noise and the JPEG's).

In a dark, noisy view the sensor's noise holds most of the fine detail, so a moiré's share
of it is small however sharp its peak. It is still one pattern: most tiles peak at the same
frequency off the print's axes. A print's own texture peaks where its picture has detail,
at a frequency of its own in each tile. A small picture printed large is the exception: its
own pixel lattice is in every tile, and where it is finer than the camera's pixels it
aliases off the print's axes just as a screen's grid does. It is grey, though, while a
screen's red, green and blue stripes beat in colour as strongly as in lightness.

A moiré need not show in most tiles: where the picture is dark or busy, the sensor's noise,
the JPEG and the picture's own detail drown it. Where the picture is smooth and lit (a cheek,
a sky) it holds a large share of a tile's fine detail, at the same frequency in each such
tile. A print's texture that peaks alike in a few tiles (a checked shirt) is one pattern
among the picture's other detail there, so it holds a smaller share.

A grid finer than the camera's pixels can leave no peak at all (its moiré drifts too fast
across a tilted screen, and blur and JPEG wash it out), yet its red, green and blue stripes
still beat against the camera's pixels: fringes of colour a few pixels wide that lightness
does not share. A print's colour detail comes with lightness detail (a coloured edge is an
edge in lightness too), so the colour left over where lightness is regressed out of it,
locally, is small next to lightness's detail. The sensor's colour noise (a phone's blotches)
leaves colour without lightness too, but in blotches with no direction, while a moiré's
fringes run one way over many pixels: that leftover colour must also be coherent (its
structure tensor's coherence).

A halftone print (a newspaper clipping, a magazine photo) is a lattice everywhere too, as
sharp a peak as any pixel grid, and on most of the cues above it reads as a screen. Its dots
are ink on paper, though: in its light tones small dark dots on white, in its dark tones
small light holes in solid ink. So its fine detail is skewed dark in the light tones and
light in the dark tones. A display's grid multiplies the picture: its lit sub-pixels and
dark gaps keep one shape at every brightness, so its fine detail, scaled by the local
contrast, is skewed alike in dark and light tones (where its emitted light clips, lighter in
the light ones). Fine detail skewed light in the dark tones and dark in the light tones is
a halftone's, and vetoes every cue but the colour beating without lightness: where a
display's grid is faint in lightness, the picture's own specks (a catchlight in a dark
coffee, a dark rim on a white cup) can skew its detail so too, but its red, green and blue
stripes still fringe in colour, which a halftone's inks, darkening together, do not.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from functools import lru_cache

import cv2
import numpy as np

from engine_edge.scan import geometry


@dataclass(frozen=True)
class ScreenSettings:
    """Peak prominences are natural logs of peak / local spectral floor (2.2 = 9x)."""

    grid_prominence: float = 2.2  # a pixel grid or its moiré, in lightness and colour alike
    # Or so strong in lightness alone (prints of the tunable sets reach 2.23) while its
    # colour still peaks with it at ``lightness_colour_prominence`` (the ``grid_peak``): a
    # screen's red, green and blue stripes beat in colour too (1.58-2.17 on the screens
    # that only this refuses, first frames of 22 sets), a print's own lattice is grey (seed
    # 1900036, a portrait whose own fine lattice aliases at 1.87 camera pixels, 39° off the
    # print's axes: lightness 2.42, colour 1.25, refused as a screen before).
    lightness_prominence: float = 2.4
    lightness_colour_prominence: float = 1.4
    min_patch_px: int = 64  # a smaller print cannot tell
    # The median tile's moiré: a peak at least this prominent (screens 2.1-4.6 on the tuning
    # set, prints up to 2.05: an upscaled small photo's pixel ripple or JPEG blocks are a
    # faint grid too) ...
    tiled_prominence: float = 2.0
    # ... that carries this share of the tile's fine detail (screens 0.04-0.47; that faint
    # grid in a print at most 0.03).
    tiled_share: float = 0.035
    # ... and, in the tiles whose own peak crosses both, lies this far off the print's own
    # rows and columns (the median, degrees in the print's plane): a printed picture's
    # enlarged pixels or JPEG blocks lie along them (prints that cross the two thresholds
    # above: 0.3-2.2), a moiré away from them (screens that only this cue refuses: 4.3-44).
    tiled_off_axis_deg: float = 3.0
    # A fainter moiré: the median tile's peak at least this prominent, with the share above,
    # off the print's axes as above in the tiles that cross both, and coloured there (the
    # median prominence of the colour channels' peak beside lightness's). The screen that
    # only this refuses: 1.94, 12°, colour 2.15; prints with such a share off their axes
    # reach 1.66 (colour 0.84) and, coloured, 1.58 (tuning, seeds 200000+ and 300000+).
    faint_prominence: float = 1.8
    faint_colour_prominence: float = 1.4
    # ... and the red, green and blue waves at that peak out of step (:func:`_out_of_step`,
    # median over those tiles): the screens that only this cue refused 0.74-0.79, prints whose
    # tiles reach the cue's peak and share 0.00-0.13 (seed 3500069, sadtalker_art_19's knitted
    # collar on a small print: 1.98 with colour 1.86, refused as a screen before, 0.12).
    faint_out_of_step: float = 0.35
    # Tiles that reach the faint cue's peak and share, off the print's axes and coloured,
    # whose red, green and blue beat this far out of step count however faint the median
    # tile is: side-by-side stripes are a screen's alone. The screen that only this refuses
    # (seed 1000098, 1 of 9 tiles at 1.8 with the share, the median tile 1.52): 0.79; screens
    # that other cues refuse 0.64-0.83 (first frames, 129 screens of 11 tunable sets). The
    # 1440 prints of 15 tunable sets: at most 0.33 (seed 1200070, a phone's lone tile, 35°
    # off its axes, colour 1.43; seed 58, a dark print on its axes).
    lone_out_of_step: float = 0.6
    # A repeated moiré: most tiles (this share, and at least ``repeated_tiles``) peak at one
    # frequency (within ``repeated_bins`` of a tile's spectrum), off the print's axes as
    # above and at least ``faint_prominence``, their median peak at least
    # ``tiled_prominence``, and coloured (their median colour prominence beside the peak at
    # least ``repeated_colour_prominence``). A small, noisy screen (sadtalker_full_body_1,
    # seed 300423): 3 of 4 tiles, 3.03, a share of the detail of 0.02, colour 3.6. Prints of
    # tuning and seeds 200000-600000: at most a third of their tiles (3 of 9) agree so. A
    # small picture printed large has its own pixel lattice in every tile, and one finer
    # than the camera's pixels aliases off the print's axes as a screen's grid does (seed
    # 1400055, a 256 px photo printed 3.5x: 4 of 4 tiles, 2.53); it is grey, colour 1.35,
    # where a screen's red, green and blue stripes beat in colour as strongly as in
    # lightness.
    repeated_share: float = 0.6
    repeated_tiles: int = 3
    repeated_bins: float = 4.0
    repeated_colour_prominence: float = 2.0
    # A dominant moiré: at least ``dominant_tiles`` tiles whose peak, off the print's axes
    # and at least ``dominant_prominence``, holds this share of the tile's fine detail. A
    # screen's grid beats against the camera's pixels over all its lit glass, so where the
    # picture is smooth (a cheek, a sky) its moiré holds much of the detail; where the
    # picture is dark or busy, the noise, the JPEG and the picture's own detail drown it, so
    # most tiles may miss it (seed 2300035, the grey row gaps over a dark portrait's face: 2
    # of 5 tiles, peaks 3.6, shares 0.56-0.57). The tiles need not agree on the frequency: on
    # a tilted screen the moiré's frequency drifts from tile to tile (seed 2600089: 0.35 and
    # 0.38 of two tiles' detail at 3.9 and 4.3, 38° off the axes, 4.1 bins apart). The screens
    # that only this refuses (first frames of 27 tunable sets): 2-4 tiles, shares 0.33-0.64,
    # peaks 3.0-4.3. A print's texture peaking in a few tiles (a gingham shirt, seed 200038:
    # 0.16-0.19 of two tiles' detail at 2.55-2.58) holds less: no print's tile holds 0.26
    # (first frames of 9 tunable sets).
    dominant_tiles: int = 2
    dominant_share: float = 0.3
    dominant_prominence: float = 2.8
    # One such tile is enough where its peak holds this share of its detail: a moiré over a
    # smooth lit patch of a screen whose other tiles are dark or busy (seed 2400008: 0.59 at
    # 3.3, 9.7° off the axes, the one tile of 4 over the lit face). A print's lone tile holds
    # at most 0.26 (a phone's view, seed 3000016; 0.25 at 3.02, seed 3800000).
    lone_share: float = 0.5
    # Colour beating without lightness, in the fine detail between the two blurs
    # ``beat_band_px`` (Gaussian sigmas, frame pixels): the colour detail that lightness does
    # not explain within ``beat_window_px`` (sigma), over lightness's detail (both RMS) ...
    # (screens that only this refuses: 0.75-1.25; the 1056 prints of the tunable sets' first
    # frames with the coherence below: at most 0.36, phones with colour noise up to 0.81)
    beat_ratio: float = 0.6
    # ... and the coherence of that leftover colour (0 = no direction, 1 = straight fringes;
    # those screens 0.37-0.54, seed 3300107 at 0.37 with a ratio of 1.04; prints at the
    # ratio above at most 0.20: blotches).
    beat_coherence: float = 0.33
    beat_band_px: tuple[float, float] = (1.5, 4.0)
    beat_window_px: float = 8.0
    beat_patch_px: int = 256  # the middle of the large patch: the moiré is everywhere
    tile_px: int = 128
    max_tiles: int = 48  # enough for a steady median; caps the cost on a 12 MP frame
    # A moiré in the lit picture: of the ``lit_windows`` brightest windows of ``lit_window_px``
    # (frame pixels, apart, within ``lit_inner`` of the outline towards its middle), one
    # whose peak, at least ``lit_prominence``, off the print's axes (``tiled_off_axis_deg``)
    # and at least ``lit_min_cycles_per_px`` fine, holds ``lit_share`` of its detail. A
    # grid multiplies the picture: over a dim panel the moiré shows only where the picture
    # is lit, while the tiles above, a median of mostly dark ones, miss it (seed 4500062, a
    # dark painting: its tiles' median peak 1.36; one lit window 2.9, 0.27 of its detail, 9°
    # off). Of 53 first-frame screens that passed every other cue (tunable sets 1500000+ to
    # 5100000+), 17 reach 0.21-0.76 (one, 4800017, is vetoed as a halftone). A print's own
    # detail peaks in its lit windows too, but coarse: from 0.15 cycles a pixel a striped
    # shirt's window holds 0.25 (seed 3000038); from 0.22, the 670 prints of 8 tunable sets'
    # first frames hold at most 0.012. Fine halftones reach 0.23-0.49: their dots' skew
    # vetoes them (:meth:`ScreenEvidence.is_halftone`).
    lit_window_px: int = 96
    lit_windows: int = 8
    lit_inner: float = 0.85
    lit_prominence: float = 2.8
    lit_share: float = 0.2
    lit_min_cycles_per_px: float = 0.22
    # A halftone's dots: the skew of the patch's fine detail (:func:`_tone_skew`) in its
    # darkest fifth at least ``halftone_dark_skew`` (light holes in ink) and in its lightest
    # fifth at most ``halftone_light_skew`` (dark dots on paper). Halftones of seeds 200000+
    # (black at 45° and 15°, 2.5-8 camera px, CMYK rosettes; 36 scenes): 34 reach both, dark
    # 0.32-3.00, light -0.17 to -1.53, and one fires no cue. The 291 screens of 27 tunable
    # sets' first frames: none has both; where the dark fifth reaches 0.3 the light fifth
    # is at least +0.02, and where the light fifth reaches -0.15 the dark fifth is at most
    # 0.29 (seed 2700107, a screen its colour beating refuses, which the veto keeps), 0.18
    # on the screens that cues other than the colour beating refuse.
    halftone_dark_skew: float = 0.3
    halftone_light_skew: float = -0.15
    skew_band_px: float = 1.5  # the fine detail: the patch less its blur (sigma, frame px)
    skew_window_px: float = 6.0  # the local contrast that scales it (sigma, frame px)
    # The local tone that sorts it into fifths (sigma, frame px): the ink's coverage, so the
    # window spans a lattice's cell; at half the coarsest period (a poster's or a close-up's
    # dots, 16 camera px) it leaves 0.7 % of the lattice. A 4 px window followed a 12 or
    # 16 px lattice's own dots and cells, not the picture's tones, and the skews came out
    # reversed (seed 200000, 12 px: dark -0.13, light -0.53, refused as a screen; 8 px:
    # 1.43 and -0.62). On the fine lattices it sorts a little better (seeds 200000+, 36
    # halftones of three photos: 34 -> 35 reach both skews).
    tone_window_px: float = 8.0
    tone_share: float = 0.2  # the darkest and the lightest fifth


@dataclass(frozen=True)
class ScreenEvidence:
    """The strongest periodic peak that lightness and colour share (its prominence in the
    weaker of the two): a display's sub-pixel stripes make both at one frequency, while a
    print's own artefacts (a JPEG's blocks, resampling) show in one or the other."""

    grid_peak: float
    lightness_peak: float = 0.0  # the strongest periodic peak in lightness alone
    tiled_peak: float = 0.0  # the median over small tiles of their lightness peak (moiré)
    tiled_share: float = 0.0  # the median share of a tile's fine detail in that peak
    # The median angle between a moiré-like tile peak and the nearer of the print's own
    # axes (0-45°)
    tiled_off_axis_deg: float = 0.0
    # Over the tiles whose peak reaches ``faint_prominence`` with ``tiled_share``: the median
    # angle off the print's axes and the median colour prominence beside the peak
    faint_off_axis_deg: float = 0.0
    faint_colour: float = 0.0
    faint_out_of_step: float = 0.0  # and how far its red, green and blue beat out of step
    # The most tiles whose moiré-like peak (off the print's axes, at least
    # ``faint_prominence``) lies at one frequency, their share of all tiles and their median
    # peak
    repeated_tiles: int = 0
    repeated_share: float = 0.0
    repeated_peak: float = 0.0
    repeated_colour: float = 0.0  # their median colour prominence beside the peak
    # The tiles whose peak, off the print's axes and at least ``dominant_prominence``,
    # holds ``dominant_share`` of their detail (at any frequency), and the largest share of
    # its detail such a peak holds in any tile
    dominant_tiles: int = 0
    lone_share: float = 0.0
    # The largest share of a bright window's fine detail in one fine peak off the print's
    # axes (:func:`_lit_share`)
    lit_share: float = 0.0
    # Colour detail that lightness does not explain, over lightness's detail, and that
    # colour's coherence (:func:`_colour_beat`)
    colour_beat: float = 0.0
    beat_coherence: float = 0.0
    # The skew of the fine detail in the darkest and in the lightest fifth of the patch's
    # tones (:func:`_tone_skew`): a halftone's light holes in ink and dark dots on paper;
    # read only where another cue fires (0 elsewhere)
    dark_skew: float = 0.0
    light_skew: float = 0.0

    def is_halftone(self, settings: ScreenSettings = ScreenSettings()) -> bool:
        """Dots on paper: fine detail skewed light in the dark tones and dark in the light
        ones, which a display's grid, the same shape at every brightness, is not (the
        picture's own specks can skew it so where the grid is faint: :meth:`cues`)."""
        return (
            self.dark_skew >= settings.halftone_dark_skew
            and self.light_skew <= settings.halftone_light_skew
        )

    def is_screen(self, settings: ScreenSettings = ScreenSettings()) -> bool:
        return bool(self.cues(settings))

    def cues(self, settings: ScreenSettings = ScreenSettings()) -> tuple[str, ...]:
        """The names of the cues that call this a screen (none for a print): what a
        benchmark reports, so a refusal can be traced to the cue that made it. For a
        halftone (:meth:`is_halftone`), whose dot lattice fires the others as a pixel grid
        does, only the colour beating without lightness: sub-pixel stripes, never ink."""
        fired = {
            "grid": self.grid_peak >= settings.grid_prominence,
            "lightness": self.lightness_peak >= settings.lightness_prominence
            and self.grid_peak >= settings.lightness_colour_prominence,
            "tiled": self.tiled_peak >= settings.tiled_prominence
            and self.tiled_share >= settings.tiled_share
            and self.tiled_off_axis_deg >= settings.tiled_off_axis_deg,
            "faint": self.tiled_peak >= settings.faint_prominence
            and self.tiled_share >= settings.tiled_share
            and self.faint_off_axis_deg >= settings.tiled_off_axis_deg
            and self.faint_colour >= settings.faint_colour_prominence
            and self.faint_out_of_step >= settings.faint_out_of_step,
            "out_of_step": self.faint_off_axis_deg >= settings.tiled_off_axis_deg
            and self.faint_colour >= settings.faint_colour_prominence
            and self.faint_out_of_step >= settings.lone_out_of_step,
            "repeated": self.repeated_tiles >= settings.repeated_tiles
            and self.repeated_share >= settings.repeated_share
            and self.repeated_peak >= settings.tiled_prominence
            and self.repeated_colour >= settings.repeated_colour_prominence,
            "dominant": self.dominant_tiles >= settings.dominant_tiles,
            "lone": self.lone_share >= settings.lone_share,
            "lit": self.lit_share >= settings.lit_share,
            "colour_beat": self.colour_beat >= settings.beat_ratio
            and self.beat_coherence >= settings.beat_coherence,
        }
        kept = ("colour_beat",) if self.is_halftone(settings) else tuple(fired)
        return tuple(name for name in kept if fired[name])


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
    lightness, peaks, _ = _prominence(lab[..., 0])
    colour = np.maximum(_prominence(lab[..., 1])[0], _prominence(lab[..., 2])[0])
    # Colour's peak may sit a bin away from lightness's: compare with its 3 x 3 best.
    colour = cv2.dilate(colour, np.ones((3, 3), np.uint8))
    shared = np.minimum(lightness, colour)[peaks]
    tiled = _tiled_peak(frame, corners, settings)
    m = min(n, settings.beat_patch_px)
    o = (n - m) // 2
    beat, coherence = _colour_beat(patch[o : o + m, o : o + m], settings)
    grid = float(shared.max()) if shared.size else 0.0
    strongest = float(lightness[peaks].max()) if shared.size else 0.0
    evidence = ScreenEvidence(
        grid,
        strongest,
        **asdict(tiled),
        lit_share=_lit_share(frame, corners, settings),
        colour_beat=beat,
        beat_coherence=coherence,
    )
    if not evidence.cues(settings):
        # Nothing to veto: the dots' skew is read only where a cue fires (every preview
        # frame with a print in it comes here).
        return evidence
    dark_skew, light_skew = _tone_skew(patch, settings)
    return replace(evidence, dark_skew=dark_skew, light_skew=light_skew)


def _tone_skew(patch: np.ndarray, settings: ScreenSettings) -> tuple[float, float]:
    """The skew of ``patch``'s (RGB, 0-1) fine detail in its darkest and in its lightest
    ``tone_share`` of local tones: positive where the detail is light specks on dark (a
    halftone's holes in ink), negative where it is dark specks on light (its dots on paper).

    The detail is the patch's mean of channels less its blur, divided by its local RMS, so
    that a pattern the picture's brightness multiplies (a display's grid) has the same skew
    at every tone; the margin where the blurs run off the patch is left out."""
    intensity = patch.mean(axis=2)
    detail = intensity - cv2.GaussianBlur(intensity, (0, 0), settings.skew_band_px)
    contrast = np.sqrt(cv2.GaussianBlur(detail * detail, (0, 0), settings.skew_window_px))
    margin = int(2 * settings.skew_window_px)
    inside = (slice(margin, -margin), slice(margin, -margin))
    scaled = (detail / (contrast + 1e-6))[inside].ravel()
    tone = cv2.GaussianBlur(intensity, (0, 0), settings.tone_window_px)[inside].ravel()
    dark, light = np.quantile(tone, [settings.tone_share, 1.0 - settings.tone_share])
    return float(np.mean(scaled[tone <= dark] ** 3)), float(np.mean(scaled[tone >= light] ** 3))


def _colour_beat(patch: np.ndarray, settings: ScreenSettings) -> tuple[float, float]:
    """How much of ``patch``'s (RGB, 0-1) fine colour detail lightness does not explain, as
    a ratio to lightness's fine detail (RMS over the patch, per degree of freedom), and how
    coherent that leftover colour is.

    The detail is the band between two blurs; its lightness is the mean of the channels and
    its colour the two opponent axes orthogonal to it (red-green, yellow-blue). Within a
    window, each is regressed on lightness (a coloured edge is a scaled copy of its
    lightness edge), and the rest is kept: the part of colour that beats on its own."""
    fine, coarse = settings.beat_band_px
    band = cv2.GaussianBlur(patch, (0, 0), fine) - cv2.GaussianBlur(patch, (0, 0), coarse)
    red, green, blue = cv2.split(band)
    lightness = (red + green + blue) / 3.0
    opponents = ((red - green) / 2.0**0.5, (red + green - 2.0 * blue) / 6.0**0.5)
    window = settings.beat_window_px
    power = _window_mean(lightness * lightness, window) + 1e-9
    size = lightness.shape[::-1]
    leftover = [
        colour - cv2.resize(_window_mean(colour * lightness, window) / power, size) * lightness
        for colour in opponents
    ]
    colour_power = float(np.mean(leftover[0] ** 2 + leftover[1] ** 2)) / 2.0
    ratio = (colour_power / (float(np.mean(lightness**2)) + 1e-12)) ** 0.5
    return ratio, _coherence(leftover, window)


def _coherence(channels: list[np.ndarray], window: float) -> float:
    """The coherence of the structure tensor of ``channels`` (summed) averaged within
    ``window`` (sigma), weighted by the gradients' strength: 1 for straight stripes, near 0
    for blotches with no direction."""
    jxx = jyy = jxy = np.zeros_like(channels[0])
    for channel in channels:
        gx = cv2.Sobel(channel, cv2.CV_32F, 1, 0, ksize=3)
        gy = cv2.Sobel(channel, cv2.CV_32F, 0, 1, ksize=3)
        jxx, jyy, jxy = jxx + gx * gx, jyy + gy * gy, jxy + gx * gy
    jxx, jyy, jxy = (_window_mean(j, window) for j in (jxx, jyy, jxy))
    spread = np.sqrt((jxx - jyy) ** 2 + 4.0 * jxy**2)
    return float(spread.sum() / ((jxx + jyy).sum() + 1e-12))


def _window_mean(image: np.ndarray, window: float) -> np.ndarray:
    """``image``'s Gaussian mean within ``window`` (sigma), at half its resolution: so wide
    a window loses nothing there, and costs a sixth."""
    height, width = image.shape
    half = cv2.resize(image, (width // 2, height // 2), interpolation=cv2.INTER_AREA)
    return np.asarray(cv2.GaussianBlur(half, (0, 0), window / 2.0))


@dataclass(frozen=True)
class TiledEvidence:
    """What the small tiles show (:func:`_tiled_peak`), by the names of the
    :class:`ScreenEvidence` fields it fills, so no value can land in another's place."""

    tiled_peak: float = 0.0
    tiled_share: float = 0.0
    tiled_off_axis_deg: float = 0.0
    faint_off_axis_deg: float = 0.0
    faint_colour: float = 0.0
    faint_out_of_step: float = 0.0
    repeated_tiles: int = 0
    repeated_share: float = 0.0
    repeated_peak: float = 0.0
    repeated_colour: float = 0.0
    dominant_tiles: int = 0
    lone_share: float = 0.0


def _tiled_peak(frame: np.ndarray, corners: np.ndarray, settings: ScreenSettings) -> TiledEvidence:
    """The median, over frame-aligned tiles well inside ``corners``, of each tile's
    strongest lightness peak and of the share of the tile's fine detail in it (with its
    mirror image); the median angle of that peak off the print's own axes over the tiles
    where it crosses both thresholds (45° when none does); over the tiles where it
    crosses ``faint_prominence`` and the share, the median angle, colour beside it and how
    far out of step the colours beat there; the most tiles whose peak lies at one
    frequency (:func:`_repeated`); and, of the tiles whose peak is strong and off the
    print's axes, how many hold ``dominant_share`` of their detail in it and the largest
    share one holds. Zeros when fewer than 3 tiles fit."""
    t = settings.tile_px
    centre = corners.mean(axis=0)
    inner = np.round(centre + 0.7 * (corners - centre)).astype(np.int32)
    x0, y0 = inner.min(axis=0)
    x1, y1 = inner.max(axis=0)
    step = t // 2
    while ((x1 - x0) // step) * ((y1 - y0) // step) > settings.max_tiles:
        step += t // 4
    mask = np.zeros(frame.shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, inner, 1)
    integral = cv2.integral(mask)
    to_print = _to_print(corners)
    peaks = []
    for y in range(max(y0, 0), y1 - t + 1, step):
        for x in range(max(x0, 0), x1 - t + 1, step):
            inside = (
                integral[y + t, x + t] - integral[y, x + t] - integral[y + t, x] + integral[y, x]
            )
            if inside < t * t:
                continue
            patch = frame[y : y + t, x : x + t].astype(np.float32) / 255.0
            lab = cv2.cvtColor(patch, cv2.COLOR_RGB2Lab)
            prominence, local, power = _prominence(lab[..., 0])
            if not local.any():
                continue
            py, px, peak, share = _strongest_peak(prominence, local, power)
            near = _near(py, px)
            # The angle and colour are judged on the tiles whose own peak looks like a
            # moiré: in the others it is the picture's texture wherever it points.
            off_axis = colour = out_of_step = np.nan
            lowest = min(settings.tiled_prominence, settings.faint_prominence)
            if peak >= lowest:
                off_axis = _off_axis_deg(power, py, px, to_print, (x + t / 2, y + t / 2))
                colour = max(float(_prominence(lab[..., c])[0][near].max()) for c in (1, 2))
                out_of_step = _out_of_step(patch, py, px)
            peaks.append((peak, share, off_axis, colour, px - t // 2, py - t // 2, out_of_step))
    if len(peaks) < 3:
        return TiledEvidence()
    found = np.array(peaks)
    moire = (found[:, 0] >= settings.tiled_prominence) & (found[:, 1] >= settings.tiled_share)
    faint = (found[:, 0] >= settings.faint_prominence) & (found[:, 1] >= settings.tiled_share)
    off_axis_deg = float(np.median(found[moire, 2])) if moire.any() else 45.0
    faint_deg, faint_colour, faint_step = (
        np.median(found[faint][:, [2, 3, 6]], axis=0) if faint.any() else (45.0, 0.0, 0.0)
    )
    repeated, repeated_peak, repeated_colour = _repeated(found, settings)
    # NaN angles (tiles whose peak is short of a moiré's) compare False: never strong.
    strong = found[
        (found[:, 0] >= settings.dominant_prominence) & (found[:, 2] >= settings.tiled_off_axis_deg)
    ]
    return TiledEvidence(
        tiled_peak=float(np.median(found[:, 0])),
        tiled_share=float(np.median(found[:, 1])),
        tiled_off_axis_deg=off_axis_deg,
        faint_off_axis_deg=float(faint_deg),
        faint_colour=float(faint_colour),
        faint_out_of_step=float(faint_step),
        repeated_tiles=repeated,
        repeated_share=repeated / len(found),
        repeated_peak=repeated_peak,
        repeated_colour=repeated_colour,
        dominant_tiles=int(np.count_nonzero(strong[:, 1] >= settings.dominant_share)),
        lone_share=float(strong[:, 1].max()) if len(strong) else 0.0,
    )


def _to_print(corners: np.ndarray) -> np.ndarray:
    """The homography from the frame to the flat print inside ``corners`` (its sides' mean
    lengths), which carries a frequency into the print's plane (:func:`_off_axis_deg`)."""
    sides = np.linalg.norm(np.roll(corners, -1, axis=0) - corners, axis=1)
    width, height = (sides[0] + sides[2]) / 2, (sides[1] + sides[3]) / 2
    flat = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    return np.asarray(cv2.getPerspectiveTransform(corners.astype(np.float32), flat))


def _strongest_peak(
    prominence: np.ndarray, allowed: np.ndarray, power: np.ndarray
) -> tuple[int, int, float, float]:
    """The most prominent bin of ``allowed`` (its row and column), its prominence and the
    share of the detail's ``power`` within a bin of it, with its mirror image (a real
    pattern's power is split between the two). A patch of one flat colour (a digital
    print's black, with no camera noise on it) has no detail: its share is 0."""
    py, px = np.unravel_index(np.argmax(np.where(allowed, prominence, -np.inf)), allowed.shape)
    total = float(power.sum())
    share = 2.0 * float(power[_near(int(py), int(px))].sum()) / total if total > 0.0 else 0.0
    return int(py), int(px), float(prominence[py, px]), share


def _near(py: int, px: int) -> tuple[slice, slice]:
    """The 3 x 3 bins round (``py``, ``px``): a peak's own, as a window's leakage spreads it."""
    return slice(max(py - 1, 0), py + 2), slice(max(px - 1, 0), px + 2)


def _lit_share(frame: np.ndarray, corners: np.ndarray, settings: ScreenSettings) -> float:
    """The largest share of a bright window's fine detail that one peak holds, of the
    windows (:func:`_bright_windows`) whose strongest peak at least
    ``lit_min_cycles_per_px`` fine reaches ``lit_prominence`` off the print's axes; 0 where
    none does.

    A display's grid multiplies the picture, so its moiré is as strong as the picture is
    bright: over a dim panel it stands out in the lit windows alone."""
    n = settings.lit_window_px
    fine = _fine_mask(n, settings.lit_min_cycles_per_px)
    to_print = _to_print(corners)
    best = 0.0
    for x, y in _bright_windows(frame, corners, settings):
        patch = frame[y : y + n, x : x + n].astype(np.float32) / 255.0
        prominence, local, power = _prominence(cv2.cvtColor(patch, cv2.COLOR_RGB2Lab)[..., 0])
        allowed = local & fine
        if not allowed.any():
            continue
        py, px, peak, share = _strongest_peak(prominence, allowed, power)
        if (
            peak >= settings.lit_prominence
            and share > best
            and _off_axis_deg(power, py, px, to_print, (x + n / 2, y + n / 2))
            >= settings.tiled_off_axis_deg
        ):
            best = share
    return best


def _bright_windows(
    frame: np.ndarray, corners: np.ndarray, settings: ScreenSettings
) -> list[tuple[int, int]]:
    """The top-left corners (frame pixels) of up to ``lit_windows`` square windows of
    ``lit_window_px`` inside the outline shrunk to ``lit_inner`` of itself, the brightest
    first, none overlapping another: on a grid of a quarter window, each window's mean
    brightness from the frame averaged over that grid's cells (cheap on a 12 MP frame)."""
    n = settings.lit_window_px
    cell = n // 4
    centre = corners.mean(axis=0)
    inner = centre + settings.lit_inner * (corners - centre)
    height, width = frame.shape[:2]
    x0, y0 = np.maximum(np.floor(inner.min(axis=0)).astype(int), 0)
    x1, y1 = np.minimum(np.ceil(inner.max(axis=0)).astype(int), (width, height))
    columns, rows = (x1 - x0) // cell - 3, (y1 - y0) // cell - 3
    if columns < 1 or rows < 1:
        return []
    box = frame[y0 : y0 + (rows + 3) * cell, x0 : x0 + (columns + 3) * cell]
    cells = cv2.resize(box, (columns + 3, rows + 3), interpolation=cv2.INTER_AREA)
    brightness = cv2.blur(cells.astype(np.float32).mean(axis=2), (4, 4), anchor=(0, 0))
    tops = np.mgrid[:rows, :columns].astype(np.float64) * cell
    ys, xs = tops[0] + y0, tops[1] + x0
    inside = np.ones((rows, columns), bool)
    for dx, dy in ((0, 0), (n, 0), (0, n), (n, n)):
        inside &= _in_convex(inner, xs + dx, ys + dy)
    score = np.where(inside, brightness[:rows, :columns], -1.0)
    windows: list[tuple[int, int]] = []
    while len(windows) < settings.lit_windows and score.max() >= 0.0:
        row, column = np.unravel_index(np.argmax(score), score.shape)
        windows.append((int(xs[row, column]), int(ys[row, column])))
        score[max(row - 3, 0) : row + 4, max(column - 3, 0) : column + 4] = -1.0
    return windows


def _in_convex(polygon: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Whether each point (``xs``, ``ys``) lies inside the convex ``polygon`` (either
    winding): on the same side of every edge."""
    sides = []
    for start, end in zip(polygon, np.roll(polygon, -1, axis=0), strict=True):
        sides.append((end[0] - start[0]) * (ys - start[1]) - (end[1] - start[1]) * (xs - start[0]))
    stacked = np.stack(sides)
    return np.asarray((stacked >= 0).all(axis=0) | (stacked <= 0).all(axis=0))


def _repeated(found: np.ndarray, settings: ScreenSettings) -> tuple[int, float, float]:
    """The most tiles whose peak lies at one frequency, and their median peak and colour:
    of the tiles (rows of ``found``: peak, share, angle off the print's axes, colour,
    frequency x and y, out of step) whose peak reaches ``faint_prominence`` off the print's
    axes, those within ``repeated_bins`` of one of them (a frequency and its mirror image
    are one)."""
    moire = found[
        (found[:, 0] >= settings.faint_prominence) & (found[:, 2] >= settings.tiled_off_axis_deg)
    ]
    best, best_peak, best_colour = 0, 0.0, 0.0
    for frequency in moire[:, 4:6]:
        apart = np.minimum(
            np.linalg.norm(moire[:, 4:6] - frequency, axis=1),
            np.linalg.norm(moire[:, 4:6] + frequency, axis=1),
        )
        together = moire[apart <= settings.repeated_bins]
        if len(together) > best:
            best = len(together)
            best_peak, best_colour = (float(v) for v in np.median(together[:, [0, 3]], axis=0))
    return best, best_peak, best_colour


def _out_of_step(patch: np.ndarray, py: int, px: int) -> float:
    """How far the red, green and blue waves of ``patch`` (RGB, a square tile) at the
    spectral bin (``py``, ``px``) (fftshift's layout) are out of step: 0 when the three
    are one wave scaled (in step or inverted: a print's texture), towards 1 when they are
    shifted apart (side-by-side sub-pixel stripes). The smaller singular value over the
    larger of the three complex amplitudes as points in the plane.

    One bin of the windowed spectrum is one separable sum: a row of the wave's phase
    times the tile times a column, for the three channels at once (three whole FFTs of
    the tile read the same value at many times the cost)."""
    n = patch.shape[0]
    phase = -2j * np.pi * np.arange(n) / n
    rows = np.exp(phase * (py - n // 2))
    columns = np.exp(phase * (px - n // 2))
    centred = (patch - patch.mean(axis=(0, 1))) * _hann_2d(n)[..., None]
    amplitudes = np.einsum("y,yxc,x->c", rows, centred.astype(np.float64), columns)
    points = np.stack([amplitudes.real, amplitudes.imag], axis=1)
    larger, smaller = np.linalg.svd(points, compute_uv=False)
    return float(smaller / larger) if larger > 0 else 0.0


def _off_axis_deg(
    power: np.ndarray, py: int, px: int, to_print: np.ndarray, at: tuple[float, float]
) -> float:
    """The angle (0-45°) between the spectral peak at (``py``, ``px``) of a tile centred
    ``at`` (frame pixels) and the nearer of the print's own axes, in the print's plane.

    The peak's frequency is refined to a fraction of a bin (a parabola through its log
    power and its neighbours'), then carried into the print's plane by the local
    derivative of ``to_print`` (frame → the flat print): a plane wave of frequency
    k in the frame has k·J in the print, J being d(frame)/d(print)."""
    n = power.shape[0]

    def log_power(row: int, col: int) -> float:
        return np.log(power[row, col] + 1e-20)

    offsets = []
    for dy, dx in ((0, 1), (1, 0)):  # along x, then along y
        below = log_power(max(py - dy, 0), max(px - dx, 0))
        above = log_power(min(py + dy, n - 1), min(px + dx, n - 1))
        offsets.append(geometry.peak_offset(below, log_power(py, px), above))
    frequency = np.array([px - n // 2 + offsets[0], py - n // 2 + offsets[1]])
    x, y = at
    steps = np.array([[[x, y]], [[x + 1, y]], [[x, y + 1]]], np.float32)
    mapped = cv2.perspectiveTransform(steps, to_print)
    print_per_frame = np.stack([mapped[1, 0] - mapped[0, 0], mapped[2, 0] - mapped[0, 0]], axis=1)
    in_print = np.linalg.solve(print_per_frame, np.eye(2)).T @ frequency
    angle = float(np.degrees(np.arctan2(abs(in_print[1]), abs(in_print[0]))))
    return min(angle, 90.0 - angle)


def _prominence(channel: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each frequency's prominence over its spectral neighbourhood in ``channel``'s fine
    detail, the mask of the local peaks worth considering, and the detail's power
    spectrum."""
    n = channel.shape[0]
    detail = channel - cv2.GaussianBlur(channel, (0, 0), 2.0)
    spectrum = np.abs(np.fft.fftshift(np.fft.fft2(detail * _hann_2d(n)))).astype(np.float32)
    log_spec = np.log(spectrum + 1e-4)
    prominence = np.asarray(log_spec - cv2.blur(log_spec, (17, 17)))
    on_y_axis, on_x_axis, usable = _spectral_masks(n)
    # On the axes, where the frame-aligned edges (the patch's own, a square print's) make a
    # line above its 2-D neighbourhood, a peak must also stand above the line 5-8 bins away
    # along it: flat for an edge, while a drifting moiré is a few bins wide.
    along = np.zeros(17, np.float32)
    along[:4] = along[-4:] = 1.0 / 8.0
    along_y = np.asarray(log_spec - cv2.filter2D(log_spec, -1, along[:, None]))
    along_x = np.asarray(log_spec - cv2.filter2D(log_spec, -1, along[None, :]))
    prominence = np.where(on_y_axis, np.minimum(prominence, along_y), prominence)
    prominence = np.where(on_x_axis, np.minimum(prominence, along_x), prominence)
    local_max = log_spec == cv2.dilate(log_spec, np.ones((5, 5), np.uint8))
    return prominence, usable & local_max, spectrum.astype(np.float64) ** 2


@lru_cache(maxsize=8)
def _hann_2d(n: int) -> np.ndarray:
    """The Hann window of an ``n`` × ``n`` patch (read-only: made once per size, since
    every tile of a frame has the same one)."""
    window = np.outer(np.hanning(n), np.hanning(n)).astype(np.float32)
    window.setflags(write=False)
    return window


@lru_cache(maxsize=8)
def _fine_mask(n: int, min_cycles_per_px: float) -> np.ndarray:
    """For an ``n`` x ``n`` spectrum (fftshift's layout), read-only: the bins at least
    ``min_cycles_per_px`` from its centre."""
    c = n // 2
    yy, xx = np.mgrid[:n, :n]
    mask = np.hypot(yy - c, xx - c) >= min_cycles_per_px * n
    mask.setflags(write=False)
    return mask


@lru_cache(maxsize=8)
def _spectral_masks(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For an ``n`` × ``n`` spectrum (fftshift's layout), read-only: the bins within 2 of
    the vertical axis and of the horizontal one, and the bins where a peak may be a
    screen's: clear of the coarse structure, which is the picture's own, and of a JPEG's
    8-pixel block grid."""
    c = n // 2
    yy, xx = np.mgrid[:n, :n]
    usable = np.hypot(yy - c, xx - c) > 0.08 * n
    for k in (-4, -3, -2, -1, 1, 2, 3, 4):
        f = c + k * n // 8
        usable &= (np.abs(xx - f) > 1) & (np.abs(yy - f) > 1)
    masks = (np.abs(xx - c) <= 2, np.abs(yy - c) <= 2, usable)
    for mask in masks:
        mask.setflags(write=False)
    return masks
