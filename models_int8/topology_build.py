"""Write MediaPipe's face-mesh topology (triangles, feature outlines) into the engine.

``face_mesh_connections.py`` in the wheel lists the tesselation as directed
edges, three per triangle in order (a→b, b→c, c→a): 852 triangles over the
468 mesh points. We read the file as data (``ast``), never import it.
"""

from __future__ import annotations

import ast
import json
import logging
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET = REPO / "engine_edge" / "analysis" / "mesh_topology.json"

log = logging.getLogger("models_int8.topology")


def read_connections(path: Path) -> dict[str, list[tuple[int, int]]]:
    tree = ast.parse(path.read_text())
    sets: dict[str, list[tuple[int, int]]] = {}
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and node.value.args
            and isinstance(node.value.args[0], ast.List)
        ):
            name = node.targets[0].id  # type: ignore[attr-defined]
            sets[name] = [tuple(ast.literal_eval(e)) for e in node.value.args[0].elts]
    return sets


def triangles_from_tesselation(edges: list[tuple[int, int]]) -> list[list[int]]:
    if len(edges) % 3:
        raise ValueError("tesselation edge count is not a multiple of 3")
    triangles = []
    for i in range(0, len(edges), 3):
        (a, b), (b2, c), (c2, a2) = edges[i : i + 3]
        if (b, c, a) != (b2, c2, a2):
            raise ValueError(f"edges {i}..{i + 2} do not form a triangle")
        triangles.append([a, b, c])
    return triangles


def write_topology(connections_py: Path, attention_tflite: Path, target: Path = TARGET) -> Path:
    from models_int8.attention import refinement

    sets = read_connections(connections_py)
    data = {
        "source": "mediapipe 0.10.21 wheel, mediapipe/python/solutions/face_mesh_connections.py "
        "(Apache-2.0)",
        "triangles": triangles_from_tesselation(sets["FACEMESH_TESSELATION"]),
        "refinement": refinement(attention_tflite),
        "connections": {
            name.removeprefix("FACEMESH_").lower(): sorted(edges)
            for name, edges in sets.items()
            if name not in ("FACEMESH_TESSELATION", "FACEMESH_CONTOURS", "FACEMESH_IRISES")
        },
    }
    target.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    log.info("wrote %s (%d triangles)", target, len(data["triangles"]))
    return target
