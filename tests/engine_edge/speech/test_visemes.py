"""Rhubarb's timing rules on hand-made phone sequences (timings in seconds)."""

from __future__ import annotations

import itertools

import pytest

from engine_edge.speech.visemes import (
    HOLD_PAUSE_S,
    LONG_HOLD_S,
    MIN_CLOSURE_S,
    MIN_SHAPE_S,
    Cue,
    Phone,
    cues_from_phones,
    phone_from_arpabet,
    phone_from_ipa,
)


def _seq(*items: tuple[str, float], start_s: float = 0.2) -> list[Phone]:
    """ARPAbet phones of the given durations, back to back."""
    phones, t = [], start_s
    for name, duration_s in items:
        phones.append(phone_from_arpabet(t, t + duration_s, name))
        t += duration_s
    return phones


def _shape_at(cues: list[Cue], t: float) -> str:
    return next(c.shape for c in cues if c.start_s <= t < c.end_s)


@pytest.mark.parametrize(
    ("ipa", "shapes", "kind"),
    [
        ("m", ("A",), "closure"), ("p", ("A",), "closure"), ("f", ("G",), "consonant"),
        ("l", ("H",), "consonant"), ("w", ("F",), "consonant"), ("ɑː", ("D",), "vowel"),
        ("æ", ("C",), "vowel"), ("uː", ("F",), "vowel"), ("ɔː", ("E",), "vowel"),
        ("əʊ", ("B", "E"), "vowel"), ("aɪ", ("D", "B"), "vowel"), ("", (), "pause"),
        ("h", ("B",), "aspirate"), ("ɛ̃", ("C",), "vowel"), ("s", ("B",), "consonant"),
    ],
)  # fmt: skip
def test_ipa_classification(ipa, shapes, kind):
    phone = phone_from_ipa(0.0, 0.1, ipa)
    assert (phone.shapes, phone.kind) == (shapes, kind)


def test_arpabet_classification():
    assert phone_from_arpabet(0, 0.1, "OW").shapes == ("E", "F")
    assert phone_from_arpabet(0, 0.1, "AA1").shapes == ("D",)
    assert phone_from_arpabet(0, 0.1, "SIL").kind == "pause"
    assert phone_from_arpabet(0, 0.1, "B").kind == "closure"


def test_covers_the_whole_line_with_rest_around_speech():
    phones = _seq(("HH", 0.06), ("AA", 0.2), ("T", 0.08))
    cues = cues_from_phones(phones, 1.0)
    assert cues[0].start_s == 0.0 and cues[-1].end_s == pytest.approx(1.0)
    assert all(abs(a.end_s - b.start_s) < 1e-9 for a, b in itertools.pairwise(cues))
    assert cues[0].shape == "X" and cues[-1].shape == "X"
    # H takes the shape of the vowel it leads into.
    assert _shape_at(cues, 0.21) == "D"


def test_closure_before_release_lasts_at_least_40_ms():
    phones = _seq(("AA", 0.2), ("P", 0.015), ("AA", 0.2))
    cues = cues_from_phones(phones, 1.0)
    closures = [c for c in cues if c.shape == "A"]
    assert len(closures) == 1 and closures[0].duration_s >= MIN_CLOSURE_S - 1e-9


def test_short_shapes_are_stretched_or_absorbed():
    phones = _seq(("AA", 0.2), ("L", 0.02), ("IY", 0.03), ("AA", 0.2))
    cues = cues_from_phones(phones, 1.0)
    speaking = [c for c in cues if c.shape != "X" and not c.tween]
    assert len(speaking) >= 3
    assert all(c.duration_s >= MIN_SHAPE_S - 1e-9 for c in speaking)


def test_vowels_are_anticipated_over_a_neutral_consonant():
    phones = _seq(("AA", 0.2), ("T", 0.1), ("UW", 0.2))
    cues = cues_from_phones(phones, 1.0)
    rounded = next(c for c in cues if c.shape == "F")
    vowel_start = 0.2 + 0.2 + 0.1
    assert vowel_start - 0.06 <= rounded.start_s < vowel_start - 0.01


def test_pauses_hold_relax_or_rest():
    short = cues_from_phones(_seq(("AA", 0.2), ("SIL", HOLD_PAUSE_S - 0.02), ("AA", 0.2)), 1.5)
    assert not any(c.shape in ("X", "B") and 0.3 < c.start_s < 0.5 for c in short)
    medium = cues_from_phones(_seq(("AA", 0.2), ("SIL", 0.25), ("AA", 0.2)), 1.5)
    assert _shape_at(medium, 0.5) == "B"
    long = cues_from_phones(_seq(("AA", 0.2), ("SIL", 0.6), ("AA", 0.2)), 1.5)
    assert _shape_at(long, 0.7) == "X"


def test_wide_mouth_closes_through_an_in_between_shape():
    cues = cues_from_phones(_seq(("AA", 0.3), ("M", 0.1), ("SIL", 0.5)), 1.5)
    shapes = [c.shape for c in cues if c.shape != "X"]
    assert shapes == ["D", "C", "A"]
    tween = next(c for c in cues if c.shape == "C")
    assert tween.tween
    assert 0.04 <= tween.duration_s <= 0.08


def test_long_holds_are_broken_up():
    cues = cues_from_phones(_seq(("AA", LONG_HOLD_S + 0.5)), 2.0)
    speaking = [c for c in cues if c.shape != "X"]
    assert len(speaking) >= 3
    assert all(c.duration_s < LONG_HOLD_S for c in speaking)
    assert {c.shape for c in speaking} >= {"D", "C"}


def test_diphthongs_split_sixty_forty():
    cues = cues_from_phones(_seq(("SIL", 0.1), ("OW", 0.3), ("SIL", 0.5), start_s=0.0), 1.0)
    first, second = (c for c in cues if c.shape in ("E", "F"))
    assert first.shape == "E" and second.shape == "F"
    assert first.duration_s / (first.duration_s + second.duration_s) == pytest.approx(0.6, abs=0.1)
