"""The set of compiled models analysis needs, loaded once and passed around.

Model files live in ``models_int8/`` and are described by its manifest.json
(hashes, input specs, and which precision ``auto`` picks for which runtime and
device, with the measured reason). ``$KEEPSAKE_MODELS_DIR`` points elsewhere.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine_edge.analysis.backends import Backend, Session, create_backend
from engine_edge.errors import ConfigInvalid, ModelMissing

log = logging.getLogger(__name__)

MODEL_NAMES = (
    "face_detection_short_range",
    "face_detection_full_range",
    "face_landmark",
    "iris_landmark",
    "selfie_segmentation",
)
PRECISIONS = ("auto", "int8", "fp32")


def models_dir() -> Path:
    env = os.environ.get("KEEPSAKE_MODELS_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "models_int8"


def read_manifest(root: Path | None = None) -> dict[str, Any]:
    root = root or models_dir()
    path = root / "manifest.json"
    try:
        return json.loads(path.read_text())
    except FileNotFoundError as exc:
        raise ModelMissing(
            f"{path} is missing; reinstall Keepsake or run `make models` to rebuild the models."
        ) from exc
    except json.JSONDecodeError as exc:
        raise ModelMissing(f"{path} is damaged ({exc}); run `make models` to rebuild it.") from exc


@dataclass(frozen=True)
class Models:
    """Compiled sessions for every model, plus which runtime and precisions they use."""

    backend: str
    device: str
    precision: str  # what was asked for after resolving "auto": "int8", "fp32" or "mixed"
    precisions: dict[str, str]  # model name -> precision actually loaded
    sessions: dict[str, Session]

    def run(self, name: str, tensor: Any) -> list[Any]:
        return self.sessions[name].run(tensor)


def resolve_precision(manifest: dict[str, Any], backend: Backend, name: str, asked: str) -> str:
    """The precision for one model: what was asked, or the manifest's measured choice for auto."""
    if asked != "auto":
        return asked
    table = manifest.get("auto", {}).get(backend.name, {})
    choice = table.get(backend.device, table.get("default", {}))
    if isinstance(choice, dict):
        return str(choice.get(name, choice.get("*", "fp32")))
    return str(choice or "fp32")


def _entry(manifest: dict[str, Any], name: str, backend: str, precision: str) -> dict[str, Any]:
    for entry in manifest.get("models", []):
        if (entry["model"], entry["backend"], entry["precision"]) == (name, backend, precision):
            return entry
    raise ModelMissing(
        f"No {precision} {name} model for {backend} in models_int8/manifest.json; "
        "choose another --precision or --backend, or run `make models`."
    )


def load_models(backend: str = "auto", precision: str = "auto", device: str = "CPU") -> Models:
    """Compile every analysis model once (a few hundred ms); reuse the result for every photo."""
    if precision not in PRECISIONS:
        raise ConfigInvalid(
            f"Unknown precision {precision!r}; choose one of {', '.join(PRECISIONS)}."
        )
    runtime = create_backend(backend, device)
    root = models_dir()
    manifest = read_manifest(root)
    sessions: dict[str, Session] = {}
    chosen: dict[str, str] = {}
    for name in MODEL_NAMES:
        want = resolve_precision(manifest, runtime, name, precision)
        entry = _entry(manifest, name, runtime.name, want)
        path = root / entry["path"]
        if not path.is_file():
            raise ModelMissing(f"{path} is missing; reinstall Keepsake or run `make models`.")
        sessions[name] = runtime.load(path, want)
        chosen[name] = want
    values = set(chosen.values())
    summary = values.pop() if len(values) == 1 else "mixed"
    log.debug("loaded %s models on %s/%s: %s", summary, runtime.name, runtime.device, chosen)
    return Models(runtime.name, runtime.device, summary, chosen, sessions)
