"""`keepsake demo`: run Keepsake on the bundled sample portrait and write the results.

The sample is scikit-image's public-domain astronaut portrait (Eileen Collins,
NASA), so the demo works offline on a fresh install. It writes the analysis
overlay and two living portraits (memorial and birthday) with contact sheets.
"""

from __future__ import annotations

import argparse
from pathlib import Path

# Everything the demo writes into --out (checked before any work).
OUTPUTS = (
    "sample.png",
    "sample_analysis.png",
    "sample_analysis.json",
    *(f"sample_{p}{suffix}" for p in ("memorial", "birthday") for suffix in (".mp4", "_sheet.png")),
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="out", help="folder for the results (default: out)")


def run(args: argparse.Namespace) -> int:
    import json

    from skimage import data

    from engine_edge.analysis import analyse, load_models
    from engine_edge.analysis.overlay import draw_overlay
    from engine_edge.analysis.report import analysis_to_json
    from engine_edge.atomic import write_atomic
    from engine_edge.image_io import save_image
    from engine_edge.outputs import check_output_file, check_output_folder
    from engine_edge.render_process import prepare_render_process

    prepare_render_process()
    out = check_output_folder(args.out, create=True)
    for name in OUTPUTS:
        check_output_file(out / name)
    image = data.astronaut()
    save_image(out / "sample.png", image)
    result = analyse(image, load_models(), require_face=True)
    overlay = save_image(out / "sample_analysis.png", draw_overlay(image, result))
    report = out / "sample_analysis.json"
    text = json.dumps(analysis_to_json(result), separators=(",", ":"))
    write_atomic(report, text.encode(), mode=0o666)
    face = result.faces[0]
    print(
        f"sample portrait: {len(result.faces)} face(s), yaw {face.pose.yaw_deg:+.1f} deg, "
        f"{result.timings_ms['total_ms']:.1f} ms ({result.backend}/{result.precision})"
    )
    print(f"wrote {report} and {overlay}")
    _animate_sample(image, result, out)
    return 0


def _animate_sample(image, analysis, out: Path) -> None:  # type: ignore[no-untyped-def]
    from engine_edge.deliver import write_atomic, write_mp4
    from engine_edge.deliver.sheet import contact_sheet, encode_png
    from engine_edge.pipeline import AnimateOptions, animate_photo

    for preset, fmt in (("memorial", "original"), ("birthday", "square")):
        clip = animate_photo(
            image, AnimateOptions(preset=preset, format=fmt), None, analysis=analysis
        )
        path = out / f"sample_{preset}.mp4"
        write_mp4(clip.mp4, path)
        sheet = out / f"sample_{preset}_sheet.png"
        write_atomic(sheet, encode_png(contact_sheet(clip.mp4, frames=8, width=960)))
        print(
            f"wrote {path} ({clip.width}x{clip.height}, {clip.duration_s:.0f} s, "
            f"{clip.timings_s['total']:.1f} s to make) and {sheet}"
        )
