"""Forced alignment of a transcript to a recording with pocketsphinx (en-us model in the wheel).

pocketsphinx's default search settings are tuned for recognition and prune the
one true path away in forced alignment, so the word beam is widened and the
HMM cap lifted. Audio goes in at 16 kHz, at a fixed level, with half a second
of silence on both sides so the first and last phones have room, and with
light dither (see _decoder_input): measured on ten lines (espeak-ng, 8 kHz
telephone band, LibriVox), no dither stopped 6 of 10 alignments half-way,
dither none. An alignment that does not place every word counts as failed.
Words missing from the dictionary (names, pets) are spelled by espeak-ng (see
arpabet.py); any still unknown are left out, their time going to their
neighbours; if nothing is left the caller falls back to the audio-only estimate.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine_edge.speech.arpabet import pronounce
from engine_edge.speech.audio import resample
from engine_edge.speech.visemes import Phone, phone_from_arpabet

log = logging.getLogger(__name__)

ALIGN_RATE = 16000
PAD_S = 0.5
FRAME_S = 0.01  # pocketsphinx frames are 10 ms
# The word beam is widened (default 7e-29) and the per-frame HMM cap lifted so the single
# allowed path is never pruned; far wider beams (1e-100) made alignments fail more often.
SEARCH = {"beam": 1e-48, "wbeam": 1e-40, "pbeam": 1e-48, "maxhmmpf": -1}
ALIGN_RMS = 0.05
# Two or more words and at least this share unknown to the English dictionary: another
# language (the dictionary knows many foreign surnames, so a German line scores about 0.5).
MAX_UNKNOWN_SHARE = 0.35
DITHER_RMS = (3e-4, 1e-3)  # about 44 dB below the speech; the second is a retry


class AlignmentFailed(Exception):
    """The transcript could not be aligned; the caller estimates from the audio instead."""


@dataclass(frozen=True)
class Alignment:
    phones: tuple[Phone, ...]
    skipped_words: tuple[str, ...]


def transcript_words(text: str) -> list[str]:
    """Lower-case words as the dictionary spells them (apostrophes kept: don't, o'clock)."""
    return [w.strip("'") for w in re.findall(r"[a-z']+", text.lower()) if w.strip("'")]


def _decoder_input(samples: np.ndarray, sample_rate: int, dither_rms: float) -> bytes:
    """16 kHz int16 at a fixed level, padded with silence, with a whisper of deterministic dither.

    Digital silence (exact zeros: synthesiser gaps, our own padding) gives the
    feature extractor log(0) frames that derail the search.
    """
    audio = resample(samples, sample_rate, ALIGN_RATE).astype(np.float64)
    rms = float(np.sqrt(np.mean(audio * audio)))
    audio *= ALIGN_RMS / max(rms, 1e-9)
    pad = np.zeros(int(PAD_S * ALIGN_RATE))
    padded = np.concatenate([pad, audio, pad])
    padded += np.random.default_rng(0).normal(0.0, dither_rms, padded.shape[0])
    return (np.clip(padded, -1.0, 1.0) * 32767).astype(np.int16).tobytes()


def align(samples: np.ndarray, sample_rate: int, transcript: str) -> Alignment:
    """Phone timings (seconds from sample 0 of ``samples``) for ``transcript`` spoken in it."""
    from pocketsphinx import Decoder

    decoder = Decoder(samprate=ALIGN_RATE, loglevel="FATAL", **SEARCH)
    words = transcript_words(transcript)
    unknown = [w for w in words if decoder.lookup_word(w) is None]
    if len(unknown) >= 2 and len(unknown) >= MAX_UNKNOWN_SHARE * len(words):
        raise AlignmentFailed("only English transcripts can be aligned")
    for word in dict.fromkeys(unknown):
        spelled = pronounce(word)
        if spelled:
            decoder.add_word(word, spelled, True)
            log.info("alignment: '%s' pronounced by espeak-ng as %s", word, spelled)
    known = [w for w in words if decoder.lookup_word(w) is not None]
    skipped = tuple(w for w in words if decoder.lookup_word(w) is None)
    if not known:
        raise AlignmentFailed("no word of the transcript could be pronounced")
    failure = AlignmentFailed("not tried")
    for dither_rms in DITHER_RMS:
        try:
            phones = _align_once(decoder, _decoder_input(samples, sample_rate, dither_rms), known)
        except AlignmentFailed as exc:
            failure = exc
            continue
        if skipped:
            log.info("alignment skipped words not in the dictionary: %s", ", ".join(skipped))
        return Alignment(phones, skipped)
    raise failure


def _align_once(decoder: Any, pcm: bytes, words: list[str]) -> tuple[Phone, ...]:
    try:
        decoder.set_align_text(" ".join(words))
        decoder.start_utt()
        decoder.process_raw(pcm, full_utt=True)
        decoder.end_utt()
        decoder.set_alignment()
        decoder.start_utt()
        decoder.process_raw(pcm, full_utt=True)
        decoder.end_utt()
        result = decoder.get_alignment()
    except RuntimeError as exc:  # e.g. "Failed to stop utterance processing": no path to the end
        log.debug("pocketsphinx: %s", exc)
        raise AlignmentFailed("it does not match the recording") from exc
    if result is None:
        raise AlignmentFailed("it does not match the recording")
    placed = [w.name for w in result.words() if not w.name.startswith(("<", "["))]
    if len(placed) < len(words):
        raise AlignmentFailed(f"only {len(placed)} of {len(words)} words were heard in it")
    phones = []
    for entry in result.phones():
        start_s = entry.start * FRAME_S - PAD_S
        end_s = (entry.start + entry.duration) * FRAME_S - PAD_S
        phones.append(phone_from_arpabet(max(0.0, start_s), max(0.0, end_s), entry.name))
    if not any(p.kind == "vowel" for p in phones):
        raise AlignmentFailed("it does not match the recording")
    return tuple(phones)
