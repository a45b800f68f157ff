"""`keepsake montage CLIP_OR_PHOTO… -o FILM.mp4`: a tribute film of several portraits."""

from __future__ import annotations

import argparse
import sys

from engine_edge.commands.args import input_file

SIZES = {"landscape": (1920, 1080), "square": (1080, 1080), "vertical": (1080, 1920)}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "inputs",
        nargs="+",
        type=input_file,
        metavar="CLIP_OR_PHOTO",
        help="Keepsake clips (.mp4) or photos (animated on the fly, memorial mood), in order",
    )
    parser.add_argument("-o", "--output", required=True, help="the film (MP4) to write")
    parser.add_argument(
        "--captions",
        metavar="FILE",
        type=input_file,
        help="a text file, one line per input: its caption card (a blank line: no card)",
    )
    parser.add_argument(
        "--music", metavar="FILE", type=input_file, help="music bed (WAV, FLAC, MP3, OGG, M4A)"
    )
    parser.add_argument(
        "--format",
        choices=tuple(SIZES),
        default="landscape",
        help="film shape (default landscape 1920x1080)",
    )
    parser.add_argument("--loop", action="store_true", help="loop seamlessly on a display")
    parser.add_argument("--fps", type=float, default=30.0, help="frame rate (default 30)")
    parser.add_argument("--config", help="keepsake.toml to read [engine] and [label] from")


def run(args: argparse.Namespace) -> int:
    import time

    from engine_edge.config import load_config, section
    from engine_edge.deliver import write_mp4
    from engine_edge.montage import FilmOptions, Piece, make_film
    from engine_edge.montage.film import film_metadata
    from engine_edge.outputs import check_output_file
    from engine_edge.pipeline import EngineSettings
    from engine_edge.render_process import prepare_render_process

    prepare_render_process()
    start = time.perf_counter()
    config = load_config(args.config)
    engine = section(config, "engine", EngineSettings)
    out = check_output_file(args.output, inputs=(*args.inputs, args.captions, args.music))
    captions = _captions(args.captions, len(args.inputs))
    music = _music(args.music)
    pieces = [
        Piece(_clip_of(path, config), caption)
        for path, caption in zip(args.inputs, captions, strict=True)
    ]
    options = FilmOptions(
        size=SIZES[args.format],
        fps=args.fps,
        loop=args.loop,
        x264_preset=engine.x264_preset,
        crf=engine.crf,
    )
    meta = film_metadata(portraits=len(pieces), loop=args.loop, music=music is not None)
    film = make_film(pieces, options, music=music, metadata=meta)
    write_mp4(film, out)
    print(
        f"{out}: {len(pieces)} portrait(s), {len(film) / 1e6:.1f} MB in "
        f"{time.perf_counter() - start:.1f} s"
    )
    return 0


def _captions(path: str | None, count: int) -> list[str | None]:
    if path is None:
        return [None] * count
    from engine_edge.caption import clean_caption
    from engine_edge.montage.film import FilmInvalid

    try:
        lines = open(path, encoding="utf-8").read().splitlines()  # noqa: SIM115
    except (OSError, UnicodeDecodeError) as exc:
        raise FilmInvalid(f"The captions file {path} cannot be read as UTF-8 text.") from exc
    if len(lines) > count:
        raise FilmInvalid(f"The captions file has {len(lines)} lines for {count} portrait(s).")
    lines += [""] * (count - len(lines))
    return [clean_caption(line) if line.strip() else None for line in lines]


def _music(path: str | None):  # type: ignore[no-untyped-def]
    if path is None:
        return None
    from engine_edge.montage.music import load_music

    return load_music(path)


def _clip_of(path: str, config) -> bytes:  # type: ignore[no-untyped-def]
    """A clip's bytes as they are; a photo animated (memorial, self-checked) first."""
    from pathlib import Path

    from engine_edge.montage.film import FilmInvalid

    file = Path(path)
    try:
        head = file.open("rb").read(12)
    except OSError as exc:
        raise FilmInvalid(f"Cannot read {path}: {exc.strerror}.") from exc
    if head[4:8] == b"ftyp":
        return file.read_bytes()
    from engine_edge.analysis import analyse_upright, load_models
    from engine_edge.analysis.settings import AnalysisSettings
    from engine_edge.config import section
    from engine_edge.deliver import LabelSettings
    from engine_edge.image_io import load_image
    from engine_edge.pipeline import AnimateOptions, EngineSettings, animate_photo

    analysis = section(config, "analysis", AnalysisSettings)
    models = load_models(analysis.backend, analysis.precision, analysis.device)
    options = AnimateOptions(
        label=section(config, "label", LabelSettings),
        engine=section(config, "engine", EngineSettings),
    )
    print(f"animating {file.name}…", file=sys.stderr)
    # A photo scanned on its side is animated turned upright, as `keepsake animate` does.
    upright = analyse_upright(load_image(path), models)
    if upright.turn.clockwise_deg:
        print(f"{file.name}: {upright.turn.describe()}", file=sys.stderr)
    return animate_photo(upright.image, options, models, analysis=upright.analysis).mp4
