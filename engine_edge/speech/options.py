"""The speech options of `keepsake animate`: --say, --audio, --transcript, --voice, --rate, --pitch.

Only the standard library at module level: `keepsake --help` builds every
parser, and speech's numerical stack loads only when a line is really spoken.
"""

from __future__ import annotations

import argparse
import re

from engine_edge.commands.args import input_file, number, words

# Mirrors engine_edge.speech.espeak.RATE_LIMITS_WPM (a test keeps them equal): importing
# espeak here would load numpy for `keepsake --help`.
RATE_LIMITS_WPM = (80, 450)
MAX_LINE_CHARS = 500
_VOICE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{1,8})*(\+[a-z0-9]{1,8})?", re.IGNORECASE)


def _voice(text: str) -> str:
    if not _VOICE.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a voice name; use a language code such as en, en-gb, de or en+f3."
        )
    return text


def add_speech_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("speech (one spoken line, in lip sync)")
    source = group.add_mutually_exclusive_group()
    line = words(MAX_LINE_CHARS)
    source.add_argument(
        "--say", type=line, metavar="TEXT", help="speak TEXT with the offline voice"
    )
    source.add_argument(
        "--audio",
        type=input_file,
        metavar="FILE",
        help="a recorded voice (WAV, FLAC, MP3, OGG, M4A; up to 15 s)",
    )
    group.add_argument(
        "--transcript",
        type=line,
        metavar="TEXT",
        help="what --audio says (English): times the lips by phoneme instead of by sound",
    )
    group.add_argument(
        "--voice",
        type=_voice,
        metavar="LANG",
        help="voice for --say: en, en-gb, de, fr, ... or en+f3",
    )
    low, high = RATE_LIMITS_WPM
    group.add_argument(
        "--rate",
        type=number(low, high, whole=True, unit="words per minute"),
        metavar="WPM",
        help=f"speaking rate for --say in words per minute ({low}-{high})",
    )
    group.add_argument(
        "--pitch", type=number(0, 100, whole=True), metavar="0-100", help="voice pitch for --say"
    )


def spoken_line_from_args(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The SpokenLine the options ask for, or None; typed errors explain bad input."""
    say, audio = getattr(args, "say", None), getattr(args, "audio", None)
    if getattr(args, "transcript", None) and not audio:
        from engine_edge.errors import AudioUnusable

        raise AudioUnusable("--transcript describes a recording; give the recording with --audio.")
    if say is None and audio is None:
        return None
    from engine_edge.config import load_config
    from engine_edge.speech import line_from_audio, synthesize_line
    from engine_edge.speech.settings import load_settings

    settings = load_settings(load_config(getattr(args, "config", None)))
    preset = getattr(args, "preset", None)
    fps = float(getattr(args, "fps", 30.0))
    if say:
        return synthesize_line(
            say,
            voice=args.voice,
            rate_wpm=args.rate,
            pitch=args.pitch,
            fps=fps,
            preset=preset,
            settings=settings,
        )
    # Warnings (music, unknown words) are logged where they arise and kept in line.warnings.
    return line_from_audio(
        audio, transcript=args.transcript, fps=fps, preset=preset, settings=settings
    )
