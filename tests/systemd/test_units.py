"""The systemd units verify, score well on `systemd-analyze security`, and install idempotently."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SYSTEMD_DIR = REPO / "systemd"
INSTALL = SYSTEMD_DIR / "install.sh"
UNITS = (
    "keepsake-kiosk.service",
    "keepsake-wipe.service",
    "keepsake-wipe.timer",
    "keepsake-hotspot.service",
    "keepsake-hotspot.timer",
)
# Measured with systemd 252 (Debian 12): kiosk 0.7, wipe 0.2 (issue #17 asks for <= 1.0).
MAX_EXPOSURE = {"keepsake-kiosk.service": 1.0, "keepsake-wipe.service": 0.5}

needs_analyze = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None,
    reason="systemd-analyze not installed (Debian package `systemd`, in APT_PACKAGES)",
)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The units as install.sh writes them, with the prefix set to this checkout.

    Rendering for the checkout makes ExecStart= point at a real executable
    (this repository's .venv/bin/keepsake), which `verify` insists on.
    """
    out = tmp_path_factory.mktemp("units")
    subprocess.run(
        ["bash", str(INSTALL), "--render", str(out), "--prefix", str(REPO)],
        check=True,
        timeout=30,
    )
    return out


def _unit_settings(path: Path) -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        m = re.match(r"^([A-Za-z]+)=(.*)$", line)
        if m:
            settings.setdefault(m.group(1), []).append(m.group(2))
    return settings


@needs_analyze
@pytest.mark.parametrize("unit", UNITS)
def test_units_verify(rendered: Path, unit: str) -> None:
    if not (REPO / ".venv/bin/keepsake").exists():
        pytest.skip("no .venv/bin/keepsake to point ExecStart= at (run `make test`)")
    result = subprocess.run(
        ["systemd-analyze", "verify", f"./{unit}"],
        cwd=rendered,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert unit not in result.stderr, result.stderr


@needs_analyze
@pytest.mark.parametrize("unit", sorted(MAX_EXPOSURE))
def test_security_exposure_scores(rendered: Path, unit: str) -> None:
    score = _exposure(rendered, unit)
    print(f"\nsystemd-analyze security --offline=true {unit}: {score} (limit {MAX_EXPOSURE[unit]})")
    assert score <= MAX_EXPOSURE[unit]


def _exposure(folder: Path, unit: str) -> float:
    result = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", "--no-pager", f"./{unit}"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
    )
    m = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout)
    assert m, result.stdout + result.stderr
    return float(m.group(1))


@needs_analyze
def test_kiosk_with_the_jetson_and_cage_drop_ins_stays_under_1(
    rendered: Path, tmp_path: Path
) -> None:
    """The drop-ins open GPU nodes and a PAM session: measured 0.9 with both (0.7 without)."""
    unit = "keepsake-kiosk.service"
    shutil.copy(rendered / unit, tmp_path / unit)
    dropins = tmp_path / f"{unit}.d"
    dropins.mkdir()
    shutil.copy(SYSTEMD_DIR / "jetson-gpu.conf", dropins)
    shutil.copy(rendered / "cage.conf", dropins)
    with_dropins = _exposure(tmp_path, unit)
    print(f"\n{unit} + jetson-gpu.conf + cage.conf: {with_dropins}")
    assert with_dropins <= 1.0


def test_kiosk_unit_is_watched_and_restarted() -> None:
    s = _unit_settings(SYSTEMD_DIR / "keepsake-kiosk.service")
    assert s["Type"] == ["notify"]
    assert int(s["WatchdogSec"][0]) > 0
    assert s["Restart"] == ["always"]
    assert int(s["StartLimitBurst"][0]) > 0 and int(s["StartLimitIntervalSec"][0]) > 0
    assert s["ProtectSystem"] == ["strict"] and s["NoNewPrivileges"] == ["yes"]
    assert s["PrivateTmp"] == ["yes"] and s["DevicePolicy"] == ["closed"]
    assert "keepsake-wipe.service" in " ".join(s["After"])


def test_wipe_runs_hourly_at_boot_and_without_a_clock() -> None:
    timer = _unit_settings(SYSTEMD_DIR / "keepsake-wipe.timer")
    assert timer["OnCalendar"] == ["hourly"] and timer["Persistent"] == ["true"]
    assert timer["OnUnitActiveSec"] and timer["OnBootSec"], "monotonic triggers for RTC-less boxes"
    service = _unit_settings(SYSTEMD_DIR / "keepsake-wipe.service")
    assert service["Type"] == ["oneshot"]
    assert "wipe --expired" in service["ExecStart"][0]
    assert service["WantedBy"] == ["multi-user.target"], "the wipe also runs at every boot"


def test_udev_rules_match_the_boards_usb_id() -> None:
    board_rules = REPO / "firmware_bridge/firmware/99-keepsake-board.rules"
    if not board_rules.exists():
        pytest.skip("the bridge's udev rule is not present")
    from firmware_bridge.settings import BridgeSettings

    ours = (SYSTEMD_DIR / "70-keepsake.rules").read_text()
    for usb_id in BridgeSettings().usb_ids:
        vid, pid = usb_id.split(":")
        assert f'ATTRS{{idVendor}}=="{vid}", ATTRS{{idProduct}}=="{pid}"' in board_rules.read_text()
        assert f'ATTR{{idVendor}}=="{vid}", ATTR{{idProduct}}=="{pid}"' in ours
    pair = r'[A-Z_]+(\{[^}]+\})?(==|!=|\+=|-=|:=|=)"[^"]*"'
    for line in ours.splitlines():
        if line.strip() and not line.startswith("#"):
            assert re.fullmatch(rf"{pair}(,\s*{pair})*", line), line


def _stage_install(root: Path, *extra: str) -> str:
    """install.sh into the staging tree ``root``; its output, after checking it succeeded."""
    out = subprocess.run(
        ["bash", str(INSTALL), "--root", str(root), "--no-start", *extra],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_install_is_idempotent_and_uninstalls(tmp_path: Path) -> None:
    root = tmp_path / "root"

    def install(*extra: str) -> str:
        return _stage_install(root, *extra)

    (root / "etc").mkdir(parents=True)
    (root / "etc/nv_tegra_release").write_text("# R36 (release), REVISION: 3.0\n")
    first = install()
    assert (root / "etc/systemd/system/keepsake-kiosk.service.d/jetson-gpu.conf").exists()
    for unit in UNITS:
        text = (root / "etc/systemd/system" / unit).read_text()
        assert "/opt/keepsake/.venv/bin/keepsake" in text or unit.endswith(".timer")
    assert (root / "etc/udev/rules.d/70-keepsake.rules").exists()
    assert (root / "etc/polkit-1/rules.d/50-keepsake.rules").exists()  # staff clock/shut-down
    assert (root / "etc/udev/rules.d/99-keepsake-board.rules").exists()
    assert (root / "opt/keepsake/kiosk/store/store.py").exists()
    assert "installed" in first
    config = root / "etc/keepsake/keepsake.toml"
    config.write_text(config.read_text() + "\n# staff edit\n")
    second = install()
    assert "installed" not in second, "a second run changes nothing"
    assert config.read_text().endswith("# staff edit\n"), "configuration is never overwritten"
    install("--uninstall")
    assert not any((root / "etc/systemd/system").iterdir()), "units and the Jetson drop-in go"
    assert not any((root / "etc/udev/rules.d").iterdir())
    assert (root / "var/lib/keepsake").is_dir(), "plain uninstall keeps the portraits"
    install("--uninstall", "--purge")
    assert not (root / "var/lib/keepsake").exists() and not (root / "opt/keepsake").exists()


def test_units_can_write_where_the_store_lives() -> None:
    from kiosk.store.settings import StoreSettings

    data_dir = StoreSettings().data_dir
    for unit in ("keepsake-kiosk.service", "keepsake-wipe.service"):
        s = _unit_settings(SYSTEMD_DIR / unit)
        writable = [p.lstrip("-") for line in s["ReadWritePaths"] for p in line.split()]
        assert any(data_dir.startswith(p + "/") for p in writable), (unit, writable)
        assert f"KEEPSAKE_DATA_DIR={data_dir}" in s["Environment"], unit
        assert s["StateDirectory"] == [data_dir.split("/")[3]], "systemd creates it for the user"


def test_decrypting_units_keep_plaintext_out_of_core_dumps_and_swap() -> None:
    for unit in ("keepsake-kiosk.service", "keepsake-wipe.service"):
        s = _unit_settings(SYSTEMD_DIR / unit)
        assert s["LimitCORE"] == ["0"] and s["MemorySwapMax"] == ["0"], unit


def test_the_kiosk_gets_its_devices_without_input_or_dialout() -> None:
    groups = _unit_settings(SYSTEMD_DIR / "keepsake-kiosk.service")["SupplementaryGroups"]
    assert groups == ["video render audio tty"]
    rules = (SYSTEMD_DIR / "70-keepsake.rules").read_text()
    assert (
        'SUBSYSTEM=="tty", ATTRS{idVendor}=="2e8a", ATTRS{idProduct}=="0005", GROUP:="keepsake"'
        in rules
    )
    assert 'ENV{ID_INPUT_TOUCHSCREEN}=="1", GROUP:="keepsake"' in rules
    script = INSTALL.read_text()
    assert "usermod" not in script, "no permanent group membership for the keepsake user"
    assert "--no-same-owner" in script and "chown -R root:root" in script


def test_production_installs_no_test_tools() -> None:
    box = (SYSTEMD_DIR / "apt-box.txt").read_text().split()
    test_only = (SYSTEMD_DIR / "apt-test.txt").read_text().split()
    for tool in ("xvfb", "sox", "socat"):
        assert tool in test_only and tool not in box
    assert "apt-box.txt" in INSTALL.read_text() and "apt-test.txt" not in INSTALL.read_text()


def test_desktop_image_display_manager_is_switched_off_and_restored(tmp_path: Path) -> None:
    root = tmp_path / "root"
    dm = root / "etc/systemd/system/display-manager.service"
    dm.parent.mkdir(parents=True)
    dm.symlink_to("/lib/systemd/system/gdm3.service")

    def install(*extra: str) -> str:
        return _stage_install(root, *extra)

    out = install("--cage")
    assert "switching gdm3.service off" in out
    assert "skipped (--root): systemctl disable gdm3.service" in out
    assert (root / "var/lib/keepsake/display-manager").read_text() == "gdm3.service\n"
    cage = (root / "etc/systemd/system/keepsake-kiosk.service.d/cage.conf").read_text()
    assert "ExecStart=/usr/bin/cage -d -s -- /opt/keepsake/.venv/bin/keepsake kiosk" in cage
    out = install("--uninstall")
    assert "skipped (--root): systemctl enable gdm3.service" in out
    assert not (root / "var/lib/keepsake/display-manager").exists()


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck not installed")
def test_install_scripts_pass_shellcheck() -> None:
    scripts = [INSTALL, *(SYSTEMD_DIR / n for n in ("bundle.sh", "check_offline.sh"))]
    out = subprocess.run(
        ["shellcheck", "-S", "warning", *map(str, scripts)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stdout
