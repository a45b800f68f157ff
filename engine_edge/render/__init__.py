"""Render: warp the whole photo by the rig and synthesise what a still photo lacks.

Per frame: the smooth field (head turns, breath, smile, brows) is inverted on
a coarse grid and upsampled; eyelids and the mouth replace that map locally
with their own occluding maps; the person layer is resampled once (bicubic,
so grain and sharpness survive) and laid over the background, which moves only
by the camera drift and whose parallax-uncovered parts are inpainted once per
photo. The closed lid's lash line, the mouth cavity and teeth are painted in
colours taken from the photo itself.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from engine_edge.analysis import topology as topo
from engine_edge.perform import CameraParams, FaceParams, FrameParams, Performance
from engine_edge.render import detail
from engine_edge.render.detail import phase_strength
from engine_edge.render.features import (
    EyeFeature,
    MouthFeature,
    eye_features,
    fit_lids_to_photo,
    fit_mouth_to_photo,
    matched_lines,
    mouth_feature,
)
from engine_edge.render.field import CoarseField
from engine_edge.render.lids import LidPaint, lid_paint
from engine_edge.render.mouth_paint import MouthPaint, mouth_paint
from engine_edge.rig import Rig, smooth_displacement

log = logging.getLogger(__name__)

COUNTER_ROTATION = 0.6  # eyes keep looking at the camera while the head turns
_REFLECT = cv2.BORDER_REFLECT101
STILL_PX = 0.2  # pixels that never move further than this all clip long are left as they are
# The plan's maps kept for the render up to this size (a 6 s 1080x1080 clip: 37 MB).
PLANNED_MAPS_MAX_BYTES = 48 << 20


@dataclass(frozen=True)
class _FaceParts:
    eyes: tuple[EyeFeature, EyeFeature]
    mouth: MouthFeature
    inside: MouthPaint
    iris_vertex: tuple[int, int]  # rig vertex ids of the right and left iris centres
    lids: tuple[LidPaint, LidPaint]


class Renderer:
    """Renders frames of one photo with one rig; built once, then called per frame."""

    def __init__(self, photo: np.ndarray, rig: Rig, person_mask: np.ndarray | None) -> None:
        h, w = photo.shape[:2]
        if (w, h) != rig.size:
            raise ValueError("The rig was built for a different image size.")
        self.photo = np.ascontiguousarray(photo)
        # Bicubic (and the detail restored after it) on luminance only; colour, which
        # yuv420 halves anyway, bilinear; a black-and-white print has no colour to resample.
        grey = photo[..., 0]
        self.grey = _is_grey(photo)
        ycc = None if self.grey else cv2.cvtColor(self.photo, cv2.COLOR_RGB2YCrCb)
        self.source = np.ascontiguousarray(grey if ycc is None else ycc[..., 0])
        self.chroma = None if ycc is None else np.ascontiguousarray(ycc[..., 1:])
        self.rig = rig
        step = int(max(4, round(max(w, h) / 150)))
        self.field = CoarseField(rig, step)
        mask = (
            np.zeros((h, w), np.float32) if person_mask is None else person_mask.astype(np.float32)
        )
        self.has_person = bool(mask.max() > 0.5) or bool(rig.faces)
        if self.has_person:
            # A decisive matte: segmentation is often unsure over wide areas (a flag, a
            # chair), and only the silhouette's own edge should be soft.
            sharp = np.clip((mask - 0.3) / 0.4, 0.0, 1.0)
            alpha = (sharp * sharp * (3 - 2 * sharp) * 255).astype(np.uint8)
            for fr in rig.faces:  # the face is always part of the person layer
                hull = cv2.convexHull(fr.landmarks[list(topo.FACE_OVAL), :2].astype(np.int32))
                cv2.fillConvexPoly(alpha, hull, 255)
            self.alpha = alpha
            # Where the person's matte reaches, widened by two grid cells: an output grid
            # point that samples outside it has no person within a cell of it, so a frame
            # with the camera moving resamples only the strips the person crosses.
            reach = 2 * step + 3
            self._person_reach = cv2.dilate(
                (alpha > 0).astype(np.uint8), np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)
            )
            background = _inpaint_behind(photo, alpha)
            self.background = np.ascontiguousarray(background[..., 0]) if self.grey else background
        else:
            self.alpha = None
            self.background = self.source if self.grey else self.photo
        self.parts = tuple(_face_parts(photo, fr) for fr in rig.faces)
        self._spans = [(0, h, 0, w)]
        # Each frame's full-size map, written over frame after frame (9 MB at 1080x1080).
        grid_h, grid_w = self.field.points.shape[:2]
        self._map_buffer = np.empty((grid_h * step, grid_w * step, 2), np.float32)
        self._planned: dict[tuple[FaceParams, ...], tuple[np.ndarray, np.ndarray]] = {}

    def plan(self, performance: Performance) -> None:
        """Find, once per clip, the parts of the photo that never move, so they are copied.

        Resampling softens a little; pixels that stay still all clip long are then
        exactly the photo's, and the others are resampled in every frame (no flicker
        between sharp and soft). With the camera moving, each frame resamples the strips the
        person crosses in it (`_person_strips`).

        Each frame's displacement and map, found here, are kept for its render (which
        would find them again: a quarter of a second for a 6 s clip), unless a long clip's
        would take more than PLANNED_MAPS_MAX_BYTES; a frame's render lets them go.
        """
        w, h = self.rig.size
        self._spans = [(0, h, 0, w)]
        self._planned = {}
        cams = [performance.frame(i).camera for i in range(performance.frame_count)]
        if self.alpha is None or any(_camera_moves(c) for c in cams):
            return
        identity = self.field.points
        keep = performance.frame_count * (identity.nbytes + self.rig.vertices.size * 8) <= (
            PLANNED_MAPS_MAX_BYTES
        )
        moving = np.zeros(identity.shape[:2], bool)
        for i in range(performance.frame_count):
            frame = performance.frame(i)
            disp = smooth_displacement(self.rig, frame)
            grid = self.field.inverse_map(disp, _IDENTITY)
            offset = np.abs(grid - identity)  # the larger axis (numpy's max over 2 is slow)
            moving |= np.maximum(offset[..., 0], offset[..., 1]) > STILL_PX
            if keep:
                self._planned[frame.faces] = (disp, grid)
        step = self.field.step
        for parts, track in zip(self.parts, performance.faces, strict=False):
            boxes = []
            if track.lid_left.max() > 0 or track.lid_right.max() > 0 or track.smile.max() > 0:
                boxes += [eye.box() for eye in parts.eyes]
            if track.gaze_x.any() or track.gaze_y.any() or track.yaw_deg.any():
                boxes += [eye.box() for eye in parts.eyes]
            m = track.mouth
            if (
                m.jaw_open.max() > 0
                or m.upper_lip_raise.max() > 0
                or m.lip_width.any()
                or m.lip_round.any()
            ):
                boxes.append(parts.mouth.box())
            for x0, y0, x1, y1 in boxes:
                moving[
                    max(0, int(y0 // step)) : int(y1 // step) + 2,
                    max(0, int(x0 // step)) : int(x1 // step) + 2,
                ] = True
        moving = np.asarray(cv2.dilate(moving.astype(np.uint8), np.ones((5, 5), np.uint8))) > 0
        self._spans = _strips(moving, step, (w, h))
        log.debug("resampling %.0f %% of the frame", 100 * self.moving_fraction)

    def lids_behind_glasses(self) -> list[bool]:
        """Per face, whether glasses cross an eye (a blink slides behind their rims)."""
        return [any(paint.rims is not None for paint in parts.lids) for parts in self.parts]

    @property
    def moving_fraction(self) -> float:
        w, h = self.rig.size
        return sum((y1 - y0) * (x1 - x0) for y0, y1, x0, x1 in self._spans) / float(w * h)

    def render(self, params: FrameParams) -> np.ndarray:
        """The frame as RGB."""
        return as_rgb(self.render_grey_or_rgb(params))

    def render_grey_or_rgb(self, params: FrameParams) -> np.ndarray:
        """The frame: one grey plane (h, w) for a black-and-white print, else RGB (h, w, 3).

        A grey print stays one plane up to the encoder, which makes its yuv420p frame
        from it (no colour to convert): the same pixels as RGB, a third of the memory.
        A painted lid or mouth that comes out in colour turns the frame into RGB.
        """
        w, h = self.rig.size
        cam = params.camera
        still = not _camera_moves(cam)
        if still:
            bg = self.background
        else:
            bg = cv2.warpAffine(
                self.background,
                _camera_affine(cam, 0.0, (w, h)),
                (w, h),
                flags=cv2.INTER_CUBIC,
                borderMode=cv2.BORDER_REFLECT101,
            )
        if self.alpha is None:
            return bg.copy() if still else bg
        planned = self._planned.pop(params.faces, None) if still else None
        if planned is None:
            disp = smooth_displacement(self.rig, params)
            inverse = cv2.invertAffineTransform(_camera_affine(cam, 1.0, (w, h)))
            grid_map = self.field.inverse_map(disp, inverse)
        else:
            disp, grid_map = planned
        spans = self._spans if still else self._person_strips(grid_map)
        eye_slices = [
            [_slice_for(eye.box(), grid_map, self.field.step, (w, h)) for eye in parts.eyes]
            for parts in self.parts
        ]
        moving_mouths = [
            fp.jaw_open > 0.005 or fp.upper_lip_raise > 0.005 or fp.lip_width or fp.lip_round
            for fp in params.faces
        ]
        mouth_slices = [
            _slice_for(parts.mouth.box(), grid_map, self.field.step, (w, h)) if moves else None
            for parts, moves in zip(self.parts, moving_mouths, strict=False)
        ]
        full = self.field.upsample(grid_map, out=self._map_buffer)
        overlays: list[tuple[str, Any, Any, _FaceParts]] = []
        for k, (parts, fp) in enumerate(zip(self.parts, params.faces, strict=False)):
            gaze = self._gaze_px(k, fp, disp)
            for e, (eye, closure, g) in enumerate(
                zip(parts.eyes, (fp.lid_right, fp.lid_left), gaze, strict=True)
            ):
                if closure <= 0 and fp.smile <= 0 and not (g[0] or g[1]):
                    continue
                sl = eye_slices[k][e]
                if sl is None:
                    continue
                paint = parts.lids[e]
                src, lid = eye.backward(full[sl].astype(np.float64), closure, fp.smile, g)
                if paint.rims is not None:
                    # Glasses stay where the head puts them, the lower lid's skin is not
                    # pulled up through a rim (it would drag the rim's dark along), and the
                    # closing lid goes behind it.
                    held = paint.rims.at(full[sl])
                    rim = np.maximum(held, paint.rims.at(src))[..., None]
                    src = src + rim * (full[sl] - src)
                    if lid is not None:
                        lid = dataclasses.replace(lid, held=held)
                full[sl] = src
                if lid is not None:
                    overlays.append(("lid", sl, (lid, paint), parts))
            sl = mouth_slices[k]
            if sl is not None:
                src, layer = parts.mouth.backward(full[sl].astype(np.float64), fp)
                full[sl] = src
                overlays.append(("mouth", sl, (layer, fp), parts))
        strength = phase_strength(grid_map - self.field.points)
        # With the camera moving, the background is warped for this frame alone and the
        # person is laid over it.
        frame = (self.source if self.grey else self.photo).copy() if still else bg
        for y0, y1, x0, x1 in spans:
            # Sampled with a margin as wide as the detail filter's reach, so a strip's
            # edge rows are restored from their true neighbours, as in a whole frame.
            py0, py1, px0, px1 = _padded((y0, y1, x0, x1), (w, h))
            strength_span = self.field.upsample_span(strength, (py0, py1, px0, px1))
            moved = self._sample(
                full[py0:py1, px0:px1], cv2.INTER_CUBIC, detail.CUBIC, strength_span
            )[y0 - py0 : y1 - py0, x0 - px0 : x1 - px0]
            part = full[y0:y1, x0:x1]
            alpha = cv2.remap(self.alpha, part, None, cv2.INTER_LINEAR, borderMode=_REFLECT)  # type: ignore[call-overload]
            frame[y0:y1, x0:x1] = _composite(moved, alpha, bg[y0:y1, x0:x1])
        # The mouth samples on its own map; the eyes carry the portrait and get the
        # sharper Lanczos kernel (too slow for the whole frame, cheap for two boxes).
        for kind, sl, _, _ in overlays:
            if kind == "mouth":
                frame[sl] = self._sample(full[sl], cv2.INTER_CUBIC, detail.CUBIC)
        for sl in itertools.chain(*eye_slices):
            if sl is not None:
                frame[sl] = self._sample(full[sl], cv2.INTER_LANCZOS4, detail.LANCZOS)
        for kind, sl, data, parts in overlays:
            region = as_rgb(frame[sl]).astype(np.float32)
            if kind == "lid":
                lid, source = data
                source.paint(region, lid)
            else:
                layer, fp = data
                parts.inside.paint(region, layer, fp)
            painted = np.clip(region, 0, 255).astype(np.uint8)
            if frame.ndim == 2 and _is_grey(painted):
                frame[sl] = painted[..., 0]
            else:
                frame = as_rgb(frame)
                frame[sl] = painted
        return frame

    def _sample(
        self,
        part_map: np.ndarray,
        interpolation: int,
        kernel: np.ndarray,
        strength: np.ndarray | None = None,
    ) -> np.ndarray:
        """The photo on a map, its fine detail kept: grey for a black-and-white print, else RGB."""
        luma = cv2.remap(self.source, part_map, None, interpolation, borderMode=_REFLECT)  # type: ignore[call-overload]
        luma = detail.restore(
            luma, phase_strength(part_map) if strength is None else strength, kernel
        )
        if self.chroma is None:
            return luma
        chroma = cv2.remap(self.chroma, part_map, None, cv2.INTER_LINEAR, borderMode=_REFLECT)  # type: ignore[call-overload]
        return cv2.cvtColor(cv2.merge((luma, chroma)), cv2.COLOR_YCrCb2RGB)

    def _person_strips(self, grid_map: np.ndarray) -> list[tuple[int, int, int, int]]:
        """Strips of output pixels that may show the person in this frame (camera moving).

        Outside them the matte is zero, so the frame there is the warped background and
        resampling the person would be wasted: a portrait's person is about half the frame.
        """
        reach = cv2.remap(
            self._person_reach,
            grid_map,
            None,
            cv2.INTER_NEAREST,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=0,
        )
        return _strips(np.asarray(reach) > 0, self.field.step, self.rig.size)

    def _gaze_px(
        self, k: int, fp, disp: np.ndarray
    ) -> tuple[tuple[float, float], tuple[float, float]]:  # type: ignore[no-untyped-def]
        """Gaze per eye in its (u, v) pixels; the eyes counter-rotate against the head."""
        parts = self.parts[k]
        out = []
        for eye, vid in zip(parts.eyes, parts.iris_vertex, strict=True):
            head = disp[vid]
            counter = -COUNTER_ROTATION * np.array([head @ eye.frame.eu, head @ eye.frame.ev])
            g = np.array([fp.gaze_x, fp.gaze_y]) * eye.length + counter
            limit = 0.45 * eye.iris_radius
            g = np.clip(g, -limit, limit)
            out.append((float(g[0]), float(g[1])))
        return out[0], out[1]


_IDENTITY = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])


def as_rgb(frame: np.ndarray) -> np.ndarray:
    """A frame as RGB: a grey plane made three, an RGB frame as it is."""
    return cv2.cvtColor(frame, cv2.COLOR_GRAY2RGB) if frame.ndim == 2 else frame


def grey_plane(image: np.ndarray) -> np.ndarray:
    """An RGB image whose three channels are equal as one grey plane, any other as it is."""
    return np.ascontiguousarray(image[..., 0]) if image.ndim == 3 and _is_grey(image) else image


def _is_grey(rgb: np.ndarray) -> bool:
    return bool(
        np.array_equal(rgb[..., 0], rgb[..., 1]) and np.array_equal(rgb[..., 0], rgb[..., 2])
    )


def _padded(span: tuple[int, int, int, int], size: tuple[int, int]) -> tuple[int, int, int, int]:
    """A span widened by the detail filter's reach (the pixels its restoration reads)."""
    y0, y1, x0, x1 = span
    w, h = size
    reach = detail.REACH_PX
    return max(0, y0 - reach), min(h, y1 + reach), max(0, x0 - reach), min(w, x1 + reach)


def _camera_moves(cam: CameraParams) -> bool:
    return cam.zoom != 1.0 or cam.pan_x != 0.0 or cam.pan_y != 0.0


def _camera_affine(cam: CameraParams, nearness: float, size: tuple[int, int]) -> np.ndarray:
    """2x3 forward affine of a layer: scale about the centre, then pan."""
    w, h = size
    s, px, py = cam.layer(nearness)
    cx, cy = (w - 1) / 2.0, (h - 1) / 2.0
    return np.array([[s, 0, cx - s * cx + px * w], [0, s, cy - s * cy + py * h]], dtype=np.float64)


def _slice_for(box, grid_map: np.ndarray, step: int, size: tuple[int, int]):  # type: ignore[no-untyped-def]
    """The output pixels whose map lands in a feature's rest box (found on the coarse map)."""
    x0, y0, x1, y1 = box
    w, h = size
    pad = step
    inside = (
        (grid_map[..., 0] >= x0 - pad)
        & (grid_map[..., 0] <= x1 + pad)
        & (grid_map[..., 1] >= y0 - pad)
        & (grid_map[..., 1] <= y1 + pad)
    )
    if not inside.any():
        return None
    rows = np.flatnonzero(inside.any(axis=1))
    cols = np.flatnonzero(inside.any(axis=0))
    return (
        slice(max(0, (int(rows[0]) - 1) * step), min(h, (int(rows[-1]) + 2) * step)),
        slice(max(0, (int(cols[0]) - 1) * step), min(w, (int(cols[-1]) + 2) * step)),
    )


def _strips(cells: np.ndarray, step: int, size: tuple[int, int]) -> list[tuple[int, int, int, int]]:
    """Pixel spans ``(y0, y1, x0, x1)``, one per strip of 8 grid rows, covering the marked cells."""
    w, h = size
    band = 8  # grid rows per strip
    spans = []
    for r in range(0, cells.shape[0], band):
        cols = np.flatnonzero(cells[r : r + band].any(axis=0))
        if cols.size:
            spans.append((r * step, min(h, (r + band) * step), int(cols[0]) * step,
                          min(w, (int(cols[-1]) + 1) * step)))  # fmt: skip
    return [sp for sp in spans if sp[0] < sp[1] and sp[2] < sp[3]]


def _composite(rgb: np.ndarray, alpha: np.ndarray, background: np.ndarray) -> np.ndarray:
    a = alpha.astype(np.float32)
    a *= 1.0 / 255.0
    return cv2.blendLinear(rgb, background, a, 1.0 - a)


def _inpaint_behind(photo: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """The background with the person removed, filled from around (only a thin band ever shows)."""
    h, w = alpha.shape
    scale = min(1.0, 320.0 / max(w, h))
    small = cv2.resize(
        photo, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA
    )
    small_mask = cv2.resize(alpha, (small.shape[1], small.shape[0]), interpolation=cv2.INTER_AREA)
    small_mask = cv2.dilate((small_mask > 20).astype(np.uint8) * 255, np.ones((5, 5), np.uint8))
    filled = cv2.inpaint(small, small_mask, 5, cv2.INPAINT_TELEA)
    filled = cv2.resize(filled, (w, h), interpolation=cv2.INTER_CUBIC)
    # The person goes, up to just past the middle of the soft edge (a kept edge would ghost
    # when the person moves); beyond it the photo stays, so a still frame is the photo.
    core = cv2.dilate((alpha > 96).astype(np.uint8), np.ones((5, 5), np.uint8))
    core = cv2.GaussianBlur(core.astype(np.float32), (0, 0), 1.0)[..., None]
    return (photo * (1 - core) + filled * core).astype(np.uint8)


def _face_parts(photo: np.ndarray, fr) -> _FaceParts:  # type: ignore[no-untyped-def]
    mouth = mouth_feature(fr)
    right, left = eye_features(fr)
    first = fr.first_vertex
    eyes = matched_lines(fit_lids_to_photo(right, photo), fit_lids_to_photo(left, photo))
    inside = mouth_paint(photo, fr, mouth)
    if mouth.rest_gap_px >= 2.0 and not inside.has_teeth:
        mouth = dataclasses.replace(mouth, part_at_upper=True)
    mouth = fit_mouth_to_photo(mouth, photo)
    return _FaceParts(
        eyes,
        mouth,
        inside,
        (first + topo.RIGHT_IRIS[0], first + topo.LEFT_IRIS[0]),
        (lid_paint(photo, eyes[0]), lid_paint(photo, eyes[1])),
    )
