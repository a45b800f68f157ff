"""Reflections on a found print: blown-out, colourless blobs with a bright, smooth halo,
told from the picture's own white (a wall, a dress, a border) by how light falls off
round them."""

from __future__ import annotations

import itertools

import cv2
import numpy as np

from engine_edge.scan import geometry
from engine_edge.scan.restore import picture_quad

# Longest side, in pixels, of the flat view of the print in which its border is looked for.
FLAT_VIEW_PX = 512
# Brightness (HSV value) below which a pixel next to a blown-out area is the picture's own
# dark, not a reflection's halo.
PICTURE_DARK = 170
# Round a reflection's blown-out core (``_washed_out``): the ring two to four pixels out
# (HSV saturation at most half: light laid on the print washes colour out; over a light
# picture, value 195, texture 13 at most, and 8 grey levels above the picture further out,
# the light still falling beyond the ring by at least 0.4 of its fall from the core's edge
# to the ring), and over a darker picture the fall-off: the ring lifted at least 30 % of the
# way from the picture further out to white, its texture at most 0.8 of that picture's
# and 16.
RING_SATURATION = 128
RING_BRIGHT = 195
RING_TEXTURE = 13.0
RING_FALL = 8.0
RING_FALL_ON = 0.4
FALL_LIFT = 0.3
FALL_SMOOTHING = 0.8
FALL_TEXTURE = 16.0
# A reflection's halo measured at its own scale (``_halo_at_its_scale``): bands out from the
# blown-out core, in core radii (a core under 5 px on the detector's copy is too small to
# read a fall-off across); how far each band is lifted from the picture further out towards
# white: at least half next to the core, 0.3 a quarter radius out, and falling by at least
# 0.06 from band to band, with half of that second band lifted by 0.3 or more (all round).
HALO_MIN_RADIUS_PX = 5.0
HALO_BANDS = (0.0, 0.25, 0.5, 0.75)
HALO_NEAR_LIFT = 0.5
HALO_MID_LIFT = 0.3
HALO_FALL = 0.06
HALO_ALL_ROUND = 0.5
# And the fall from three quarters of the way to white down to a quarter takes at least 0.28
# of the core's radius: a reflection's light fades over a distance that grows with its size
# (0.30-0.52 of the radius on the scene sets' reflections); a white thing in the picture,
# however soft its edge, drops over its edge's blur (a white disc blurred 4 px on a dark
# coat, ``test_glare``: 0.25).
HALO_WIDTH = 0.28
# Of a blown-out core that reads as a reflection, only what a disc this wide (pixels on the
# detector's copy) fits inside counts (``_lamp_sized``): a lamp's image is a solid blob, while a
# print's own highlight clipped by a bright exposure follows the picture's lit features in
# thin, ragged arms (5800072, a lit nose and cheek: 37 % of its 164 px, 0.23 % of the print
# where 0.4 % refuses; the 150 reflections refused on fifteen flat sets, 3700000+ to 5800000+:
# 92 % and up of their glare kept, but for 5800023's, joined to a lit chest: 80 %).
LAMP_DISC_PX = 7


def picture_corners(frame: np.ndarray, corners: np.ndarray) -> np.ndarray | None:
    """Where the picture inside the print's own plain border lies in ``frame`` (TL, TR, BR,
    BL), as the restoration will find and crop it; None without a border.

    What the restoration crops off is not the photo: a white or cream border wider than
    the rim the glare check skips, clipped to white by a bright lamp in broken patches too
    short to read as a strip along the rim (seed 400101), is no reflection on the photo.
    The print is flattened at up to ``FLAT_VIEW_PX`` on its longest side (the restoration
    finds a border on a copy of that size too) and the picture's corners are mapped back
    into the frame.
    """
    sides = geometry.side_lengths(corners)
    shrink = min(1.0, FLAT_VIEW_PX / float(max(sides)))
    # The print's surroundings, at the flat view's scale (a 12 MP frame is not warped whole).
    x0, y0 = np.floor(corners.min(axis=0)).astype(int).clip(0)
    x1, y1 = np.ceil(corners.max(axis=0)).astype(int) + 1
    near = frame[y0:y1, x0:x1]
    if shrink < 1.0:
        near = cv2.resize(near, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA)
    seen = (corners - [x0, y0]) * shrink
    w = max(8, round(max(sides[0], sides[2]) * shrink))
    h = max(8, round(max(sides[1], sides[3]) * shrink))
    flat_corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    to_flat = cv2.getPerspectiveTransform(seen.astype(np.float32), flat_corners)
    inner = picture_quad(cv2.warpPerspective(near, to_flat, (w, h), flags=cv2.INTER_LINEAR))
    if inner is None:
        return None
    picture = cv2.perspectiveTransform(inner[None], np.linalg.inv(to_flat))[0]
    return picture.astype(np.float64) / shrink + [x0, y0]


def find_glare(
    small_rgb: np.ndarray, corners_small: np.ndarray, picture_small: np.ndarray | None = None
) -> tuple[float, list[tuple[int, int, int, int]]]:
    """Reflections on the print: blown-out, colourless blobs with a bright, smooth halo.

    Returns their share of the print and their boxes (small-image pixels). A reflection
    fades out softly and washes the picture out, so the ring round it is still bright and
    nearly without texture; white paper or a white shirt in the picture ends at an edge
    or has folds and weave round it. The print's outer rim (where a white border is) is not
    looked at: glare there is cropped off with the border anyway. A wider white or cream
    border, or a white edge of the picture, reaches inside that rim; it is a long, thin
    strip lying mostly in the print's outer band, while a reflection is a blob (or a broad
    band) over the picture: of a strip, only the part over the middle counts. And of each
    blown-out patch only what is as thick as a lamp's image counts (:func:`_lamp_sized`):
    a face clipped to white by a bright exposure is blown out in thin arms. Nor is
    anything outside ``picture_small`` looked at (where the picture inside the print's own
    border lies, :func:`picture_corners`): the border is cropped off whatever its width.
    """
    mask = np.zeros(small_rgb.shape[:2], np.uint8)
    centre = corners_small.mean(axis=0)
    inner = centre + 0.92 * (corners_small - centre)
    cv2.fillConvexPoly(mask, np.round(inner).astype(np.int32), 1)
    if picture_small is not None:
        picture = np.zeros_like(mask)
        cv2.fillConvexPoly(picture, np.round(picture_small).astype(np.int32), 1)
        mask &= picture
    middle = np.zeros_like(mask)
    cv2.fillConvexPoly(
        middle, np.round(centre + 0.75 * (corners_small - centre)).astype(np.int32), 1
    )
    hsv = cv2.cvtColor(small_rgb, cv2.COLOR_RGB2HSV)
    candidates = ((hsv[..., 2] >= 250) & (hsv[..., 1] < 25) & (mask > 0)).astype(np.uint8)
    blown = cv2.morphologyEx(candidates, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(blown, connectivity=8)
    value = hsv[..., 2]
    texture = np.abs(cv2.Laplacian(value.astype(np.float32), cv2.CV_32F))
    area = max(1, int(mask.sum()))
    glare_px = 0
    boxes = []
    for i in range(1, count):
        component = (labels == i).astype(np.uint8)
        # How far each pixel lies outside the component: both the fall-off round a
        # reflection and the picture's own edge round a white wall are read from it.
        away = cv2.distanceTransform(1 - component, cv2.DIST_L2, 3)
        if not _washed_out(component, away, mask, hsv, texture):
            continue
        if _picture_white_at_edge(component, middle) or _picture_white_at_rim(
            component, away, mask, value
        ):
            continue
        if _rim_strip(component, middle, stats[i]):
            # Only what reaches over the middle of the picture (a reflection joined to it).
            component &= middle
        component = _lamp_sized(component)
        if not component.any():
            continue
        x, y, bw, bh = cv2.boundingRect(component)
        glare_px += int(np.count_nonzero(component))
        boxes.append((int(x), int(y), int(x + bw), int(y + bh)))
    return glare_px / area, boxes


def _lamp_sized(component: np.ndarray) -> np.ndarray:
    """The part of a blown-out ``component`` as thick as a lamp's image: what a disc of
    ``LAMP_DISC_PX`` fits inside. Light laid on a glossy print is an image of the lamp or
    window, blurred: a solid blob that keeps its blown-out core under the opening, however
    it is joined to a white of the picture's own (5800023, a reflection running into a lit
    chest: its blob kept, the chest's thin tongues dropped). A print's own highlight, a face
    clipped to white by a bright exposure, is blown out only along the lit ridges of the
    picture (a nose, a cheekbone), thin arms that tilting the print cannot move."""
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (LAMP_DISC_PX, LAMP_DISC_PX))
    return cv2.morphologyEx(component, cv2.MORPH_OPEN, disc)


def _washed_out(
    component: np.ndarray,
    away: np.ndarray,
    inside: np.ndarray,
    hsv: np.ndarray,
    texture: np.ndarray,
) -> bool:
    """Whether the picture round a blown-out ``component`` is washed out the way light laid
    on the print washes it out: a reflection fades softly, so two to four pixels from its
    blown-out core the picture is still lifted towards white, greyed and smoothed.

    Over a light picture that ring is bright. Over a dark one it is not (a reflection over
    a dark dress: 168; round 14 asked 195 and let every such reflection pass, down to 0.89
    of the ideal scan), but the light still falls off gradually all round: the ring lies
    well above the picture further out (``far``), by at least the step from the core's own
    edge down to the ring, with that picture's texture flattened. White paper, a shirt or a
    lamp in the picture ends at an edge: most of its fall lies in the first pixel or two
    and the picture beyond is no darker than the ring, or keeps its texture up to it; a
    white dress clipped flat does not fall off at all, however bright its ring. The
    fall-off is read first at the reflection's own scale (:func:`_halo_at_its_scale`):
    the fixed ring misreads a large reflection over a face and a small one's steep edge.
    """
    near = cv2.dilate(component, np.ones((5, 5), np.uint8))
    ring = (cv2.dilate(component, np.ones((9, 9), np.uint8)) > 0) & (near == 0)
    if not ring.any() or float(np.median(hsv[..., 1][ring])) >= RING_SATURATION:
        return False
    value = hsv[..., 2]
    ring_value = float(np.median(value[ring]))
    ring_texture = float(texture[ring].mean())
    radius = float(np.sqrt(np.count_nonzero(component) / np.pi))
    edge = (away > 0) & (away <= 1.5) & (inside > 0)
    # Beyond the halo of a reflection the size of the core (a wider halo only lifts it).
    far = (away > 0.6 * radius + 4) & (away <= 1.2 * radius + 6) & (inside > 0)
    if np.count_nonzero(edge) < 8 or np.count_nonzero(far) < 8:
        return False
    edge_value, far_value = float(np.median(value[edge])), float(np.median(value[far]))
    if _halo_at_its_scale(away, inside, value, radius, far_value):
        return True
    if ring_value >= RING_BRIGHT:
        # Still some fall-off: a white dress or wall clipped flat reads as bright beyond.
        # And falling already from the core's edge to the ring: a white bar beside the
        # subject steps down at its edge onto a light wall as bright as the ring. And still
        # falling beyond the ring: light laid on the print fades over its halo, while a
        # picture's white drops over its edge's blur and then lies on the picture's own
        # tone (5000081, a blouse's clipped shoulder on a pale wall: 8.5 levels beyond the
        # ring after 28.5 from the edge to it, 0.30; the 61 reflections with a ring this
        # bright on eight tunable sets, 3700000+ and 4200000+ to 5100000+: 0.54 and up, a
        # median of 2.8).
        ring_fall = ring_value - far_value
        return (
            ring_texture <= RING_TEXTURE
            and ring_fall >= max(RING_FALL, RING_FALL_ON * (edge_value - ring_value))
            and edge_value - ring_value >= RING_FALL
        )
    if ring_texture > FALL_TEXTURE:
        return False
    lifted = ring_value - far_value >= FALL_LIFT * (255.0 - far_value)
    gradual = ring_value - far_value >= edge_value - ring_value
    return lifted and gradual and ring_texture <= FALL_SMOOTHING * float(texture[far].mean())


def _halo_at_its_scale(
    away: np.ndarray, inside: np.ndarray, value: np.ndarray, radius: float, far_value: float
) -> bool:
    """Whether the picture round a blown-out core of ``radius`` pixels is lifted towards
    white the way a reflection lifts it, read at the reflection's own scale: a reflection's
    light falls off over a distance that grows with its size, so a quarter and half a radius
    out the picture is still washed out all round, less and less. The two-to-four-pixel ring
    of :func:`_washed_out` sits inside that halo round a large reflection and reads the
    picture's own features there (4000023, a reflection over a face: texture 16.4, over the
    limit; 4000059 and 4200068, over a shirt and a light face: the core's edge falls faster
    than the ring), while the lift a band further out does not depend on them. White paper,
    a shirt or a disc in the picture ends at an edge: next to it the lift drops at once (or
    does not fall at all where the white runs on, 3700003's clipped pillarbox bar)."""
    span = 255.0 - far_value
    if radius < HALO_MIN_RADIUS_PX or span <= 0.0:
        return False
    lifts = []
    all_round = 0.0
    for index, (low, high) in enumerate(itertools.pairwise(HALO_BANDS)):
        band = (away > max(1.0, low * radius)) & (away <= max(2.0, high * radius)) & (inside > 0)
        if np.count_nonzero(band) < 8:
            return False
        lift = (value[band].astype(np.float32) - far_value) / span
        lifts.append(float(np.median(lift)))
        if index == 1:
            all_round = float(np.mean(lift >= HALO_MID_LIFT))
    near, mid, outer = lifts
    return (
        near >= HALO_NEAR_LIFT
        and mid >= HALO_MID_LIFT
        and near - mid >= HALO_FALL
        and mid - outer >= HALO_FALL
        and all_round >= HALO_ALL_ROUND
        and _fall_width_px(away, inside, value, radius, far_value) >= HALO_WIDTH * radius
    )


def _fall_width_px(
    away: np.ndarray, inside: np.ndarray, value: np.ndarray, radius: float, far_value: float
) -> float:
    """How many pixels the picture round a blown-out core takes to fall from 0.75 of the
    way between ``far_value`` and white to 0.25 of it: the median of each one-pixel ring
    out to one and a half radii, the crossings placed between the rings' middles."""
    span = 255.0 - far_value
    crossings: dict[float, float] = {}
    previous: tuple[float, float] | None = None
    for outer in range(1, int(np.ceil(1.5 * radius)) + 1):
        ring = (away > outer - 1) & (away <= outer) & (inside > 0)
        if np.count_nonzero(ring) < 4:
            break
        here = (outer - 0.5, (float(np.median(value[ring])) - far_value) / span)
        for level in (0.75, 0.25):
            if level not in crossings and here[1] < level:
                if previous is None or previous[1] <= here[1]:
                    crossings[level] = here[0]
                else:
                    share = (previous[1] - level) / (previous[1] - here[1])
                    crossings[level] = previous[0] + share * (here[0] - previous[0])
        previous = here
    if len(crossings) < 2:
        return 0.0
    return crossings[0.25] - crossings[0.75]


def _picture_white_at_edge(component: np.ndarray, middle: np.ndarray) -> bool:
    """Whether a bright component is the picture's own white towards its edge (a white bar
    or wall beside the subject) rather than a reflection: most of it lies outside the
    ``middle`` and what reaches into the middle is no thicker than the rest. A reflection
    over the picture is a blob centred on the middle, or, at the rim, swells where it
    reaches in."""
    inside = component & middle
    area = int(np.count_nonzero(component))
    if not inside.any() or np.count_nonzero(inside) > 0.5 * area:
        return False
    depth = cv2.distanceTransform(component, cv2.DIST_L2, 3)
    return float(depth[inside > 0].max()) <= 1.1 * float(depth[inside == 0].max())


def _picture_white_at_rim(
    component: np.ndarray, away: np.ndarray, inside: np.ndarray, value: np.ndarray
) -> bool:
    """Whether a bright component is the picture's own white background reaching the
    print's rim (a white wall beside the subject, clipped by a bright exposure), however
    far it reaches into the middle: it runs along the rim (``inside``, the print's inner
    outline) for a good part of its outline, and somewhere it ends at the picture's own
    edge, a step down to a darker subject two or three pixels away. A reflection is light
    laid on the print: it fades out softly all round, so just outside its blown-out part the
    picture is still washed out, never dark. The reflections of tuning, 200000+, 300000+
    and 400000+: at most 6 % of that ring darker than ``PICTURE_DARK``, and one of them
    along the rim (none of its ring dark); the clipped wall of seed 300079: 30 %, and 48 %
    of its outline on the rim.
    """
    edge = component - cv2.erode(component, np.ones((3, 3), np.uint8))
    on_rim = edge & (cv2.erode(inside, np.ones((3, 3), np.uint8)) == 0)
    if np.count_nonzero(on_rim) < 0.3 * max(1, int(np.count_nonzero(edge))):
        return False
    # Two to three and a half pixels out, and off the rim: the table outside is no picture.
    ring = (away > 2.0) & (away <= 3.5) & (cv2.erode(inside, np.ones((5, 5), np.uint8)) > 0)
    if np.count_nonzero(ring) < 10:
        return False
    return bool(np.mean(value[ring] < PICTURE_DARK) >= 0.15)


def _rim_strip(component: np.ndarray, middle: np.ndarray, stats: np.ndarray) -> bool:
    """Whether a bright component is a strip along the print's rim (a border, an edge):
    over 4 times longer than it is thick, with most of it outside the ``middle`` of the
    print."""
    thickness = 2.0 * float(cv2.distanceTransform(component, cv2.DIST_L2, 3).max())
    length = float(max(stats[cv2.CC_STAT_WIDTH], stats[cv2.CC_STAT_HEIGHT]))
    area = int(stats[cv2.CC_STAT_AREA])
    outside = area - int(np.count_nonzero(component & middle))
    return length > 4.0 * thickness and outside > 0.5 * area
