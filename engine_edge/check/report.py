"""What the self-check found: one finding per check, each with its measure and limit."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Limits:
    """Where a clip stops being a keepsake. Calibrated on good and deliberately broken clips
    (tests/engine_edge/check): our own mesh on our own frames, so tighter than the judge's."""

    # A planned blink must close the eye to this share of open. Our mesh reads fully shut
    # painted lids at 0.17-0.54 of open on the shared photos (heavy eyeliner and narrow,
    # deep-set eyes read highest) and half-shut ones at 0.65-0.86 on 18 of 19.
    blink_closed_ratio: float = 0.6
    blinks_per_s_max: float = 0.4  # "occasional": one, plus one more every 2.5 s
    silent_mouth_change: float = 0.06  # inner-lip gap / mouth width may change this much
    lipsync_min_corr: float = 0.5  # mouth opening vs loudness, best of lags -1..1 frames
    shape_drift: float = 0.035  # rigid-region residual after a similarity fit / eye distance
    jitter: float = 0.006  # high-passed rigid-point centroid / eye distance (std)
    # A loop's wrap may move the picture this many times as far as its larger steps do
    # (optical flow, check/wrap.py): the engine's loops read 1.1-2.6, clips not made to loop
    # 10-43.
    wrap_motion: float = 5.0


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Finding:
    check: str  # blinks, mouth, lipsync, shape, jitter, seam
    passed: bool
    value: float
    limit: float
    detail: str


@dataclass(frozen=True)
class CheckReport:
    findings: tuple[Finding, ...]
    frames_checked: int
    faces_checked: int

    @property
    def passed(self) -> bool:
        return all(f.passed for f in self.findings)

    @property
    def failed(self) -> tuple[str, ...]:
        return tuple(f.check for f in self.findings if not f.passed)

    def to_dict(self) -> dict[str, object]:
        return {
            "passed": self.passed,
            "frames_checked": self.frames_checked,
            "faces_checked": self.faces_checked,
            "findings": [asdict(f) for f in self.findings],
        }

    def summary(self) -> str:
        lines = [
            f"self-check: {'passed' if self.passed else 'FAILED'} "
            f"({self.frames_checked} frames, {self.faces_checked} face(s))"
        ]
        for f in self.findings:
            mark = "ok  " if f.passed else "FAIL"
            lines.append(f"  {mark} {f.check:8s} {f.value:8.4f} (limit {f.limit:g})  {f.detail}")
        return "\n".join(lines)
