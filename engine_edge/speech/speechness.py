"""Does this sound like plain speech? (A warning, never a refusal.)

Speech switches syllables about four times a second: the 300–4000 Hz band
envelope is strongly modulated at 2.5–7 Hz and its level changes sharply from
one 10 ms frame to the next. Songs and instrumental music hold notes, so both
measures drop. A guest may well want a sung line, so this only warns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import signal

from engine_edge.speech.audio import resample

ANALYSIS_RATE = 16000
HOP_S = 0.01
SYLLABLE_SHARE_MIN = 0.28  # speech measured 0.33–0.47, a song 0.21
LEVEL_FLUX_MIN_DB = 0.9  # speech measured 1.0–1.9 dB per frame, a song 0.74


@dataclass(frozen=True)
class Speechness:
    syllable_share: float  # share of envelope modulation energy at syllable rate (2.5–7 Hz)
    level_flux_db: float  # median absolute level change per 10 ms while sound is present

    @property
    def looks_like_music(self) -> bool:
        return self.syllable_share < SYLLABLE_SHARE_MIN and self.level_flux_db < LEVEL_FLUX_MIN_DB


def measure_speechness(samples: np.ndarray, sample_rate: int) -> Speechness:
    x = resample(samples, sample_rate, ANALYSIS_RATE)
    hop = int(HOP_S * ANALYSIS_RATE)
    freqs, _, stft = signal.stft(x, ANALYSIS_RATE, nperseg=400, noverlap=400 - hop)
    band = (freqs > 300) & (freqs < 4000)
    energy = (np.abs(stft[band]) ** 2).sum(axis=0) + 1e-12
    level_db = 10.0 * np.log10(energy)
    present = level_db > np.percentile(level_db, 97) - 40.0
    envelope = np.sqrt(energy)
    modulation = np.abs(np.fft.rfft(envelope - envelope.mean())) ** 2
    mod_freqs = np.fft.rfftfreq(envelope.shape[0], HOP_S)
    total = modulation[(mod_freqs > 0.3) & (mod_freqs < 30)].sum()
    syllable = modulation[(mod_freqs > 2.5) & (mod_freqs < 7)].sum()
    flux = np.abs(np.diff(level_db))[present[1:]]
    return Speechness(
        syllable_share=float(syllable / total) if total > 0 else 0.0,
        level_flux_db=float(np.median(flux)) if flux.size else 0.0,
    )
