"""Turn a clip's measures into the brief's review list: pass, or say what failed and by how much."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from engine_edge.check.inspect import FaceSeries
from engine_edge.check.report import DEFAULT_LIMITS, CheckReport, Finding, Limits
from engine_edge.check.wrap import LoopWrap
from engine_edge.running import running_median
from engine_edge.runs import true_runs

HALF_BLINK = 0.8  # a dip below this share of the open eye counts as a blink attempt


def review(
    series: Sequence[FaceSeries],
    fps: float,
    *,
    planned_blinks: Sequence[Sequence[int]] | None = None,
    loudness: np.ndarray | None = None,
    wrap: LoopWrap | None = None,
    lids_hidden: Sequence[bool] = (),
    limits: Limits = DEFAULT_LIMITS,
) -> CheckReport:
    """Judge the measures. ``planned_blinks``: per face, frames the plan has fully shut;
    ``loudness``: the audio's RMS envelope per video frame (None: a silent clip);
    ``wrap``: how the decoded loop's last frame flows into its first (None: not a loop);
    ``lids_hidden``: per face, whether the renderer found glasses across its eyes. The
    face model then often reads a rim as the lid, so an eye it sees open may be shut
    behind it: those lids are not judged (the renderer keeps the rims, see
    render/glasses.py)."""
    findings: list[Finding] = []
    indices = [k for k, s in enumerate(series) if s.measurable and len(s.frames) >= 3]
    checked = [series[k] for k in indices]
    frames = max((len(s.frames) for s in checked), default=0)
    if checked:
        plans = None if planned_blinks is None else [planned_blinks[k] for k in indices]
        hidden = [k < len(lids_hidden) and bool(lids_hidden[k]) for k in indices]
        findings.append(_blinks(checked, fps, plans, limits, hidden))
        findings.append(_mouth(checked, loudness, limits))
        if loudness is not None and float(np.max(loudness)) > 0:
            findings.append(_lipsync(checked[0], loudness, limits))
        findings.append(
            _worst(
                "shape",
                [float(np.max(s.shape_drift)) for s in checked],
                limits.shape_drift,
                "rigid face regions vs the photo",
            )
        )
        findings.append(
            _worst(
                "jitter",
                [_jitter(s) for s in checked],
                limits.jitter,
                "high-passed head position, eye distances",
            )
        )
    lost = sum(s.lost for s in series)
    if lost:
        findings.append(
            Finding(
                "tracking",
                False,
                float(lost),
                0.0,
                f"a face could not be found in {lost} checked frame(s)",
            )
        )
    if wrap is not None:
        findings.append(
            Finding(
                "seam",
                wrap.motion <= limits.wrap_motion,
                wrap.motion,
                limits.wrap_motion,
                "motion at the loop's wrap / its larger steps' "
                f"(in grey levels, as the judge reads it: {wrap.grey:.1f} steps)",
            )
        )
    return CheckReport(tuple(findings), frames, len(checked))


def _worst(name: str, values: list[float], limit: float, detail: str) -> Finding:
    value = max(values)
    return Finding(name, value <= limit, value, limit, detail)


def _blinks(
    series: Sequence[FaceSeries],
    fps: float,
    planned: Sequence[Sequence[int]] | None,
    limits: Limits,
    hidden: Sequence[bool],
) -> Finding:
    worst = 0.0
    too_many = False
    notes = []
    for k, s in enumerate(series):
        if hidden[k]:
            notes.append(f"face {k + 1}: lids behind glasses, not read")
            continue
        eyes = s.eyes()
        ratio = eyes / np.maximum(np.median(eyes, axis=0), 1e-6)
        closure = ratio.mean(1)  # both eyes
        span_s = (s.frames[-1] - s.frames[0] + 1) / fps
        events = true_runs(closure < HALF_BLINK)
        too_many |= len(events) > 1 + limits.blinks_per_s_max * span_s
        if planned is not None and k < len(planned) and len(planned[k]):
            frames = np.asarray(s.frames)
            for peak in planned[k]:
                near = np.abs(frames - peak) <= 1
                if near.any():
                    worst = max(worst, float(closure[near].min()))
            notes.append(f"face {k + 1}: {len(planned[k])} planned, most-open shut frame")
        else:
            for start, end in events:
                worst = max(worst, float(closure[start:end].min()))
            notes.append(f"face {k + 1}: {len(events)} blink(s) seen")
    ok = worst <= limits.blink_closed_ratio and not too_many
    detail = "; ".join(notes) + (
        f"; more than 1 + {limits.blinks_per_s_max:g}/s blinks" if too_many else ""
    )
    return Finding("blinks", ok, worst, limits.blink_closed_ratio, detail)


def _mouth(series: Sequence[FaceSeries], loudness: np.ndarray | None, limits: Limits) -> Finding:
    """In silence the mouth keeps the photo's shape (the first frame is the photo).

    A mouth that moves in silence moves over several checked frames (a smile, a jaw
    drifting open). The face model's inner-lip points also flick on single frames of
    painted or heavily textured lips while the pixels stay put (sadtalker_art_9: lone
    samples 0.046-0.059 among samples within 0.02 of the photo, and a gentler render
    the same), so each sample is taken as the median of it and its two neighbours.
    """
    worst = 0.0
    for s in series:
        # The ends are padded with themselves, so the first sample (the photo) stays as is.
        mouth = running_median(np.asarray(s.mouth_open, dtype=np.float64), 3)
        quiet = np.ones(len(mouth), bool)
        if loudness is not None and float(np.max(loudness)) > 0:
            level = loudness[np.clip(s.frames, 0, len(loudness) - 1)]
            quiet = level < 0.05 * float(np.max(loudness))
            # The mouth closes after a word: allow a few frames after speech stops.
            quiet &= ~np.convolve(~quiet, np.ones(5), mode="same").astype(bool)
        if quiet.any():
            worst = max(worst, float(np.abs(mouth[quiet] - mouth[0]).max()))
    return Finding(
        "mouth",
        worst <= limits.silent_mouth_change,
        worst,
        limits.silent_mouth_change,
        "inner-lip gap change in silence / mouth width",
    )


def _lipsync(s: FaceSeries, loudness: np.ndarray, limits: Limits) -> Finding:
    frames = np.asarray(s.frames)
    mouth = np.asarray(s.mouth_open)
    best = -1.0
    for lag in (-1, 0, 1):
        idx = np.clip(frames + lag, 0, len(loudness) - 1)
        env = loudness[idx]
        if np.std(env) > 0 and np.std(mouth) > 0:
            best = max(best, float(np.corrcoef(mouth, env)[0, 1]))
    return Finding(
        "lipsync",
        best >= limits.lipsync_min_corr,
        best,
        limits.lipsync_min_corr,
        "mouth opening vs loudness, best of lags -1..1 frame",
    )


def _jitter(s: FaceSeries) -> float:
    c = np.asarray(s.centroid, np.float64)
    if len(c) < 7:
        return 0.0
    kernel = np.ones(5) / 5
    smooth = np.stack(
        [np.convolve(np.pad(c[:, i], 2, mode="edge"), kernel, "valid") for i in range(2)], 1
    )
    resid = np.linalg.norm(c - smooth, axis=1)
    return float(resid.std() / max(s.interocular_px, 1e-6))
