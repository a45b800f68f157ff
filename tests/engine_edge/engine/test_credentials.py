"""Signed provenance: every clip carries a C2PA manifest signed by the box's own key, which the
library's own reader validates; tampering is caught; nothing personal is in it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from engine_edge.credentials import (
    create_credentials,
    load_credentials,
    read_provenance,
)
from engine_edge.credentials.sign import ProvenanceUnreadable
from engine_edge.deliver import probe_mp4
from engine_edge.errors import KeepsakeError
from engine_edge.pipeline import AnimateOptions, EngineSettings, animate_photo

SMALL = EngineSettings(max_short_side_px=384, x264_preset="ultrafast")
CAPTION = "Ruth Miller, 1931–2024"


@pytest.fixture(scope="module")
def box(tmp_path_factory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("signing") / "keys"
    create_credentials(folder, box_name="test-box")
    return folder


@pytest.fixture(scope="module")
def signed_clip(box, astronaut, models) -> bytes:  # type: ignore[no-untyped-def]
    options = AnimateOptions(
        seconds=6.0, fps=15.0, engine=SMALL, caption=CAPTION, credentials=load_credentials(box)
    )
    return animate_photo(astronaut, options, models).mp4


def test_manifest_validates_and_says_what_was_made(signed_clip, box) -> None:
    root = load_credentials(box).root_pem
    report = read_provenance(signed_clip, trusted_root_pem=root)
    assert report.valid and report.trusted, report.problems
    assert report.signer == "Keepsake on test-box"
    assert report.claim["ai_generated"] is True and report.claim["source"] == "one still photo"
    assert report.claim["preset"] == "memorial"
    assert report.claim["self_check"].startswith("passed")
    assert any("TrainedAlgorithmicMedia" in a["digitalSourceType"] for a in report.actions)
    untrusted = read_provenance(signed_clip)  # a reader that does not know the box's root
    assert untrusted.valid and not untrusted.trusted
    facts = probe_mp4(signed_clip)
    assert facts.faststart and facts.codec == "h264"  # still a normal, streamable clip


def test_no_personal_data_in_the_manifest(signed_clip) -> None:
    import io

    import c2pa

    with c2pa.Reader("video/mp4", io.BytesIO(signed_clip)) as reader:
        store = reader.json()
    assert "Ruth" in CAPTION and "Ruth" not in store and "Miller" not in store
    assert "2024" not in json.dumps(json.loads(store).get("manifests", {}).get("title", ""))


def test_tampering_with_one_byte_is_caught(signed_clip, box) -> None:
    data = bytearray(signed_clip)
    data[-3000] ^= 0x5A  # inside the media data
    report = read_provenance(bytes(data), trusted_root_pem=load_credentials(box).root_pem)
    assert not report.valid and report.problems


def test_credentials_are_made_once_and_never_overwritten(box) -> None:
    before = (box / "signer.key.pem").read_bytes()
    with pytest.raises(KeepsakeError, match="already"):
        create_credentials(box)
    assert (box / "signer.key.pem").read_bytes() == before
    assert (box / "signer.key.pem").stat().st_mode & 0o077 == 0


def test_unsigned_clip_is_a_clear_error(astronaut, models) -> None:
    clip = animate_photo(
        astronaut, AnimateOptions(seconds=1.0, engine=SMALL, self_check=False), models
    )
    with pytest.raises(ProvenanceUnreadable, match="no readable content credentials"):
        read_provenance(clip.mp4)


def test_cli_signs_and_verifies(tmp_path, box) -> None:
    from skimage import data, io

    photo = tmp_path / "astronaut.png"
    io.imsave(photo, data.astronaut())
    config = tmp_path / "keepsake.toml"
    config.write_text(f'[signing]\nkey_dir = "{box}"\n[engine]\nmax_short_side_px = 256\n')
    out = tmp_path / "clip.mp4"
    run = [sys.executable, "-m", "engine_edge.cli"]
    made = subprocess.run(
        [
            *run,
            "animate",
            str(photo),
            "-o",
            str(out),
            "--seconds",
            "1",
            "--config",
            str(config),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stderr
    ok = subprocess.run(
        [*run, "verify", str(out), "--config", str(config), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    report = json.loads(ok.stdout)
    assert report["valid"] and report["trusted"]
    bad = subprocess.run([*run, "verify", str(photo)], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
