"""Synthetic camera views of a print: a test and demo aid, not part of the scanning pipeline.

The scanner is judged on views whose truth is known exactly: a real photo is
placed as a print on a table texture, seen by a pinhole camera (so the
perspective is physically consistent and the print's true aspect ratio is
recoverable), then spoilt the way real captures are (light gradients, glare,
sensor noise, blur, JPEG). :func:`render_print_scene` returns the frame and the
true corners; :func:`write_hand_away_video` writes a short clip of a print with
a hand moving out of view, for auto-capture tests (the kiosk's UI tests reuse it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

TABLES = ("wood", "light", "dark", "brick", "gravel", "grass", "cloth")


@dataclass(frozen=True)
class SceneSpec:
    """How to place and spoil the print; angles in degrees, shares of the frame as fractions."""

    frame_size: tuple[int, int] = (1280, 960)  # (width, height) in pixels
    table: str = "wood"
    print_share: float = 0.35  # print area / frame area, before perspective
    roll_deg: float = 4.0  # in-plane rotation of the print on the table
    tilt_x_deg: float = 8.0  # camera tilt (perspective) about the horizontal axis
    tilt_y_deg: float = -5.0  # and about the vertical axis
    offset: tuple[float, float] = (0.0, 0.0)  # print centre offset, fraction of the frame size
    border_px: int = 0  # white border around the photo, in photo pixels
    border_rgb: tuple[int, int, int] = (245, 243, 236)
    light_gradient: float = 0.0  # 0 = even light; 0.4 = 40 % darker at one side
    glare_spots: int = 0
    # One glossy reflection centred here (fractions of the print's width and height: over a
    # face, say) and its radius as a share of the print's diagonal; None = none.
    glare_at: tuple[float, float] | None = None
    glare_radius: float = 0.06
    sheen: float = 0.0  # a broad, soft reflection of a window across the print, 0..1
    deckle_px: float = 0.0  # amplitude of a deckled (wavy-cut) edge, in print pixels
    exposure: float = 1.0  # overall gain of the light (below 1: a dim room)
    noise_sigma: float = 0.0  # in 8-bit grey levels
    phone_noise: float = 0.0  # a phone's noise: shot noise (sigma at mid-grey) plus colour blotches
    blur_sigma_px: float = 0.0
    motion_blur_px: float = 0.0  # length of a straight camera shake, in frame pixels
    motion_angle_deg: float = 0.0
    jpeg_quality: int = 0  # 0 = no JPEG round trip
    focal_px: float = 0.0  # 0 = 1.1 x frame width (a normal lens)
    seed: int = 0
    # Which frame of a burst this is: the same print, table, light and glare, with the
    # sensor's noise (and so the JPEG's artefacts) drawn afresh; 0 = the first frame.
    burst_index: int = 0
    # An old snapshot's rounded corners: the radius as a share of the print's short side
    # (1940s-70s prints: 0.03-0.08); 0 = square corners.
    corner_radius: float = 0.0
    # A curled print bent about one axis into a circular arc: the arc's sagitta (how far its
    # middle stands off the line through its ends) as a share of the bent side's length;
    # above 0 the middle lifts off the table (a dome), below 0 the two edges lift (a cup).
    curl: float = 0.0
    curl_across_width: bool = True  # the width bends (top and bottom sides seen as arcs)
    curl_light_deg: float = 30.0  # the lamp's tilt across the bend: the bend's shading


@dataclass(frozen=True)
class Scene:
    """A rendered view and its truth: corners TL, TR, BR, BL of the print in frame pixels."""

    frame: np.ndarray  # RGB uint8 (H, W, 3)
    corners: np.ndarray  # float64 (4, 2)
    print_image: np.ndarray  # the print as it is (photo plus border), RGB uint8
    glare_mask: np.ndarray = field(repr=False, default_factory=lambda: np.zeros((1, 1), bool))


def table_texture(name: str, size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A table surface (RGB uint8) of the given (width, height)."""
    from skimage import data

    w, h = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if name == "wood":
        grain = np.sin(xx / 7.0 + 3.0 * np.sin(yy / 53.0) + 0.8 * np.sin(xx / 31.0))
        base = 0.55 + 0.08 * grain + 0.04 * rng.standard_normal((h, w)).astype(np.float32)
        tint = np.array([0.78, 0.55, 0.35], np.float32)
    elif name == "light":
        base = 0.90 + 0.015 * rng.standard_normal((h, w)).astype(np.float32)
        tint = np.array([0.97, 0.97, 0.95], np.float32)
    elif name == "dark":
        base = 0.18 + 0.03 * rng.standard_normal((h, w)).astype(np.float32)
        tint = np.array([0.6, 0.6, 0.7], np.float32)
    elif name == "cloth":
        weave = np.sin(xx * 1.3) * np.sin(yy * 1.3)
        base = 0.45 + 0.06 * weave + 0.03 * rng.standard_normal((h, w)).astype(np.float32)
        tint = np.array([0.35, 0.45, 0.75], np.float32)
    elif name in ("brick", "gravel", "grass"):
        tile = getattr(data, name)().astype(np.float32) / 255.0
        reps = (h // tile.shape[0] + 1, w // tile.shape[1] + 1)
        base = np.tile(tile, reps)[:h, :w]
        tint = {
            "brick": np.array([0.85, 0.55, 0.45], np.float32),
            "gravel": np.array([0.8, 0.78, 0.72], np.float32),
            "grass": np.array([0.55, 0.75, 0.45], np.float32),
        }[name]
    else:
        raise ValueError(f"unknown table {name!r}; choose from {TABLES}")
    rgb = np.clip(base[..., None] * tint[None, None, :], 0, 1)
    return (rgb * 255).astype(np.uint8)


def fade(photo: np.ndarray) -> np.ndarray:
    """An old print's dyes fade separately: blacks lift, contrast drops, a warm cast appears."""
    f = photo.astype(np.float32)
    f[..., 0] = 0.70 * f[..., 0] + 70
    f[..., 1] = 0.62 * f[..., 1] + 52
    f[..., 2] = 0.55 * f[..., 2] + 45
    return np.clip(f, 0, 255).astype(np.uint8)


def add_border(photo: np.ndarray, border_px: int, rgb: tuple[int, int, int]) -> np.ndarray:
    """The print as it is: the photo with a plain border of ``border_px`` on every side."""
    if border_px <= 0:
        return photo
    h, w = photo.shape[:2]
    out = np.empty((h + 2 * border_px, w + 2 * border_px, 3), np.uint8)
    out[:] = np.array(rgb, np.uint8)
    out[border_px : border_px + h, border_px : border_px + w] = photo
    return out


def project_print(print_size: tuple[int, int], spec: SceneSpec) -> np.ndarray:
    """Corners (TL, TR, BR, BL) of a flat print seen by a pinhole camera with the spec's pose."""
    fw, fh = spec.frame_size
    pw, ph = print_size
    focal = spec.focal_px or 1.1 * fw
    # Print in its own plane, centred, unit = photo pixel; scaled so its area share is right.
    half = np.array([[-pw, -ph], [pw, -ph], [pw, ph], [-pw, ph]], np.float64) / 2.0
    scale = np.sqrt(spec.print_share * fw * fh / (pw * ph))
    pts = np.c_[half * scale, np.zeros(4)]
    rz, rx, ry = np.radians([spec.roll_deg, spec.tilt_x_deg, spec.tilt_y_deg])
    rot_z = np.array([[np.cos(rz), -np.sin(rz), 0], [np.sin(rz), np.cos(rz), 0], [0, 0, 1]])
    rot_x = np.array([[1, 0, 0], [0, np.cos(rx), -np.sin(rx)], [0, np.sin(rx), np.cos(rx)]])
    rot_y = np.array([[np.cos(ry), 0, np.sin(ry)], [0, 1, 0], [-np.sin(ry), 0, np.cos(ry)]])
    world = pts @ rot_z.T @ rot_x.T @ rot_y.T
    centre = np.array([spec.offset[0] * fw, spec.offset[1] * fh, 0.0])
    world = world + centre + np.array([0.0, 0.0, focal])  # at distance focal: scale ~1 at centre
    return np.c_[
        focal * world[:, 0] / world[:, 2] + fw / 2.0,
        focal * world[:, 1] / world[:, 2] + fh / 2.0,
    ]


def render_print_scene(photo: np.ndarray, spec: SceneSpec = SceneSpec()) -> Scene:
    """Place ``photo`` (RGB uint8) as a print on a table and photograph it as ``spec`` says."""
    rng = np.random.default_rng(spec.seed)
    if photo.ndim == 2:
        photo = np.repeat(photo[..., None], 3, axis=2)
    print_image = add_border(photo, spec.border_px, spec.border_rgb)
    ph, pw = print_image.shape[:2]
    fw, fh = spec.frame_size
    corners = project_print((pw, ph), spec)
    table = table_texture(spec.table, (fw, fh), rng).astype(np.float32)
    if spec.curl != 0.0 or spec.corner_radius > 0:
        flat, coverage, corners = _old_print(print_image, spec)
        print_image = table_corners(print_image, spec.corner_radius, table)
    else:
        src = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
        homography = cv2.getPerspectiveTransform(src, corners.astype(np.float32))
        # Shift by half a pixel: pixel centres of the print sit at +0.5 in its own plane.
        to_frame = homography @ np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1]], np.float64)
        flat = cv2.warpPerspective(
            print_image,
            to_frame,
            (fw, fh),
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REPLICATE,
        ).astype(np.float32)
        if spec.deckle_px > 0:
            coverage = _deckled_coverage(to_frame, (pw, ph), spec.deckle_px, rng, (fw, fh))
        else:
            coverage = _coverage(corners, (fw, fh))
    # A soft contact shadow makes a light print on a light table look like a real one.
    shadow = cv2.GaussianBlur(coverage, (0, 0), 3.0) * 0.12
    frame = table * (1.0 - shadow[..., None])
    frame = frame * (1.0 - coverage[..., None]) + flat * coverage[..., None]
    frame = _light(frame, spec.light_gradient, rng) * spec.exposure
    glare_mask = np.zeros((fh, fw), bool)
    if spec.glare_spots:
        frame, glare_mask = _glare(frame, corners, spec.glare_spots, rng)
    if spec.glare_at is not None:
        frame, spot = _glare_at(frame, corners, spec.glare_at, spec.glare_radius)
        glare_mask |= spot
    if spec.sheen > 0:
        frame = _sheen(frame, corners, coverage, spec.sheen, rng)
    if spec.blur_sigma_px > 0:
        frame = cv2.GaussianBlur(frame, (0, 0), spec.blur_sigma_px)
    if spec.motion_blur_px >= 1.0:
        frame = _motion_blur(frame, spec.motion_blur_px, spec.motion_angle_deg)
    # A camera's frames differ only in their noise: the scene's draws above stay the same.
    sensor = rng if spec.burst_index == 0 else np.random.default_rng((spec.seed, spec.burst_index))
    if spec.noise_sigma > 0:
        frame = frame + sensor.normal(0.0, spec.noise_sigma, frame.shape).astype(np.float32)
    if spec.phone_noise > 0:
        frame = _phone_noise(frame, spec.phone_noise, sensor)
    out = np.clip(frame + 0.5, 0, 255).astype(np.uint8)
    if spec.jpeg_quality:
        _, buf = cv2.imencode(".jpg", out[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, spec.jpeg_quality])
        out = np.asarray(cv2.imdecode(buf, cv2.IMREAD_COLOR))[..., ::-1].copy()
    return Scene(out, corners, print_image, glare_mask)


COVERAGE_SCALE = 8  # the quad is drawn this much larger, then averaged down


def _coverage(corners: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Anti-aliased coverage (0..1 float32) of the quad, drawn ``COVERAGE_SCALE`` (k) times
    larger and averaged down.

    In the frame's coordinates a pixel's centre is its index (as for the print warped in
    above), so frame pixel x covers [x - 0.5, x + 0.5): the k large pixels averaged into it
    have their centres at kx .. kx + k - 1, i.e. large = k * frame + (k - 1) / 2. Drawn at
    4x without that offset, the paper's edge lay 0.375 px up and left of the picture on it
    and of its labelled corners, so a scanner that found the edge exactly rectified the
    picture 0.375 px off (on tuning seeds 0-107, sharp prints scanned at 0.93-0.95 of the
    ideal that reach 0.95-0.98 with it). At 8x the fill, which takes in every large pixel
    it touches, widens the paper by under 0.1 px a side instead of 0.15-0.2."""
    fw, fh = size
    k = COVERAGE_SCALE
    big = np.zeros((fh * k, fw * k), np.uint8)
    pts = np.round((corners * k + (k - 1) / 2.0) * 16).astype(np.int32)
    cv2.fillConvexPoly(big, pts, 255, lineType=cv2.LINE_8, shift=4)
    return cv2.resize(big, (fw, fh), interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0


def _deckled_coverage(
    homography: np.ndarray,
    print_size: tuple[int, int],
    amplitude_px: float,
    rng: np.random.Generator,
    size: tuple[int, int],
) -> np.ndarray:
    """Coverage of a print with a deckled edge: each side bites inwards by up to
    ``amplitude_px`` in a scalloped, slightly random wave (the outline's hull stays the
    nominal rectangle, as with a real deckle-edged print)."""
    pw, ph = print_size
    yy, xx = np.mgrid[0:ph, 0:pw].astype(np.float32)
    period = rng.uniform(10.0, 22.0) * amplitude_px / 3.0 + 8.0

    def bite(t: np.ndarray) -> np.ndarray:
        phase = rng.uniform(0, 2 * np.pi)
        wave = 0.5 + 0.5 * np.abs(np.sin(np.pi * t / period + phase))
        jitter = rng.uniform(0.7, 1.0, size=int(t.max() // period) + 2)[(t // period).astype(int)]
        return amplitude_px * (1.0 - wave * jitter)

    xs, ys = np.arange(pw, dtype=np.float32), np.arange(ph, dtype=np.float32)
    top, bottom = bite(xs)[None, :], bite(xs)[None, :]
    left, right = bite(ys)[:, None], bite(ys)[:, None]
    inside = (yy >= top) & (yy < ph - bottom) & (xx >= left) & (xx < pw - right)
    mask = inside.astype(np.float32)
    fw, fh = size
    return cv2.warpPerspective(mask, homography, (fw, fh), flags=cv2.INTER_LINEAR)


def table_corners(print_image: np.ndarray, corner_radius: float, table: np.ndarray) -> np.ndarray:
    """The ideal scan of a print with rounded corners: the rectangle its sides' lines
    span (what the scanner is to cut out), the picture inside the rounding and, in the four
    cut-off corners, the table's average colour (a flat stand-in for the texture a perfect
    scan would show there). Unchanged for square corners."""
    if corner_radius <= 0:
        return print_image
    ph, pw = print_image.shape[:2]
    yy, xx = np.mgrid[0:ph, 0:pw].astype(np.float64) + 0.5
    sdf = _rounded_rect_sdf(xx, yy, (pw, ph), corner_radius * min(pw, ph))
    paper = np.clip(0.5 - sdf, 0.0, 1.0)[..., None]
    colour = table.reshape(-1, 3).mean(axis=0)
    out = print_image.astype(np.float32) * paper + colour * (1.0 - paper)
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def _old_print(
    print_image: np.ndarray, spec: SceneSpec
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """An old print as the camera sees it: rounded corners, a curl, or both.

    Each frame pixel's ray is followed to the print's surface (the flat plane of
    :func:`project_print`, or the cylinder it is bent onto), giving the print-plane point
    it sees; the picture is sampled there, shaded by the bend, and the paper's coverage
    is read from that point's signed distance to the (rounded) rectangle, in frame pixels.
    Returns the print's colours (float32; only where covered is meaningful), its coverage and its
    corners: where the paper's corners lie in the frame, or for rounded corners where its
    sides' lines meet (the corners of the rectangle it was cut from).
    """
    ph, pw = print_image.shape[:2]
    u, v, shade, corners = _surface_points(spec, (pw, ph))
    sdf = _rounded_rect_sdf(u, v, (pw, ph), spec.corner_radius * min(pw, ph))
    # Print pixels per frame pixel, from the map's own slope: the edge's anti-aliasing.
    du_y, du_x = np.gradient(u)
    dv_y, dv_x = np.gradient(v)
    per_frame_px = np.sqrt(np.abs(du_x * dv_y - du_y * dv_x))
    typical = float(np.nanmedian(per_frame_px))
    per_frame_px = np.where(np.isfinite(per_frame_px), per_frame_px, typical)
    coverage = np.clip(0.5 - sdf / np.maximum(per_frame_px, 1e-6), 0.0, 1.0)
    coverage = np.where(np.isfinite(coverage), coverage, 0.0).astype(np.float32)
    map_x = np.where(np.isfinite(u), u - 0.5, -1.0).astype(np.float32)
    map_y = np.where(np.isfinite(v), v - 0.5, -1.0).astype(np.float32)
    seen = cv2.remap(
        print_image, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    ).astype(np.float32)
    return seen * shade[..., None], coverage, corners


@dataclass(frozen=True)
class _Bend:
    """A print posed as :func:`project_print` poses it, perhaps bent onto a cylinder.

    Lengths are in the print's own frame (print pixels times ``scale``), worked as if the
    width bends: for a bent height (``swap``) the print's x and y trade places. -z points
    up off the table. A dome rests on its two edges, a cup on its middle."""

    pose: np.ndarray  # print frame -> camera frame (3 x 3)
    centre: np.ndarray  # the print's centre in the camera frame
    focal: float
    frame_size: tuple[int, int]
    scale: float  # print-frame units per print pixel
    swap: bool
    half_bent: float  # half the bent side's length (its arc length)
    radius: float  # the cylinder's radius; 0 = flat
    half_angle: float  # the arc's half angle, radians
    dome: float  # +1 middle up, -1 edges up

    @property
    def order(self) -> list[int]:
        """Axis order between the print's frame and the as-if-width-bends frame."""
        return [1, 0, 2] if self.swap else [0, 1, 2]

    @property
    def z_centre(self) -> float:
        """The cylinder axis' height: edges on the table (dome) or the middle (cup)."""
        return self.dome * self.radius * (np.cos(self.half_angle) if self.dome > 0 else 1.0)


def _bend(spec: SceneSpec, print_size: tuple[int, int]) -> _Bend:
    """The print's pose and bend for ``spec``."""
    fw, fh = spec.frame_size
    pw, ph = print_size
    rz, rx, ry = np.radians([spec.roll_deg, spec.tilt_x_deg, spec.tilt_y_deg])
    rot_z = np.array([[np.cos(rz), -np.sin(rz), 0], [np.sin(rz), np.cos(rz), 0], [0, 0, 1]])
    rot_x = np.array([[1, 0, 0], [0, np.cos(rx), -np.sin(rx)], [0, np.sin(rx), np.cos(rx)]])
    rot_y = np.array([[np.cos(ry), 0, np.sin(ry)], [0, 1, 0], [-np.sin(ry), 0, np.cos(ry)]])
    focal = spec.focal_px or 1.1 * fw
    scale = float(np.sqrt(spec.print_share * fw * fh / (pw * ph)))
    swap = not spec.curl_across_width
    half_bent = 0.5 * scale * (ph if swap else pw)
    half_angle, radius = 0.0, 0.0
    if spec.curl != 0.0:
        half_angle = arc_half_angle(abs(spec.curl) * 2.0)
        radius = half_bent / half_angle
    return _Bend(
        pose=rot_y @ rot_x @ rot_z,
        centre=np.array([spec.offset[0] * fw, spec.offset[1] * fh, focal]),
        focal=focal,
        frame_size=(fw, fh),
        scale=scale,
        swap=swap,
        half_bent=half_bent,
        radius=radius,
        half_angle=half_angle,
        dome=1.0 if spec.curl >= 0 else -1.0,
    )


def print_to_frame(spec: SceneSpec, print_size: tuple[int, int], uv: np.ndarray) -> np.ndarray:
    """Where print-plane points ``uv`` (N x 2, print pixels from its top-left corner) of a
    print of ``print_size`` (width, height) lie in the frame, bent and posed as ``spec``
    says: for a curled print its sides' true curves and its corners."""
    bend = _bend(spec, print_size)
    pw, ph = print_size
    local = (np.asarray(uv, np.float64) - np.array([pw, ph]) / 2.0) * bend.scale
    local = np.c_[local, np.zeros(len(local))][:, bend.order]
    if bend.radius > 0:
        angle = local[:, 0] / bend.radius
        local[:, 0] = bend.radius * np.sin(angle)
        local[:, 2] = bend.z_centre - bend.dome * bend.radius * np.cos(angle)
    world = local[:, bend.order] @ bend.pose.T + bend.centre
    fw, fh = bend.frame_size
    return np.c_[
        bend.focal * world[:, 0] / world[:, 2] + fw / 2.0,
        bend.focal * world[:, 1] / world[:, 2] + fh / 2.0,
    ]


def side_bow(spec: SceneSpec, print_size: tuple[int, int]) -> float:
    """How far the print's most bowed side, seen in the frame, stands off the straight line
    through its ends: a share of that side's length (0 for a flat print)."""
    pw, ph = print_size
    t = np.linspace(0.0, 1.0, 33)[:, None]
    paper = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float64)
    worst = 0.0
    for start, end in zip(paper, np.roll(paper, -1, axis=0), strict=True):
        pts = print_to_frame(spec, print_size, start + t * (end - start))
        chord = pts[-1] - pts[0]
        length = float(np.linalg.norm(chord))
        normal = np.array([-chord[1], chord[0]]) / length
        worst = max(worst, float(np.abs((pts - pts[0]) @ normal).max()) / length)
    return worst


def _surface_points(
    spec: SceneSpec, print_size: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For each frame pixel, the print-plane point (u, v in print pixels, pixel centres at
    +0.5) its ray meets, NaN where it meets none; the lamp's shading there (1 = flat);
    and the paper's four corners in the frame (TL, TR, BR, BL).

    A ray from the camera (at the origin) is solved against the print's plane, or the
    circle it is bent onto, in the print's own frame."""
    bend = _bend(spec, print_size)
    fw, fh = spec.frame_size
    pw, ph = print_size
    yy, xx = np.mgrid[0:fh, 0:fw].astype(np.float64)
    rays = np.stack(
        [(xx - fw / 2.0) / bend.focal, (yy - fh / 2.0) / bend.focal, np.ones_like(xx)], -1
    )
    origin = (bend.pose.T @ -bend.centre)[bend.order]
    direction = (rays @ bend.pose)[..., bend.order]  # each ray in the print's frame
    if bend.radius > 0:
        along, t, shade = _on_cylinder(origin, direction, bend, spec.curl_light_deg)
    else:
        t = -origin[2] / direction[..., 2]
        along = origin[0] + t * direction[..., 0]
        shade = np.ones((fh, fw))
    across = origin[1] + t * direction[..., 1]
    bent_px, straight_px = along / bend.scale, across / bend.scale
    u, v = (straight_px, bent_px) if bend.swap else (bent_px, straight_px)
    paper = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float64)
    return u + pw / 2.0, v + ph / 2.0, shade, print_to_frame(spec, print_size, paper)


CURL_AMBIENT = 0.3  # the share of the room's light that reaches the bent paper from all sides


def _on_cylinder(
    origin: np.ndarray, direction: np.ndarray, bend: _Bend, light_deg: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rays against the curled print's cylinder (in the as-if-width-bends frame): the arc
    length from the middle (x on the flat print), the rays' parameter t (NaN: a miss) and
    the lamp's shading, lit ``light_deg`` off the vertical across the bend."""
    ox, oz = origin[0], origin[2] - bend.z_centre
    ex, ez = direction[..., 0], direction[..., 2]
    a = ex**2 + ez**2
    b = 2.0 * (ox * ex + oz * ez)
    disc = b**2 - 4 * a * (ox**2 + oz**2 - bend.radius**2)
    root = np.sqrt(np.maximum(disc, 0.0))
    best_t = np.full(a.shape, np.nan)
    for t in ((-b + root) / (2 * a), (-b - root) / (2 * a)):
        # The paper is the half of the circle facing the camera's side; take the nearer hit.
        facing = -bend.dome * (oz + t * ez) > 0
        take = facing & (t > 0) & ~(np.isfinite(best_t) & (best_t < t))
        best_t = np.where(take, t, best_t)
    best_t = np.where(disc >= 0, best_t, np.nan)
    angle = np.arctan2(ox + best_t * ex, -bend.dome * (oz + best_t * ez))
    light = np.radians(light_deg)
    facing_lamp = np.cos(angle - bend.dome * light) / np.cos(light)
    shade = np.where(np.isfinite(angle), CURL_AMBIENT + (1 - CURL_AMBIENT) * facing_lamp, 1.0)
    return bend.radius * angle, best_t, shade


def arc_half_angle(sag_per_half: float) -> float:
    """The half angle of a circular arc whose sagitta is ``sag_per_half`` of its half
    length: solves (1 - cos a) / a = sag_per_half by bisection (monotonic on (0, pi/2])."""
    lo, hi = 1e-9, np.pi / 2
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if (1 - np.cos(mid)) / mid < sag_per_half:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _rounded_rect_sdf(
    u: np.ndarray, v: np.ndarray, size: tuple[int, int], radius_px: float
) -> np.ndarray:
    """Signed distance (print pixels, negative inside) to a ``size`` (width, height)
    rectangle at the origin whose corners are rounded by ``radius_px``."""
    pw, ph = size
    qx = np.abs(u - pw / 2.0) - (pw / 2.0 - radius_px)
    qy = np.abs(v - ph / 2.0) - (ph / 2.0 - radius_px)
    outside = np.hypot(np.maximum(qx, 0.0), np.maximum(qy, 0.0))
    return outside + np.minimum(np.maximum(qx, qy), 0.0) - radius_px


def _light(frame: np.ndarray, gradient: float, rng: np.random.Generator) -> np.ndarray:
    if gradient <= 0:
        return frame
    h, w = frame.shape[:2]
    angle = rng.uniform(0, 2 * np.pi)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    ramp = (np.cos(angle) * (xx / w - 0.5) + np.sin(angle) * (yy / h - 0.5)) + 0.5
    gain = 1.0 - gradient * np.clip(ramp, 0, 1)
    return frame * gain[..., None]


def _glare(
    frame: np.ndarray, corners: np.ndarray, spots: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Bright specular blobs on the print, pushing pixels towards white."""
    h, w = frame.shape[:2]
    diag = float(np.linalg.norm(corners[2] - corners[0]))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    alpha = np.zeros((h, w), np.float32)
    for _ in range(spots):
        a, b = rng.uniform(0.2, 0.8, size=2)
        top = corners[0] + a * (corners[1] - corners[0])
        bottom = corners[3] + a * (corners[2] - corners[3])
        cx, cy = top + b * (bottom - top)
        sx, sy = diag * rng.uniform(0.03, 0.07), diag * rng.uniform(0.02, 0.05)
        blob = np.exp(-(((xx - cx) / sx) ** 2 + ((yy - cy) / sy) ** 2))
        alpha = np.maximum(alpha, np.clip(blob * 1.6, 0, 1))
    out = frame + (255.0 - frame) * alpha[..., None]
    return out, alpha > 0.5


def _glare_at(
    frame: np.ndarray, corners: np.ndarray, where: tuple[float, float], radius: float
) -> tuple[np.ndarray, np.ndarray]:
    """One glossy reflection at ``where`` (fractions of the print's width and height)."""
    h, w = frame.shape[:2]
    a, b = where
    top = corners[0] + a * (corners[1] - corners[0])
    bottom = corners[3] + a * (corners[2] - corners[3])
    cx, cy = top + b * (bottom - top)
    size = radius * float(np.linalg.norm(corners[2] - corners[0]))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    blob = np.exp(-(((xx - cx) ** 2 + (0.7 * (yy - cy)) ** 2) / size**2))
    alpha = np.clip(blob * 1.8, 0, 1)
    return frame + (255.0 - frame) * alpha[..., None], alpha > 0.5


def _sheen(
    frame: np.ndarray,
    corners: np.ndarray,
    coverage: np.ndarray,
    strength: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """A window's soft reflection: a broad bright band across the (glossy) print."""
    h, w = frame.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, np.pi)
    cx, cy = corners.mean(axis=0) + rng.uniform(-0.2, 0.2, 2) * np.ptp(corners, axis=0)
    along = np.cos(angle) * (xx - cx) + np.sin(angle) * (yy - cy)
    width = 0.15 * float(np.linalg.norm(corners[2] - corners[0]))
    band = np.exp(-((along / width) ** 2)) * strength * coverage
    return frame + (255.0 - frame) * band[..., None]


def _motion_blur(frame: np.ndarray, length_px: float, angle_deg: float) -> np.ndarray:
    size = int(np.ceil(length_px)) | 1
    kernel = np.zeros((size, size), np.float32)
    c = size // 2
    dx, dy = np.cos(np.radians(angle_deg)), np.sin(np.radians(angle_deg))
    for t in np.linspace(-length_px / 2, length_px / 2, 4 * size):
        kernel[round(c + t * dy), round(c + t * dx)] = 1.0
    return cv2.filter2D(frame, -1, kernel / kernel.sum())


def _phone_noise(frame: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Shot noise (grows with brightness) plus the blotchy colour noise left after a phone's
    own denoising (low-frequency chroma)."""
    h, w = frame.shape[:2]
    shot = rng.standard_normal(frame.shape).astype(np.float32) * sigma
    shot *= np.sqrt(np.clip(frame, 1.0, 255.0) / 128.0)
    coarse = rng.standard_normal((h // 4 + 1, w // 4 + 1, 3)).astype(np.float32) * sigma
    blotch = np.asarray(cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC))
    blotch -= blotch.mean(axis=2, keepdims=True)  # colour only, no lightness
    return frame + shot + blotch


def draw_hand(frame: np.ndarray, tip_xy: tuple[float, float], scale_px: float) -> np.ndarray:
    """A skin-coloured hand (palm and four fingers) reaching from below-right towards ``tip_xy``."""
    out = frame.copy()
    x, y = tip_xy
    colour = (224, 172, 140)
    s = scale_px
    for i, dx in enumerate((-0.45, -0.15, 0.15, 0.45)):
        length = s * (1.0 if i in (1, 2) else 0.85)
        x0, y0 = int(x + dx * s), int(y + (0.0 if i in (1, 2) else 0.15 * s))
        cv2.line(out, (x0, y0), (x0 + int(0.5 * s), y0 + int(length)), colour, int(0.22 * s))
    centre = (int(x + 0.6 * s), int(y + 1.5 * s))
    cv2.ellipse(out, centre, (int(0.75 * s), int(1.0 * s)), -25, 0, 360, colour, -1)
    cv2.ellipse(
        out,
        (int(x + 1.2 * s), int(y + 3.0 * s)),
        (int(0.6 * s), int(2.0 * s)),
        -25,
        0,
        360,
        colour,
        -1,
    )
    return out


def hand_away_frames(
    photo: np.ndarray,
    *,
    size: tuple[int, int] = (640, 480),
    fps: int = 15,
    hand_s: float = 1.0,
    still_s: float = 2.0,
    seed: int = 0,
) -> tuple[list[np.ndarray], np.ndarray]:
    """Frames of a print with a hand on it that moves out of view, then the print alone.

    Returns the RGB frames and the print's true corners (TL, TR, BR, BL).
    """
    scene = render_print_scene(photo, SceneSpec(frame_size=size, table="wood", seed=seed))
    rng = np.random.default_rng(seed + 1)
    w, h = size
    hand_frames = round(hand_s * fps)
    still_frames = round(still_s * fps)
    start = scene.corners.mean(axis=0)
    end = np.array([w * 1.1, h * 1.2])
    frames = []
    for i in range(hand_frames + still_frames):
        t = min(1.0, i / max(1, hand_frames - 1))
        tip = start + (end - start) * t
        frame = draw_hand(scene.frame, (float(tip[0]), float(tip[1])), 0.09 * w)
        noise = rng.normal(0, 2.0, frame.shape)
        frames.append(np.clip(frame + noise, 0, 255).astype(np.uint8))
    return frames, scene.corners


def write_hand_away_video(
    photo: np.ndarray, path: str | Path, *, fps: int = 15, **kwargs
) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Write :func:`hand_away_frames` as an H.264 MP4 (PyAV) and return the true corners."""
    import av

    frames, corners = hand_away_frames(photo, fps=fps, **kwargs)
    h, w = frames[0].shape[:2]
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        stream.options = {"crf": "18", "preset": "veryfast"}
        for rgb in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return corners


def screen_image(
    photo: np.ndarray,
    pixel_px: int = 3,
    bezel_px: int = 40,
    *,
    gain: float = 1.6,
    cast: tuple[float, float, float] = (1.0, 1.0, 1.0),
    gap: float = 1.0,
) -> np.ndarray:
    """``photo`` as a phone or monitor shows it: RGB sub-pixel stripes and a black bezel.

    Photographed, the pixel grid aliases into moiré, which is how a screen gives itself away.
    ``gain`` is the emitted light (above 1 clips highlights), ``cast`` a panel's colour
    temperature, ``gap`` how dark the gaps between pixels are (0 = no visible grid).
    """
    if photo.ndim == 2:
        photo = np.repeat(photo[..., None], 3, axis=2)
    big = np.repeat(np.repeat(photo, pixel_px, axis=0), pixel_px, axis=1).astype(np.float32)
    # Each sub-pixel stripe is a third of the pixel wide; a column of image pixels takes the
    # share of each stripe it covers (a 2 px pixel: two thirds red and a third green, then a
    # third green and two thirds blue). Stripes cut at whole columns left a 2 px pixel's red
    # unlit, a cyan screen, and a 4 px pixel's blue two columns wide.
    third = pixel_px / 3.0
    cols = np.arange(pixel_px, dtype=np.float32)[:, None]  # column c spans [c, c + 1)
    starts = np.arange(3, dtype=np.float32)[None, :] * third  # stripe k from k * third
    cover = np.clip(np.minimum(cols + 1.0, starts + third) - np.maximum(cols, starts), 0.0, 1.0)
    stripes = np.zeros((pixel_px, pixel_px, 3), np.float32)
    stripes[: pixel_px - 1] = cover[None, :, :]
    stripes = gap * stripes + (1.0 - gap) * stripes.mean(axis=(0, 1), keepdims=True)
    h, w = big.shape[:2]
    grid = np.tile(stripes, (h // pixel_px, w // pixel_px, 1))
    lit = np.clip(big * grid * gain * np.array(cast, np.float32), 0, 255).astype(np.uint8)
    return add_border(lit, bezel_px, (12, 12, 14))


def render_two_prints(
    photo_a: np.ndarray, photo_b: np.ndarray, spec: SceneSpec = SceneSpec()
) -> Scene:
    """Two prints side by side on one table (the scene that must be refused).

    ``spec.offset`` places the first print; the second is mirrored to the other side.
    Returns the frame and the first print's corners.
    """
    first = render_print_scene(photo_a, spec)
    mirrored = SceneSpec(**{**spec.__dict__, "offset": (-spec.offset[0], -spec.offset[1])})
    second = render_print_scene(photo_b, mirrored)
    coverage = _coverage(second.corners, spec.frame_size)[..., None]
    frame = first.frame * (1 - coverage) + second.frame * coverage
    return Scene(np.clip(frame + 0.5, 0, 255).astype(np.uint8), first.corners, first.print_image)


def frame_px_per_print_px(print_size: tuple[int, int], spec: SceneSpec) -> float:
    """How many frame pixels one pixel of a print of ``print_size`` (width, height) spans
    at the print's centre, seen as ``spec`` says (:func:`project_print` scales the print
    to ``spec.print_share`` of the frame): what sets a halftone's period in camera pixels."""
    fw, fh = spec.frame_size
    pw, ph = print_size
    return float(np.sqrt(spec.print_share * fw * fh / (pw * ph)))


HALFTONE_SUPERSAMPLE = 4  # the dots are drawn this much finer, then averaged down
# Process-colour screen angles (degrees): cyan, magenta, yellow, black. Their dots, each
# lattice turned from the others, make the rosette of a magazine's colour photo.
ROSETTE_DEG = (15.0, 75.0, 0.0, 45.0)
# Process inks on paper, as the share of red, green and blue light each lets through.
INK_FILTERS = ((0.1, 0.85, 1.0), (1.0, 0.15, 0.6), (1.0, 0.95, 0.1), (0.12, 0.12, 0.13))


def halftone_print(
    photo: np.ndarray,
    period_px: float,
    *,
    colour: bool = False,
    angle_deg: float = 45.0,
    paper_rgb: tuple[int, int, int] = (242, 239, 228),
) -> np.ndarray:
    """``photo`` printed as a newspaper or magazine prints it: a dot lattice of
    ``period_px`` (pixels of ``photo``) per ink, each dot as large as its tone is dark.

    Black alone at ``angle_deg`` (a newspaper's clipping), or with ``colour`` cyan,
    magenta, yellow and black at :data:`ROSETTE_DEG` (a magazine's rosette). The dots are
    hard-edged ink on paper, drawn finer than the pixels and averaged down as a camera's
    or a scanner's pixels do; a lattice near the pixels' own spacing is what a clipping
    held under the kiosk's camera shows it.
    """
    if photo.ndim == 2:
        photo = np.repeat(photo[..., None], 3, axis=2)
    h, w = photo.shape[:2]
    s = HALFTONE_SUPERSAMPLE
    fine = cv2.resize(photo, (w * s, h * s), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    fine /= 255.0
    inks: list[np.ndarray]
    angles: tuple[float, ...] = ROSETTE_DEG
    filters: tuple[tuple[float, float, float], ...] = INK_FILTERS
    if colour:
        black = 1.0 - fine.max(axis=2)
        cmy = (1.0 - fine - black[..., None]) / np.maximum(1.0 - black[..., None], 1e-3)
        inks = [cmy[..., 0], cmy[..., 1], cmy[..., 2], black]
    else:
        inks = [1.0 - fine.mean(axis=2)]
        angles, filters = (angle_deg,), (INK_FILTERS[3],)
    light = np.ones((h * s, w * s, 3), np.float32) * (np.array(paper_rgb, np.float32) / 255.0)
    for ink, angle, through in zip(inks, angles, filters, strict=True):
        dots = ink > _dot_threshold((w * s, h * s), period_px * s, angle)
        light[dots] *= np.array(through, np.float32)
    down = cv2.resize(light, (w, h), interpolation=cv2.INTER_AREA)
    return np.clip(down * 255.0 + 0.5, 0, 255).astype(np.uint8)


def _dot_threshold(size: tuple[int, int], period_px: float, angle_deg: float) -> np.ndarray:
    """A round-dot screen's threshold (0-1) at each pixel of ``size`` (width, height): ink
    where the tone's coverage exceeds it, so dots grow from the lattice's points, of
    ``period_px`` at ``angle_deg``, and merge into a checkerboard at half coverage. The
    thresholds are equalised (each replaced by its share of the screen below it), as a
    printer calibrates its screen, so a tone covers as much paper as it is dark."""
    w, h = size
    yy, xx = np.mgrid[:h, :w].astype(np.float32)
    a = np.radians(angle_deg)
    u = (xx * np.cos(a) + yy * np.sin(a)) * (2.0 * np.pi / period_px)
    v = (-xx * np.sin(a) + yy * np.cos(a)) * (2.0 * np.pi / period_px)
    spot = -(np.cos(u) + np.cos(v))
    sample = np.sort(spot[::7, ::7].ravel())
    return np.asarray(np.searchsorted(sample, spot) / len(sample), np.float32)


def pinstripe_print(photo: np.ndarray, period_px: float, angle_deg: float = 0.0) -> np.ndarray:
    """``photo`` with fine light pinstripes of ``period_px`` at ``angle_deg`` over its
    lower half: a striped suit or shirt, a print's own periodic texture over much of it."""
    h, w = photo.shape[:2]
    yy, xx = np.mgrid[:h, :w].astype(np.float32)
    a = np.radians(angle_deg)
    along = (xx * np.cos(a) + yy * np.sin(a)) % period_px
    stripe = (along < max(1.0, period_px / 4.0)) & (yy >= h // 2)
    out = photo.astype(np.float32)
    out[stripe] = out[stripe] * 0.35 + 0.65 * 230.0
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)
