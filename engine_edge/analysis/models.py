"""The set of compiled models analysis needs, loaded once and passed around.

Model files live in ``models_int8/`` and are described by its manifest.json
(hashes, input specs, and which precision ``auto`` picks for which runtime and
device, with the measured reason). ``$KEEPSAKE_MODELS_DIR`` points elsewhere.
"""

from __future__ import annotations

import hashlib
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
    "face_landmark_attention",
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
    precision: str  # the profile after resolving "auto": "int8" or "fp32"
    precisions: dict[str, str]  # model name -> file precision actually loaded
    sessions: dict[str, Session]

    def run(self, name: str, tensor: Any) -> list[Any]:
        return self.sessions[name].run(tensor)

    def keeping(self, *names: str) -> Models:
        """These models alone: a one-photo job that is done with detection and the person
        mask drops the others (about 45 MB on OpenVINO) before it renders and encodes,
        keeping what its self-check reads. The sessions left out are freed once the
        caller lets go of this object."""
        missing = [n for n in names if n not in self.sessions]
        if missing:
            raise KeyError(f"no such model loaded: {', '.join(missing)}")
        kept = {n: self.sessions[n] for n in names}
        precisions = {n: p for n, p in self.precisions.items() if n in kept}
        return Models(self.backend, self.device, self.precision, precisions, kept)


def resolve_profile(manifest: dict[str, Any], backend: Backend, asked: str) -> str:
    """``int8`` or ``fp32``: what was asked, or the manifest's measured choice for this device."""
    if asked != "auto":
        return asked
    table = manifest.get("auto", {}).get(backend.name, {})
    return str(table.get(backend.device, table.get("default", "fp32")))


def model_precision(manifest: dict[str, Any], profile: str, name: str) -> str:
    """The file precision one model uses in a profile (e.g. a detector kept float in int8)."""
    table = manifest.get("profiles", {}).get(profile, {})
    return str(table.get(name, table.get("*", profile)))


def _entry(manifest: dict[str, Any], name: str, backend: str, precision: str) -> dict[str, Any]:
    for entry in manifest.get("models", []):
        if (entry["model"], entry["backend"], entry["precision"]) == (name, backend, precision):
            return entry
    raise ModelMissing(
        f"No {precision} {name} model for {backend} in models_int8/manifest.json; "
        "choose another --precision or --backend, or run `make models`."
    )


def verify_file(path: Path, meta: dict[str, Any]) -> None:
    """The file exists with the size and sha256 the manifest records (a damaged copy would
    otherwise give plausible-looking but wrong landmarks)."""
    if not path.is_file():
        raise ModelMissing(f"{path} is missing; reinstall Keepsake or run `make models`.")
    data = path.read_bytes()
    if len(data) != meta["bytes"] or hashlib.sha256(data).hexdigest() != meta["sha256"]:
        raise ModelMissing(
            f"{path} does not match models_int8/manifest.json (damaged or replaced); "
            "reinstall Keepsake or run `make models`."
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
    profile = resolve_profile(manifest, runtime, precision)
    sessions: dict[str, Session] = {}
    chosen: dict[str, str] = {}
    for name in MODEL_NAMES:
        want = model_precision(manifest, profile, name)
        entry = _entry(manifest, name, runtime.name, want)
        path = root / entry["path"]
        for rel, meta in entry.get("files", {}).items():
            verify_file(root / rel, meta)
        sessions[name] = runtime.load(path, want)
        chosen[name] = want
    log.debug("loaded the %s profile on %s/%s: %s", profile, runtime.name, runtime.device, chosen)
    return Models(runtime.name, runtime.device, profile, chosen, sessions)
