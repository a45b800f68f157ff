"""Draw what analysis found on the photo, so a person can check it at a glance."""

from __future__ import annotations

import numpy as np

from engine_edge.analysis import topology
from engine_edge.face import Analysis

MESH_COLOUR = (90, 220, 255)
OUTLINE_COLOUR = (255, 210, 60)
IRIS_COLOUR = (80, 255, 120)
SMALL_COLOUR = (255, 80, 80)
MESH_OPACITY = 0.4


def draw_overlay(image_rgb: np.ndarray, analysis: Analysis, mask_tint: float = 0.25) -> np.ndarray:
    """RGB uint8 copy of the photo: person mask tinted, mesh, outlines, irises, box and pose."""
    import cv2

    out = image_rgb.astype(np.float32)
    tint = np.array([60, 120, 255], np.float32)
    out += (tint - out) * (analysis.person_mask[..., None] * mask_tint)
    canvas = np.clip(out, 0, 255).astype(np.uint8)
    scale = max(1, round(max(canvas.shape[:2]) / 800))
    shift = 4  # sub-pixel drawing
    for face in analysis.faces:
        p = np.round(face.landmarks[:, :2] * (1 << shift)).astype(np.int32)
        if not face.too_small:
            # the mesh at 40 % opacity, so the face stays visible under it
            layer = canvas.copy()
            tris = p[topology.MESH_TRIANGLES]
            cv2.polylines(layer, list(tris), True, MESH_COLOUR, 1, cv2.LINE_AA, shift)
            cv2.addWeighted(layer, MESH_OPACITY, canvas, 1 - MESH_OPACITY, 0, dst=canvas)
            outlines = [
                (topology.LIPS_OUTER, True),
                (topology.LIPS_INNER, True),
                (topology.RIGHT_EYE_UPPER_LID, False),
                (topology.RIGHT_EYE_LOWER_LID, False),
                (topology.LEFT_EYE_UPPER_LID, False),
                (topology.LEFT_EYE_LOWER_LID, False),
                (topology.RIGHT_BROW_UPPER, False),
                (topology.LEFT_BROW_UPPER, False),
                (topology.FACE_OVAL, True),
            ]
            for idx, closed in outlines:
                cv2.polylines(
                    canvas, [p[list(idx)]], closed, OUTLINE_COLOUR, scale, cv2.LINE_AA, shift
                )
            for centre, rim in ((468, 469), (473, 474)):
                radius = int(np.linalg.norm(p[centre] - p[rim]))
                cv2.circle(
                    canvas,
                    tuple(p[centre]),
                    max(radius, 1 << shift),
                    IRIS_COLOUR,
                    scale,
                    cv2.LINE_AA,
                    shift,
                )
        x0, y0, x1, y1 = (round(v) for v in face.box)
        colour = SMALL_COLOUR if face.too_small else OUTLINE_COLOUR
        cv2.rectangle(canvas, (x0, y0), (x1, y1), colour, scale)
        label = (
            "too small"
            if face.too_small
            else f"yaw {face.pose.yaw_deg:+.0f} pitch {face.pose.pitch_deg:+.0f} "
            f"roll {face.pose.roll_deg:+.0f}"
        )
        cv2.putText(
            canvas,
            label,
            (x0, max(12, y0 - 4)),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.35 * scale,
            colour,
            1,
            cv2.LINE_AA,
        )
    return canvas
