"""Landmark accuracy against MediaPipe's own pipeline: NME per face, misses, summary.

NME = mean distance over the 478 landmarks (x, y in pixels) divided by the
reference's inter-ocular distance (outer eye corners 33-263), the usual
normaliser. A reference face is matched to our nearest face by centroid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Score:
    nme: dict[str, list[float]]  # image name -> NME per reference face (nan = missed)
    extra_faces: int  # faces we found that MediaPipe did not

    def values(self) -> np.ndarray:
        return np.array([v for vs in self.nme.values() for v in vs], np.float64)

    @property
    def missed(self) -> int:
        return int(np.isnan(self.values()).sum())

    def summary(self) -> dict[str, float]:
        v = self.values()
        v = v[~np.isnan(v)]
        return {
            "faces": int(v.size),
            "missed": self.missed,
            "mean_pct": round(float(v.mean()) * 100, 3) if v.size else float("nan"),
            "p95_pct": round(float(np.percentile(v, 95)) * 100, 3) if v.size else float("nan"),
            "max_pct": round(float(v.max()) * 100, 3) if v.size else float("nan"),
        }


def nme(ours: np.ndarray, reference: np.ndarray, points: slice = slice(0, 478)) -> float:
    iod = float(np.linalg.norm(reference[33, :2] - reference[263, :2]))
    d = np.linalg.norm(ours[points, :2] - reference[points, :2], axis=1)
    return float(d.mean() / max(iod, 1e-6))


def score(
    ours: dict[str, list[np.ndarray]], refs: dict[str, np.ndarray], points: slice = slice(0, 478)
) -> Score:
    """Compare our landmarks per image with MediaPipe's (both lists of (478, 3) arrays)."""
    result: dict[str, list[float]] = {}
    extra = 0
    for name, ref_faces in refs.items():
        mine = ours.get(name, [])
        used: set[int] = set()
        values = []
        for ref in ref_faces:
            centre = ref[:468, :2].mean(0)
            size = np.ptp(ref[:468, 0])
            best, best_d = None, np.inf
            for i, face in enumerate(mine):
                d = np.linalg.norm(face[:468, :2].mean(0) - centre)
                if i not in used and d < best_d:
                    best, best_d = i, d
            if best is None or best_d > 0.5 * size:
                values.append(float("nan"))
                continue
            used.add(best)
            values.append(nme(mine[best], ref, points))
        extra += len(mine) - len(used)
        result[name] = values
    return Score(result, extra)
