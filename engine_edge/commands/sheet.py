"""`keepsake sheet CLIP.mp4 -o SHEET.png`: a contact sheet of a clip's frames, for review."""

from __future__ import annotations

import argparse

from engine_edge.commands.args import input_file, number


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("clip", type=input_file, help="an MP4 made by `keepsake animate`")
    parser.add_argument("-o", "--output", required=True, help="PNG to write")
    parser.add_argument(
        "--frames",
        type=number(1, 100, whole=True),
        default=12,
        help="how many frames, 1-100 (default 12)",
    )
    parser.add_argument(
        "--width",
        type=number(160, 8000, whole=True, unit="pixels"),
        default=1200,
        help="sheet width in pixels, 160-8000 (default 1200)",
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
    from engine_edge.logs import printable
    from engine_edge.outputs import check_output_file

    path = Path(args.clip)
    out = check_output_file(args.output, inputs=(path,))
    sheet = contact_sheet(
        path.read_bytes(), frames=args.frames, width=args.width, zoom_face=args.zoom_face
    )
    write_atomic(out, encode_png(sheet))
    print(f"wrote {printable(str(out))} ({sheet.shape[1]}x{sheet.shape[0]})")
    return 0
