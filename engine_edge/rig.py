"""Rig: one triangle mesh over the whole photo, and how each vertex follows a performance.

Vertices are every face's landmarks (with their depth, so the head can turn in
3D), rings around each face for hair, ears and jaw, points just inside and just
outside the person's silhouette, a coarse grid on the background and anchors
on the photo's border. Each vertex carries weights: how much it follows each
head, each chest, and how near it is (person 1, background 0) for camera
parallax. Regions far from a face get weight 0, so glasses frames move with the
head as a whole (they are inside the face region, which only turns rigidly),
and hats, picture frames and the photo's edges stay put.

``deform(rig, params)`` gives the vertex positions of one frame: the kiosk
draws the photo on this mesh live; the renderer uses the smooth part of it and
adds eyelids and the mouth analytically (see engine_edge.render).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import cv2
import numpy as np
from scipy.spatial import Delaunay

from engine_edge.analysis import topology as topo
from engine_edge.easing import smoothstep
from engine_edge.face import Analysis, Face
from engine_edge.perform import CHANNELS, CameraParams, FaceParams, FrameParams

log = logging.getLogger(__name__)

PROFILE_YAW_DEG = 60.0
MIN_FACE_PX = 48.0  # narrower faces only blink, breathe and turn a little
MIN_BLINK_FACE_PX = 40.0  # narrower still only breathe and drift with the camera


@dataclass(frozen=True)
class FaceRig:
    """One face's rest geometry and what it may do."""

    index: int  # into Analysis.faces
    landmarks: np.ndarray  # (478, 3) rest positions, pixels
    first_vertex: int  # its 478 landmarks are rig vertices first_vertex .. +478
    pivot: np.ndarray  # (3,) head rotation centre (x, y, z) in pixels, near the top of the neck
    width_px: float
    height_px: float
    abilities: frozenset[str]
    warnings: tuple[str, ...]

    @property
    def mouth_width_px(self) -> float:
        lm = self.landmarks
        return float(
            np.linalg.norm(lm[topo.MOUTH_LEFT_CORNER, :2] - lm[topo.MOUTH_RIGHT_CORNER, :2])
        )

    @property
    def chin_y(self) -> float:
        return float(self.landmarks[topo.CHIN, 1])


@dataclass(frozen=True)
class Rig:
    """The mesh over the whole photo and per-vertex weights."""

    size: tuple[int, int]  # width, height in pixels
    vertices: np.ndarray  # (N, 2) float32 rest positions, pixels
    depth: np.ndarray  # (N,) float32 z in pixels (smaller = nearer), for 3D head turns
    triangles: np.ndarray  # (T, 3) int32, counter-clockwise in image coordinates (y down)
    nearness: np.ndarray  # (N,) 0 background .. 1 person
    head_weight: np.ndarray  # (F, N) how much each vertex follows face f's head
    breath_weight: np.ndarray  # (F, N) how much each vertex rises with face f's breath
    faces: tuple[FaceRig, ...]
    warnings: tuple[str, ...]

    @property
    def uv(self) -> np.ndarray:
        """Texture coordinates 0..1 (v down), for drawing the photo on the mesh."""
        return (self.vertices / np.asarray(self.size, dtype=np.float32)).astype(np.float32)


def build_rig(analysis: Analysis, faces: str | int = "all") -> Rig:
    """Build the rig of a photo from its analysis.

    ``faces``: "all" animates every face large enough, "largest" only the
    biggest, an int N the N largest.
    """
    w, h = analysis.image_size
    chosen = _choose_faces(analysis, faces)
    face_rigs: list[FaceRig] = []
    warnings: list[str] = []
    points: list[np.ndarray] = []
    depths: list[np.ndarray] = []
    for k, (idx, face) in enumerate(chosen):
        fr = _face_rig(idx, face, (w, h), first_vertex=k * face.landmarks.shape[0])
        face_rigs.append(fr)
        warnings.extend(fr.warnings)
        points.append(_irises_inside_the_eyes(face.landmarks))
        depths.append(_smooth_depth(face.landmarks, fr.width_px))
    if not chosen:
        warnings.append("No face to animate was found: the clip gets gentle camera motion only.")
    spacing = max(w, h) / 9.0
    extra = [_rings(fr) for fr in face_rigs]
    extra.append(_silhouette_points(analysis.person_mask, spacing / 3.0))
    extra.append(_grid(w, h, spacing))
    extra.append(_border(w, h, spacing / 2.0))
    face_pts = np.concatenate(points) if points else np.zeros((0, 2))
    others = np.concatenate(extra)
    others = others[_far_from(others, face_pts, spacing * 0.12)]
    others = _dedupe(others, spacing * 0.12)
    # Keep every landmark (even just outside the photo: the mesh hull then covers it).
    vertices = np.concatenate([face_pts, others]).astype(np.float64)
    n_face = face_pts.shape[0]
    depth = np.concatenate(
        [np.concatenate(depths) if depths else np.zeros(0), np.zeros(others.shape[0])]
    )
    nearness = _sample(_soft_mask(analysis.person_mask), vertices)
    nearness[:n_face] = 1.0
    # Motion fades out towards the photo's edges, which stay where they are.
    margin = 0.04 * max(w, h)
    to_edge = np.minimum.reduce([vertices[:, 0] + 1, vertices[:, 1] + 1, w - vertices[:, 0],
                                 h - vertices[:, 1]])  # fmt: skip
    edge_fade = smoothstep(to_edge / margin)
    head_w = np.zeros((len(face_rigs), vertices.shape[0]))
    breath_w = np.zeros_like(head_w)
    for k, fr in enumerate(face_rigs):
        head_w[k] = _head_weight(fr, vertices) * np.maximum(nearness, 0.0)
        head_w[k, :n_face] = 0.0  # other faces never turn with this one
        head_w[k, fr.first_vertex : fr.first_vertex + fr.landmarks.shape[0]] = 1.0
        # Non-landmark vertices take their depth from the pivot, so they turn with the skull.
        behind = head_w[k] > 0
        behind[:n_face] = False
        depth[behind] = fr.pivot[2]
        breath_w[k] = _breath_weight(fr, vertices) * nearness * edge_fade
        head_w[k, n_face:] *= edge_fade[n_face:]
    tri = Delaunay(vertices).simplices.astype(np.int32)
    tri = _counter_clockwise(vertices, tri)
    tri = tri[np.abs(_signed_areas(vertices, tri)) > 1e-6]
    return Rig(
        (w, h),
        vertices.astype(np.float32),
        depth.astype(np.float32),
        tri,
        nearness.astype(np.float32),
        head_w.astype(np.float32),
        breath_w.astype(np.float32),
        tuple(face_rigs),
        tuple(warnings),
    )


def _choose_faces(analysis: Analysis, faces: str | int) -> list[tuple[int, Face]]:
    ranked = sorted(
        ((i, f) for i, f in enumerate(analysis.faces) if not f.too_small),
        key=lambda item: -item[1].width_px,
    )
    if faces == "all":
        return ranked
    if faces == "largest":
        return ranked[:1]
    return ranked[: max(0, int(faces))]


def _face_rig(index: int, face: Face, size: tuple[int, int], first_vertex: int) -> FaceRig:
    lm = face.landmarks.astype(np.float64)
    oval = lm[list(topo.FACE_OVAL)]
    width = float(np.ptp(oval[:, 0]))
    height = float(np.ptp(oval[:, 1]))
    ears = (lm[234] + lm[454]) / 2.0
    # Turning centre: between the ears, a little lower (top of the spine) and behind the face.
    pivot = np.array([ears[0], ears[1] + 0.12 * height, float(np.mean(oval[:, 2])) + 0.35 * width])
    able = set(CHANNELS)
    notes = []
    label = f"Face {index + 1}"
    w, h = size
    outside = np.mean((lm[:, 0] < 0) | (lm[:, 0] >= w) | (lm[:, 1] < 0) | (lm[:, 1] >= h))
    eyes = lm[
        [topo.RIGHT_EYE_OUTER, topo.RIGHT_EYE_INNER, topo.LEFT_EYE_OUTER, topo.LEFT_EYE_INNER]
    ]
    eyes_inside = bool(
        np.all((eyes[:, 0] > 2) & (eyes[:, 0] < w - 2) & (eyes[:, 1] > 2) & (eyes[:, 1] < h - 2))
    )
    if abs(face.pose.yaw_deg) > PROFILE_YAW_DEG:
        able &= {"breath", "camera", "head"}
        notes.append(
            f"{label} is in profile: it only breathes and turns slightly (no blinks or speech)."
        )
    elif face.width_px < MIN_BLINK_FACE_PX:
        able &= {"breath", "camera"}
        notes.append(f"{label} is small ({face.width_px:.0f} px): it only breathes.")
    elif face.width_px < MIN_FACE_PX:
        able &= {"breath", "camera", "blink", "head"}
        notes.append(
            f"{label} is small ({face.width_px:.0f} px): it blinks, breathes and turns a little."
        )
    elif outside > 0.05:
        able -= {"head"}
        if not eyes_inside:
            able -= {"blink", "gaze"}
        notes.append(f"{label} is partly outside the photo: it does not turn its head.")
    return FaceRig(
        index,
        face.landmarks.astype(np.float32),
        first_vertex,
        pivot,
        width,
        height,
        frozenset(able),
        tuple(notes),
    )


def _irises_inside_the_eyes(landmarks: np.ndarray) -> np.ndarray:
    """Landmark positions as mesh vertices, with the iris rims pulled inside the eye opening.

    The iris rim lies partly under the lids; as a vertex there it would sit on
    the lid's skin and tear it when the lid closes. Inside the opening it moves
    with the eye instead.
    """
    pts = landmarks[:, :2].astype(np.float64).copy()
    for iris, upper, lower in (
        (topo.RIGHT_IRIS, topo.RIGHT_EYE_UPPER_LID, topo.RIGHT_EYE_LOWER_LID),
        (topo.LEFT_IRIS, topo.LEFT_EYE_UPPER_LID, topo.LEFT_EYE_LOWER_LID),
    ):
        outline = np.concatenate([pts[list(upper)], pts[list(lower)][::-1]]).astype(np.float32)
        centre = pts[iris[0]]
        for k, idx in enumerate(iris[1:]):
            for shrink in (1.0, 0.6, 0.35, 0.2, 0.1):
                p = centre + (pts[idx] - centre) * shrink
                if (
                    cv2.pointPolygonTest(
                        outline.reshape(-1, 1, 2), (float(p[0]), float(p[1])), True
                    )
                    > 0.3
                ):
                    break
            else:
                angle = k * np.pi / 2.0
                p = centre + 0.3 * np.array([np.cos(angle), np.sin(angle)])
            pts[idx] = p
    return pts


def _smooth_depth(landmarks: np.ndarray, face_width_px: float) -> np.ndarray:
    """Landmark depth, lightly smoothed across the face.

    Where the face turns away (its sides), points close in the picture can lie
    far apart in depth; turning them exactly would fold the mesh, as the side of
    a real head hides behind the cheek. Smoothing depth over about 5 % of the
    face width keeps the nose's relief and removes those steps.
    """
    lm = landmarks.astype(np.float64)
    d2 = np.sum((lm[:, None, :2] - lm[None, :, :2]) ** 2, axis=-1)
    weight = np.exp(-d2 / (2.0 * (0.05 * face_width_px) ** 2))
    return (weight @ lm[:, 2]) / weight.sum(axis=1)


def _rings(fr: FaceRig) -> np.ndarray:
    """Points around the face oval for hair, ears, jaw and neck."""
    oval = fr.landmarks[list(topo.FACE_OVAL), :2].astype(np.float64)
    centre = oval.mean(axis=0)
    rings = [centre + (oval - centre) * s for s in (1.18, 1.4, 1.75)]
    return np.concatenate(rings)


def _silhouette_points(mask: np.ndarray, step_px: float) -> np.ndarray:
    """Points a few pixels inside and outside the person's outline, so motion stops at it."""
    if mask is None or mask.size == 0 or float(mask.max()) < 0.5:
        return np.zeros((0, 2))
    h, w = mask.shape
    band = max(3, round(0.012 * max(w, h)))
    binary = (mask > 0.5).astype(np.uint8)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * band + 1, 2 * band + 1))
    out = []
    for m in (cv2.erode(binary, kernel), cv2.dilate(binary, kernel)):
        contours, _ = cv2.findContours(m, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
        for c in contours:
            c = c[:, 0, :].astype(np.float64)
            if c.shape[0] < 8:
                continue
            out.append(c[:: max(1, int(step_px))])
    return np.concatenate(out) if out else np.zeros((0, 2))


def _grid(w: int, h: int, spacing: float) -> np.ndarray:
    nx, ny = max(2, math.ceil(w / spacing)), max(2, math.ceil(h / spacing))
    xs, ys = np.linspace(0, w - 1, nx + 1)[1:-1], np.linspace(0, h - 1, ny + 1)[1:-1]
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx.ravel(), gy.ravel()], axis=1)


def _border(w: int, h: int, spacing: float) -> np.ndarray:
    """Anchors on the photo's edge (outside the pixel centres so the hull covers everything)."""
    x0, y0, x1, y1 = -1.0, -1.0, float(w), float(h)
    nx, ny = max(2, math.ceil(w / spacing)), max(2, math.ceil(h / spacing))
    xs, ys = np.linspace(x0, x1, nx + 1), np.linspace(y0, y1, ny + 1)
    edges = [
        np.stack([xs, np.full_like(xs, y0)], 1),
        np.stack([xs, np.full_like(xs, y1)], 1),
        np.stack([np.full_like(ys, x0), ys], 1),
        np.stack([np.full_like(ys, x1), ys], 1),
    ]
    return np.concatenate(edges)


def _far_from(points: np.ndarray, others: np.ndarray, distance: float) -> np.ndarray:
    if others.shape[0] == 0 or points.shape[0] == 0:
        return np.ones(points.shape[0], dtype=bool)
    from scipy.spatial import cKDTree

    d, _ = cKDTree(others).query(points)
    border = (points[:, 0] < 0) | (points[:, 1] < 0)
    return (d > distance) | border


def _dedupe(points: np.ndarray, distance: float) -> np.ndarray:
    from scipy.spatial import cKDTree

    keep = np.ones(points.shape[0], dtype=bool)
    for i, j in sorted(cKDTree(points).query_pairs(distance)):
        if keep[i] and keep[j]:
            keep[j] = False
    return points[keep]


def _soft_mask(mask: np.ndarray) -> np.ndarray:
    if mask is None or mask.size == 0:
        return np.zeros((1, 1), dtype=np.float32)
    return np.clip(mask.astype(np.float32), 0.0, 1.0)


def _sample(image: np.ndarray, points: np.ndarray) -> np.ndarray:
    h, w = image.shape[:2]
    xi = np.clip(np.round(points[:, 0]).astype(int), 0, w - 1)
    yi = np.clip(np.round(points[:, 1]).astype(int), 0, h - 1)
    return image[yi, xi].astype(np.float64)


def _head_weight(fr: FaceRig, pts: np.ndarray) -> np.ndarray:
    """1 on the face and the hair by it, 0 about half a face away (sooner below the chin)."""
    oval = fr.landmarks[list(topo.FACE_OVAL), :2].astype(np.float64)
    contour = oval.astype(np.float32).reshape(-1, 1, 2)
    dist = np.array([-cv2.pointPolygonTest(contour, (float(x), float(y)), True) for x, y in pts])
    dist = np.maximum(dist, 0.0) / fr.height_px
    below = np.clip((pts[:, 1] - fr.chin_y) / (0.15 * fr.height_px), 0.0, 1.0)
    dist = dist * (1.0 + 2.0 * below)
    return 1.0 - smoothstep((dist - 0.12) / 0.45)


def _breath_weight(fr: FaceRig, pts: np.ndarray) -> np.ndarray:
    """Chest and shoulders below this face's chin rise; the face itself does not."""
    cx = float(np.mean(fr.landmarks[list(topo.FACE_OVAL), 0]))
    down = smoothstep((pts[:, 1] - fr.chin_y - 0.1 * fr.height_px) / (0.7 * fr.height_px))
    across = np.exp(-(((pts[:, 0] - cx) / (1.6 * fr.width_px)) ** 2))
    return down * across


def _signed_areas(v: np.ndarray, tri: np.ndarray) -> np.ndarray:
    a, b, c = v[tri[:, 0]], v[tri[:, 1]], v[tri[:, 2]]
    return 0.5 * (
        (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (c[:, 0] - a[:, 0])
    )


def _counter_clockwise(v: np.ndarray, tri: np.ndarray) -> np.ndarray:
    flip = _signed_areas(v, tri) < 0
    tri = tri.copy()
    tri[flip] = tri[flip][:, [0, 2, 1]]
    return tri


def signed_areas(vertices: np.ndarray, triangles: np.ndarray) -> np.ndarray:
    """Signed area of each triangle (positive = the rest orientation); a fold is negative."""
    return _signed_areas(np.asarray(vertices, dtype=np.float64), triangles)


def rotation(yaw_deg: float, pitch_deg: float, roll_deg: float) -> np.ndarray:
    """Head rotation in image axes (x right, y down, z away): yaw about y, pitch x, roll z."""
    y, p, r = (math.radians(a) for a in (yaw_deg, pitch_deg, roll_deg))
    ry = np.array([[math.cos(y), 0, math.sin(y)], [0, 1, 0], [-math.sin(y), 0, math.cos(y)]])
    rx = np.array([[1, 0, 0], [0, math.cos(p), -math.sin(p)], [0, math.sin(p), math.cos(p)]])
    rz = np.array([[math.cos(r), -math.sin(r), 0], [math.sin(r), math.cos(r), 0], [0, 0, 1]])
    return rz @ rx @ ry


def smooth_displacement(
    rig: Rig, params: FrameParams, positions: np.ndarray | None = None
) -> np.ndarray:
    """(N, 2) displacement of every vertex by head turns, breath, smile and brows (no camera).

    These motions are small and smooth, so the renderer can invert them on a coarse grid.
    ``positions`` (default: the rest vertices) are where the field is evaluated: the
    mesh applies it after the lids and jaw moved, so a closed lid moves as one.
    """
    v = (rig.vertices if positions is None else positions).astype(np.float64)
    d = np.zeros_like(v)
    p3 = np.column_stack([v, rig.depth.astype(np.float64)])
    for k, (fr, fp) in enumerate(zip(rig.faces, params.faces, strict=False)):
        w = rig.head_weight[k].astype(np.float64)
        moving = w > 0
        if moving.any() and (fp.yaw_deg or fp.pitch_deg or fp.roll_deg):
            rot = rotation(fp.yaw_deg, fp.pitch_deg, fp.roll_deg)
            q = (p3[moving] - fr.pivot) @ rot.T + fr.pivot
            d[moving] += w[moving, None] * (q[:, :2] - p3[moving, :2])
        d += _expression(fr, fp, v) * rig.nearness[:, None]  # the wall behind never smiles
        if fp.breath and fp.breath_px_per_face_h:
            d[:, 1] -= rig.breath_weight[k] * fp.breath * fp.breath_px_per_face_h * fr.height_px
    return d


def _expression(fr: FaceRig, fp: FaceParams, v: np.ndarray) -> np.ndarray:
    """Smile (lip corners out and up, cheeks up) and brow raise as smooth Gaussian pulls."""
    d = np.zeros_like(v)
    lm = fr.landmarks[:, :2].astype(np.float64)
    mw = fr.mouth_width_px
    if fp.smile:
        right, left = lm[topo.MOUTH_RIGHT_CORNER], lm[topo.MOUTH_LEFT_CORNER]
        axis = (left - right) / max(np.linalg.norm(left - right), 1e-6)
        up = np.array([axis[1], -axis[0]])
        pulls = [
            (right, -axis * 0.07 + up * 0.06, 0.32),
            (left, axis * 0.07 + up * 0.06, 0.32),
            (lm[205], up * 0.04, 0.45),  # cheeks
            (lm[425], up * 0.04, 0.45),
        ]
        for centre, direction, sigma in pulls:
            d += _pull(v, centre, direction * mw * fp.smile, sigma * mw)
    if fp.brows:
        eye_w = float(np.linalg.norm(lm[topo.RIGHT_EYE_OUTER] - lm[topo.RIGHT_EYE_INNER]))
        for brow in (topo.RIGHT_BROW_UPPER, topo.LEFT_BROW_UPPER):
            pts = lm[list(brow)]
            centre = pts.mean(axis=0)
            d += _pull(v, centre, np.array([0.0, -0.12 * eye_w * fp.brows]), 0.8 * eye_w)
    return d


def _pull(v: np.ndarray, centre: np.ndarray, disp: np.ndarray, sigma: float) -> np.ndarray:
    r2 = np.sum((v - centre) ** 2, axis=1) / (2.0 * sigma * sigma)
    return np.exp(-r2)[:, None] * disp[None, :]


def camera_positions(rig: Rig, positions: np.ndarray, camera: CameraParams) -> np.ndarray:
    """Apply the camera drift to mesh vertices, uniformly.

    Parallax needs layers (the renderer lays the person over an inpainted
    background); on a single mesh, moving the person more than the background
    next to it would fold the thin triangles along the silhouette.
    """
    w, h = rig.size
    centre = np.array([(w - 1) / 2.0, (h - 1) / 2.0])
    scale, pan_x, pan_y = camera.layer(0.0)
    return centre + (positions - centre) * scale + np.array([pan_x * w, pan_y * h])


def deform(rig: Rig, params: FrameParams) -> np.ndarray:
    """(N, 2) vertex positions of one frame, for drawing the photo on the mesh (the kiosk).

    Includes eyelids and the jaw as mesh motion (the renderer does those better,
    with occlusion and a synthesised mouth interior, but a mesh cannot).
    """
    from engine_edge.render.features import eye_features, mouth_feature

    v = rig.vertices.astype(np.float64)
    moved = v.copy()
    for fr, fp in zip(rig.faces, params.faces, strict=False):
        for eye, closure in zip(eye_features(fr), (fp.lid_right, fp.lid_left), strict=True):
            moved = eye.forward(moved, min(closure, 0.9), fp.smile)
        moved = mouth_feature(fr).forward(moved, fp, fr.first_vertex)
    moved += smooth_displacement(rig, params, moved)
    # Head turns, breath and smile alone never fold (depth is smoothed for that), so
    # they are the safe shape to fall back to where the lids or jaw would flip a sliver.
    moved = _unfold(v + smooth_displacement(rig, params), moved, rig.triangles)
    return camera_positions(rig, moved, params.camera).astype(np.float32)


def _unfold(safe: np.ndarray, moved: np.ndarray, triangles: np.ndarray) -> np.ndarray:
    """Ease any triangle that would flip back towards a shape known not to fold.

    Slivers along a closed mouth or an eye corner can invert when landmarks cross
    by a fraction of a pixel; pulling just their vertices part of the way back is
    invisible and keeps the kiosk's mesh drawable.
    """
    out = moved.copy()
    for _ in range(12):
        bad = _signed_areas(out, triangles) <= 1e-9
        if not bad.any():
            break
        idx = np.unique(triangles[bad])
        out[idx] = safe[idx] + 0.6 * (out[idx] - safe[idx])
    else:
        bad = _signed_areas(out, triangles) <= 1e-9
        out[np.unique(triangles[bad])] = safe[np.unique(triangles[bad])]
    return out
