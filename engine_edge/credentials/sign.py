"""Sign an MP4 with the box's credentials, and read back what a clip's manifest says."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

from engine_edge.credentials.keys import BoxCredentials
from engine_edge.credentials.manifest import ASSERTION
from engine_edge.errors import KeepsakeError

UNTRUSTED = "signingCredential.untrusted"


class ProvenanceUnreadable(KeepsakeError):
    """The clip carries no C2PA manifest, or one that cannot be read."""


def sign_mp4(mp4: bytes, manifest: dict[str, Any], credentials: BoxCredentials) -> bytes:
    """The same clip with a signed C2PA manifest embedded (hashes bind every byte of media)."""
    import c2pa

    signer = c2pa.Signer.from_info(
        c2pa.C2paSignerInfo(
            c2pa.C2paSigningAlg.ES256, credentials.chain_pem, credentials.key_pem, None
        )
    )
    out = io.BytesIO()
    with signer, c2pa.Builder(json.dumps(manifest)) as builder:
        builder.sign(signer, "video/mp4", io.BytesIO(mp4), out)
    return out.getvalue()


@dataclass(frozen=True)
class ProvenanceReport:
    """A clip's manifest as a reader sees it."""

    valid: bool  # signature and every hash check out
    trusted: bool  # signed under the root given (this box's), not merely well-formed
    signer: str
    claim: dict[str, Any]  # org.keepsake.portrait
    actions: list[dict[str, Any]]
    problems: list[str]  # validation codes that failed, trust aside

    def summary(self) -> str:
        state = "valid" if self.valid else "INVALID"
        trust = "signed by this box" if self.trusted else "signer not known to this reader"
        lines = [f"C2PA manifest: {state}, {trust} ({self.signer})"]
        for action in self.actions:
            lines.append(f"  action: {action.get('action')} — {action.get('description', '')}")
            lines.append(f"  source type: {action.get('digitalSourceType', '')}")
        for key, value in sorted(self.claim.items()):
            lines.append(f"  {key}: {value}")
        lines += [f"  problem: {p}" for p in self.problems]
        return "\n".join(lines)


def read_provenance(mp4: bytes, *, trusted_root_pem: bytes | None = None) -> ProvenanceReport:
    import c2pa

    try:
        if trusted_root_pem is not None:
            settings = {
                "verify": {"verify_trust": True},
                "trust": {"trust_anchors": trusted_root_pem.decode()},
            }
            context = c2pa.Context.from_json(json.dumps(settings))
            reader = c2pa.Reader("video/mp4", io.BytesIO(mp4), context=context)
        else:
            reader = c2pa.Reader("video/mp4", io.BytesIO(mp4))
        with reader:
            store = json.loads(reader.json())
    except c2pa.C2paError as exc:
        raise ProvenanceUnreadable(
            f"The clip has no readable content credentials (C2PA): {exc}"
        ) from exc
    active = store.get("manifests", {}).get(store.get("active_manifest", ""), {})
    codes = [s.get("code", "") for s in store.get("validation_status", []) or []]
    problems = [c for c in codes if c != UNTRUSTED]
    claim: dict[str, Any] = {}
    actions: list[dict[str, Any]] = []
    for assertion in active.get("assertions", []):
        if assertion.get("label") == ASSERTION:
            claim = assertion.get("data", {})
        elif assertion.get("label", "").startswith("c2pa.actions"):
            actions += assertion.get("data", {}).get("actions", [])
    info = active.get("signature_info", {})
    return ProvenanceReport(
        valid=not problems,
        trusted=not problems and UNTRUSTED not in codes and trusted_root_pem is not None,
        signer=str(info.get("common_name", "unknown")),
        claim=claim,
        actions=actions,
        problems=problems,
    )
