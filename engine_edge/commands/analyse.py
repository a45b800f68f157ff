"""`keepsake analyse PHOTO`: faces, 478 landmarks, irises, head pose and person mask."""

from __future__ import annotations

import argparse
import json
import re
import sys

from engine_edge.commands.args import input_file

# OpenVINO device names: CPU, GPU, GPU.1, NPU, AUTO, AUTO:GPU,CPU, HETERO:GPU,CPU ...
_DEVICE = re.compile(r"[A-Z]+(\.\d+)?(:[A-Z]+(\.\d+)?(,[A-Z]+(\.\d+)?)*)?")


def _device(text: str) -> str:
    if not _DEVICE.fullmatch(text.upper()):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an OpenVINO device; use CPU, GPU, NPU or AUTO."
        )
    return text.upper()


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("photo", type=input_file, help="image file (JPEG, PNG, TIFF, ...)")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    parser.add_argument("--overlay", metavar="OUT.png", help="write the photo with the mesh drawn")
    parser.add_argument(
        "--backend",
        choices=("auto", "openvino", "onnxruntime"),
        default=None,
        help="inference runtime (default: [analysis] backend, auto)",
    )
    parser.add_argument(
        "--precision",
        choices=("auto", "int8", "fp32"),
        default=None,
        help="model precision (default: [analysis] precision, auto)",
    )
    parser.add_argument(
        "--device", type=_device, default=None, help="OpenVINO device: CPU, GPU, NPU, AUTO"
    )
    parser.add_argument(
        "--config", type=input_file, help="configuration file (default: keepsake.toml search)"
    )


def run(args: argparse.Namespace) -> int:
    from engine_edge.analysis import analyse_upright, load_models
    from engine_edge.analysis.overlay import draw_overlay
    from engine_edge.analysis.report import analysis_to_json
    from engine_edge.analysis.settings import analysis_settings
    from engine_edge.image_io import load_image, save_image
    from engine_edge.logs import printable
    from engine_edge.outputs import check_output_file

    settings = analysis_settings(args.config)
    if args.overlay is not None:
        check_output_file(args.overlay, inputs=(args.photo,))
    image = load_image(args.photo)
    models = load_models(
        backend=args.backend or settings.backend,
        precision=args.precision or settings.precision,
        device=args.device or settings.device,
    )
    # A photo lying on its side is analysed (and drawn, and reported) turned upright.
    upright = analyse_upright(image, models, require_face=not args.json)
    result, turn = upright.analysis, upright.turn
    if args.overlay is not None:
        save_image(args.overlay, draw_overlay(upright.image, result))
    if args.json:
        report = analysis_to_json(result, turned_clockwise_deg=turn.clockwise_deg)
        json.dump(report, sys.stdout, separators=(",", ":"))
        sys.stdout.write("\n")
    else:
        turned = f" ({turn.describe()})" if turn.clockwise_deg else ""
        print(
            f"{printable(args.photo)}: {result.image_size[0]}x{result.image_size[1]}{turned}, "
            f"{len(result.faces)} face(s), {result.backend}/{result.precision}, "
            f"{result.timings_ms.get('total_ms', 0):.1f} ms"
        )
        for i, face in enumerate(result.faces, 1):
            x0, y0, x1, y1 = face.box
            size = "too small to animate" if face.too_small else f"{face.width_px:.0f}px wide"
            print(
                f"  face {i}: box ({x0:.0f},{y0:.0f})-({x1:.0f},{y1:.0f}) {size}, "
                f"score {face.score:.2f}, yaw {face.pose.yaw_deg:+.1f}, "
                f"pitch {face.pose.pitch_deg:+.1f}, roll {face.pose.roll_deg:+.1f} deg"
            )
        if args.overlay is not None:
            print(f"  overlay: {printable(args.overlay)}")
    return 0
