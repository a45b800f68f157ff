"""Signed provenance: a C2PA manifest in every clip, signed by this box's own key.

Each box makes its own signing key and certificate at install, offline: a
small root of its own and a signing certificate under it. `c2patool` and
c2pa-python verify the signature and every hash; no public trust list knows
the box's root, so readers report the signer as untrusted unless they are
given that root (``keepsake verify`` is). The manifest says the clip was made
by AI from one photo, with the preset and the self-check's result, and holds
no personal data (no caption, no name, no photo).
"""

from engine_edge.credentials.keys import (
    BoxCredentials,
    CredentialsMissing,
    SigningSettings,
    configured_credentials,
    create_credentials,
    load_credentials,
)
from engine_edge.credentials.manifest import portrait_manifest
from engine_edge.credentials.sign import ProvenanceReport, read_provenance, sign_mp4

__all__ = [
    "BoxCredentials",
    "CredentialsMissing",
    "ProvenanceReport",
    "SigningSettings",
    "configured_credentials",
    "create_credentials",
    "load_credentials",
    "portrait_manifest",
    "read_provenance",
    "sign_mp4",
]
