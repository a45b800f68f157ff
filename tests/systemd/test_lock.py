"""The locks pin every package with hashes, and each kind of box gets exactly its own pins."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "systemd"))

from lock_for import entries, select  # noqa: E402

LOCKS = REPO / "requirements"


def _names(pins: list[str]) -> list[str]:
    return [re.split(r"==", p, maxsplit=1)[0].lower() for p in pins]


@pytest.mark.parametrize("lock", ["dev.lock", "box.lock", "jetson.lock"])
def test_every_pin_is_exact_and_hashed(lock: str) -> None:
    for entry in entries((LOCKS / lock).read_text()):
        assert re.match(r"^[A-Za-z0-9_.\-]+==[^ ;]+", entry), entry
        assert "--hash=sha256:" in entry, entry


def test_a_jetson_gets_no_onnxruntime_nor_openvino_and_gets_tomli() -> None:
    pins = select((LOCKS / "jetson.lock").read_text(), "aarch64", "3.10")
    names = _names(pins)
    assert "onnxruntime" not in names and "onnxruntime-gpu" not in names
    assert "openvino" not in names
    assert "tomli" in names, "Python 3.10 reads TOML with tomli"
    assert len(names) == len(set(names)), "one version of each package"
    assert all(" --hash=sha256:" in p and ";" not in p for p in pins)


def test_a_nuc_gets_both_runtimes_and_the_versions_ci_tested() -> None:
    box = select((LOCKS / "box.lock").read_text(), "x86_64", "3.11")
    dev = select((LOCKS / "dev.lock").read_text(), "x86_64", "3.11")
    names = _names(box)
    assert {"openvino", "onnxruntime", "kivy", "cryptography"} <= set(names)
    assert "tomli" not in names and "pytest" not in names
    assert len(names) == len(set(names))
    dev_pins = {p.split(" ")[0] for p in dev}
    assert {p.split(" ")[0] for p in box} <= dev_pins, "the box runs what make test installs"


def test_locks_cover_every_dependency_in_pyproject() -> None:
    """A dependency added to pyproject.toml without `make lock` fails here."""
    from engine_edge.config import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = list(project["dependencies"])
    for extra, deps in project["optional-dependencies"].items():
        if extra not in ("build", "all"):
            wanted += deps
    dev = set(_names(entries((LOCKS / "dev.lock").read_text())))
    for requirement in wanted:
        name = re.split(r"[\[<>=;! ]", requirement, maxsplit=1)[0].lower()
        if name != "keepsake":
            assert name.replace("_", "-") in dev, f"{name}: run `make lock`"
