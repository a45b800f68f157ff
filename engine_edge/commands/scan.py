"""`keepsake scan`: turn a camera's view of a printed photo into a clean, flat photo."""

from __future__ import annotations

import argparse
import logging

log = logging.getLogger(__name__)


def configure(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--camera", type=int, metavar="N", help="USB/V4L2 camera number")
    source.add_argument("--video", metavar="FILE", help="a video of a print (plays once)")
    source.add_argument("--image", metavar="FILE", help="one photo of a print on a table")
    parser.add_argument(
        "-o", "--out", required=True, metavar="OUT.png", help="where to write the photo"
    )
    parser.add_argument(
        "--restore",
        choices=("auto", "off"),
        default=None,
        help="gentle restoration of faded colour, contrast, dust (default: [scan] restore, auto)",
    )
    parser.add_argument("--debug-dir", metavar="DIR", help="write every intermediate image here")
    parser.add_argument("--timeout", type=float, metavar="S", help="give up after S seconds")
    parser.add_argument("--config", help="configuration file (default: keepsake.toml search)")


def run(args: argparse.Namespace) -> int:
    import dataclasses
    from pathlib import Path

    from engine_edge.config import load_config, section
    from engine_edge.errors import OutputUnwritable
    from engine_edge.image_io import load_image, save_image
    from engine_edge.scan.camera import FileCamera, OpenCVCamera, ResilientCamera
    from engine_edge.scan.session import ScanSettings, scan_camera, scan_still

    settings = section(load_config(args.config), "scan", ScanSettings)
    if args.restore:
        settings = dataclasses.replace(settings, restore=args.restore)
    if args.timeout:
        settings = dataclasses.replace(settings, timeout_s=args.timeout)
    out = Path(args.out)
    if not out.parent.is_dir():
        raise OutputUnwritable(f"The folder {out.parent} does not exist; create it first.")
    if args.image:
        result = scan_still(load_image(args.image), settings, debug=bool(args.debug_dir))
    else:
        source = FileCamera(args.video, loop=False) if args.video else OpenCVCamera(args.camera)
        camera = ResilientCamera(source)
        try:
            result = scan_camera(camera, settings, debug=bool(args.debug_dir))
        finally:
            camera.close()
    save_image(out, result.photo)
    if args.debug_dir:
        debug = Path(args.debug_dir)
        debug.mkdir(parents=True, exist_ok=True)
        for i, (name, image) in enumerate(result.debug_images):
            save_image(debug / f"{i:02d}_{name}.png", image)
    hints = ", ".join(h.value for h in result.detection.hints)
    print(
        f"{out}: {result.photo.shape[1]}x{result.photo.shape[0]} from {result.frames_used} frame(s)"
        + (f" (note: {hints})" if hints else "")
    )
    return 0
