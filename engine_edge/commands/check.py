"""`keepsake check CLIP [--photo PHOTO] [--json]`: the engine's self-check on any clip."""

from __future__ import annotations

import argparse

from engine_edge.commands.args import input_file


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("clip", type=input_file, help="the MP4 to check")
    parser.add_argument(
        "--photo", type=input_file, help="the photo it was made from (its face must match)"
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    loop = parser.add_mutually_exclusive_group()
    loop.add_argument(
        "--loop",
        dest="loop",
        action="store_true",
        default=None,
        help="check the loop seam (default: as the clip's provenance says)",
    )
    loop.add_argument("--no-loop", dest="loop", action="store_false")


def run(args: argparse.Namespace) -> int:
    import json

    from engine_edge.analysis import load_models
    from engine_edge.check.clip import check_clip, read_clip
    from engine_edge.image_io import load_image

    data = read_clip(args.clip)
    photo = load_image(args.photo) if args.photo else None
    report = check_clip(data, load_models(), photo=photo, loop=args.loop)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(report.summary())
    return 0 if report.passed else 1
