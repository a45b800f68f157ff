"""The JSON form of an Analysis, as `keepsake analyse --json` prints it (see README)."""

from __future__ import annotations

from typing import Any

from engine_edge.face import Analysis


def _r(value: float, digits: int = 2) -> float:
    return round(float(value), digits)


def analysis_to_json(analysis: Analysis, *, turned_clockwise_deg: int = 0) -> dict[str, Any]:
    """Plain JSON types only; coordinates in image pixels, z relative (pixels, smaller = nearer).

    ``turned_clockwise_deg``: how far the photo was turned to stand its faces upright
    (engine_edge.analysis.orient); "image" and every coordinate are of the turned photo.
    """
    return {
        "image": {"width": analysis.image_size[0], "height": analysis.image_size[1]},
        "turned_clockwise_deg": turned_clockwise_deg,
        "backend": analysis.backend,
        "precision": analysis.precision,
        "timings_ms": analysis.timings_ms,
        "person_fraction": _r(analysis.person_mask.mean(), 4),
        "faces": [
            {
                "box": [_r(v) for v in face.box],
                "score": _r(face.score, 4),
                "too_small": face.too_small,
                "landmarks": [[_r(x), _r(y), _r(z)] for x, y, z in face.landmarks.tolist()],
                "irises": {
                    "left": [_r(v) for v in face.iris_left],
                    "right": [_r(v) for v in face.iris_right],
                },
                "pose": {
                    "yaw_deg": _r(face.pose.yaw_deg, 1),
                    "pitch_deg": _r(face.pose.pitch_deg, 1),
                    "roll_deg": _r(face.pose.roll_deg, 1),
                },
            }
            for face in analysis.faces
        ],
    }
