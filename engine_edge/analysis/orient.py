"""A print laid sideways or upside down is turned upright, not turned away.

The kiosk's camera looks down at a table and a guest lays the print in whatever
turn is natural from where they stand; a photo file may be scanned on its side
without an EXIF orientation. The face models read faces upright or tilted up to
about 45 degrees, so such a photo is searched again turned 90, 180 and 270
degrees and the turn whose faces are the surest evidence is kept.

The evidence, measured on 21 photos (20 of ../shared/data/photos and the
astronaut) in each quarter turn, and on the astronaut laid at every 15 degrees:
turned a quarter, the face is usually still found, its eyes' line rolled 60-113
degrees; upside down, the detector often "finds" the face as if it were upright,
at a lower score (0.50-0.84) than the same face upright (0.84-0.97); the
detector's score falls as a face tilts (0.86 upright, 0.50 at 30 degrees); on
the dog's photo a quarter turn gives false faces of 0.58 and 0.66. So:
- a photo whose upright search finds an animatable face rolled at most 45
  degrees at GOOD_UPRIGHT_SCORE or more is never searched again: it costs
  nothing extra (19 of the 21 photos with faces);
- a plausible upright face (MIN_TURNED_SCORE or more) is doubted only by the
  photo upside down, the one view that reads faces falsely that sure: one more
  face search (art_19 at 0.89 and art_3 at 0.84: 5 and 39 ms more);
- otherwise all three turns are searched, and every face found in any view
  votes for the turn that stands it upright (its view's turn plus the quarter
  nearest its roll); votes of views that read the face's up alike combine;
- a turn is taken when its votes reach MIN_TURNED_SCORE and beat those for
  leaving the photo as it lies by TURN_MARGIN; and when the photo as it lies
  shows an animatable face, only if it stands two faces upright (two views
  agree, or a group in one view) or reaches GOOD_UPRIGHT_SCORE (a head merely
  tilted 20 degrees reads 0.55 upright, while one turned view can show a false
  face of 0.77).
"""

from __future__ import annotations

import dataclasses
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
AGREE_DEG = 30.0  # two views' readings of one face's up agree this closely (degrees)
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


def implied_turn(face: Face, view: Turn) -> int:
    """The clockwise turn (degrees) that stands this face, seen in ``view``, upright.

    A head rolled r degrees counter-clockwise in the view is set upright by the view's
    own turn plus the quarter turn nearest r: a print laid at a slant of 45-135 degrees
    takes the nearest quarter turn, and the analysis reads the tilt left as it reads any
    face tilted under 45 degrees.
    """
    quarters = round(face.pose.roll_deg / QUARTER_DEG)
    return (view.clockwise_deg + quarters * QUARTER_DEG) % 360


@dataclass(frozen=True)
class Vote:
    """One view's surest face for a turn: how far it stands from upright, and how sure; and
    how many faces of that view the turn stands upright."""

    up_deg: float  # the clockwise turn (degrees, 0..360) that would stand it exactly upright
    score: float
    faces: int = 1


def votes_by_turn(views: dict[Turn, FaceSearch]) -> dict[int, list[Vote]]:
    """For each turn, one vote from each view that found a face it stands upright: that
    view's surest such face (too small faces do not vote)."""
    votes: dict[int, list[Vote]] = {}
    for view, search in views.items():
        surest: dict[int, Vote] = {}
        for face in (f for f in search.faces if not f.too_small):
            turn = implied_turn(face, view)
            best = surest.get(turn, Vote(0.0, 0.0, 0))
            if face.score > best.score:
                best = Vote((view.clockwise_deg + face.pose.roll_deg) % 360, face.score, best.faces)
            surest[turn] = dataclasses.replace(best, faces=best.faces + 1)
        for turn, vote in surest.items():
            votes.setdefault(turn, []).append(vote)
    return votes


def agree(a: Vote, b: Vote) -> bool:
    """Whether two views read one face's up alike (within AGREE_DEG, round the circle)."""
    apart = abs(a.up_deg - b.up_deg) % 360
    return min(apart, 360 - apart) <= AGREE_DEG


def support_by_turn(views: dict[Turn, FaceSearch]) -> dict[int, tuple[float, int]]:
    """For each turn, how sure the views are that it stands a face upright (0..1), and how
    many faces it stands upright in the views that agree.

    The face detector's score falls as a face tilts (the astronaut: 0.86 upright, 0.50
    at 30 degrees), so a face counts for the turn that stands it upright, whichever view
    found it; and a face seen by several views is surer than by one: votes that agree on
    where the face's up is are combined as 1 - prod(1 - score) (a noisy or). Views that
    merely land on the same quarter do not add up: on a dog's photo tilted 10 degrees two
    false faces (0.62, 0.68) both pointed to 270 but read their up 66 degrees apart,
    while one real face read by two views agreed within 2-26 degrees (the astronaut's
    slants).
    """
    support: dict[int, tuple[float, int]] = {}
    for turn, votes in votes_by_turn(views).items():
        for vote in votes:
            alike = [other for other in votes if agree(vote, other)]
            combined = 1.0 - float(np.prod([1.0 - other.score for other in alike]))
            faces = sum(other.faces for other in alike)
            support[turn] = max(support.get(turn, (0.0, 0)), (combined, faces))
    return support


def views_to_search(upright: FaceSearch) -> list[Turn]:
    """The turns to search beyond the photo as it lies, in order.

    A plausible upright face (MIN_TURNED_SCORE or more) is doubted only by the view that
    turns it upside down: the detector reads an upside-down face as an upright one at up
    to 0.84, while a quarter turn's false faces stayed under 0.67. Otherwise all three,
    those the upright view's rolled faces point to first.
    """
    if upright_evidence(upright.faces) >= MIN_TURNED_SCORE:
        return [Turn(180)]
    order = [90, 270, 180]
    for face in sorted(upright.faces, key=lambda f: f.score):
        turn = implied_turn(face, Turn())
        if turn and not face.too_small:
            order.remove(turn)
            order.insert(0, turn)
    return [Turn(deg) for deg in order]


def turn_taken(support: tuple[float, int], as_is: float, upright: FaceSearch) -> bool:
    """Whether a turn's support is enough to turn the photo.

    It must reach MIN_TURNED_SCORE and beat the evidence for leaving the photo as it lies
    by TURN_MARGIN. And a photo whose upright view already shows an animatable face
    (rolled at most 45 degrees) may only be a tilted photo, not one on its side: a head
    tilted 20 degrees drops the detector to 0.55 while a false face in one turned view
    reaches 0.77 (the astronaut, s4). Then a turn must stand two faces upright (two
    views that agree on one face, or two faces of a group in one view: dlib_2009 on its
    side, INT8, read 0.66 and 0.78 against a misread 0.65 as it lay), or be as sure as a
    face that would have ended the search (GOOD_UPRIGHT_SCORE).
    """
    sure, faces = support
    if sure < max(MIN_TURNED_SCORE, as_is + TURN_MARGIN):
        return False
    if upright_evidence(upright.faces) > 0.0:
        return faces > 1 or sure >= GOOD_UPRIGHT_SCORE
    return True


def chosen_turn(views: dict[Turn, FaceSearch]) -> Turn:
    """Among the views searched, the turn whose faces are the surest evidence, if
    ``turn_taken``."""
    support = support_by_turn(views)
    as_is = support.get(0, (0.0, 0))[0]
    turns = [
        view
        for view in views
        if view.clockwise_deg in support
        and view.clockwise_deg
        and turn_taken(support[view.clockwise_deg], as_is, views[Turn()])
    ]
    if not turns:
        return Turn()
    return max(turns, key=lambda view: support[view.clockwise_deg])


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
    views = {Turn(): find_faces(image, models, timings)}
    # The turned images of views that found a usable face: the one kept is not turned
    # twice (a 12 MP photo: 70-120 ms a turn), and a view with none is let go at once.
    images = {Turn(): image}
    turn = Turn()
    if upright_evidence(views[Turn()].faces) < GOOD_UPRIGHT_SCORE:
        start = time.perf_counter()
        for view in views_to_search(views[Turn()]):
            turned_image = view.apply(image)
            views[view] = find_faces(turned_image, models, {})
            if any(not f.too_small for f in views[view].faces):
                images[view] = turned_image
            if upright_evidence(views[view].faces) >= GOOD_UPRIGHT_SCORE:
                break
        turn = chosen_turn(views)
        if turn not in images:
            turn = Turn()  # the turn that stands its faces upright finds none there
        timings["orient_ms"] = (time.perf_counter() - start) * 1000.0
    found = views[turn]
    upright_image = images[turn]
    del images
    analysis = with_mask(upright_image, found.faces, models, timings)
    if turn.clockwise_deg:
        log.info("the photo did not lie upright: %s so its faces stand upright", turn.describe())
    if require_face and not analysis.animatable_faces:
        passes = searched(views[Turn()], list(views))
        raise NoFaceFound(no_face_message(analysis, passes, turned=len(views) > 1))
    return Upright(upright_image, analysis, turn)


def searched(upright_search: FaceSearch, views: list[Turn]) -> list[str]:
    """What the no-face message lists: the upright passes, and the turns searched again."""
    degrees = [str(deg) for deg in sorted(view.clockwise_deg for view in views) if deg]
    if not degrees:
        return list(upright_search.passes)
    turns = " and ".join(filter(None, (", ".join(degrees[:-1]), degrees[-1])))
    return [*upright_search.passes, f"each again with the photo turned {turns} degrees"]
