"""A whole scan: from a camera (or a still image) to the restored photo.

The preview runs on small frames (fast detection, auto-capture); the burst is
taken at the camera's full resolution, each frame's corners refined there,
then rectified, fused and restored. Every intermediate image is kept for
``--debug-dir``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import cv2
import numpy as np

from engine_edge.errors import ConfigInvalid, DeviceUnavailable, KeepsakeError
from engine_edge.image_io import as_rgb8
from engine_edge.logs import printable
from engine_edge.scan.autocapture import (
    AutoCapture,
    AutoCaptureSettings,
    CaptureAdvice,
    CaptureState,
    detections_agree,
)
from engine_edge.scan.camera import ResilientCamera
from engine_edge.scan.capture import Capture, CaptureSettings, capture_burst
from engine_edge.scan.curl import Curl, curved_outline
from engine_edge.scan.detect import (
    HINT_TEXT,
    DetectSettings,
    Hint,
    PrintDetection,
    detect_print_quad,
    refine_quad,
)
from engine_edge.scan.lighting import LightControl, frames_under_lights
from engine_edge.scan.restore import Restoration, RestoreStrengths, restore_with_steps

log = logging.getLogger(__name__)


class PrintNotFound(KeepsakeError):
    """No usable print in view; the message is the detector's hint for the guest.

    ``hints`` are the reasons, most important first; ``glare_boxes`` where a reflection
    covers the print (x0, y0, x1, y1 as fractions of the frame: what the kiosk marks).
    """

    def __init__(
        self,
        message: str,
        hints: tuple[Hint, ...] = (),
        glare_boxes: tuple[tuple[float, float, float, float], ...] = (),
    ) -> None:
        super().__init__(message)
        self.hints = hints
        self.glare_boxes = glare_boxes


@dataclass(frozen=True)
class ScanSettings:
    """The ``[scan]`` section of keepsake.toml (documented there)."""

    camera: str = "opencv:0"
    preview_width_px: int = 640
    stable_s: float = 0.6
    burst_frames: int = 3
    timeout_s: float = 60.0
    restore: str = "auto"  # "auto" or "off"
    levels: float = 1.0
    white_balance: float = 0.6
    contrast: float = 0.4
    denoise: float = 0.5
    spots: float = 0.7
    border_crop: bool = True
    focal_ratio: float = 1.0
    aspect_snap: float = 0.015
    min_print_px: float = 200.0
    even_light: bool = True

    def __post_init__(self) -> None:
        if self.restore not in ("auto", "off"):
            raise ConfigInvalid(
                f'[scan] restore = "{printable(self.restore)}" should be "auto" or "off".'
            )
        for name in ("levels", "white_balance", "contrast", "denoise", "spots"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ConfigInvalid(f"[scan] {name} should be between 0 and 1.")
        if self.burst_frames < 1 or self.preview_width_px < 160:
            raise ConfigInvalid(
                "[scan] burst_frames must be at least 1, preview_width_px at least 160."
            )

    def strengths(self) -> RestoreStrengths:
        return RestoreStrengths(
            levels=self.levels,
            white_balance=self.white_balance,
            contrast=self.contrast,
            denoise=self.denoise,
            spots=self.spots,
            border_crop=self.border_crop,
        )

    def detect(self, camera_px_per_frame_px: float = 1.0, *, glare_blocks: bool) -> DetectSettings:
        """Detector settings; ``glare_blocks`` when no second view (no light board) will come."""
        return DetectSettings(
            min_print_px=self.min_print_px,
            camera_px_per_frame_px=camera_px_per_frame_px,
            glare_blocks=glare_blocks,
            focal_ratio=self.focal_ratio,
        )

    def capture(self) -> CaptureSettings:
        return CaptureSettings(
            focal_ratio=self.focal_ratio, aspect_snap=self.aspect_snap, even_light=self.even_light
        )


@dataclass(frozen=True)
class ScanResult:
    photo: np.ndarray  # restored (or only rectified when restore is off), RGB uint8
    rectified: np.ndarray
    detection: PrintDetection
    frames_used: int
    debug_images: tuple[tuple[str, np.ndarray], ...]


def scan_still(
    image: np.ndarray, settings: ScanSettings = ScanSettings(), *, debug: bool = False
) -> ScanResult:
    """Scan a single photo of a print.

    One view cannot remove glare: a print with a reflection on it is refused with the
    tilt hint and where the reflection is, never passed on silently. ``debug`` keeps every
    intermediate image in the result (for --debug-dir).
    """
    return scan_frames([image], settings, debug=debug)


def scan_frames(
    frames: list[np.ndarray], settings: ScanSettings = ScanSettings(), *, debug: bool = False
) -> ScanResult:
    """Scan a burst of full-resolution views of one print from a camera that stays put.

    The print is found on the first frame (or, where that view lost its edges, on the next,
    :func:`_burst_detection`) and its outline refined on each other one, then the views are
    fused exactly as after the kiosk's auto-capture (:func:`scan_camera`).
    The same reflection in every view cannot be removed: it is refused as in
    :func:`scan_still`.
    """
    if not frames:
        raise DeviceUnavailable("No picture arrived from the camera; check it and try again.")
    frames = [as_rgb8(frame, "The camera's picture") for frame in frames]
    frames, detection = _burst_detection(frames, settings.detect(glare_blocks=True))
    image = frames[0]
    steps = [("frame", image), ("detection", draw_detection(image, detection))] if debug else None
    _require_usable(detection)
    assert detection.corners is not None
    return _finish(frames, detection.corners, detection, settings, steps)


# A first view refused only for edges it could not make out: its own JPEG blocks and noise
# may have made them (the burst's later views are looked at, :func:`_burst_detection`).
EDGE_HINTS = frozenset({Hint.NONE, Hint.UNCLEAR})


def _burst_detection(
    frames: list[np.ndarray], detect: DetectSettings
) -> tuple[list[np.ndarray], PrintDetection]:
    """The burst with the view the print was found on first, and that view's detection:
    the first frame's, or, where that put forward no outline and refused it for its edges
    alone (``EDGE_HINTS``), the next one's when the two views after it agree (the same
    hints, corners within auto-capture's ``same_print`` of the diagonal). The view that
    lost its edges is still fused, its outline refined from the found one's like any later
    view's. A view that outlined the print and found the outline doubtful (``unclear``:
    picture rather than table just outside a side) has seen its edges: that refusal stands
    (seed 4500100, a black border on dark cloth, edge contrast 5: the next two views agreed
    on an outline with a strip of the border along its foot, 0.014 of the diagonal off).

    Each view has its own sensor noise and JPEG blocks, and one view's can make an edge of
    their own: seed 6100050 (a glare scene on wood, JPEG 60) had its outline's bottom side
    on the first view's block row 480, 37-106 px inside the print, which the block check
    refused ("unclear"); the next two views outlined the print within 0.5 px of the truth.
    The kiosk's auto-capture never keeps a refusal either: its preview goes on to the next
    frame. A refusal that two later views repeat, or that they disagree on, stands."""
    first = detect_print_quad(frames[0], detect)
    lost = first.corners is None and bool(first.hints) and set(first.hints) <= EDGE_HINTS
    if not lost or len(frames) < 3:
        return frames, first
    later = [detect_print_quad(frame, detect) for frame in frames[1:3]]
    same_print = AutoCaptureSettings().same_print
    # Whether a view's straight outline was also marked curled (outline_curled.bowed_fit)
    # varies with its noise (seed 6000039: one of the two views), where the print lies not.
    agree = detections_agree(later[1], later[0], same_print, same_search=False)
    if later[0].corners is None or not agree:
        return frames, first
    return [*frames[1:], frames[0]], later[0]


def scan_camera(
    camera: ResilientCamera,
    settings: ScanSettings = ScanSettings(),
    *,
    lights: LightControl | None = None,
    on_advice: Callable[[CaptureAdvice], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
    debug: bool = False,
) -> ScanResult:
    """Watch the camera until auto-capture fires, take the burst and return the photo.

    Raises PrintNotFound (with the last hint) after ``timeout_s`` without a capture, and
    DeviceUnavailable when the camera is gone for the whole burst.
    """
    auto: AutoCapture | None = None
    start = clock()
    last: CaptureAdvice | None = None
    while clock() - start < settings.timeout_s:
        frame = camera.read()
        if frame is None:
            time.sleep(0.05)
            continue
        preview, scale = preview_frame(frame.image, settings.preview_width_px)
        if auto is None:
            # Without the light board every frame of the burst sees the same reflection:
            # glare then waits for the guest to tilt the print.
            auto = preview_capture(settings, scale, glare_blocks=lights is None)
        advice = auto.feed(preview, frame.timestamp_s)
        last = advice
        if on_advice:
            on_advice(advice)
        if advice.state is CaptureState.CAPTURE:
            frames = _locked_burst(camera, frame.image, settings, lights)
            steps = None
            if debug:
                steps = [("preview_detection", draw_detection(preview, advice.detection))]
                steps += [(f"burst_{i}", image) for i, image in enumerate(frames)]
            assert advice.detection.corners is not None
            guess = advice.detection.corners / scale
            first = refine_quad(frames[0], guess)
            return _finish(
                frames, guess if first is None else first, advice.detection, settings, steps
            )
    if last is None:
        raise DeviceUnavailable(
            f"No picture arrived from the camera: {camera.detail or 'no frames'}."
        )
    raise PrintNotFound(
        last.detection.message or HINT_TEXT[Hint.NONE],
        last.detection.hints,
        last.detection.glare_boxes,
    )


def _burst_outlines(frames: list[np.ndarray], first: np.ndarray) -> list[np.ndarray]:
    """Each frame's outline: ``first`` (the first frame's, at full resolution) for it, and
    for every later frame its own refinement when that only moved the print (a hand-held
    shake); a refinement that changed its shape took another edge (a border's inner edge,
    a deckle's bites) and ``first`` is kept: the residual shift is aligned after rectifying."""
    quads = [first]
    diag = float(np.linalg.norm(first[2] - first[0]))
    for image in frames[1:]:
        refined = refine_quad(image, first)
        if refined is None:
            quads.append(first)
            continue
        moved = refined - first
        reshaped = float(np.linalg.norm(moved - moved.mean(axis=0), axis=1).max())
        quads.append(refined if reshaped <= max(2.0, 0.006 * diag) else first)
    return quads


def _locked_burst(
    camera: ResilientCamera,
    first: np.ndarray,
    settings: ScanSettings,
    lights: LightControl | None,
) -> list[np.ndarray]:
    """The burst with exposure and white balance frozen where the camera allows it, so
    every frame (and every light pattern) is exposed alike."""
    lock = getattr(camera.source, "lock_exposure", None)
    unlock = getattr(camera.source, "unlock_exposure", None)
    if lock is not None:
        lock()
    try:
        return _burst(camera, first, settings, lights)
    finally:
        if unlock is not None:
            unlock()


def _burst(
    camera: ResilientCamera,
    first: np.ndarray,
    settings: ScanSettings,
    lights: LightControl | None,
) -> list[np.ndarray]:
    """The burst at full resolution: under each light pattern, or the next few frames.

    A camera that goes away mid-burst ends it early; the frames that arrived are used.
    """

    def grab() -> np.ndarray | None:
        got = camera.read()
        return None if got is None else got.image

    if lights is not None:
        frames = frames_under_lights(grab, lights)
    else:
        frames = [first]
        for _ in range(settings.burst_frames - 1):
            image = grab()
            if image is None:
                log.warning("camera went away during the burst; using %d frame(s)", len(frames))
                break
            frames.append(image)
    if not frames:
        raise DeviceUnavailable(
            "The camera went away while taking the photo; check it and try again."
        )
    return frames


def restore_capture(captured: Capture, settings: ScanSettings) -> Restoration:
    """Restore a captured print as a scan does: with the burst's leftover noise and the
    lamp's lift (benchmarks that rectify on other corners restore through here too, so
    that they measure what the guest gets)."""
    return restore_with_steps(captured.image, settings.strengths(), captured.noise, captured.lift)


def _curl_measured(
    frames: list[np.ndarray],
    first: np.ndarray,
    detection: PrintDetection,
    settings: ScanSettings,
) -> tuple[list[np.ndarray], PrintDetection, Curl | None]:
    """Every frame's outline, the detection and the bend: of a curled print (curl.
    curved_outline round ``first``, the first frame's outline at full resolution) its
    curved corners for every frame, the burst's alignment taking a later view's shift and
    turn; of a flat print ``first`` and each later frame's own (:func:`_burst_outlines`).
    The detection keeps its own frame's scale (the kiosk's preview, or the frame itself).

    Not each later frame's own straight outline moved with the curves: straight lines
    refined on bowed sides slide along them by as much as a bow's depth, and a frame
    rectified through the cylinder on such corners is stretched, not merely moved (seed
    5900049: its later views' outlines 7-9 px off a print that moved 0.15 px, the fused
    print blurred to 0.908 of the ideal's SSIM; 0.975 on the first frame's corners)."""
    curved = curved_outline(frames[0], first, settings.focal_ratio, straight_held=detection.curled)
    if curved is None:
        return _burst_outlines(frames, first), detection, None
    log.info("curled print: sides bow by %s px", [round(s, 1) for s in curved.sags_px])
    to_detection = detection.frame_size[0] / frames[0].shape[1]
    seen = replace(detection, corners=curved.corners * to_detection)
    return [curved.corners] * len(frames), seen, curved.curl


def _finish(
    frames: list[np.ndarray],
    first: np.ndarray,
    detection: PrintDetection,
    settings: ScanSettings,
    debug: list[tuple[str, np.ndarray]] | None,
) -> ScanResult:
    t0 = time.perf_counter()
    quads, detection, curl = _curl_measured(frames, first, detection, settings)
    captured = capture_burst(frames, quads, settings.capture(), curl)
    rectified = photo = captured.image
    steps: tuple[tuple[str, np.ndarray], ...] = ()
    if settings.restore != "off":
        restoration = restore_capture(captured, settings)
        steps = restoration.steps
        photo = restoration.image
    log.info(
        "scanned %dx%d from %d frame(s) in %.2f s",
        photo.shape[1],
        photo.shape[0],
        len(frames),
        time.perf_counter() - t0,
    )
    if debug is None:
        return ScanResult(photo, rectified, detection, len(frames), ())
    debug.append(("rectified", rectified))
    debug += [(f"restore_{name}", image) for name, image in steps]
    return ScanResult(photo, rectified, detection, len(frames), tuple(debug))


def _require_usable(detection: PrintDetection) -> None:
    if not detection.usable:
        raise PrintNotFound(detection.message, detection.hints, detection.glare_boxes)


def preview_capture(settings: ScanSettings, scale: float, *, glare_blocks: bool) -> AutoCapture:
    """Auto-capture for previews ``scale`` of the camera's size, as the kiosk runs it (the
    preview benchmark sets it up through here too)."""
    detect = settings.detect(1.0 / scale, glare_blocks=glare_blocks)
    return AutoCapture(AutoCaptureSettings(stable_s=settings.stable_s), detect)


def preview_frame(image: np.ndarray, width_px: int) -> tuple[np.ndarray, float]:
    """The live preview's copy of a camera frame, at most ``width_px`` wide, and its scale."""
    h, w = image.shape[:2]
    if w <= width_px:
        return image, 1.0
    scale = width_px / w
    return cv2.resize(image, (width_px, round(h * scale)), interpolation=cv2.INTER_AREA), scale


def draw_detection(image: np.ndarray, detection: PrintDetection) -> np.ndarray:
    """The frame with the candidates (thin blue), the chosen outline (green or red) and hints."""
    out = image.copy()
    thick = max(1, round(max(image.shape[:2]) / 400))
    for quad in detection.candidates:
        cv2.polylines(out, [np.round(quad).astype(np.int32)], True, (60, 120, 255), thick)
    if detection.corners is not None:
        colour = (40, 220, 60) if detection.usable else (230, 40, 40)
        cv2.polylines(out, [np.round(detection.corners).astype(np.int32)], True, colour, 2 * thick)
    text = ", ".join(h.value for h in detection.hints) or "ok"
    cv2.putText(
        out, text, (10, 30 * thick), cv2.FONT_HERSHEY_SIMPLEX, 0.8 * thick, (255, 255, 0), 2 * thick
    )
    return out
