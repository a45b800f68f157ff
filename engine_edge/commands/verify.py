"""`keepsake verify CLIP`: print a clip's signed provenance (C2PA) and check it."""

from __future__ import annotations

import argparse

from engine_edge.commands.args import input_file


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("clip", type=input_file, help="the MP4 to verify")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--root",
        metavar="PEM",
        type=input_file,
        help="trust this root (default: this box's, per [signing])",
    )
    parser.add_argument("--config", help="keepsake.toml to read [signing] from")


def run(args: argparse.Namespace) -> int:
    import dataclasses
    import json
    from pathlib import Path

    from engine_edge.config import load_config, section
    from engine_edge.credentials import SigningSettings, read_provenance
    from engine_edge.credentials.keys import ROOT_FILE
    from engine_edge.errors import ImageUnreadable

    try:
        data = Path(args.clip).read_bytes()
    except OSError as exc:
        raise ImageUnreadable(f"Cannot read {args.clip}: {exc.strerror}.") from exc
    root_path = Path(args.root) if args.root else None
    if root_path is None:
        key_dir = section(load_config(args.config), "signing", SigningSettings).key_dir
        root_path = Path(key_dir) / ROOT_FILE
    root = _root_certificate(root_path) if root_path.is_file() else None
    report = read_provenance(data, trusted_root_pem=root)
    if args.json:
        print(json.dumps(dataclasses.asdict(report), indent=2))
    else:
        print(report.summary())
    return 0 if report.valid else 1


def _root_certificate(path):  # type: ignore[no-untyped-def]
    """The PEM root to trust, checked: a reader must not be handed something else."""
    from cryptography import x509

    from engine_edge.errors import KeepsakeError

    data = path.read_bytes()
    try:
        x509.load_pem_x509_certificates(data)
    except ValueError:
        raise KeepsakeError(f"{path} is not a PEM certificate.") from None
    return data
