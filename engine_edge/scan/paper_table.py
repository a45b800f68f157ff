"""Tell the print's paper from the table: the table's colour modelled from the frame's
rim, the region that differs from it, and per side whether paper lies just inside and
table just outside (on the small copy, or at the frame's resolution)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cached_property

import cv2
import numpy as np

from engine_edge.scan.edge_fit import outward_normal

# How far apart (Lab, 8-bit) one border's paper may stand from the table on two of its
# sides (``one_paper``).
ONE_PAPER = 12.0
# Half the width of the band round an outline that its agreement with a region leaves out:
# the region mask's smoothing (``region_mask``) spills up to about 3 px past an edge; 2 px
# of it are left out (1400033's right outline: 0.865 counted whole, 0.95 so).
REGION_BAND_PX = 2


@dataclass(frozen=True)
class TableView:
    """The frame's downscaled copy in Lab (8-bit), ``lab``, with the table seen in it.

    Every check of an outline on the small copy compares it with the table: the table's
    model (``table_model``: a plane through the frame's rim per channel) and the region
    that differs from it are the same for every outline of a frame, and one detection asks
    for them dozens of times, so each is made once, when first asked for. The arrays are
    read-only: they are shared by every check.
    """

    lab: np.ndarray

    @cached_property
    def features(self) -> np.ndarray:
        """``lab`` as float32, what the checks compare."""
        return _read_only(self.lab.astype(np.float32))

    @cached_property
    def _table_fit(self) -> tuple[np.ndarray, np.ndarray]:
        return table_model(self.features)

    @cached_property
    def table(self) -> np.ndarray:
        """The table's expected features everywhere (h, w, 3)."""
        return _read_only(self._table_fit[0])

    @cached_property
    def table_spread(self) -> float:
        """How far (Lab) a strip may lie from the table model and still be table: the rim's
        90th percentile residual and 6 more."""
        return float(np.percentile(np.linalg.norm(self._table_fit[1], axis=1), 90) + 6.0)

    @cached_property
    def smooth(self) -> np.ndarray:
        """``lab`` median-filtered (5 px): the copy candidates and regions are found on."""
        return _read_only(cv2.medianBlur(self.lab, 5))

    @cached_property
    def regions(self) -> np.ndarray:
        """Where the small copy differs from the table (``region_mask`` of ``smooth``)."""
        return _read_only(region_mask(self.smooth))


def _read_only(array: np.ndarray) -> np.ndarray:
    """``array``, marked read-only: a shared array no check may change for the next."""
    array.flags.writeable = False
    return array


def picture_sides(view: TableView, corners_small: np.ndarray) -> list[bool]:
    """Per side, whether it lies on the picture's edge inside a border (light or dark) that
    the other sides show (one or two sides without the border's paper just inside); []
    when the sides agree."""
    paper = paper_inside(view, corners_small)
    picture = [not p for p in paper]
    return picture if 1 <= sum(picture) <= 2 else []


def paper_inside(
    view: TableView, corners_small: np.ndarray, *, outside: bool = False
) -> list[bool]:
    """Per side, whether the border's paper lies just inside it (``outside``: just outside
    it, round a picture). The border: two sides or more with plain paper of one hue there,
    light (white or cream; a lamp's fall-off changes its lightness, not its hue) or dark (a
    black border). All False without one."""
    feats = view.features
    inner = []
    offsets = (1.5, 2.0, 2.5) if outside else (-1.5, -2.0, -2.5)
    strips = side_strips(corners_small, offsets, view.lab.shape[:2])
    for pts in strips:
        values = feats[pts[:, 1], pts[:, 0]] if len(pts) >= 10 else np.zeros((1, 3), np.float32)
        inner.append((np.median(values, axis=0), _spread(values[:, 0])))

    def texture(i: int) -> float:
        pts = strips[i]
        if len(pts) < 10:
            return 0.0
        p0, p1 = corners_small[i], corners_small[(i + 1) % 4]
        return _spread_about_trend(feats[pts[:, 1], pts[:, 0], 0], pts, p0, p1)

    for tone in (_light_paper, _dark_paper):
        plain = [colour[1:] for colour, spread in inner if spread <= 5.0 and tone(colour[0])]
        if len(plain) < 2:
            continue
        hue = np.median(plain, axis=0)
        if np.linalg.norm(plain - hue, axis=1).max() > 4.0:
            continue
        # A deckle's bites show the table through the border: paper need not be plain there.
        # Its spread is taken about the side's trend: a lamp's fall-off along a side of a
        # deckled border (seed 4400057: 212 -> 181 down the left side) is light, not bites.
        return [
            bool(tone(colour[0]) and np.linalg.norm(colour[1:] - hue) <= 4.0 and texture(i) <= 8.0)
            for i, (colour, _) in enumerate(inner)
        ]
    return [False] * 4


def one_paper(view: TableView, corners_small: np.ndarray) -> bool:
    """Whether the paper just inside every side is one paper: as far from the table just
    there (``table_model``, which follows a lamp's fall-off) on every side, within
    ``ONE_PAPER``.

    A picture's own plain white bands along two sides pass for a light border's paper
    there (pillarbox bars beside liveportrait_s1, seed 1400003, an ivory deckled border on
    a light table): those sides were taken as the paper's edge and only the other two
    moved out to it, an outline 0.03 of the diagonal off both the paper and the picture.
    The bars stood 26-29 lighter than the table, the border 6.
    """
    feats = view.features
    table = view.table
    papers = [
        np.median(feats[pts[:, 1], pts[:, 0]] - table[pts[:, 1], pts[:, 0]], axis=0)
        for pts in side_strips(corners_small, (-1.5, -2.0, -2.5), view.lab.shape[:2])
        if len(pts) >= 10
    ]
    return all(
        float(np.linalg.norm(a - b)) <= ONE_PAPER for a, b in itertools.combinations(papers, 2)
    )


def _light_paper(lightness: float) -> bool:
    """A white or cream border's lightness (Lab L, 0-255), under the lamp's fall-off."""
    return lightness >= 160


def _dark_paper(lightness: float) -> bool:
    """A black border's lightness (Lab L, 0-255), lit by the lamp."""
    return lightness <= 60


def lab_along(frame: np.ndarray, points: np.ndarray) -> np.ndarray:
    """The frame's Lab colours (float, N x 3) at ``points`` (x, y), those inside it."""
    h, w = frame.shape[:2]
    at = np.round(points).astype(int)
    inside = (at[:, 0] >= 0) & (at[:, 0] < w) & (at[:, 1] >= 0) & (at[:, 1] < h)
    if not inside.any():
        return np.empty((0, 3), np.float32)
    pixels = frame[at[inside, 1], at[inside, 0]][None]
    return cv2.cvtColor(pixels, cv2.COLOR_RGB2Lab)[0].astype(np.float32)


def print_region(view: TableView, corners_small: np.ndarray) -> np.ndarray | None:
    """The connected region that differs from the table at the outline's centre (a boolean
    mask of the small copy), None when the centre looks like table."""
    h, w = view.lab.shape[:2]
    _, labels = cv2.connectedComponents(view.regions)
    cx, cy = np.clip(np.round(corners_small.mean(axis=0)).astype(int), 0, [w - 1, h - 1])
    label = labels[cy, cx]
    return None if label == 0 else labels == label


def rim_mask(shape: tuple[int, ...]) -> np.ndarray:
    """A band around the frame's edge, where table shows."""
    h, w = shape[:2]
    rim = max(2, min(h, w) // 30)
    mask = np.zeros((h, w), bool)
    mask[:rim], mask[-rim:], mask[:, :rim], mask[:, -rim:] = True, True, True, True
    return mask


def table_model(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The table's features everywhere, as a plane through the frame's rim per channel.

    A plane, not one colour: light falls off across a table, and a constant would call its
    darker side "not table". Returns the expected features (h, w, channels) and the rim
    pixels' residuals (N, channels), so callers can judge what counts as near.
    """
    h, w, channels = features.shape
    rim = rim_mask(features.shape)
    ys, xs = np.nonzero(rim)
    design = np.c_[xs / w, ys / h, np.ones(len(xs))]
    values = features[rim].reshape(-1, channels)
    coef, *_ = np.linalg.lstsq(design, values, rcond=None)
    # Once more without the worst-fitting quarter (a print touching the rim, a shadow).
    error = np.abs(values - design @ coef).sum(axis=1)
    keep = error <= np.percentile(error, 75)
    coef, *_ = np.linalg.lstsq(design[keep], values[keep], rcond=None)
    coef = coef.astype(np.float32)
    across = (np.arange(w, dtype=np.float32) / w)[None, :, None] * coef[0]
    down = (np.arange(h, dtype=np.float32) / h)[:, None, None] * coef[1]
    return across + down + coef[2], values - design @ coef


def region_mask(smooth_lab: np.ndarray, floor: float = 2.0) -> np.ndarray:
    """Pixels whose local colour or texture differs from the table's (seen at the frame's rim).

    Texture matters on busy tables: a grey photo on grey gravel has the gravel's colour but
    not its busyness. ``floor`` is added to each feature's spread on the table: the default
    keeps a table's own unevenness out; the last look at a faint print lowers it.
    """
    blurred = cv2.GaussianBlur(smooth_lab, (0, 0), 2.0).astype(np.float32)
    lightness = smooth_lab[..., 0].astype(np.float32)
    busy = np.abs(lightness - cv2.GaussianBlur(lightness, (0, 0), 1.0))
    busy = cv2.GaussianBlur(busy, (0, 0), 3.0)
    features = np.dstack([blurred, busy])
    table, residual = table_model(features)
    spread = np.median(np.abs(residual), axis=0) * 1.5 + floor
    distance = np.sqrt((((features - table) / spread) ** 2).sum(axis=2))
    mask = (distance > 4.0).astype(np.uint8) * 255
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
    return cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel, iterations=2)


def region_agreement(corners_small: np.ndarray, region: np.ndarray) -> float:
    """How much an outline (small-copy corners) and a region mask cover the same place:
    intersection over union, leaving out a band ``REGION_BAND_PX`` wide either side of the
    outline.

    The mask is smoothed, so it spills a few pixels past the print's edge all round; as a
    share of the area that halo grows as the print shrinks. Counted, it refused a small
    print on brick whose outline was right to 0.0002 of the diagonal (seed 1400033: 0.865,
    a 2.8 px halo on average round a 60 x 78 px print).
    """
    outline = np.zeros_like(region)
    cv2.fillConvexPoly(outline, np.round(corners_small).astype(np.int32), 1)
    kernel = cv2.getStructuringElement(
        cv2.MORPH_ELLIPSE, (2 * REGION_BAND_PX + 1, 2 * REGION_BAND_PX + 1)
    )
    counted = (cv2.dilate(outline, kernel) - cv2.erode(outline, kernel)) == 0
    union = max(int(np.count_nonzero((outline | region) & counted)), 1)
    return int(np.count_nonzero(outline & region & counted)) / union


def paper_sides(
    frame: np.ndarray, corners: np.ndarray, reach_px: float, inset_px: float = 0.0
) -> list[bool]:
    """Per side, at the frame's resolution: does it part paper from table? Just outside it
    must look like further out (table), and differ from just inside (paper), or from
    ``inset_px`` further inside than that."""
    return [parts_paper(*step) for step in side_steps(frame, corners, reach_px, inset_px)]


def parts_paper(step: float | None, table: float) -> bool:
    """A side's ``side_steps`` reading parts paper from table (or lies along the frame's
    edge, ``step`` None)."""
    return step is None or (step >= 4.0 and table < max(4.0, 0.5 * step))


def side_steps(
    frame: np.ndarray, corners: np.ndarray, reach_px: float, inset_px: float = 0.0
) -> list[tuple[float | None, float]]:
    """Per side, at the frame's resolution: (the colour step from just inside it to just
    outside, how far just outside differs from further out); (None, 0) along the frame's
    edge (where "cut off" speaks). See :func:`paper_sides`."""
    inner, near, far = (
        side_colours(frame, corners, offsets)
        for offsets in (
            (-0.5 * reach_px - inset_px, -reach_px - inset_px),
            just_outside(reach_px),
            (2.5 * reach_px, 3.0 * reach_px),
        )
    )
    result: list[tuple[float | None, float]] = []
    for inside, outside, further in zip(inner, near, far, strict=True):
        if inside is None or outside is None or further is None:
            result.append((None, 0.0))
            continue
        step = float(np.linalg.norm(inside - outside))
        result.append((step, float(np.linalg.norm(outside - further))))
    return result


def just_outside(reach_px: float) -> tuple[float, float]:
    """Where :func:`side_steps` reads the colour just outside a side (pixels outwards)."""
    return 0.5 * reach_px, reach_px


def side_colours(
    frame: np.ndarray, corners: np.ndarray, offsets: tuple[float, ...]
) -> list[np.ndarray | None]:
    """Per side (top, right, bottom, left): the median Lab colour of the strip ``offsets``
    pixels outwards (negative: inwards); None where under ten of its points lie in the
    frame (a side along the frame's edge)."""
    return [
        np.median(lab_along(frame, points), axis=0) if len(points) >= 10 else None
        for points in side_strips(corners, offsets, frame.shape[:2])
    ]


def surrounded_by_table(view: TableView, corners_small: np.ndarray) -> bool:
    """True when a strip just outside every side looks like the table at the frame's rim.

    An outline found inside the print (a dark photo on a dark table, a door frame in the
    picture) has picture, not table, just outside some side: that must not become a crop.
    """
    return all(sides_on_table(view, corners_small))


def sides_on_table(view: TableView, corners_small: np.ndarray) -> list[bool]:
    """Per side (top, right, bottom, left): does the strip just outside it look like table?"""
    feats, table = view.features, view.table
    result = []
    for pts in side_strips(corners_small, (3.0, 5.0, 7.0), view.lab.shape[:2]):
        y, x = pts[:, 1], pts[:, 0]
        strip = feats[y, x] - table[y, x]
        # A side along the frame's edge has no strip outside: "cut off" covers it.
        result.append(
            len(strip) < 10 or np.median(np.linalg.norm(strip, axis=1)) <= view.table_spread
        )
    return result


def sides_are_steps(view: TableView, corners_small: np.ndarray) -> bool:
    """True when every side parts paper from table: just inside it the colour differs from
    just outside, and a textured table's texture stops there. A line in the table's
    texture a little outside the print (gravel, wood grain) has table on both sides; a
    deckled edge's bites leave most of the inner strip paper."""
    feats = view.features
    shape = view.lab.shape[:2]
    outside = side_strips(corners_small, (3.0, 5.0, 7.0), shape)
    inside = side_strips(corners_small, (-1.5, -2.0, -2.5), shape)
    for i, (out_pts, in_pts) in enumerate(zip(outside, inside, strict=True)):
        if len(out_pts) < 10 or len(in_pts) < 10:
            continue
        out_feats = feats[out_pts[:, 1], out_pts[:, 0]]
        in_feats = feats[in_pts[:, 1], in_pts[:, 0]]
        if np.linalg.norm(np.median(out_feats, axis=0) - np.median(in_feats, axis=0)) < 4.0:
            return False
        p0, p1 = corners_small[i], corners_small[(i + 1) % 4]
        out_texture = texture_along(out_feats[:, 0], out_pts, p0, p1)
        in_texture = texture_along(in_feats[:, 0], in_pts, p0, p1)
        if out_texture >= 8.0 and in_texture >= 0.5 * out_texture:
            return False
    return True


def texture_along(light: np.ndarray, pts: np.ndarray, p0: np.ndarray, p1: np.ndarray) -> float:
    """The spread of ``light`` (sampled at ``pts`` along the side from ``p0`` to ``p1``)
    about a straight trend along the side: a lamp's fall-off shades paper and table from
    one end of a side to the other, which is light, not texture (a white border on a light
    table under a slanting lamp read as textured as gravel, and its edge was refused)."""
    along = _along(pts, p0, p1)
    design = np.c_[np.ones(len(along)), along]
    coefficients, *_ = np.linalg.lstsq(design, light.astype(np.float64), rcond=None)
    return _spread(light - design @ coefficients)


def _spread_about_trend(
    light: np.ndarray, pts: np.ndarray, p0: np.ndarray, p1: np.ndarray
) -> float:
    """The spread of ``light`` about its trend along the side from ``p0`` to ``p1``, the
    trend's slope the median of the slopes between every two samples (Theil-Sen): a
    deckle's bites, a third of a side's samples, must not tilt the trend as they tilt a
    least-squares line (a deckled border unshaded read plainer about its median than about
    that line)."""
    along = _along(pts, p0, p1)
    values = light.astype(np.float64)
    first, second = np.triu_indices(len(along), 1)
    run = along[second] - along[first]
    apart = np.abs(run) > 1e-6
    slope = float(np.median((values[second] - values[first])[apart] / run[apart]))
    return _spread(values - slope * along)


def _along(pts: np.ndarray, p0: np.ndarray, p1: np.ndarray) -> np.ndarray:
    """How far along the side from ``p0`` to ``p1`` each of ``pts`` lies (pixels)."""
    direction = (p1 - p0) / max(float(np.linalg.norm(p1 - p0)), 1e-6)
    return np.asarray((pts - p0) @ direction)


def _spread(values: np.ndarray) -> float:
    """Robust spread: the median absolute deviation."""
    return float(np.median(np.abs(values - np.median(values))))


def side_strips(
    corners_small: np.ndarray, offsets: tuple[float, ...], shape: tuple[int, ...]
) -> list[np.ndarray]:
    """Per side (top, right, bottom, left): integer (x, y) points along its middle 70 %,
    ``offsets`` pixels outwards (negative: inwards), those inside the image."""
    h, w = shape[:2]
    strips = []
    for i in range(4):
        p0, p1 = corners_small[i], corners_small[(i + 1) % 4]
        t = np.linspace(0.15, 0.85, 24)[:, None]
        mid = p0 + t * (p1 - p0)
        normal = outward_normal(corners_small, i)
        pts = np.concatenate([mid + offset * normal for offset in offsets])
        inside = (pts[:, 0] >= 0) & (pts[:, 0] < w) & (pts[:, 1] >= 0) & (pts[:, 1] < h)
        strips.append(np.round(pts[inside]).astype(int).clip(0, [w - 1, h - 1]))
    return strips
