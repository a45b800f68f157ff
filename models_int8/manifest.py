"""manifest.json: where every model came from, what it is, and how well it does."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from engine_edge.atomic import write_atomic


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_manifest(
    root: Path,
    wheel: Path,
    wheel_sha256: str,
    sources: dict[str, Path],
    outputs: list[dict[str, Any]],
    extra: dict[str, Any] | None = None,
) -> Path:
    from models_int8.convert import INPUT_SPECS

    files = []
    for out in outputs:
        main = root / out["path"]
        members = [main] + ([main.with_suffix(".bin")] if main.suffix == ".xml" else [])
        files.append(
            {
                **out,
                "input": INPUT_SPECS[out["model"]],
                "files": {
                    str(p.relative_to(root)): {"sha256": _sha256(p), "bytes": p.stat().st_size}
                    for p in members
                },
            }
        )
    manifest = {
        "source": {
            "package": "mediapipe",
            "version": "0.10.21",
            "wheel": wheel.name,
            "sha256": wheel_sha256,
            "license": "Apache-2.0",
            "tflite": {
                name: {"sha256": _sha256(p)} for name, p in sources.items() if p.suffix == ".tflite"
            },
        },
        "models": files,
        **(extra or {}),
    }
    target = root / "manifest.json"
    text = json.dumps(manifest, indent=1) + "\n"
    write_atomic(target, text.encode(), mode=0o666)
    return target
