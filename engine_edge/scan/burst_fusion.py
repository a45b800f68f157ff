"""A shaken burst fused sharper than its mean: Fourier burst accumulation.

A hand-held burst is shaken a little differently in each view, so each view's shake
blurs the print along its own direction: a detail that one view smeared, another kept.
A plain mean (``capture.fuse_burst``) averages the smeared and the kept alike. Fourier
burst accumulation (Delbracio & Sapiro, "Burst deblurring: removing camera shake through
Fourier burst accumulation", CVPR 2015) weights, per spatial frequency, each view's
spectrum by how much of it survived there (its smoothed magnitude to a power), so each
direction is taken from the view that kept it. Where no view is special (the sensor's
noise, a burst from a steady camera) the weights are equal and it is the mean again: no
view's noise is picked for being loud, since the magnitudes are smoothed over
neighbouring frequencies first.

Only the lightness is accumulated; the fused colour is kept, and the lightness that
accumulation adds is added to every channel. A phone's colour blotches average down
best in the plain mean, and shake hardly shows in colour the eye sees at a lower
resolution anyway. The fusion's rejection of glare and ghosts is kept: where a view
disagrees with the fused image over a patch (a reflection, a finger), not just along an
edge that its shake moved, that view's lightness is taken from the fused image, and the
accumulation, whose weights sum to one, gives back the fused value there.

What the burst's noise becomes on the way is said too (:class:`Accumulated`): the mean of
k views keeps 1/sqrt(k) of one view's noise, and a view that the accumulation weighs more
at a frequency brings more of its own noise there.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import scipy.fft

WEIGHT_GRID_PX = 256  # the weights are smooth: computed on a grid this size, then resized
# A large burst's steadiness is read first on a centre crop this size (below).
CENTRE_CROP_PX = 1024


@dataclass(frozen=True)
class AccumulationSettings:
    """How the views' spectra are weighed.

    ``power`` 0 is the plain mean, large powers take each frequency from one view (the
    paper's 11 picks noise too, at a phone's noise: 3-8 suit this camera's bursts best);
    ``smoothing`` is the Gaussian's sigma over the magnitudes as a share of the frequency
    range; a view is pulled to the fused image where the local mean of its lightness
    departs from the fused one's by ``reject_levels`` or more (fully at twice that).

    A steady burst (the camera on its stand) has nothing to accumulate: its views differ
    only by noise and a fraction of a pixel, and there the fused image, whose median guard
    keeps an edge crisp where the mean would soften it, is better (a deckled print on the
    table lost 0.02 of the SSIM ratio). How shaken a burst is shows in its weights: the
    mean over frequencies of the largest view's weight is 0.34-0.40 for this camera's
    steady bursts of three, 0.40-0.55 for hand-held ones shaken 2-6 px. The accumulation
    is taken in full above ``shaken_weight``, not at all below ``steady_weight``.

    Shake blurs the whole print alike, so on a large burst (a 12 MP capture's print is
    about 2000 px a side) the weights of a centre crop tell a steady burst as well, at a
    fifth of the transforms' cost: on steady 12 MP bursts the crop read 0.342-0.349 where
    the whole read 0.337-0.344. A crop under ``steady_weight`` by ``centre_margin`` settles
    it; otherwise the whole is weighed as before."""

    power: float = 5.0
    smoothing: float = 1.0 / 50.0
    reject_levels: float = 12.0
    patch_sigma_px: float = 2.0  # what "local" is: an edge's shake cancels, a glare spot does not
    pad_px: int = 16  # mirrored margin: the spectrum's wrap-around must not bring in the far side
    steady_weight: float = 0.40
    shaken_weight: float = 0.45
    centre_margin: float = 0.02


@dataclass(frozen=True)
class Accumulated:
    """The burst's print and how much of one view's noise is left in its lightness
    (``noise_share``: 1/sqrt(k) for the mean of k views, more where the accumulation took
    a frequency mostly from one view)."""

    image: np.ndarray
    noise_share: float


def accumulate(
    flats: list[np.ndarray],
    fused: np.ndarray,
    settings: AccumulationSettings = AccumulationSettings(),
) -> Accumulated:
    """``fused`` (the burst's :func:`capture.fuse_burst`) with the lightness of the aligned
    ``flats`` (RGB uint8) accumulated per frequency instead of averaged."""
    mean_share = 1.0 / np.sqrt(max(1, len(flats)))
    if len(flats) < 2:
        return Accumulated(fused, mean_share)
    fused_grey = cv2.cvtColor(fused, cv2.COLOR_RGB2GRAY).astype(np.float32)
    greys = [_agreeing_grey(flat, fused_grey, settings) for flat in flats]
    accumulated, share, noise_share = _accumulate_grey(greys, settings)
    if accumulated is None:
        return Accumulated(fused, mean_share)
    detail = cv2.multiply(cv2.subtract(accumulated, fused_grey), share)
    out = fused.astype(np.float32)
    out += detail[..., None] + 0.5
    return Accumulated(np.clip(out, 0, 255, out=out).astype(np.uint8), noise_share)


def _agreeing_grey(
    flat: np.ndarray, fused_grey: np.ndarray, settings: AccumulationSettings
) -> np.ndarray:
    """The view's lightness, with the fused image's wherever the view departs from it over
    a patch (what fuse_burst left out of this view there: glare, a finger, a ghost)."""
    grey = cv2.cvtColor(flat, cv2.COLOR_RGB2GRAY).astype(np.float32)
    diff = cv2.subtract(grey, fused_grey)
    patch = np.abs(cv2.GaussianBlur(diff, (0, 0), settings.patch_sigma_px))
    keep = cv2.max(cv2.min(2.0 - patch * (1.0 / settings.reject_levels), 1.0), 0.0)
    return cv2.add(fused_grey, cv2.multiply(keep, diff))


def _accumulate_grey(
    greys: list[np.ndarray], settings: AccumulationSettings
) -> tuple[np.ndarray | None, float, float]:
    """Per frequency, the views' spectra weighted by their smoothed magnitude ** power, how
    much of it to take (see AccumulationSettings) and the share of one view's noise the
    result keeps (:func:`_noise_share`); None for a steady burst."""
    h, w = greys[0].shape
    crop = CENTRE_CROP_PX
    if min(h, w) >= 3 * crop // 2:
        y0, x0 = (h - crop) // 2, (w - crop) // 2
        centre, _ = _weights([g[y0 : y0 + crop, x0 : x0 + crop] for g in greys], settings)
        if _shaken(centre) < settings.steady_weight - settings.centre_margin:
            return None, 0.0, 0.0
    grid, spectra = _weights(greys, settings)
    share = (_shaken(grid) - settings.steady_weight) / (
        settings.shaken_weight - settings.steady_weight
    )
    if share <= 0.0:
        return None, 0.0, 0.0
    share = min(share, 1.0)
    rows, half = spectra[0].shape
    total = sum(
        np.fft.ifftshift(cv2.resize(w, (half, rows), interpolation=cv2.INTER_LINEAR), axes=0)
        * spectrum
        for w, spectrum in zip(grid, spectra, strict=True)
    )
    pad = settings.pad_px
    out = scipy.fft.irfft2(total, s=(h + _padding(h, pad), w + _padding(w, pad)), workers=-1)
    accumulated = np.asarray(out[pad : pad + h, pad : pad + w], np.float32)
    return accumulated, share, _noise_share(grid, share)


def _noise_share(grid: np.ndarray, share: float) -> float:
    """How much of one view's noise (independent from view to view, even over frequencies)
    the fused lightness keeps: per frequency each view's noise enters with its weight in
    the mean (1/k, for the ``1 - share`` left of it) plus ``share`` times its accumulation
    weight, and the noise powers add up."""
    coefficients = (1.0 - share) / len(grid) + share * grid
    return float(np.sqrt(np.mean(np.sum(coefficients**2, axis=0))))


def _padding(side: int, pad: int) -> int:
    """How much a side grows: a mirrored margin of ``pad`` on each end, then on to a size
    the FFT is fast at (2106 + 32 = 2 x 1069, a prime, took 3x longer)."""
    return scipy.fft.next_fast_len(side + 2 * pad, real=True) - side


def _weights(
    greys: list[np.ndarray], settings: AccumulationSettings
) -> tuple[np.ndarray, list[np.ndarray]]:
    """The views' weights on the small grid (:func:`_grid_weights`) and their padded
    spectra."""
    h, w = greys[0].shape
    pad = settings.pad_px
    grow_h, grow_w = _padding(h, pad), _padding(w, pad)
    spectra = [
        scipy.fft.rfft2(
            cv2.copyMakeBorder(g, pad, grow_h - pad, pad, grow_w - pad, cv2.BORDER_REFLECT),
            workers=-1,
        )
        for g in greys
    ]
    return _grid_weights([np.abs(s) for s in spectra], settings), spectra


def _shaken(grid: np.ndarray) -> float:
    """How shaken a burst is: the mean over frequencies of the largest view's weight."""
    return float(grid.max(axis=0).mean())


def _grid_weights(magnitudes: list[np.ndarray], settings: AccumulationSettings) -> np.ndarray:
    """Each view's weight per frequency, summing to one, on a small grid of the half
    spectrum (rfft2's layout, its rows centred).

    The magnitudes are smoothed on a small grid (the weights vary slowly with frequency,
    and smoothing three full-resolution planes of a 12 MP print took seconds), with the
    rows centred so the Gaussian does not cross the zero frequency's wrap-around, and the
    half plane mirrored past its zero column (``|F(u, v)| = |F(-u, -v)|``) so it does not
    stop there either."""
    rows, half = magnitudes[0].shape
    grid_rows, grid_half = min(WEIGHT_GRID_PX, rows), min(WEIGHT_GRID_PX // 2 + 1, half)
    sigma = settings.smoothing * min(grid_rows, 2 * (grid_half - 1))
    margin = min(grid_half - 1, int(np.ceil(3.0 * sigma)))
    smooth = []
    for magnitude in magnitudes:
        centred = np.fft.fftshift(magnitude, axes=0).astype(np.float32)
        small = cv2.resize(centred, (grid_half, grid_rows), interpolation=cv2.INTER_AREA)
        mirrored = small[::-1, 1 : margin + 1][:, ::-1]
        if grid_rows % 2 == 0:  # an even count puts the zero row at grid_rows // 2
            mirrored = np.roll(mirrored, 1, axis=0)
        whole = cv2.GaussianBlur(np.hstack([mirrored, small]), (0, 0), sigma)
        smooth.append(whole[:, margin:])
    stack = np.stack(smooth)
    relative = stack / np.maximum(stack.max(axis=0, keepdims=True), 1e-12)
    powered = np.power(relative, settings.power, dtype=np.float32)
    return np.asarray(powered / powered.sum(axis=0, keepdims=True), np.float32)
