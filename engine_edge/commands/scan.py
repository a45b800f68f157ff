"""`keepsake scan`: turn a camera's view of a printed photo into a clean, flat photo."""

from __future__ import annotations

import argparse
import logging

from engine_edge.commands.args import input_file, number

log = logging.getLogger(__name__)


def configure(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--camera", type=number(0, 63, whole=True), metavar="N", help="USB/V4L2 camera number"
    )
    source.add_argument(
        "--video", type=input_file, metavar="FILE", help="a video of a print (plays once)"
    )
    source.add_argument(
        "--image", type=input_file, metavar="FILE", help="one photo of a print on a table"
    )
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
    parser.add_argument(
        "--timeout",
        type=number(0, 3600, above_low=True, unit="seconds"),
        metavar="S",
        help="give up after S seconds",
    )
    parser.add_argument(
        "--config", type=input_file, help="configuration file (default: keepsake.toml search)"
    )


def run(args: argparse.Namespace) -> int:
    import dataclasses

    from engine_edge.config import load_config, section
    from engine_edge.errors import OutputUnwritable
    from engine_edge.image_io import load_image, save_image
    from engine_edge.logs import printable
    from engine_edge.outputs import check_output_file, check_output_folder
    from engine_edge.scan.camera import FileCamera, OpenCVCamera, ResilientCamera
    from engine_edge.scan.session import ScanSettings, scan_camera, scan_still

    settings = section(load_config(args.config), "scan", ScanSettings)
    if args.restore:
        settings = dataclasses.replace(settings, restore=args.restore)
    if args.timeout:
        settings = dataclasses.replace(settings, timeout_s=args.timeout)
    inputs = (args.image, args.video)
    out = check_output_file(args.out, inputs=inputs)
    debug = check_output_folder(args.debug_dir, create=True) if args.debug_dir else None
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
    if debug is not None:
        for i, (name, image) in enumerate(result.debug_images):
            step = debug / f"{i:02d}_{name}.png"
            if step.resolve() == out.resolve():
                raise OutputUnwritable(f"{step} would overwrite the scan just written to {out}.")
            save_image(check_output_file(step, inputs=inputs), image)
    hints = ", ".join(h.value for h in result.detection.hints)
    print(
        f"{printable(str(out))}: {result.photo.shape[1]}x{result.photo.shape[0]} "
        f"from {result.frames_used} frame(s)" + (f" (note: {hints})" if hints else "")
    )
    return 0
