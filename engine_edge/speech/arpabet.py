"""English pronunciations for words the aligner's dictionary lacks, spelled by espeak-ng.

Names and made-up words ("Gigi", a pet's name) are common in greetings; rather
than dropping them from the alignment, espeak-ng says the word (en-us) and its
IPA phonemes are mapped to the ARPAbet phones of pocketsphinx's en-us model.
"""

from __future__ import annotations

from engine_edge.speech import espeak
from engine_edge.speech.visemes import ipa_letters

# Longest match first: diphthongs and affricates before single letters.
_IPA_TO_ARPABET = {
    "aɪə": "AY ER", "aʊə": "AW ER", "tʃ": "CH", "dʒ": "JH", "eɪ": "EY", "aɪ": "AY", "aʊ": "AW",
    "ɔɪ": "OY", "oʊ": "OW", "əʊ": "OW", "ɪə": "IH R", "iə": "IY AH", "eə": "EH R", "ɛə": "EH R",
    "ʊə": "UH R", "ɑɹ": "AA R", "ɔɹ": "AO R", "ɛɹ": "EH R", "ɪɹ": "IH R", "ʊɹ": "UH R",
    "ɜɹ": "ER", "əɹ": "ER", "p": "P", "b": "B", "t": "T", "d": "D", "k": "K", "ɡ": "G",
    "g": "G", "f": "F", "v": "V", "θ": "TH", "ð": "DH", "s": "S", "z": "Z", "ʃ": "SH",
    "ʒ": "ZH", "h": "HH", "m": "M", "n": "N", "ŋ": "NG", "l": "L", "ɫ": "L", "ɹ": "R",
    "r": "R", "ɾ": "D", "w": "W", "j": "Y", "ʔ": "", "i": "IY", "ɪ": "IH", "ᵻ": "IH",
    "e": "EH", "ɛ": "EH", "æ": "AE", "a": "AA", "ɑ": "AA", "ɒ": "AA", "ɔ": "AO", "o": "OW",
    "ʊ": "UH", "u": "UW", "ʌ": "AH", "ə": "AH", "ɐ": "AH", "ɜ": "ER", "ɚ": "ER", "ɝ": "ER",
    "x": "K", "ç": "HH",
}  # fmt: skip
_LONGEST = max(len(k) for k in _IPA_TO_ARPABET)


def ipa_to_arpabet(ipa: str) -> list[str] | None:
    """ARPAbet phones for one IPA phoneme name; None if a letter has no English counterpart."""
    letters = ipa_letters(ipa)
    phones: list[str] = []
    i = 0
    while i < len(letters):
        for size in range(min(_LONGEST, len(letters) - i), 0, -1):
            mapped = _IPA_TO_ARPABET.get(letters[i : i + size])
            if mapped is not None:
                phones.extend(mapped.split())
                i += size
                break
        else:
            return None
    return phones


def pronounce(word: str) -> str | None:
    """Space-separated ARPAbet for ``word`` as espeak-ng (en-us) says it, or None."""
    synthesis = espeak.synthesize(word, voice="en-us")
    phones: list[str] = []
    for event in synthesis.phonemes:
        mapped = ipa_to_arpabet(event.ipa)
        if mapped is None:
            return None
        phones.extend(mapped)
    return " ".join(phones) or None
