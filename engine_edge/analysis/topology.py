"""MediaPipe face-mesh topology: triangles of the 468-point mesh and named outlines.

``MESH_TRIANGLES`` (852 triangles) comes from the tesselation in MediaPipe's
``face_mesh_connections.py`` (written to mesh_topology.json by
``models_int8/build.py``). The named outlines are ordered index lists, each
checked by the tests against MediaPipe's connection sets. "Left"/"right" are
the person's own: the right eye is on the image's left.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

_DATA = json.loads((Path(__file__).with_name("mesh_topology.json")).read_text())

MESH_TRIANGLES: np.ndarray = np.array(_DATA["triangles"], dtype=np.int32)
# mesh points that the attention model's refined lips / eye outputs replace, in output order
REFINEMENT: dict[str, tuple[int, ...]] = {
    name: tuple(int(i) for i in indices) for name, indices in _DATA["refinement"].items()
}
CONNECTIONS: dict[str, tuple[tuple[int, int], ...]] = {
    name: tuple((int(a), int(b)) for a, b in edges) for name, edges in _DATA["connections"].items()
}

# Each list runs from one corner to the other along the outline.
LIPS_OUTER_UPPER = (61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291)
LIPS_OUTER_LOWER = (61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291)
LIPS_INNER_UPPER = (78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308)
LIPS_INNER_LOWER = (78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308)
# Closed loops (first point not repeated).
LIPS_OUTER = LIPS_OUTER_UPPER + tuple(reversed(LIPS_OUTER_LOWER[1:-1]))
LIPS_INNER = LIPS_INNER_UPPER + tuple(reversed(LIPS_INNER_LOWER[1:-1]))

RIGHT_EYE_UPPER_LID = (33, 246, 161, 160, 159, 158, 157, 173, 133)
RIGHT_EYE_LOWER_LID = (33, 7, 163, 144, 145, 153, 154, 155, 133)
LEFT_EYE_UPPER_LID = (263, 466, 388, 387, 386, 385, 384, 398, 362)
LEFT_EYE_LOWER_LID = (263, 249, 390, 373, 374, 380, 381, 382, 362)

RIGHT_BROW_UPPER = (70, 63, 105, 66, 107)
RIGHT_BROW_LOWER = (46, 53, 52, 65, 55)
LEFT_BROW_UPPER = (300, 293, 334, 296, 336)
LEFT_BROW_LOWER = (276, 283, 282, 295, 285)

# centre first, then four points around the iris rim
RIGHT_IRIS = (468, 469, 470, 471, 472)
LEFT_IRIS = (473, 474, 475, 476, 477)

FACE_OVAL = (
    10,
    338,
    297,
    332,
    284,
    251,
    389,
    356,
    454,
    323,
    361,
    288,
    397,
    365,
    379,
    378,
    400,
    377,
    152,
    148,
    176,
    149,
    150,
    136,
    172,
    58,
    132,
    93,
    234,
    127,
    162,
    21,
    54,
    103,
    67,
    109,
)

NOSE_TIP = 1
CHIN = 152
RIGHT_EYE_OUTER, RIGHT_EYE_INNER = 33, 133
LEFT_EYE_OUTER, LEFT_EYE_INNER = 263, 362
MOUTH_RIGHT_CORNER, MOUTH_LEFT_CORNER = 61, 291
