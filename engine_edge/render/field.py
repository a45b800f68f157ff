"""The smooth deformation field on a coarse grid, from vertex displacements.

The rest mesh never changes, so each grid point's triangle and barycentric
weights are found once per photo; a frame's field is then one sparse
matrix-vector product (three non-zeros per row). The inverse (where each output
pixel samples from) is found by fixed-point iteration, which converges because
these motions are small and smooth, and is upsampled bilinearly to full size.
"""

from __future__ import annotations

import cv2
import numpy as np
from scipy import sparse

from engine_edge.rig import Rig


class CoarseField:
    def __init__(self, rig: Rig, step_px: int) -> None:
        w, h = rig.size
        self.size = (w, h)
        self.step = step_px
        self.grid_w, self.grid_h = -(-w // step_px) + 1, -(-h // step_px) + 1
        gx = (np.arange(self.grid_w) + 0.5) * step_px - 0.5
        gy = (np.arange(self.grid_h) + 0.5) * step_px - 0.5
        xx, yy = np.meshgrid(gx, gy)
        self.points = np.stack([xx, yy], axis=-1).astype(np.float32)  # (gh, gw, 2)
        tri_id = _rasterise(rig, self.grid_w, self.grid_h, step_px)
        self.matrix = _barycentric_matrix(rig, self.points.reshape(-1, 2), tri_id.ravel())
        self._camera_key, self._camera_points = b"", self.points.astype(np.float64)

    def forward(self, displacement: np.ndarray) -> np.ndarray:
        """(gh, gw, 2) float32: displacement of the rest position at each grid point."""
        d = self.matrix @ displacement.astype(np.float64)
        return d.reshape(self.grid_h, self.grid_w, 2).astype(np.float32)

    def sample(self, field: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """Bilinear value of a grid field at pixel positions (h, w, 2)."""
        grid_xy = ((positions + 0.5) / self.step - 0.5).astype(np.float32)
        return cv2.remap(field, grid_xy, None, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)

    def inverse_map(self, displacement: np.ndarray, camera_inverse: np.ndarray) -> np.ndarray:
        """(gh, gw, 2) rest positions seen at each output grid point.

        ``camera_inverse`` is the 2x3 affine from output pixels to pre-camera pixels.
        """
        d = self.forward(displacement)
        q0 = self._seen_through(camera_inverse)
        q = q0 - self.sample(d, q0)
        for _ in range(2):
            q = q0 - self.sample(d, q)
        return q.astype(np.float32)

    def _seen_through(self, camera_inverse: np.ndarray) -> np.ndarray:
        """The grid points through the camera, kept while the camera stays (a still one
        all clip long, and twice per frame: the plan and the render)."""
        key = camera_inverse.tobytes()
        if key != self._camera_key:
            p = self.points.reshape(-1, 2)
            q0 = p @ camera_inverse[:, :2].T + camera_inverse[:, 2]
            self._camera_key, self._camera_points = key, q0.reshape(self.points.shape)
        return self._camera_points

    def upsample(self, grid_map: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Full-size (h, w, C) float32 map from a grid map (bilinear, pixel-centre aligned).

        ``out``, a (grid_h * step, grid_w * step, C) float32 buffer, is filled and a view of
        it returned: a renderer reuses one instead of allocating 9 MB a frame.
        """
        w, h = self.size
        size = (self.grid_w * self.step, self.grid_h * self.step)
        full = cv2.resize(grid_map, size, dst=out, interpolation=cv2.INTER_LINEAR)
        return full[:h, :w]

    def upsample_span(self, grid: np.ndarray, span: tuple[int, int, int, int]) -> np.ndarray:
        """Pixels ``(y0, y1, x0, x1)`` of :meth:`upsample`, from only the grid cells around them.

        A cell of margin on each side keeps the border clamping of the resize out of
        the span. The values are those of the whole-frame upsample to within 0.003 px (the
        resize rounds each pixel's source position from its own origin), not bit for bit.
        """
        y0, y1, x0, x1 = span
        s = self.step
        r0, c0 = max(0, y0 // s - 1), max(0, x0 // s - 1)
        r1, c1 = min(self.grid_h, -(-y1 // s) + 1), min(self.grid_w, -(-x1 // s) + 1)
        block = np.ascontiguousarray(grid[r0:r1, c0:c1])
        full = cv2.resize(block, ((c1 - c0) * s, (r1 - r0) * s), interpolation=cv2.INTER_LINEAR)
        return full[y0 - r0 * s : y1 - r0 * s, x0 - c0 * s : x1 - c0 * s]


def _rasterise(rig: Rig, gw: int, gh: int, step: int) -> np.ndarray:
    """Triangle index under every grid point (-1 where none)."""
    shift = 4
    ids = np.full((gh, gw), -1, dtype=np.int32)
    v = (rig.vertices.astype(np.float64) + 0.5) / step - 0.5
    fixed = np.round(v * (1 << shift)).astype(np.int32)
    for t, (a, b, c) in enumerate(rig.triangles):
        cv2.fillConvexPoly(ids, fixed[[a, b, c]], int(t), lineType=cv2.LINE_8, shift=shift)
    missing = ids < 0
    if missing.any():
        # Points between triangles on rounding: take the nearest triangle's id.
        idx = cv2.distanceTransformWithLabels(
            missing.astype(np.uint8), cv2.DIST_L2, 3, labelType=cv2.DIST_LABEL_PIXEL
        )[1]
        src = np.argwhere(~missing)
        labels_of = np.zeros(int(idx.max()) + 1, dtype=np.int32)
        lab = idx[~missing]
        labels_of[lab] = ids[src[:, 0], src[:, 1]]
        ids[missing] = labels_of[idx[missing]]
    return ids


def _barycentric_matrix(rig: Rig, pts: np.ndarray, tri_id: np.ndarray) -> sparse.csr_matrix:
    tri = rig.triangles[tri_id]
    v = rig.vertices.astype(np.float64)
    a, b, c = v[tri[:, 0]], v[tri[:, 1]], v[tri[:, 2]]
    p = pts.astype(np.float64)
    v0, v1, v2 = b - a, c - a, p - a
    den = v0[:, 0] * v1[:, 1] - v1[:, 0] * v0[:, 1]
    den = np.where(np.abs(den) < 1e-12, 1e-12, den)
    wb = (v2[:, 0] * v1[:, 1] - v1[:, 0] * v2[:, 1]) / den
    wc = (v0[:, 0] * v2[:, 1] - v2[:, 0] * v0[:, 1]) / den
    wa = 1.0 - wb - wc
    rows = np.repeat(np.arange(p.shape[0]), 3)
    cols = tri.ravel()
    vals = np.stack([wa, wb, wc], axis=1).ravel()
    return sparse.csr_matrix((vals, (rows, cols)), shape=(p.shape[0], v.shape[0]))
