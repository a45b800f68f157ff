"""The box's signing key and certificates: made once at install, read for every clip."""

from __future__ import annotations

import datetime as dt
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine_edge.atomic import write_atomic
from engine_edge.compat import UTC
from engine_edge.errors import KeepsakeError

KEY_FILE = "signer.key.pem"
CHAIN_FILE = "signer.chain.pem"  # the signing certificate, then the box's root
ROOT_FILE = "root.cert.pem"
VALID_DAYS = 3650


class CredentialsMissing(KeepsakeError):
    """This box has no signing credentials yet (`keepsake credentials init` makes them)."""


@dataclass(frozen=True)
class SigningSettings:
    """[signing] in keepsake.toml."""

    # Folder of the box's C2PA signing key and certificates (made by `keepsake credentials init`).
    key_dir: str = "/var/lib/keepsake/signing"
    # Sign every clip (a C2PA manifest beside the visible mark). Unsigned clips are logged.
    enabled: bool = True


@dataclass(frozen=True)
class BoxCredentials:
    key_pem: bytes
    chain_pem: bytes
    root_pem: bytes


def load_credentials(key_dir: str | os.PathLike[str]) -> BoxCredentials:
    folder = Path(key_dir)
    try:
        return BoxCredentials(
            (folder / KEY_FILE).read_bytes(),
            (folder / CHAIN_FILE).read_bytes(),
            (folder / ROOT_FILE).read_bytes(),
        )
    except FileNotFoundError as exc:
        raise CredentialsMissing(
            f"No signing credentials in {folder}; run `keepsake credentials init` once."
        ) from exc
    except PermissionError as exc:
        raise CredentialsMissing(f"The signing credentials in {folder} cannot be read.") from exc


def configured_credentials(config: dict[str, Any]) -> BoxCredentials | None:
    """The box's credentials per [signing]; None when signing is off or none were made yet
    (logged: the clip is made and labelled, only its C2PA manifest is missing)."""
    import logging

    from engine_edge.config import section

    signing = section(config, "signing", SigningSettings)
    if not signing.enabled:
        return None
    try:
        return load_credentials(signing.key_dir)
    except CredentialsMissing as exc:
        logging.getLogger("keepsake").warning("clips are not signed (C2PA): %s", exc)
        return None


def create_credentials(key_dir: str | os.PathLike[str], *, box_name: str | None = None) -> Path:
    """Make the box's root and signing certificate (ES256, P-256), offline; never overwrite."""
    folder = Path(key_dir)
    if (folder / KEY_FILE).exists():
        raise KeepsakeError(f"{folder} already holds signing credentials; nothing was changed.")
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        _make(folder, box_name)
    except OSError as exc:
        raise KeepsakeError(
            f"The signing credentials cannot be made in {folder} ({exc.strerror})."
        ) from exc
    return folder


def _make(folder: Path, box_name: str | None) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    box = box_name or socket.gethostname()
    now = dt.datetime.now(UTC)

    def name(cn: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, cn),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Keepsake (box-local)"),
            ]
        )

    def base(subject: x509.Name, issuer: x509.Name, public_key) -> x509.CertificateBuilder:  # type: ignore[no-untyped-def]
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=VALID_DAYS))
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        )

    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = name(f"Keepsake root of {box}")
    root = (
        base(root_name, root_name, root_key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(cert_sign=True), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        base(name(f"Keepsake on {box}"), root_name, key.public_key())
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(cert_sign=False), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    root_pem = root.public_bytes(pem)
    write_atomic(folder / ROOT_FILE, root_pem, mode=0o644)
    write_atomic(folder / CHAIN_FILE, leaf.public_bytes(pem) + root_pem, mode=0o644)
    key_pem = key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    write_atomic(folder / KEY_FILE, key_pem, mode=0o600, exclusive=True)
    # The root's key signs nothing else: it is not kept, so it cannot be stolen.


def _usage(*, cert_sign: bool):  # type: ignore[no-untyped-def]
    from cryptography import x509

    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )
