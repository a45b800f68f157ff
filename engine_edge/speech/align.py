"""Forced alignment of a transcript to a recording with pocketsphinx (en-us model in the wheel).

pocketsphinx's default beams are tuned for recognition and prune the one true
path away in forced alignment, so the beams are opened wide. Audio goes in at
16 kHz with half a second of silence on both sides so the first and last
phones have room. Words missing from the dictionary are left out (their time
goes to their neighbours); if nothing is left the caller falls back to the
audio-only estimate.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import numpy as np

from engine_edge.speech.audio import resample
from engine_edge.speech.visemes import Phone, phone_from_arpabet

log = logging.getLogger(__name__)

ALIGN_RATE = 16000
PAD_S = 0.5
FRAME_S = 0.01  # pocketsphinx frames are 10 ms
BEAMS = {"beam": 1e-100, "wbeam": 1e-80, "pbeam": 1e-100}


class AlignmentFailed(Exception):
    """The transcript could not be aligned; the caller estimates from the audio instead."""


@dataclass(frozen=True)
class Alignment:
    phones: tuple[Phone, ...]
    skipped_words: tuple[str, ...]


def transcript_words(text: str) -> list[str]:
    """Lower-case words as the dictionary spells them (apostrophes kept: don't, o'clock)."""
    return [w.strip("'") for w in re.findall(r"[a-z']+", text.lower()) if w.strip("'")]


def align(samples: np.ndarray, sample_rate: int, transcript: str) -> Alignment:
    """Phone timings (seconds from sample 0 of ``samples``) for ``transcript`` spoken in it."""
    from pocketsphinx import Decoder

    decoder = Decoder(samprate=ALIGN_RATE, loglevel="FATAL", **BEAMS)
    words = transcript_words(transcript)
    known = [w for w in words if decoder.lookup_word(w) is not None]
    skipped = tuple(w for w in words if decoder.lookup_word(w) is None)
    if not known:
        raise AlignmentFailed("no transcript word is in the pronouncing dictionary")
    audio = resample(samples, sample_rate, ALIGN_RATE)
    pad = np.zeros(int(PAD_S * ALIGN_RATE), np.float32)
    pcm = (np.clip(np.concatenate([pad, audio, pad]), -1.0, 1.0) * 32767).astype(np.int16).tobytes()
    try:
        decoder.set_align_text(" ".join(known))
        decoder.start_utt()
        decoder.process_raw(pcm, full_utt=True)
        decoder.end_utt()
        decoder.set_alignment()
        decoder.start_utt()
        decoder.process_raw(pcm, full_utt=True)
        decoder.end_utt()
        result = decoder.get_alignment()
    except RuntimeError as exc:
        raise AlignmentFailed(str(exc)) from exc
    if result is None:
        raise AlignmentFailed("the decoder found no alignment")
    phones = []
    for entry in result.phones():
        start_s = entry.start * FRAME_S - PAD_S
        end_s = (entry.start + entry.duration) * FRAME_S - PAD_S
        phones.append(phone_from_arpabet(max(0.0, start_s), max(0.0, end_s), entry.name))
    if not any(p.kind == "vowel" for p in phones):
        raise AlignmentFailed("the alignment contains no vowels")
    if skipped:
        log.info("alignment skipped words not in the dictionary: %s", ", ".join(skipped))
    return Alignment(tuple(phones), skipped)
