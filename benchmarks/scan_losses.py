"""Where the scene set's scanned prints lose SSIM: the outline, the camera or the restoration.

    PYTHONPATH=. .venv/bin/python benchmarks/scan_losses.py --seed-base 4700000
        [--kinds small,phone] [--scenes 108] [--below 0.95] [--jobs 1] [--out losses.jsonl]

Each scene is judged as ``benchmarks/scan.py`` judges it (a burst through ``scan_frames``,
``evaluate.judge``). For every print that was scanned, and whose SSIM ratio is under
``--below`` (1.01: all of them), the burst is scanned again on the scene's TRUE corners (the
first frame's, for every frame: the burst's own alignment takes the rest, as when a later
frame's outline is not used), so an outline's error is told from what the camera cost. The
ratio is also read with the dust step (``restore.remove_spots``) off on both sides, and the
ideal's own SSIM with and without it: the ideal flat scan goes through the same restoration
as the scan, and the dust step takes fine texture (leaves, hair) off a sharp picture, so a
step that harms the ideal more than the scan raises the ratio.

The ratio is never tuned on here: this says why a scan is low, and what the yardstick sees.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.scan import add_kinds_argument, kinds_of_set, load_photos
from engine_edge.scan.capture import capture_burst
from engine_edge.scan.evaluate import judge, ssim_ratio
from engine_edge.scan.scene_set import KINDS, LabelledScene, burst_views, scene_for
from engine_edge.scan.session import ScanSettings, restore_capture


@dataclass(frozen=True)
class Loss:
    """One scanned print: its verdict and ratio as the set judges it, the ratio on the true
    corners, and the ratio, the scan's SSIM and the ideal's SSIM with the dust step on and
    off (both sides alike: the yardstick restores the ideal with the scan's settings)."""

    seed: int
    kind: str
    verdict: str
    ratio: float
    corner_error: float
    true_ratio: float
    scan_ssim: float
    ideal_ssim: float
    no_dust_ratio: float
    no_dust_scan_ssim: float
    no_dust_ideal_ssim: float


def _on_true_corners(labelled: LabelledScene, settings: ScanSettings) -> float:
    """The SSIM ratio of the burst rectified on the scene's true corners."""
    frames = burst_views(labelled, settings.burst_frames)
    captured = capture_burst(frames, labelled.scene.corners.astype(np.float64), settings.capture())
    photo = restore_capture(captured, settings).image
    return ssim_ratio(photo, labelled, settings, captured.image.shape[:2])


def loss_of(labelled: LabelledScene, below: float) -> Loss | None:
    """The losses of ``labelled``'s scan, or None when it was not scanned or scored ``below``
    or more."""
    settings = ScanSettings()
    outcome = judge(labelled, settings)
    if outcome.ssim_ratio is None or outcome.ssim is None or outcome.ssim_ratio >= below:
        return None
    assert outcome.corner_error is not None
    true_ratio = _on_true_corners(labelled, settings)
    plain = replace(settings, spots=0.0)
    bare = judge(labelled, plain)
    assert bare.ssim_ratio is not None and bare.ssim is not None
    return Loss(
        seed=outcome.seed,
        kind=outcome.kind,
        verdict=outcome.verdict,
        ratio=round(outcome.ssim_ratio, 4),
        corner_error=round(outcome.corner_error, 5),
        true_ratio=round(true_ratio, 4),
        scan_ssim=round(outcome.ssim, 4),
        ideal_ssim=round(outcome.ssim / outcome.ssim_ratio, 4),
        no_dust_ratio=round(bare.ssim_ratio, 4),
        no_dust_scan_ssim=round(bare.ssim, 4),
        no_dust_ideal_ssim=round(bare.ssim / bare.ssim_ratio, 4),
    )


def _job(job: tuple[list[np.ndarray], int, int, float]) -> Loss | None:
    photos, index, seed_base, below = job
    logging.disable(logging.WARNING)
    return loss_of(scene_for(photos, index, seed_base), below)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed-base", type=int, required=True, help="a tunable set's first seed")
    parser.add_argument("--scenes", type=int, default=108, help="scenes in the set (9 kinds)")
    add_kinds_argument(parser)
    parser.add_argument("--below", type=float, default=0.95, help="only ratios under this")
    parser.add_argument("--jobs", type=int, default=1, help="processes")
    parser.add_argument("--out", type=Path, default=None, help="also write one JSON line a print")
    args = parser.parse_args()
    args.kinds = kinds_of_set(parser, args.kinds, KINDS)
    logging.disable(logging.WARNING)
    photos, _ = load_photos()
    indices = [i for i in range(args.scenes) if KINDS[i % len(KINDS)] in args.kinds]
    jobs = [(photos, i, args.seed_base, args.below) for i in indices]
    with ProcessPoolExecutor(args.jobs) as pool:
        losses = [loss for loss in pool.map(_job, jobs) if loss is not None]
    print("seed kind verdict | ratio, on true corners, without the dust step |")
    print("  SSIM of scan / ideal with the dust step, and without it")
    for loss in losses:
        print(
            f"{loss.seed} {loss.kind} {loss.verdict} | {loss.ratio:.3f} {loss.true_ratio:.3f}"
            f" {loss.no_dust_ratio:.3f} | {loss.scan_ssim:.3f}/{loss.ideal_ssim:.3f}"
            f" {loss.no_dust_scan_ssim:.3f}/{loss.no_dust_ideal_ssim:.3f}"
        )
    if args.out is not None:
        args.out.write_text("".join(json.dumps(asdict(loss)) + "\n" for loss in losses))


if __name__ == "__main__":
    main()
