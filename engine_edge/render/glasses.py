"""Find the rims of a pair of glasses across an eye, so that a blink leaves them in place.

A blink paints a closing lid over the eye and pulls the lower lid's skin up; a rim that
crosses either would be painted out or bent, and the frame of the glasses would break
for the length of the blink. Glasses are rigid: the eye moves behind them.

A rim, seen in the eye's own frame (``u`` along the eye, ``v`` across it), is a thin
line much darker than what lies either side of it (a plastic or horn frame, or a metal
one in shadow), or much lighter (a metal frame catching the light), and it is found in
two shapes:

* a bar along the eye (a narrow frame's top or bottom), running on past both corners.
  What else is thin and dark along an eye stops near its corners (the lash line,
  eyeliner) or is faint past them (a crease, a fold, a wrinkle); a brow's lower edge
  has dark above it, and the brow is never searched. Where a dark bar crosses the lashes
  it has no edge of its own: there it is only required to show now and then.
* a ring round the eye (a small round or oval lens): a thin line of any direction that
  lies along one ellipse round the eye's centre, nearly all the way round. Creases,
  folds, an eye bag and crow's feet can join up round an eye too, but they branch off
  any one ellipse.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from engine_edge.render.features import EyeFeature
from engine_edge.runs import true_runs

REACH = 0.45  # rims are looked for this far past each corner, in eye lengths
BEYOND = 0.12  # and must be found from this far past both corners
STRETCH = 0.1  # over this much more (lenses are about 1.6 eye lengths wide)
SUPPORT = 0.8  # share of the columns past either corner where a rim must be found
ACROSS = 0.2  # and across the eye, where a dark rim crossing the lashes shows no edge
MAX_THICK = 0.15  # the thickest rim, in eye lengths (a brow is thicker)
MIN_CONTRAST = 18.0  # grey levels, or 5x the photo's grain where that is stronger
# A rim stands out past the corners, nearly everywhere (its 20th percentile), by this share
# of the tones around the eye (2nd to 98th percentile), and by RIM_CONTRAST_MIN grey levels:
# a frame is much darker than the skin either side, on a faded print too; a fold or crease
# is not. Drawn frames: 0.27-0.71 (0.29-0.68 faded to 60 % contrast); the strongest crease
# or fold on the 20 shared photos 0.16.
RIM_SHARE = 0.22
RIM_CONTRAST_MIN = 20.0
RING_FOUND = 0.85  # share of a lens rim's ellipse along which it is found
RING_HELD = 0.85  # share of its pixels within 0.06 eye lengths of that ellipse
# Share of the way from the brow's lower edge down to the lid line that is never searched.
# The closed lid reaches 0.95 of the way up (``features.LID_UNDER_BROW``); searched from
# there, the lower edge of sadtalker_full_body_1's brow, enlarged 1.5 times, passed for a
# rim. A quarter keeps the search where it was when the lid reached three quarters.
BROW_CLEAR = 0.25


@dataclass(frozen=True, eq=False)
class Rims:
    """Where rims cross one eye, as a soft mask on a grid in the eye's own frame."""

    eye: EyeFeature
    u0: float  # the grid's first column and row, in the eye's (u, v) pixels
    v0: float
    mask: np.ndarray  # (rows, cols) float32, 1 on a rim

    def at(self, xy: np.ndarray) -> np.ndarray:
        """The mask at photo positions ``xy`` (..., 2): 0 off the grid."""
        u, v = self.eye.frame.to_uv(xy)
        return cv2.remap(
            self.mask,
            np.ascontiguousarray(u - self.u0, dtype=np.float32),
            np.ascontiguousarray(v - self.v0, dtype=np.float32),
            cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=0.0,
        )


def find_rims(photo: np.ndarray, eye: EyeFeature) -> Rims | None:
    """The rims of glasses that cross this eye or the skin a blink moves, or None."""
    length = eye.length
    if length < 12.0:
        return None
    u0 = -REACH * length
    # From where the closing lid starts, but never the brow, whose lower edge would pass for
    # a rim, to the skin below the eye that the lower lid pulls up.
    start = eye.lid_top
    if eye.brow is not None:
        start = np.maximum(start, eye.brow + BROW_CLEAR * (eye.upper - eye.brow))
    v0 = float(start.min()) - 2.0
    v1 = float(eye.lower.max() + eye.skin_down) + 0.1 * length
    cols, rows = int(np.ceil((1 + 2 * REACH) * length)), int(np.ceil(v1 - v0))
    uu, vv = np.meshgrid(u0 + np.arange(cols), v0 + np.arange(rows))
    # Resampled first, then made grey: only the grid's pixels are converted.
    flat = eye.frame.sample(photo, uu.astype(np.float64), vv.astype(np.float64))
    flat = cv2.cvtColor(flat, cv2.COLOR_RGB2GRAY).astype(np.float32)
    flat = cv2.GaussianBlur(flat, (0, 0), 0.7)
    fine = flat - cv2.GaussianBlur(flat, (0, 0), 1.5)
    threshold = max(MIN_CONTRAST, 5.0 * 1.4826 * float(np.median(np.abs(fine))))
    first = round((REACH - BEYOND) * length)  # the last column past the outer corner
    last = min(cols - 1, round((REACH + 1 + BEYOND) * length))  # first past the inner one
    tones = float(np.percentile(flat, 98) - np.percentile(flat, 2))
    contrast = max(RIM_CONTRAST_MIN, RIM_SHARE * tones)
    mask = np.zeros((rows, cols), np.float32)
    # Lines along the eye thinner than the kernel stand out of a closing across it (dark:
    # lighter both above and below) or of an opening (light). The lower edge of a brow is
    # dark above too.
    column = np.ones((max(3, int(2 * MAX_THICK * length) | 1), 1), np.uint8)
    for stand_out in _thin_lines(flat, column):
        runs = _thin_runs(stand_out, threshold, max(2, int(MAX_THICK * length)))
        for curve, half in _rim_curves(runs, (first, last), length, contrast):
            for c in range(cols):
                centre = float(np.polyval(curve, c))
                top, bottom = max(0, int(np.floor(centre - half))), int(np.ceil(centre + half)) + 1
                mask[top : max(top, bottom), c] = 1.0
    mask = np.maximum(mask, _rings(flat, threshold, contrast, eye, (u0, v0)))
    if not mask.any():
        return None
    return Rims(eye, u0, v0, cv2.GaussianBlur(mask, (0, 0), 0.6))


def _rings(
    flat: np.ndarray,
    threshold: float,
    contrast: float,
    eye: EyeFeature,
    origin: tuple[float, float],
) -> np.ndarray:
    """Lens rims that go round the eye inside the grid (a small round or oval lens): thin
    dark or light lines of any direction along one ellipse round the eye. The eye's own opening and
    lash lines, which a rim may touch, are left out first, and with them where it touches."""
    rows, cols = flat.shape
    length = eye.length
    u0, v0 = origin
    k = max(3, int(2 * MAX_THICK * length) | 1)
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    uu = u0 + np.arange(cols)
    margin = 1.5 * eye.lash_px + 1.0
    top = np.interp(uu, eye.u_grid, eye.upper, left=np.inf, right=np.inf) - margin - v0
    bottom = np.interp(uu, eye.u_grid, eye.lower, left=-np.inf, right=-np.inf) + margin - v0
    rr = np.arange(rows)[:, None]
    opening = (rr >= top[None, :]) & (rr <= bottom[None, :])
    centre_u = 0.5 * length
    centre_v = float(np.interp(centre_u, eye.u_grid, (eye.upper + eye.lower) / 2))
    centre = (round(centre_u - u0), round(centre_v - v0))
    out = np.zeros((rows, cols), np.float32)
    for stand_out in _thin_lines(flat, disc):
        # The eye's own lines are left out, so a rim that touches them is a ring of its own.
        strong = ((stand_out >= threshold) & ~opening).astype(np.uint8)
        count, labels, stats, _ = cv2.connectedComponentsWithStats(strong, connectivity=8)
        for i in range(1, count):
            w, h = int(stats[i, cv2.CC_STAT_WIDTH]), int(stats[i, cv2.CC_STAT_HEIGHT])
            if w < length or stats[i, cv2.CC_STAT_AREA] > 2 * (w + h) * MAX_THICK * length:
                continue  # narrower than the eye, or not a thin line
            piece = labels == i
            if np.median(stand_out[piece]) >= contrast and _is_lens_rim(piece, centre, length):
                out[piece] = 1.0
    return out


def _thin_lines(flat: np.ndarray, kernel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How far each pixel stands out as part of a line thinner than ``kernel``: darker than
    both sides (a closing's top-hat), and lighter than both sides (an opening's)."""
    return (
        cv2.morphologyEx(flat, cv2.MORPH_CLOSE, kernel) - flat,
        flat - cv2.morphologyEx(flat, cv2.MORPH_OPEN, kernel),
    )


def _thin_runs(response: np.ndarray, threshold: float, thickest: int) -> np.ndarray:
    """(column, centre row, thickness, contrast) of every run of pixels down a column that
    stand out by ``threshold`` and are thin enough for a rim's bar (a side of the frame
    runs along the column: too long)."""
    strong = response >= threshold
    found = [
        (c, (a + b - 1) / 2.0, float(b - a), float(response[a:b, c].max()))
        for c in range(strong.shape[1])
        for a, b in true_runs(strong[:, c])
        if b - a <= thickest
    ]
    return np.array(found, np.float64).reshape(-1, 4)


def _rim_curves(
    runs: np.ndarray, ends: tuple[int, int], length: float, contrast: float
) -> list[tuple[np.ndarray, float]]:
    """Smooth curves (polynomial coefficients of the row over the column, half thickness)
    that strong thin runs follow past both corners of the eye and now and then across it.

    Each pair of runs, one past either corner, proposes a straight line; the runs near it
    refit it as a gentle curve, which counts if it is found in most columns past the outer
    corner and past the inner one, standing out strongly there, and in some across the eye.
    """
    first, last = ends
    tolerance = max(1.5, 0.04 * length)
    outer, inner = runs[runs[:, 0] <= first], runs[runs[:, 0] >= last]
    if not len(outer) or not len(inner):
        return []
    # Proposals from the columns just past each corner, the strongest first.
    outer = outer[outer[:, 0] >= first - 2]
    inner = inner[inner[:, 0] <= last + 2]
    pairs = sorted(
        ((a, b) for a in outer for b in inner), key=lambda pair: -(pair[0][3] + pair[1][3])
    )
    stretch = max(3, round(STRETCH * length))
    span = {
        "outer": np.arange(first - stretch, first + 1),
        "inner": np.arange(last, last + stretch + 1),
        "across": np.arange(first + 1, last),
    }
    curves: list[tuple[np.ndarray, float]] = []
    for a, b in pairs:
        line = np.polyfit([a[0], b[0]], [a[1], b[1]], 1)
        middle = float(np.polyval(line, (first + last) / 2))
        if any(abs(np.polyval(c, (first + last) / 2) - middle) < 3 * tolerance for c, _ in curves):
            continue  # a rim already found
        near = runs[np.abs(runs[:, 1] - np.polyval(line, runs[:, 0])) <= 2 * tolerance]
        if np.unique(near[:, 0]).size < 6:
            continue
        curve = np.polyfit(near[:, 0], near[:, 1], 2)
        near = runs[np.abs(runs[:, 1] - np.polyval(curve, runs[:, 0])) <= tolerance]
        seen = set(near[:, 0].astype(int).tolist())
        share = {k: float(np.isin(cols, list(seen)).mean()) for k, cols in span.items()}
        if min(share["outer"], share["inner"]) < SUPPORT or share["across"] < ACROSS:
            continue
        beyond = near[(near[:, 0] <= first) | (near[:, 0] >= last), 3]
        if np.percentile(beyond, 20) >= contrast:
            curves.append((curve, 0.5 * float(np.median(near[:, 2])) + 1.0))
    return curves


def _is_lens_rim(piece: np.ndarray, centre: tuple[int, int], length: float) -> bool:
    """Whether ``piece`` is the rim of a lens round the eye: an ellipse fitted to its pixels
    holds nearly all of them (wrinkles, folds and creases that join up round an eye branch
    off any one curve), the piece is found along nearly all of the ellipse (less where it
    met the lashes), and the eye's centre lies inside it."""
    rows, cols = np.nonzero(piece)
    if rows.size < 20:
        return False
    points = np.column_stack((cols, rows)).astype(np.float32)
    (cx, cy), (width, height), angle = cv2.fitEllipse(points)
    a, b = 0.5 * width, 0.5 * height
    if min(a, b) < 0.15 * length or 2.0 * max(a, b) < length:
        return False
    cos, sin = np.cos(np.radians(angle)), np.sin(np.radians(angle))

    def radius(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        dx, dy = x - cx, y - cy
        return np.hypot((dx * cos + dy * sin) / a, (dy * cos - dx * sin) / b)

    if radius(np.array([centre[0]]), np.array([centre[1]]))[0] >= 1.0:
        return False
    held = np.abs(radius(points[:, 0], points[:, 1]) - 1.0) * min(a, b) <= 0.06 * length + 1.0
    if held.mean() < RING_HELD:
        return False
    theta = np.linspace(0.0, 2.0 * np.pi, 72, endpoint=False)
    x = np.round(cx + a * np.cos(theta) * cos - b * np.sin(theta) * sin).astype(int)
    y = np.round(cy + a * np.cos(theta) * sin + b * np.sin(theta) * cos).astype(int)
    inside = (x >= 0) & (x < piece.shape[1]) & (y >= 0) & (y < piece.shape[0])
    gap = cv2.distanceTransform((~piece).astype(np.uint8), cv2.DIST_L2, 3)
    found = np.zeros(theta.size, bool)
    found[inside] = gap[y[inside], x[inside]] <= max(2.0, 0.05 * length)
    return float(found.mean()) >= RING_FOUND
