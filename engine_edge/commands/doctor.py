"""`keepsake doctor`: ask the box what is wrong. Exit 0 when ready, 1 with the list to fix.

The same checks as the kiosk's Diagnostics tab (engine_edge.doctor.run_checks).
"""

from __future__ import annotations

import argparse
import json


def configure(parser: argparse.ArgumentParser) -> None:
    from engine_edge.doctor import CHECKS

    parser.add_argument("--config", help="keepsake.toml to check against (default: the box's)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--only",
        metavar="CHECK[,CHECK]",
        help=f"run only these checks: {', '.join(CHECKS)}",
    )


def run(args: argparse.Namespace) -> int:
    from engine_edge.config import load_config
    from engine_edge.doctor import CHECKS, format_text, run_checks
    from engine_edge.errors import ConfigInvalid

    only = tuple(n.strip() for n in args.only.split(",")) if args.only else ()
    unknown = [n for n in only if n not in CHECKS]
    if unknown:
        raise ConfigInvalid(
            f"Unknown check(s): {', '.join(unknown)}; choose from {', '.join(CHECKS)}."
        )
    report = run_checks(load_config(args.config), only)
    print(json.dumps(report.to_dict(), indent=2) if args.json else format_text(report))
    return 0 if report.ready else 1
