"""Phonemes to mouth shapes with Rhubarb Lip Sync's timing rules.

Shapes follow Rhubarb's (Preston Blair's) set: A closed (M/B/P), B slightly
open (most consonants, EE), C open (EH, AE), D wide open (AA), E rounded (AO,
ER), F puckered (UW, OW, W), G upper teeth on lower lip (F/V), H tongue up
(L), X idle. Phonemes come either as IPA from espeak-ng (any language) or as
ARPAbet from the pocketsphinx aligner (English); both land in the same
:class:`Phone` list, so one set of timing rules serves synthesis and recordings.

Timing rules (Rhubarb's, see ANCHORS.md): vowels anticipated over the preceding
neutral consonant; closures get 40–120 ms of A before the release; diphthongs
split 60/40; shapes last at least ~70 ms; the mouth pops open but closes through
an in-between shape; pauses under 120 ms hold, under 350 ms relax, longer go to
X; shapes held for 750 ms or more are broken up.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace

MIN_SHAPE_S = 0.07
MIN_CLOSURE_S = 0.04
ANTICIPATION_S = 0.08  # "slightly": Rhubarb allows up to 200 ms, which reads as early on a photo
ANTICIPATION_SHARE = 0.5  # at most this part of the preceding consonant is given to the vowel
HOLD_PAUSE_S = 0.12
RELAX_PAUSE_S = 0.35
LONG_HOLD_S = 0.75
BREAK_PIECE_S = 0.3
TWEEN_S = 0.06
DIPHTHONG_SPLIT = 0.6

# Openness per shape, used to decide where closing tweens go.
OPENNESS = {
    "X": 0.0,
    "A": 0.0,
    "G": 0.1,
    "F": 0.2,
    "B": 0.2,
    "H": 0.35,
    "E": 0.45,
    "C": 0.5,
    "D": 0.9,
}
# A shape held too long alternates with its neighbour.
ALTERNATE = {"A": "A", "B": "C", "C": "B", "D": "C", "E": "F", "F": "E", "G": "B", "H": "C"}
# A fast close from a wide shape passes through this in-between.
CLOSING_TWEEN = {"D": "C", "C": "B", "E": "F"}


@dataclass(frozen=True)
class Phone:
    """One timed phoneme reduced to what the mouth needs.

    shapes: one shape, or two for a diphthong (split 60/40); "" for silence.
    kind: "vowel", "consonant", "closure" (M/B/P), "aspirate" (H: takes the next vowel's shape),
    or "pause".
    """

    start_s: float
    end_s: float
    shapes: tuple[str, ...]
    kind: str
    label: str = ""

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class Cue:
    """A mouth shape from ``start_s`` to ``end_s``.

    vowel marks syllable nuclei (for stress); tween marks an in-between shape (40–80 ms,
    exempt from the minimum length).
    """

    start_s: float
    end_s: float
    shape: str
    vowel: bool = False
    tween: bool = False

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


# --- phoneme tables -----------------------------------------------------------------------------

_IPA_VOWELS = {
    "a": "D", "ɑ": "D", "ä": "D", "ɶ": "D", "æ": "C", "ɐ": "C", "ʌ": "C", "ɛ": "C", "e": "C",
    "ɜ": "E", "ɚ": "E", "ɝ": "E", "ə": "B", "ɘ": "B", "i": "B", "ɪ": "B", "ɨ": "B", "ᵻ": "B",
    "ɯ": "B", "y": "F", "ʏ": "F", "ɔ": "E", "ɒ": "E", "o": "E", "ɵ": "E", "ø": "E", "œ": "E",
    "ɞ": "E", "u": "F", "ʊ": "E", "ɤ": "C",
}  # fmt: skip
_IPA_CONSONANTS = {
    "p": "A", "b": "A", "m": "A", "ɓ": "A", "f": "G", "v": "G", "ɱ": "G", "l": "H", "ɫ": "H",
    "ʎ": "H", "ɭ": "H", "w": "F", "ʍ": "F", "ɥ": "F",
}  # fmt: skip
_IPA_ASPIRATES = {"h", "ɦ"}

_ARPABET_VOWELS = {
    "AA": ("D",), "AE": ("C",), "AH": ("C",), "AO": ("E",), "AW": ("D", "F"), "AY": ("D", "C"),
    "EH": ("C",), "ER": ("E",), "EY": ("C", "B"), "IH": ("B",), "IY": ("B",), "OW": ("E", "F"),
    "OY": ("E", "B"), "UH": ("E",), "UW": ("F",),
}  # fmt: skip
_ARPABET_CONSONANTS = {"B": "A", "P": "A", "M": "A", "F": "G", "V": "G", "L": "H", "W": "F"}
_ARPABET_PAUSES = {"SIL", "SP", "+SPN+", "+NSN+", "+BREATH+", "+NOISE+"}


def ipa_letters(name: str) -> str:
    """Base letters of an IPA phoneme name, without length marks, stress or diacritics."""
    decomposed = unicodedata.normalize("NFD", name)
    return "".join(
        ch
        for ch in decomposed
        if not unicodedata.combining(ch) and ch not in "ːˑˈˌ'ʲʰʷˠˤ̃-_:" and not ch.isdigit()
    )


def phone_from_ipa(start_s: float, end_s: float, name: str) -> Phone:
    """Classify one espeak-ng phoneme (IPA name); unknown letters count as neutral consonants."""
    letters = ipa_letters(name)
    if not letters:
        return Phone(start_s, end_s, (), "pause", name)
    vowels = tuple(_IPA_VOWELS[ch] for ch in letters if ch in _IPA_VOWELS)
    if vowels and letters[0] in _IPA_VOWELS:
        shapes = (
            vowels[:1] if len(vowels) == 1 or vowels[0] == vowels[-1] else vowels[:1] + vowels[-1:]
        )
        return Phone(start_s, end_s, shapes, "vowel", name)
    if letters[0] in _IPA_ASPIRATES:
        return Phone(start_s, end_s, ("B",), "aspirate", name)
    shape = _IPA_CONSONANTS.get(letters[0], "B")
    return Phone(start_s, end_s, (shape,), "closure" if shape == "A" else "consonant", name)


def phone_from_arpabet(start_s: float, end_s: float, name: str) -> Phone:
    """Classify one ARPAbet phone (pocketsphinx; stress digits ignored)."""
    base = name.upper().rstrip("012")
    if base in _ARPABET_PAUSES or not base:
        return Phone(start_s, end_s, (), "pause", name)
    if base in _ARPABET_VOWELS:
        return Phone(start_s, end_s, _ARPABET_VOWELS[base], "vowel", name)
    if base == "HH":
        return Phone(start_s, end_s, ("B",), "aspirate", name)
    shape = _ARPABET_CONSONANTS.get(base, "B")
    return Phone(start_s, end_s, (shape,), "closure" if shape == "A" else "consonant", name)


# --- timing rules -------------------------------------------------------------------------------


def cues_from_phones(phones: list[Phone], total_s: float) -> list[Cue]:
    """Apply the timing rules; the result covers 0..total_s without gaps, X where silent."""
    cues = _raw_cues(phones)
    cues = _close_before_release(cues)
    cues = _anticipate_vowels(cues)
    cues = _resolve_pauses(cues)
    cues = _enforce_min_length(cues)
    cues = _add_closing_tweens(cues)
    cues = _break_long_holds(cues)
    return _fill(cues, total_s)


def _raw_cues(phones: list[Phone]) -> list[Cue]:
    cues: list[Cue] = []
    for i, phone in enumerate(phones):
        if phone.duration_s <= 0:
            continue
        if phone.kind == "pause":
            cues.append(Cue(phone.start_s, phone.end_s, "X"))
        elif phone.kind == "aspirate":
            following = next((p for p in phones[i + 1 :] if p.kind != "aspirate"), None)
            shape = following.shapes[0] if following and following.kind == "vowel" else "B"
            cues.append(Cue(phone.start_s, phone.end_s, shape))
        elif phone.kind == "vowel" and len(phone.shapes) == 2:
            split = phone.start_s + DIPHTHONG_SPLIT * phone.duration_s
            cues.append(Cue(phone.start_s, split, phone.shapes[0], vowel=True))
            cues.append(Cue(split, phone.end_s, phone.shapes[1], vowel=True))
        else:
            cues.append(Cue(phone.start_s, phone.end_s, phone.shapes[0], phone.kind == "vowel"))
    return _merge_same(cues)


def _merge_same(cues: list[Cue]) -> list[Cue]:
    merged: list[Cue] = []
    for cue in cues:
        if merged and merged[-1].shape == cue.shape and abs(merged[-1].end_s - cue.start_s) < 1e-6:
            last = merged[-1]
            merged[-1] = replace(last, end_s=cue.end_s, vowel=last.vowel or cue.vowel)
        else:
            merged.append(cue)
    return merged


def _close_before_release(cues: list[Cue]) -> list[Cue]:
    """M/B/P need the lips visibly shut: at least 40 ms of A, borrowed from the shape before."""
    out = list(cues)
    for i in range(1, len(out)):
        cue = out[i]
        if cue.shape != "A" or cue.duration_s >= MIN_CLOSURE_S:
            continue
        prev = out[i - 1]
        need = MIN_CLOSURE_S - cue.duration_s
        take = min(need, max(0.0, prev.duration_s - MIN_SHAPE_S / 2))
        out[i - 1] = replace(prev, end_s=prev.end_s - take)
        out[i] = replace(cue, start_s=cue.start_s - take)
    return out


def _anticipate_vowels(cues: list[Cue]) -> list[Cue]:
    """The vowel's shape starts during a preceding neutral consonant (the lips get ready)."""
    out = list(cues)
    for i in range(1, len(out)):
        cue, prev = out[i], out[i - 1]
        if not cue.vowel or prev.vowel or prev.shape not in ("B", "H"):
            continue
        shift = min(ANTICIPATION_S, ANTICIPATION_SHARE * prev.duration_s)
        out[i - 1] = replace(prev, end_s=prev.end_s - shift)
        out[i] = replace(cue, start_s=cue.start_s - shift)
    return out


def _resolve_pauses(cues: list[Cue]) -> list[Cue]:
    """Short pauses hold the previous shape, medium ones relax it, long ones rest (X)."""
    out: list[Cue] = []
    for i, cue in enumerate(cues):
        inside = 0 < i < len(cues) - 1
        if cue.shape == "X" and inside and out:
            if cue.duration_s < HOLD_PAUSE_S:
                out[-1] = replace(out[-1], end_s=cue.end_s)
                continue
            if cue.duration_s < RELAX_PAUSE_S:
                out.append(replace(cue, shape="B" if out[-1].shape not in ("A", "X") else "A"))
                continue
        out.append(cue)
    return _merge_same(out)


def _enforce_min_length(cues: list[Cue]) -> list[Cue]:
    """Shapes shorter than ~70 ms borrow time from a long neighbour, else join it."""
    out = list(cues)
    changed = True
    while changed:
        changed = False
        for i, cue in enumerate(out):
            minimum = MIN_CLOSURE_S if cue.shape == "A" else MIN_SHAPE_S
            if cue.shape == "X" or cue.duration_s >= minimum - 1e-9:
                continue
            need = minimum - cue.duration_s
            prev = out[i - 1] if i > 0 else None
            nxt = out[i + 1] if i + 1 < len(out) else None
            spare_prev = prev.duration_s - MIN_SHAPE_S if prev and prev.shape != "X" else 0.0
            spare_next = nxt.duration_s - MIN_SHAPE_S if nxt and nxt.shape != "X" else 0.0
            if prev is not None and spare_prev >= need and spare_prev >= spare_next:
                out[i - 1] = replace(prev, end_s=prev.end_s - need)
                out[i] = replace(cue, start_s=cue.start_s - need)
            elif nxt is not None and spare_next >= need:
                out[i + 1] = replace(nxt, start_s=nxt.start_s + need)
                out[i] = replace(cue, end_s=cue.end_s + need)
            else:
                out = _absorb(out, i)
                changed = True
                break
    return _merge_same(out)


def _absorb(cues: list[Cue], i: int) -> list[Cue]:
    """Join a too-short cue with its longer speaking neighbour; a vowel wins over a consonant."""
    cue = cues[i]
    candidates = [j for j in (i - 1, i + 1) if 0 <= j < len(cues) and cues[j].shape != "X"]
    if not candidates:
        return cues
    j = max(candidates, key=lambda k: cues[k].duration_s)
    other = cues[j]
    shape = cue.shape if cue.vowel and not other.vowel else other.shape
    start, end = min(cue.start_s, other.start_s), max(cue.end_s, other.end_s)
    joined = Cue(start, end, shape, cue.vowel or other.vowel)
    lo, hi = min(i, j), max(i, j)
    return [*cues[:lo], joined, *cues[hi + 1 :]]


def _add_closing_tweens(cues: list[Cue]) -> list[Cue]:
    """Wide to closed passes through an in-between shape: the mouth closes more slowly."""
    out: list[Cue] = []
    for i, cue in enumerate(cues):
        nxt = cues[i + 1] if i + 1 < len(cues) else None
        tween = CLOSING_TWEEN.get(cue.shape)
        if (
            nxt is not None
            and tween is not None
            and OPENNESS[cue.shape] - OPENNESS[nxt.shape] >= 0.3
            and cue.duration_s >= MIN_SHAPE_S + TWEEN_S
        ):
            split = cue.end_s - TWEEN_S
            out.append(replace(cue, end_s=split))
            out.append(Cue(split, cue.end_s, tween, tween=True))
        else:
            out.append(cue)
    return out


def _break_long_holds(cues: list[Cue]) -> list[Cue]:
    """A shape held 750 ms or more looks frozen; alternate it with its neighbour shape."""
    out: list[Cue] = []
    for cue in cues:
        if cue.shape in ("X", "A") or cue.duration_s < LONG_HOLD_S:
            out.append(cue)
            continue
        pieces = max(2, round(cue.duration_s / BREAK_PIECE_S))
        step = cue.duration_s / pieces
        for k in range(pieces):
            shape = cue.shape if k % 2 == 0 else ALTERNATE[cue.shape]
            out.append(Cue(cue.start_s + k * step, cue.start_s + (k + 1) * step, shape, cue.vowel))
    return out


def _fill(cues: list[Cue], total_s: float) -> list[Cue]:
    """Cover 0..total_s: X before, between (gaps) and after the speech."""
    out: list[Cue] = []
    t = 0.0
    for cue in sorted(cues, key=lambda c: c.start_s):
        start = max(cue.start_s, t)
        if start > t + 1e-9:
            out.append(Cue(t, start, "X"))
        end = min(cue.end_s, total_s)
        if end > start:
            out.append(replace(cue, start_s=start, end_s=end))
            t = end
    if t < total_s:
        out.append(Cue(t, total_s, "X"))
    return _merge_same(out)
