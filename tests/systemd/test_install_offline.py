"""install.sh --offline on a Jetson, with tiny stand-in wheels: the lock's pins come from the
bundle alone (pip --no-index), a CPU onnxruntime an older install left is removed and NVIDIA's
onnxruntime-gpu (--ort-wheel) goes in. The real bundle (hundreds of MB) is built, installed
without network and run by systemd/check_offline.sh in CI."""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
INSTALL = REPO / "systemd" / "install.sh"
PY = f"{sys.version_info.major}.{sys.version_info.minor}"


def make_wheel(folder: Path, name: str, version: str, module: str, code: str = "") -> Path:
    """A minimal pure-Python wheel that installs ``module`` (enough for pip to install it)."""
    dist = f"{name.replace('-', '_')}-{version}"
    path = folder / f"{dist}-py3-none-any.whl"
    files = {
        f"{module}/__init__.py": f"NAME = {name!r}\n{code}",
        f"{dist}.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{dist}.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    record = []
    for arc, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{arc},sha256={digest.decode()},{len(text.encode())}")
    record.append(f"{dist}.dist-info/RECORD,,")
    with zipfile.ZipFile(path, "w") as zf:
        for arc, text in files.items():
            zf.writestr(arc, text)
        zf.writestr(f"{dist}.dist-info/RECORD", "\n".join(record) + "\n")
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_offline_jetson_install_keeps_nvidias_onnxruntime(tmp_path: Path) -> None:
    stage = tmp_path / "keepsake-0.1.0-jetson-aarch64-py"
    wheels = stage / "wheels"
    wheels.mkdir(parents=True)
    for rel in ("systemd", "firmware_bridge/firmware"):
        shutil.copytree(REPO / rel, stage / rel)
    (stage / "keepsake.toml").write_text((REPO / "keepsake.toml").read_text())
    pinned = make_wheel(wheels, "pinned-dep", "1.0", "pinned_dep")
    make_wheel(wheels, "keepsake", "0.1.0", "keepsake_stub")
    (stage / "requirements.txt").write_text(f"pinned-dep==1.0 --hash=sha256:{sha256(pinned)}\n")
    (stage / "BUNDLE-INFO").write_text(f"profile=jetson\narch=aarch64\npython={PY}\n")
    bundle = tmp_path / "bundle.tar"
    with tarfile.open(bundle, "w") as tar:
        tar.add(stage, arcname=stage.name)
    extras = tmp_path / "extras"
    extras.mkdir()
    cpu_ort = make_wheel(extras, "onnxruntime", "1.20.0", "onnxruntime")
    providers = "TensorrtExecutionProvider", "CUDAExecutionProvider", "CPUExecutionProvider"
    gpu_ort = make_wheel(
        extras,
        "onnxruntime-gpu",
        "1.20.0",
        "onnxruntime",
        f"def get_available_providers():\n    return {list(providers)!r}\n",
    )

    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc/nv_tegra_release").write_text("# R36 (release), REVISION: 4.0\n")
    venv = root / "opt/keepsake/.venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    pip = [str(venv / "bin/python"), "-m", "pip", "install", "-q", "--no-index"]
    subprocess.run([*pip, str(cpu_ort)], check=True, timeout=120)  # what an older install left

    out = subprocess.run(
        [
            "bash",
            str(INSTALL),
            "--offline",
            str(bundle),
            "--root",
            str(root),
            "--no-start",
            "--ort-wheel",
            str(gpu_ort),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "removed the CPU onnxruntime" in out.stdout
    assert f"onnxruntime-gpu with {', '.join(providers)}" in out.stdout
    listed = subprocess.run(
        [str(venv / "bin/python"), "-m", "pip", "list", "--format=freeze"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.lower()
    assert "onnxruntime-gpu==1.20.0" in listed and "onnxruntime==" not in listed
    assert "pinned-dep==1.0" in listed and "keepsake==0.1.0" in listed
    assert (root / "etc/systemd/system/keepsake-kiosk.service.d/jetson-gpu.conf").exists()


def test_offline_refuses_a_bundle_for_another_python(tmp_path: Path) -> None:
    stage = tmp_path / "keepsake-0.1.0-box-x86_64-py2.7"
    stage.mkdir()
    (stage / "BUNDLE-INFO").write_text("profile=box\narch=x86_64\npython=2.7\n")
    bundle = tmp_path / "bundle.tar"
    with tarfile.open(bundle, "w") as tar:
        tar.add(stage, arcname=stage.name)
    out = subprocess.run(
        ["bash", str(INSTALL), "--offline", str(bundle), "--root", str(tmp_path / "r")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 1
    assert "the bundle is for Python 2.7" in out.stderr and "BUNDLE_PY=" in out.stderr
