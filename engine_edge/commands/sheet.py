"""`keepsake sheet CLIP.mp4 -o SHEET.png`: a contact sheet of a clip's frames, for review."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("clip", help="an MP4 made by `keepsake animate`")
    parser.add_argument("-o", "--output", required=True, help="PNG to write")
    parser.add_argument("--frames", type=int, default=12, help="how many frames (default 12)")
    parser.add_argument(
        "--width", type=int, default=1200, help="sheet width in pixels (default 1200)"
    )
    parser.add_argument(
        "--zoom-face",
        action="store_true",
        help="magnify the upper middle of each frame, where portraits keep the face",
    )


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from engine_edge.deliver import write_atomic
    from engine_edge.deliver.sheet import contact_sheet, encode_png
    from engine_edge.errors import ImageUnreadable

    path = Path(args.clip)
    if not path.is_file():
        raise ImageUnreadable(f"{path} does not exist or is not a file.")
    sheet = contact_sheet(
        path.read_bytes(), frames=args.frames, width=args.width, zoom_face=args.zoom_face
    )
    write_atomic(Path(args.output), encode_png(sheet))
    print(f"wrote {args.output} ({sheet.shape[1]}x{sheet.shape[0]})")
    return 0
