"""A print laid sideways or upside down is turned upright, not turned away.

The kiosk's camera looks down at a table and a guest lays the print in whatever
turn is natural from where they stand; a photo file may be scanned on its side
without an EXIF orientation. The face models read faces upright or tilted up to
about 45 degrees, so such a photo is searched again turned 90, 180 and 270
degrees and the turn whose faces are the surest evidence is kept.

The evidence, measured on 21 photos (20 of ../shared/data/photos and the
astronaut) in each quarter turn: turned a quarter, the face is usually still
found, with its eyes' line rolled 60-113 degrees; upside down, the detector
often "finds" the face as if it were upright, at a lower score (0.50-0.84)
than the same face upright (0.84-0.97); on the dog's photo a quarter turn gives
false faces of 0.58 and 0.66. So only faces that are animatable and rolled at
most 45 degrees count as upright evidence, a turn must be surer than
MIN_TURNED_SCORE and beat the upright view by TURN_MARGIN, and a photo whose
upright search found a face at GOOD_UPRIGHT_SCORE or more is never searched
again: an upright photo costs nothing extra.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np

from engine_edge.analysis.models import Models
from engine_edge.analysis.pipeline import (
    FaceSearch,
    check_image,
    find_faces,
    no_face_message,
    with_mask,
)
from engine_edge.errors import NoFaceFound
from engine_edge.face import Analysis, Face

log = logging.getLogger(__name__)

MAX_UPRIGHT_ROLL_DEG = 45.0  # a face rolled further is read as lying on its side
GOOD_UPRIGHT_SCORE = 0.9  # an upright face this sure ends the search (real portraits: 0.84-0.97)
MIN_TURNED_SCORE = 0.75  # a turn needs a face this sure (false faces on a dog: 0.58, 0.66)
TURN_MARGIN = 0.05  # and must beat the upright view's evidence by this much
QUARTER_DEG = 90


@dataclass(frozen=True)
class Turn:
    """How far the photo was turned clockwise to make it upright: 0, 90, 180 or 270 degrees."""

    clockwise_deg: int = 0

    def __post_init__(self) -> None:
        if self.clockwise_deg not in (0, 90, 180, 270):
            raise ValueError(f"a turn is 0, 90, 180 or 270 degrees, not {self.clockwise_deg}")

    def apply(self, image: np.ndarray) -> np.ndarray:
        """The image turned (a view of it when not turned at all)."""
        if not self.clockwise_deg:
            return image
        return np.ascontiguousarray(np.rot90(image, -self.clockwise_deg // QUARTER_DEG))

    def describe(self) -> str:
        """Words for a log line or a result line."""
        if self.clockwise_deg == 180:
            return "turned upside down (180 degrees)"
        return f"turned {self.clockwise_deg} degrees clockwise" if self.clockwise_deg else ""


@dataclass(frozen=True)
class Upright:
    """The photo as it was analysed (turned upright), its analysis, and the turn applied."""

    image: np.ndarray
    analysis: Analysis
    turn: Turn


def upright_evidence(faces: tuple[Face, ...]) -> float:
    """The detector score of the surest animatable face that stands upright (0 when none)."""
    return max(
        (
            f.score
            for f in faces
            if not f.too_small and abs(f.pose.roll_deg) <= MAX_UPRIGHT_ROLL_DEG
        ),
        default=0.0,
    )


def turns_to_try(faces: tuple[Face, ...]) -> list[Turn]:
    """The three turns, the one a sideways face's roll points to first (it usually ends it)."""
    order = [90, 270, 180]
    rolled = [f for f in faces if not f.too_small and abs(f.pose.roll_deg) > MAX_UPRIGHT_ROLL_DEG]
    if rolled:
        roll = max(rolled, key=lambda f: f.score).pose.roll_deg
        # A head leaning counter-clockwise by ~90 degrees is set upright by a clockwise turn.
        nearest = round(roll / QUARTER_DEG) * QUARTER_DEG % 360
        if nearest in order:
            order.remove(nearest)
            order.insert(0, nearest)
    return [Turn(deg) for deg in order]


def analyse_upright(
    image_rgb: np.ndarray, models: Models, *, require_face: bool = False
) -> Upright:
    """``analyse`` of the photo in the quarter turn where its faces stand upright.

    The photo is searched as it lies first; only when that finds no sure upright
    face are the other turns searched (lazily: a sure upright face in a turn ends
    it). The person mask is made once, for the turn kept. Turned searches' time is
    ``timings_ms["orient_ms"]``. With ``require_face``, a photo where no turn shows
    a usable face raises :class:`NoFaceFound` saying every turn was searched.
    """
    image = check_image(image_rgb)
    timings: dict[str, float] = {}
    best = find_faces(image, models, timings)
    best_turn, best_image = Turn(), image
    evidence = upright_evidence(best.faces)
    if evidence < GOOD_UPRIGHT_SCORE:
        start = time.perf_counter()
        upright = evidence
        for turn in turns_to_try(best.faces):
            turned = turn.apply(image)
            search = find_faces(turned, models, {})
            score = upright_evidence(search.faces)
            if score >= max(MIN_TURNED_SCORE, upright + TURN_MARGIN) and score > evidence:
                best, best_turn, best_image, evidence = search, turn, turned, score
                if score >= GOOD_UPRIGHT_SCORE:
                    break
        timings["orient_ms"] = (time.perf_counter() - start) * 1000.0
    analysis = with_mask(best_image, best.faces, models, timings)
    if best_turn.clockwise_deg:
        log.info("the photo lay on its side: %s so its faces stand upright", best_turn.describe())
    if require_face and not analysis.animatable_faces:
        raise NoFaceFound(no_face_message(analysis, searched(best), turned=True))
    return Upright(best_image, analysis, best_turn)


def searched(upright_search: FaceSearch) -> list[str]:
    """What the no-face message lists: the upright passes, and that every turn was tried."""
    return [*upright_search.passes, "each again with the photo turned 90, 180 and 270 degrees"]
