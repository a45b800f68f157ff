"""The print detector's tuning (``[scan]`` settings hand it on): one place, so the
detector's parts can all read it without importing the detector itself."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DetectSettings:
    """Tuning of the detector; fractions are of the frame unless said otherwise."""

    work_px: int = 400  # longest side of the downscaled copy used to find candidates
    min_share: float = 0.08  # print area / frame area of a second print worth refusing
    min_candidate_share: float = 0.008  # outlines smaller than this are not looked at
    # A print's shorter side, in pixels of the camera's capture resolution, below which its
    # face is too small to animate ("too small": hold it closer). ``camera_px_per_frame_px``
    # converts when the detector sees a downscaled preview.
    min_print_px: float = 200.0
    camera_px_per_frame_px: float = 1.0
    min_support: float = 0.7  # share of each side that must lie on an edge
    max_angle_dev_deg: float = 28.0  # corner angles beyond 90 +- this: "tilted"
    max_side_ratio: float = 1.6  # opposite sides more unequal than this: "tilted"
    # An outline that no rectangle turned less than this from the camera projects to: "tilted"
    # (or, from the last resort, a side run through the picture: not taken).
    max_tilt_deg: float = 45.0
    focal_ratio: float = 1.0  # the lens's focal length / frame width (``[scan] focal_ratio``)
    max_edge_width: float = 0.006  # print edge blur width / frame diagonal: "blurry"
    # The blurriest side's width in pixels at the camera's own resolution ("blurry": hold
    # steadier). A shake smears the sides across it; the scene set's tuning seeds with a
    # side wider than this all had over 4 px of blur and scanned below 0.95 of the ideal.
    # Only judged on full-resolution frames: a preview's downscale hides it.
    max_shake_px: float = 7.0
    # ... unless that side steps in lightness and is narrower than this there (a JPEG halves
    # colour's resolution, not lightness's; a shake smears both). Shaken views over the
    # limit above: 6.2 and 6.5 px in lightness; a still print on cloth over it: 3.7 px.
    max_shake_light_px: float = 5.0
    border_margin: float = 0.006  # corners this close to the frame edge: "cut off"
    glare_share: float = 0.004  # share of the print that is blown-out white: "glare"
    glare_blocks: bool = False  # no second view will come to remove glare: ask to tilt instead
