"""Judge a scan of a labelled scene: right, refused for a true reason, or wrong (and how).

Used by the tests and by ``benchmarks/scan.py``. The measure of a print's scan is the
issue's: SSIM of the scan against the picture as printed, divided by the SSIM that a
perfect flat view of the same print reaches through the same restoration (the "ideal
flat scan"), so restoration and border cropping count alike on both sides. The ideal is
seen at the resolution the camera had (the rectified size): what is measured is the
scanner (outline, rectification, light, glare, border), not the camera's pixel count.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from skimage.metrics import structural_similarity

from engine_edge.scan.detect import Hint
from engine_edge.scan.restore import restore_photo
from engine_edge.scan.scene_set import LabelledScene, burst_views
from engine_edge.scan.session import PrintNotFound, ScanSettings, scan_frames
from engine_edge.scan.synthetic import print_to_frame

SSIM_SIDE_PX = 384  # SSIM is compared at this longest side: fast, and blind to resampling


@dataclass(frozen=True)
class Outcome:
    """What became of one scene. ``verdict`` is one of VERDICTS."""

    kind: str
    seed: int
    verdict: str
    hints: tuple[str, ...]
    corner_error: float | None = None  # worst corner / print diagonal
    ssim_ratio: float | None = None
    ssim: float | None = None  # SSIM(scan, picture) itself: the ratio's numerator


VERDICTS = (
    "ok",  # a print, scanned to within the SSIM target
    "refused_true",  # a print refused with a hint that is true of the scene
    "false_refusal",  # a print refused with an untrue hint
    "refused_as_screen",  # a print refused as a screen (the worst false refusal)
    "wrong_corners",  # a print accepted with corners off
    "low_ssim",  # a print accepted, corners fine, picture below the target
    "screen_refused",  # a screen, refused
    "screen_passed",  # a screen, scanned as if it were a print
)


def judge(
    labelled: LabelledScene,
    settings: ScanSettings | None = None,
    *,
    ssim_target: float = 0.95,
    burst: bool = True,
) -> Outcome:
    """Scan ``labelled`` as the kiosk would and say how it went: a burst of
    ``settings.burst_frames`` views through :func:`scan_frames` (``burst``), or the one
    frame ``keepsake scan --image`` gets."""
    settings = settings or ScanSettings()
    seed = labelled.spec.seed
    frames = burst_views(labelled, settings.burst_frames) if burst else [labelled.scene.frame]
    try:
        result = scan_frames(frames, settings)
    except PrintNotFound as refusal:
        hints = tuple(h.value for h in refusal.hints)
        if labelled.is_screen:
            return Outcome(labelled.kind, seed, "screen_refused", hints)
        if Hint.SCREEN in refusal.hints:
            return Outcome(labelled.kind, seed, "refused_as_screen", hints)
        true = bool(refusal.hints) and hint_is_true(refusal.hints[0], labelled, settings)
        return Outcome(labelled.kind, seed, "refused_true" if true else "false_refusal", hints)
    hints = tuple(h.value for h in result.detection.hints)
    if labelled.is_screen:
        return Outcome(labelled.kind, seed, "screen_passed", hints)
    assert result.detection.corners is not None
    truth = labelled.scene.corners
    diag = float(np.linalg.norm(truth[2] - truth[0]))
    tolerance = outline_tolerance(labelled)
    found = result.detection.corners
    error = min(
        float(np.linalg.norm(found - outline, axis=1).max()) / diag
        for outline in ((truth, _photo_corners(labelled)) if settings.border_crop else (truth,))
    )
    ratio = ssim_ratio(result.photo, labelled, settings, result.rectified.shape[:2])
    own = _ssim(result.photo, labelled.truth)
    if error > tolerance:
        verdict = "wrong_corners"
    elif ratio < ssim_target:
        verdict = "low_ssim"
    else:
        verdict = "ok"
    return Outcome(labelled.kind, seed, verdict, hints, error, ratio, own)


# How far (a share of the print's diagonal) an outline may lie from the print's corners and
# still count as right. A print's own border is cut off after the outline is found, so an
# outline a little inside or outside the paper leaves nothing of it on the photo: there the
# SSIM ratio judges what the guest sees. A print without a border shows every pixel of the
# outline's error: a sliver of table along its edge or a slice of picture lost. At 0.012 of
# the diagonal such a print counted as right with 10 px of table along a side; seed
# 3700004 (a dark print on a dark table, 4.3 px out at one corner, 0.0054) shows a grey
# wedge of table along its left edge, and still scored 0.967 of the ideal's SSIM.
BORDERED_TOLERANCE = 0.012
BARE_TOLERANCE = 0.005
BARE_TOLERANCE_PX = 2.0  # a small print's soft edge is found to about this, whatever its size


def outline_tolerance(labelled: LabelledScene) -> float:
    """How far (a share of the print's diagonal) a found outline may lie from ``labelled``'s
    and still be right: tight on a print without a border (its error shows as table or
    lost picture), looser where the print's own border is cut off anyway, and a deckled
    edge's depth on top (it has no one true line)."""
    truth = labelled.scene.corners
    diag = float(np.linalg.norm(truth[2] - truth[0]))
    if labelled.spec.border_px > 0:
        base = BORDERED_TOLERANCE
    else:
        base = max(BARE_TOLERANCE, BARE_TOLERANCE_PX / diag)
    return base + _deckle_share(labelled, diag)


def ssim_ratio(
    photo: np.ndarray,
    labelled: LabelledScene,
    settings: ScanSettings,
    seen_hw: tuple[int, int],
) -> float:
    """SSIM(scan, picture) / SSIM(ideal flat scan, picture); ``seen_hw`` is the size
    (height, width) at which the camera saw the whole print."""
    truth = labelled.truth
    ideal = cv2.resize(
        labelled.scene.print_image, (seen_hw[1], seen_hw[0]), interpolation=cv2.INTER_AREA
    )
    if settings.restore != "off":
        ideal = restore_photo(ideal, settings.strengths())
    return _ssim(photo, truth) / max(_ssim(ideal, truth), 1e-6)


def hint_is_true(hint: Hint, labelled: LabelledScene, settings: ScanSettings) -> bool:
    """Whether refusing ``labelled`` with ``hint`` tells the guest something true."""
    spec = labelled.spec
    if hint in (Hint.GLARE, Hint.GLARE_TILT):
        return labelled.has_glare
    if hint is Hint.TOO_SMALL:
        return labelled.print_short_px < settings.min_print_px
    if hint is Hint.BLURRY:
        return labelled.blur_px > 4.0
    if hint is Hint.TOO_DARK:
        return spec.exposure < 0.4
    if hint in (Hint.NONE, Hint.UNCLEAR):
        return labelled.edge_contrast < 12.0
    return False  # tilted, cut off, two prints, screen: never true of this set's prints


def _photo_corners(labelled: LabelledScene) -> np.ndarray:
    """Where the photo inside the print's border lies in the frame (the paper's corners
    when there is no border), bent as the print is (a homography from the paper's corners
    put a curled print's photo up to 10 px off). An outline round the photo alone is right
    as well: the border is cropped off in any case."""
    ph, pw = labelled.scene.print_image.shape[:2]
    b = float(labelled.spec.border_px)
    photo = np.array([[b, b], [pw - b, b], [pw - b, ph - b], [b, ph - b]], np.float64)
    return print_to_frame(labelled.spec, (pw, ph), photo)


def _deckle_share(labelled: LabelledScene, diag: float) -> float:
    """A deckled edge has no one true line: its depth (in frame pixels) is allowed."""
    if labelled.spec.deckle_px <= 0:
        return 0.0
    ph, pw = labelled.scene.print_image.shape[:2]
    frame_per_print = float(np.linalg.norm(labelled.scene.corners[2] - labelled.scene.corners[0]))
    frame_per_print /= float(np.hypot(pw, ph))
    return labelled.spec.deckle_px * frame_per_print / diag


def _ssim(image: np.ndarray, truth: np.ndarray) -> float:
    h, w = truth.shape[:2]
    scale = min(1.0, SSIM_SIDE_PX / max(h, w))
    size = (max(8, round(w * scale)), max(8, round(h * scale)))
    a = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    b = cv2.resize(truth, size, interpolation=cv2.INTER_AREA)
    return float(structural_similarity(a, b, channel_axis=2))
