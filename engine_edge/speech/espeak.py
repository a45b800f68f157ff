"""espeak-ng through ctypes: synthesised samples plus the synthesiser's own phoneme timings.

The library is initialised once per process in synchronous retrieval mode with
phoneme events (IPA names), so every ``espeak_Synth`` call hands us the audio
and, for each phoneme, when it starts (the event's ``audio_position`` in ms; we
read its ``sample`` field, the same instant to the sample). The command-line ``--pho``
output would need mbrola; the library's events do not. libespeak-ng keeps
global state, so every call is serialised by one lock.
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass

import numpy as np

from engine_edge.errors import AudioUnusable, DeviceUnavailable

LIBRARY_NAME = "libespeak-ng.so.1"

# speak_lib.h constants
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_PHONEME_EVENTS = 0x0001
_INITIALIZE_PHONEME_IPA = 0x0002
_INITIALIZE_DONT_EXIT = 0x8000
_EVENT_LIST_TERMINATED = 0
_EVENT_PHONEME = 7
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_PARAM_RATE = 1
_PARAM_VOLUME = 2
_PARAM_PITCH = 3
_PARAM_RANGE = 4
_EE_OK = 0

RATE_LIMITS_WPM = (80, 450)


class _EventId(ctypes.Union):
    _fields_ = (
        ("number", ctypes.c_int),
        ("name", ctypes.c_char_p),
        ("string", ctypes.c_char * 8),
    )


class _Event(ctypes.Structure):
    _fields_ = (
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    )


class _Voice(ctypes.Structure):
    _fields_ = (
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_void_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    )


_Callback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


@dataclass(frozen=True)
class PhonemeEvent:
    """One phoneme as espeak-ng scheduled it: IPA name and start in seconds from sample 0."""

    start_s: float
    ipa: str


@dataclass(frozen=True)
class Synthesis:
    """Raw synthesiser output before loudness normalisation."""

    samples: np.ndarray  # float32 mono in -1..1
    sample_rate: int
    phonemes: tuple[PhonemeEvent, ...]


class _Engine:
    """The process-wide libespeak-ng handle (the C library itself is a singleton)."""

    def __init__(self) -> None:
        try:
            lib = ctypes.CDLL(LIBRARY_NAME)
        except OSError as exc:
            raise DeviceUnavailable(
                "Speech synthesis is not installed (espeak-ng library missing). "
                "Install the Debian package libespeak-ng1."
            ) from exc
        lib.espeak_Initialize.argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int)
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = (_Callback,)
        lib.espeak_SetVoiceByName.argtypes = (ctypes.c_char_p,)
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_int)
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_ListVoices.argtypes = (ctypes.c_void_p,)
        lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_Voice))
        lib.espeak_Synth.argtypes = (
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        )
        lib.espeak_Synth.restype = ctypes.c_int
        options = _INITIALIZE_PHONEME_EVENTS | _INITIALIZE_PHONEME_IPA | _INITIALIZE_DONT_EXIT
        sample_rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, None, options)
        if sample_rate <= 0:
            raise DeviceUnavailable(
                "Speech synthesis could not start (espeak-ng data missing). "
                "Reinstall the Debian package espeak-ng."
            )
        self.lib = lib
        self.sample_rate = int(sample_rate)
        self.lock = threading.Lock()
        self._chunks: list[np.ndarray] = []
        self._phonemes: list[PhonemeEvent] = []
        # Keep a reference: ctypes would free the trampoline otherwise.
        self._callback = _Callback(self._on_synth)
        lib.espeak_SetSynthCallback(self._callback)

    def _on_synth(self, wav, sample_count, events) -> int:  # type: ignore[no-untyped-def]
        if wav and sample_count > 0:
            self._chunks.append(np.ctypeslib.as_array(wav, (sample_count,)).copy())
        i = 0
        while events[i].type != _EVENT_LIST_TERMINATED:
            event = events[i]
            if event.type == _EVENT_PHONEME:
                name = event.id.string.decode("utf-8", "replace")
                self._phonemes.append(PhonemeEvent(event.sample / self.sample_rate, name))
            i += 1
        return 0

    def languages(self) -> dict[str, tuple[str, str]]:
        """Language code -> (voice name, voice file identifier) for every voice espeak-ng ships."""
        with self.lock:
            return self._languages_unlocked()

    def synthesize(
        self, text: str, *, voice: str, rate_wpm: int, pitch: int, pitch_range: int, volume: int
    ) -> Synthesis:
        """``voice`` is a language code with an optional ``+variant`` (e.g. ``en-gb+f3``)."""
        encoded = text.encode("utf-8")
        language, plus, variant = voice.partition("+")
        with self.lock:
            languages = self._languages_unlocked()
            if language not in languages:
                raise AudioUnusable(_unknown_voice_message(voice, languages))
            # SetVoiceByName matches voice files, so "en-gb" is selected as "gmw/en".
            selector = languages[language][1] + plus + variant
            if self.lib.espeak_SetVoiceByName(selector.encode("utf-8")) != _EE_OK:
                raise AudioUnusable(_unknown_voice_message(voice, languages))
            for parameter, value in (
                (_PARAM_RATE, rate_wpm),
                (_PARAM_PITCH, pitch),
                (_PARAM_RANGE, pitch_range),
                (_PARAM_VOLUME, volume),
            ):
                self.lib.espeak_SetParameter(parameter, int(value), 0)
            self._chunks, self._phonemes = [], []
            status = self.lib.espeak_Synth(
                encoded, len(encoded) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None
            )
            chunks, phonemes = self._chunks, self._phonemes
            self._chunks, self._phonemes = [], []
        if status != _EE_OK or not chunks:
            raise AudioUnusable("The speech synthesiser produced no sound for this text.")
        samples = np.concatenate(chunks).astype(np.float32) / 32768.0
        return Synthesis(samples, self.sample_rate, tuple(phonemes))

    def _languages_unlocked(self) -> dict[str, tuple[str, str]]:
        """Each language's preferred voice (espeak-ng's lowest priority number wins)."""
        best: dict[str, tuple[int, str, str]] = {}
        voices = self.lib.espeak_ListVoices(None)
        i = 0
        while voices[i]:
            voice = voices[i].contents
            name = (voice.name or b"").decode("utf-8", "replace")
            identifier = (voice.identifier or b"").decode("utf-8", "replace")
            for priority, code in _parse_languages(voice.languages):
                if code not in best or priority < best[code][0]:
                    best[code] = (priority, name, identifier)
            i += 1
        return {code: (name, identifier) for code, (_, name, identifier) in sorted(best.items())}


def _parse_languages(pointer: int | None) -> list[tuple[int, str]]:
    """speak_lib.h: repeated (priority byte, NUL-terminated language name), ended by a 0 byte."""
    codes: list[tuple[int, str]] = []
    if not pointer:
        return codes
    offset = 0
    while True:
        priority = ctypes.c_ubyte.from_address(pointer + offset).value
        if priority == 0:
            return codes
        name = ctypes.string_at(pointer + offset + 1)
        codes.append((priority, name.decode("utf-8", "replace")))
        offset += len(name) + 2


def _unknown_voice_message(voice: str, languages: dict[str, tuple[str, str]]) -> str:
    listed = ", ".join(sorted(languages))
    return (
        f"There is no speaking voice for '{voice}'. Choose one of these languages: {listed} "
        "(optionally with a variant, e.g. 'en+f3')."
    )


_engine: _Engine | None = None
_engine_lock = threading.Lock()


def _get_engine() -> _Engine:
    global _engine
    with _engine_lock:
        if _engine is None:
            _engine = _Engine()
        return _engine


def supported_languages() -> dict[str, str]:
    """Language codes espeak-ng can speak (e.g. 'en-gb', 'de'), each with its voice name."""
    return {code: name for code, (name, _) in _get_engine().languages().items()}


def synthesize(
    text: str,
    *,
    voice: str = "en",
    rate_wpm: int = 165,
    pitch: int = 50,
    pitch_range: int = 50,
    volume: int = 100,
) -> Synthesis:
    """Speak ``text`` with espeak-ng; raise AudioUnusable for empty text or an unknown voice."""
    if not text or not text.strip():
        raise AudioUnusable("Type the sentence to speak first; the text is empty.")
    low, high = RATE_LIMITS_WPM
    if not low <= rate_wpm <= high:
        raise AudioUnusable(f"Speaking rate must be {low}–{high} words per minute, not {rate_wpm}.")
    if not 0 <= pitch <= 100:
        raise AudioUnusable(f"Pitch must be 0–100, not {pitch}.")
    return _get_engine().synthesize(
        text, voice=voice, rate_wpm=rate_wpm, pitch=pitch, pitch_range=pitch_range, volume=volume
    )
