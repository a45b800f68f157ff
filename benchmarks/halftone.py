"""Halftone prints (a newspaper clipping, a magazine photo) and pinstriped ones: how many the
scanner refuses as screens, and which screen cue fires on each.

    PYTHONPATH=. .venv/bin/python benchmarks/halftone.py [--photos 4] [--seeds 2]
        [--seed-base 200000] [--out /tmp/halftone.jsonl]

Each scene is a ``plain`` scene of the scene set (its table, pose, light, noise, blur and
JPEG drawn from the seed) whose picture is printed as a halftone or given pinstripes
(``engine_edge.scan.synthetic``). The lattice's period is set in camera pixels (at the
print's centre): a clipping's 65-150 lpi screen under the kiosk's camera lands near its
Nyquist, 2-4 pixels; a poster's or a close-up's coarse dots 12-16. The frame goes through
``detect_print_quad`` as the kiosk's preview sees it; a SCREEN hint is a refusal. The screen
evidence is also read on the true corners, and its cues named. Each scene is listed with its
blur, its JPEG and the tones of the middle of its picture (a halftone's dots are plainest
in real highlights and shadows), so a refusal can be traced to its conditions. Every scene
here is a print: the target is no refusal.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from engine_edge.image_io import load_image
from engine_edge.scan.detect import Hint, detect_print_quad
from engine_edge.scan.scene_set import sample_scene
from engine_edge.scan.screen import screen_evidence
from engine_edge.scan.synthetic import (
    frame_px_per_print_px,
    halftone_print,
    pinstripe_print,
    render_print_scene,
)

PHOTOS = (
    "liveportrait_s3.jpg",
    "sadtalker_art_0.png",
    "sadtalker_happy.png",
    "liveportrait_s7.jpg",
    "dlib_2009_004587.jpg",
    "sadtalker_full_body_1.png",
)


def _mono(period_camera_px: float, angle_deg: float) -> Callable[[np.ndarray, float], np.ndarray]:
    """A black halftone of ``period_camera_px`` at ``angle_deg``."""
    return lambda picture, scale: halftone_print(
        picture, period_camera_px / scale, angle_deg=angle_deg
    )


def _rosette(period_camera_px: float) -> Callable[[np.ndarray, float], np.ndarray]:
    """A CMYK rosette of ``period_camera_px``."""
    return lambda picture, scale: halftone_print(picture, period_camera_px / scale, colour=True)


def _pinstripe(
    period_camera_px: float, angle_deg: float
) -> Callable[[np.ndarray, float], np.ndarray]:
    """Pinstripes of ``period_camera_px`` at ``angle_deg`` over the lower half."""
    return lambda picture, scale: pinstripe_print(picture, period_camera_px / scale, angle_deg)


# name -> how the picture is printed, given the camera pixels per picture pixel
VARIANTS: dict[str, Callable[[np.ndarray, float], np.ndarray]] = {
    "mono45_2.5px": _mono(2.5, 45.0),
    "mono45_3.5px": _mono(3.5, 45.0),
    "mono15_3px": _mono(3.0, 15.0),
    "rosette_3px": _rosette(3.0),
    "mono45_8px": _mono(8.0, 45.0),
    "rosette_8px": _rosette(8.0),
    "mono45_12px": _mono(12.0, 45.0),
    "rosette_12px": _rosette(12.0),
    "mono45_16px": _mono(16.0, 45.0),
    "pinstripe_4px": _pinstripe(4.0, 0.0),
    "pinstripe_6px_30": _pinstripe(6.0, 30.0),
}


@dataclass(frozen=True)
class Verdict:
    """One halftone or pinstriped print as the scanner saw it."""

    photo: str
    variant: str
    seed: int
    table: str
    blur_sigma_px: float
    jpeg_quality: int
    tones: tuple[int, int]  # the picture's 5th and 95th percentile grey in its middle
    refused_as_screen: bool
    hints: list[str]
    cues_on_truth: list[str]  # the screen cues that fire inside the true corners
    halftone_on_truth: bool  # a cue fired there and its dots vetoed it as a halftone's
    evidence: dict[str, float]


def _middle_tones(picture: np.ndarray) -> tuple[int, int]:
    """The 5th and 95th percentile grey (0-255) of the middle quarter of ``picture``, the
    part the screen evidence reads: whether it has real shadows and highlights."""
    height, width = picture.shape[:2]
    middle = picture[height // 4 : 3 * height // 4, width // 4 : 3 * width // 4].mean(axis=2)
    low, high = np.percentile(middle, [5, 95])
    return int(low), int(high)


def one(photo: np.ndarray, name: str, variant: str, seed: int) -> Verdict:
    """Scene ``seed`` of ``photo`` (called ``name``) printed as ``variant``: refused as a
    screen or not, the hints, and the cues on the true corners."""
    labelled = sample_scene(photo, "plain", seed)
    spec = labelled.spec
    height, width = labelled.truth.shape[:2]
    printed = VARIANTS[variant](labelled.truth, frame_px_per_print_px((width, height), spec))
    scene = render_print_scene(printed, spec)
    detection = detect_print_quad(scene.frame)
    evidence = screen_evidence(scene.frame, scene.corners)
    return Verdict(
        photo=name,
        variant=variant,
        seed=seed,
        table=spec.table,
        blur_sigma_px=round(spec.blur_sigma_px, 2),
        jpeg_quality=spec.jpeg_quality,
        tones=_middle_tones(labelled.truth),
        refused_as_screen=Hint.SCREEN in detection.hints,
        hints=[h.value for h in detection.hints],
        cues_on_truth=list(evidence.cues()),
        halftone_on_truth=evidence.is_halftone(),
        evidence={k: round(float(v), 3) for k, v in asdict(evidence).items()},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=4, help="how many of PHOTOS")
    parser.add_argument("--seeds", type=int, default=2, help="seeds per photo and variant")
    parser.add_argument("--seed-base", type=int, default=200000)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--out", type=Path, default=None, help="one JSON line a scene")
    args = parser.parse_args()
    folder = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "photos"
    variants = args.variants.split(",")
    refused: Counter[str] = Counter()
    cues: Counter[str] = Counter()
    total: Counter[str] = Counter()
    not_found: Counter[str] = Counter()  # no print found at all: a refusal of another kind
    halftone: Counter[str] = Counter()
    lines = []
    for p, name in enumerate(PHOTOS[: args.photos]):
        photo = load_image(folder / name)
        for variant in variants:
            for s in range(args.seeds):
                seed = args.seed_base + 100 * p + s
                verdict = one(photo, name, variant, seed)
                lines.append(json.dumps(asdict(verdict)))
                total[variant] += 1
                refused[variant] += verdict.refused_as_screen
                not_found[variant] += Hint.NONE.value in verdict.hints
                halftone[variant] += verdict.halftone_on_truth
                cues.update(verdict.cues_on_truth)
                print(
                    name,
                    variant,
                    seed,
                    verdict.table,
                    f"blur {verdict.blur_sigma_px} jpeg {verdict.jpeg_quality}",
                    f"tones {verdict.tones}",
                    "SCREEN" if verdict.refused_as_screen else "ok",
                    verdict.hints,
                    verdict.cues_on_truth,
                    flush=True,
                )
    if args.out:
        args.out.write_text("\n".join(lines) + "\n")
    for variant in variants:
        print(
            f"{variant:18s} refused as screen {refused[variant]}/{total[variant]}, "
            f"no print found {not_found[variant]}, vetoed as a halftone {halftone[variant]}"
        )
    print(
        f"all: refused as screen {sum(refused.values())}/{sum(total.values())}; "
        f"cues on the true corners: {dict(cues)}"
    )


if __name__ == "__main__":
    main()
