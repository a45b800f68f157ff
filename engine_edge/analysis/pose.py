"""Head pose from a weighted Procrustes fit to MediaPipe's canonical face model.

MediaPipe's face-geometry module fits its canonical face (centimetres, x to
the face's left-to-right across the picture, y up, z towards the viewer) to
33 stable mesh points with fixed weights. We use the same points, weights and
canonical coordinates (from ``geometry_pipeline_metadata_landmarks.pbtxt`` of
MediaPipe, Apache-2.0; the face is symmetric, so the right half mirrors the left).

Angles, in degrees, as seen in the photo:
  yaw_deg > 0   the nose points towards the image's right (the person's left),
  pitch_deg > 0 the face tilts up (chin forward),
  roll_deg > 0  the head leans counter-clockwise on screen.
"""

from __future__ import annotations

import math

import numpy as np

from engine_edge.face import HeadPose

# landmark id, weight, canonical x, y, z for the left half (x <= 0) and the midline
_LEFT_AND_MIDLINE = (
    (4, 0.070909939706326, 0.0, -0.463170, 7.586580),
    (6, 0.032100144773722, 0.0, 2.473255, 5.788627),
    (10, 0.008446550928056, 0.0, 8.261778, 4.481535),
    (33, 0.058724168688059, -4.445859, 2.663991, 3.173422),
    (54, 0.007667080033571, -6.279331, 6.615427, 1.425850),
    (67, 0.009078059345484, -3.523964, 8.005976, 3.729163),
    (117, 0.009791937656701, -5.258659, 0.945811, 2.974312),
    (119, 0.014565368182957, -3.300681, 0.861641, 3.872784),
    (121, 0.018591361120343, -1.820731, 1.467954, 4.224124),
    (127, 0.005197994410992, -7.743095, 2.364999, -2.005167),
    (129, 0.120625205338001, -1.785794, -0.978284, 4.850470),
    (132, 0.005560018587857, -7.270895, -2.890917, -2.252455),
    (133, 0.05328618362546, -1.856432, 2.585245, 3.757904),
    (136, 0.066890455782413, -5.085276, -7.178590, 0.714711),
    (143, 0.014816547743976, -6.407571, 2.236021, 1.560843),
    (147, 0.014262833632529, -6.234883, -1.944430, 1.663542),
    (198, 0.025462191551924, -1.246815, 0.230297, 5.681036),
    (205, 0.047252278774977, -3.832928, -1.537326, 4.137731),
)
# mirror partner of each left-half point (same weight, x negated)
_MIRROR = {
    33: 263,
    54: 284,
    67: 297,
    117: 346,
    119: 348,
    121: 350,
    127: 356,
    129: 358,
    132: 361,
    133: 362,
    136: 365,
    143: 372,
    147: 376,
    198: 420,
    205: 425,
}


def _basis() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ids, weights, points = [], [], []
    for lid, weight, x, y, z in _LEFT_AND_MIDLINE:
        ids.append(lid)
        weights.append(weight)
        points.append((x, y, z))
        if lid in _MIRROR:
            ids.append(_MIRROR[lid])
            weights.append(weight)
            points.append((-x, y, z))
    return np.array(ids), np.array(weights), np.array(points)


BASIS_IDS, BASIS_WEIGHTS, CANONICAL_POINTS = _basis()


def fit_similarity(
    source: np.ndarray, target: np.ndarray, weights: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray]:
    """Weighted scale s, rotation R, translation t minimising Σ w‖s·R·src + t − tgt‖²."""
    w = weights / weights.sum()
    mu_s = (w[:, None] * source).sum(0)
    mu_t = (w[:, None] * target).sum(0)
    a, b = source - mu_s, target - mu_t
    cov = (w[:, None] * b).T @ a
    u, sigma, vt = np.linalg.svd(cov)
    d = np.sign(np.linalg.det(u @ vt)) or 1.0
    fix = np.diag([1.0, 1.0, d])
    rotation = u @ fix @ vt
    scale = float((sigma * np.diag(fix)).sum() / (w * (a**2).sum(1)).sum())
    return scale, rotation, mu_t - scale * rotation @ mu_s


# The mesh model's relative depth runs about twice as deep as the canonical face at the same
# x/y scale: fitted as is, straight-on portraits read 6-9° chin-down. Halved, they read ~0°
# (astronaut -1.0°, Grace Hopper 0.0°, a painted frontal portrait -1.6°).
DEPTH_SCALE = 0.5


def head_pose(landmarks: np.ndarray) -> HeadPose:
    """Yaw, pitch and roll of a face from its (≥468, 3) pixel landmarks."""
    observed = landmarks[BASIS_IDS].astype(np.float64) * np.array([1.0, -1.0, -DEPTH_SCALE])
    _, r, _ = fit_similarity(CANONICAL_POINTS, observed, BASIS_WEIGHTS)
    # R = Rz(roll) · Ry(yaw) · Rx(pitch) in the y-up, z-towards-viewer frame
    yaw = math.asin(max(-1.0, min(1.0, -r[2, 0])))
    pitch_down = math.atan2(r[2, 1], r[2, 2])
    roll = math.atan2(r[1, 0], r[0, 0])
    return HeadPose(
        yaw_deg=math.degrees(yaw), pitch_deg=-math.degrees(pitch_down), roll_deg=math.degrees(roll)
    )
