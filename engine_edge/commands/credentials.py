"""`keepsake credentials init`: make this box's C2PA signing key and certificates, once."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("init", "show"), help="init: make them; show: print")
    parser.add_argument("--dir", help="where (default: [signing] key_dir)")
    parser.add_argument("--config", help="keepsake.toml to read [signing] from")


def run(args: argparse.Namespace) -> int:
    from cryptography import x509

    from engine_edge.config import load_config, section
    from engine_edge.credentials import SigningSettings, create_credentials, load_credentials

    key_dir = args.dir or section(load_config(args.config), "signing", SigningSettings).key_dir
    if args.action == "init":
        create_credentials(key_dir)
        print(f"made this box's signing key and certificates in {key_dir}")
    creds = load_credentials(key_dir)
    for cert in x509.load_pem_x509_certificates(creds.chain_pem):
        print(f"{cert.subject.rfc4514_string()}  valid until {cert.not_valid_after_utc:%Y-%m-%d}")
    return 0
