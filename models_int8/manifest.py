"""manifest.json: where every model came from, what it is, and how well it does."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any


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
    tmp = target.with_suffix(".json.tmp")
    with tmp.open("w") as fh:
        json.dump(manifest, fh, indent=1)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(target)
    return target
