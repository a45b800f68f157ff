"""`keepsake animate PHOTO -o OUT.mp4`: turn one photo into a living-portrait clip."""

from __future__ import annotations

import argparse
import sys

from engine_edge.commands.args import input_file, number

PRESETS = ("memorial", "birthday", "anniversary", "social")
FORMATS = ("original", "square", "vertical", "landscape")


MAX_FACES = 20


def _faces(value: str) -> str | int:
    if value in ("all", "largest"):
        return value
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"use all, largest or a number, not {value!r}") from None
    if not 1 <= n <= MAX_FACES:
        raise argparse.ArgumentTypeError(f"the number of faces must be 1 to {MAX_FACES}, not {n}")
    return n


def _direction(value: str):  # type: ignore[no-untyped-def]
    """--direct's words, understood at parse time (an unknown word is named at once)."""
    from engine_edge.direction import DirectionUnclear, parse_direction

    try:
        return parse_direction(value)
    except DirectionUnclear as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _channel(value: str) -> tuple[str, float]:
    from engine_edge.perform import CHANNELS  # only when --channel is given: perform needs numpy

    name, sep, amount = value.partition("=")
    name = name.strip()
    if not sep or name not in CHANNELS:
        raise argparse.ArgumentTypeError(
            f"use NAME=SCALE with NAME one of {', '.join(CHANNELS)}, e.g. smile=0.5"
        )
    return name, number(0, 2)(amount)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("photo", type=input_file, help="the photo (JPEG, PNG, TIFF, ...)")
    parser.add_argument("-o", "--output", required=True, help="the MP4 to write")
    parser.add_argument(
        "--preset", choices=PRESETS, help="mood (default memorial, or the one --direct names)"
    )
    parser.add_argument(
        "--direct",
        metavar="WORDS",
        type=_direction,
        help='direction in words, e.g. "soft smile, gentle head turn, warm tone" '
        "(see engine_edge/direction.py for the vocabulary)",
    )
    parser.add_argument(
        "--seconds",
        type=number(0.5, 60, unit="seconds"),
        help="clip length, 0.5-60 (default: the preset's, 5-6 s)",
    )
    parser.add_argument(
        "--fps", type=number(5, 60, unit="fps"), default=30.0, help="frame rate 5-60 (default 30)"
    )
    parser.add_argument("--format", choices=FORMATS, help="export shape (default: the preset's)")
    parser.add_argument("--loop", action="store_true", help="seamless loop for tribute displays")
    parser.add_argument(
        "--seed",
        type=number(0, 2**32 - 1, whole=True),
        default=0,
        help="same seed, same clip (default 0)",
    )
    parser.add_argument(
        "--faces", type=_faces, default="all", help="all, largest or N (default all)"
    )
    parser.add_argument(
        "--intensity", type=number(0, 1), default=1.0, help="0 still .. 1 the preset's motion"
    )
    parser.add_argument(
        "--channel",
        type=_channel,
        action="append",
        default=[],
        metavar="NAME=SCALE",
        help="scale one motion channel (0-2): blink, gaze, head, breath, smile, brows, "
        "camera, speech (0 switches it off)",
    )
    parser.add_argument(
        "--caption",
        metavar="TEXT",
        help='words burned into the clip, e.g. "Ruth Miller, 1931–2024"',
    )
    parser.add_argument(
        "--label-corner",
        choices=("bottom-right", "bottom-left", "top-right", "top-left"),
        help="corner of the AI-animated mark",
    )
    parser.add_argument(
        "--config", type=input_file, help="keepsake.toml to read [engine] and [label] from"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    from engine_edge.speech.options import add_speech_options

    add_speech_options(parser)


def run(args: argparse.Namespace) -> int:
    import dataclasses
    import time

    from engine_edge.analysis import analyse_upright, load_models
    from engine_edge.analysis.settings import AnalysisSettings
    from engine_edge.config import load_config, section
    from engine_edge.credentials import configured_credentials
    from engine_edge.deliver import LabelSettings, write_mp4
    from engine_edge.image_io import load_image
    from engine_edge.logs import printable
    from engine_edge.outputs import check_output_file
    from engine_edge.pipeline import (
        SELF_CHECK_MODELS,
        AnimateOptions,
        EngineSettings,
        animate_staged,
        stage_photo,
    )
    from engine_edge.render_process import prepare_render_process

    prepare_render_process()  # before the models' and the encoder's threads start
    start = time.perf_counter()
    config = load_config(args.config)
    label = section(config, "label", LabelSettings)
    if args.label_corner:
        label = dataclasses.replace(label, corner=args.label_corner)
    analysis = section(config, "analysis", AnalysisSettings)
    out = check_output_file(args.output, inputs=(args.photo, getattr(args, "audio", None)))
    preset, intensity, overrides = _directed(args)
    image = load_image(args.photo)
    speech = _speech(args)  # a bad recording or voice is refused before the models load
    models = load_models(
        backend=analysis.backend, precision=analysis.precision, device=analysis.device
    )
    options = AnimateOptions(
        preset=preset,
        seconds=args.seconds,
        fps=args.fps,
        format=args.format,
        loop=args.loop,
        seed=args.seed,
        faces=args.faces,
        intensity=intensity,
        overrides=overrides,
        speech=speech,
        caption=args.caption,
        credentials=configured_credentials(config),
        label=label,
        engine=section(config, "engine", EngineSettings),
    )
    # A bar only for a person at a terminal: in a pipe or the journal it is hundreds of lines.
    progress = _bar if not args.quiet and sys.stderr.isatty() else None
    # A photo lying on its side is animated turned upright (the clip is delivered upright).
    upright = analyse_upright(image, models)
    del image  # turned, the photo as it lay is a second full-size copy while staging
    staged = stage_photo(upright.image, upright.analysis, options)
    turned = f", {upright.turn.describe()}" if upright.turn.clockwise_deg else ""
    # From here on the clip needs neither the full-size photo nor the models that found the
    # faces: let them go before it renders and encodes (the job's peak memory).
    del upright
    models = models.keeping(*SELF_CHECK_MODELS)
    clip = animate_staged(staged, options, models, progress=progress)
    if progress is not None:
        print(file=sys.stderr)
    # clip.warnings were logged (to stderr) where they arose: printing them again says it twice.
    write_mp4(clip.mp4, out)
    took = time.perf_counter() - start
    print(
        f"{printable(str(out))}: {clip.width}x{clip.height}, "
        f"{clip.duration_s:.1f} s at {clip.fps:g} fps, {clip.preset}, seed {clip.seed}"
        f"{', loop' if clip.loop else ''}"
        f"{', with audio' if clip.has_audio else ''}{turned}; "
        f"{len(clip.mp4) / 1e6:.1f} MB in {took:.1f} s"
    )
    return 0


def _directed(args: argparse.Namespace) -> tuple[str, float, dict[str, float]]:
    """Preset, intensity and channel scales: explicit options win over --direct's words."""
    if not args.direct:
        return args.preset or "memorial", args.intensity, dict(args.channel)
    direction = args.direct
    print(f"direction: {direction.describe()}", file=sys.stderr)
    overrides = {**direction.overrides, **dict(args.channel)}
    preset = args.preset or direction.preset or "memorial"
    return preset, args.intensity * direction.intensity, overrides


def _speech(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The spoken line, when the speech options (added by engine_edge.speech) ask for one."""
    from engine_edge.speech.options import spoken_line_from_args

    return spoken_line_from_args(args)


def _bar(fraction: float) -> None:
    width = 30
    done = round(fraction * width)
    print(
        f"\ranimating [{'#' * done}{'.' * (width - done)}] {fraction * 100:3.0f}%",
        end="",
        file=sys.stderr,
        flush=True,
    )
