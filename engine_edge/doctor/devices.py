"""Hardware checks: the camera, the button-and-light board, sound out and in.

Read from /sys, /dev and /proc only, never opened: the kiosk may hold them, and a
check must not take a device from under it.
"""

from __future__ import annotations

import os
from typing import Any

from engine_edge.doctor.host import Host
from engine_edge.doctor.report import FAIL, OK, WARN, Check


def _capture_nodes(host: Host) -> list[tuple[str, str]]:
    """(node, name) of each V4L2 device that captures (index 0 of each camera)."""
    found = []
    base = host.path("/sys/class/video4linux")
    for dev in sorted(base.glob("video*")) if base.is_dir() else []:
        index = host.read(f"/sys/class/video4linux/{dev.name}/index").strip()
        if index not in ("", "0"):
            continue  # a camera's second node carries metadata, not pictures
        name = host.read(f"/sys/class/video4linux/{dev.name}/name").strip() or "unnamed"
        found.append((f"/dev/{dev.name}", name))
    return found


def camera(config: dict[str, Any], host: Host) -> Check:
    from engine_edge.config import section
    from engine_edge.scan.session import ScanSettings

    spec = section(config, "scan", ScanSettings).camera
    nodes = _capture_nodes(host)
    details = [("configured", spec), *nodes]
    if host.path("/dev/keepsake-camera").exists():
        details.append(
            ("/dev/keepsake-camera", os.path.realpath(host.path("/dev/keepsake-camera")))
        )
    if spec.startswith("file:"):
        return Check(
            "camera",
            WARN,
            f"camera is a file ({spec}): a demo setting",
            'set [scan] camera = "opencv:0" for a real camera',
            tuple(details),
        )
    if spec == "picamera2":
        present = host.path("/dev/media0").exists() or bool(nodes)
        status = OK if present else FAIL
        return Check(
            "camera",
            status,
            "Raspberry Pi camera " + ("found" if present else "not found"),
            "" if present else "check the camera ribbon cable",
            tuple(details),
        )
    index = spec.partition(":")[2]
    wanted = f"/dev/video{index}" if index.isdigit() else spec
    if any(node == wanted for node, _ in nodes):
        return Check("camera", OK, f"{wanted} ({dict(nodes)[wanted]})", details=tuple(details))
    if nodes:
        return Check(
            "camera",
            FAIL,
            f"{spec} is not a camera here; found {', '.join(n for n, _ in nodes)}",
            f'set [scan] camera = "opencv:{nodes[0][0].removeprefix("/dev/video")}"',
            tuple(details),
        )
    return Check(
        "camera", FAIL, "no camera found", "plug the USB camera in (then re-run)", tuple(details)
    )


def board(config: dict[str, Any], host: Host) -> Check:
    """The button-and-light board's serial node: present, and readable by this user."""
    from firmware_bridge.ports import find_board, parse_usb_ids
    from firmware_bridge.settings import load_settings

    settings = load_settings(config)
    if settings.port:
        port: str | None = settings.port
    else:
        port = find_board(
            parse_usb_ids(settings.usb_ids),
            by_id_dir=host.path("/dev/serial/by-id"),
            sysfs_root=host.path("/sys"),
        )
    if port is None:
        return Check(
            "board",
            FAIL,
            f"no board with USB id {', '.join(settings.usb_ids)}",
            "plug the button board's USB cable in (or set [bridge] port)",
        )
    path = host.path(port) if settings.port else port  # find_board answers under host.root
    if not os.path.exists(path):
        return Check("board", FAIL, f"{port} does not exist", "check [bridge] port")
    if not os.access(path, os.R_OK | os.W_OK):
        return Check(
            "board",
            WARN,
            f"{port} found, but this user cannot open it",
            "the kiosk's unit can (udev gives it to the keepsake group); run doctor "
            "as root or as keepsake to check the link itself",
            (("port", str(port)),),
        )
    return Check("board", OK, f"board at {port}", details=(("port", str(port)),))


def _pcms(host: Host) -> tuple[list[str], list[str]]:
    """ALSA playback and capture devices from /proc/asound/pcm ("00-00: id : name : playback 1")."""
    playback, capture = [], []
    for line in host.read("/proc/asound/pcm").splitlines():
        parts = [p.strip() for p in line.split(":")]
        if len(parts) < 3:
            continue
        label = f"hw:{parts[0].replace('-', ',').lstrip('0') or '0'} {parts[2]}"
        if any(p.startswith("playback") for p in parts[3:]):
            playback.append(label)
        if any(p.startswith("capture") for p in parts[3:]):
            capture.append(label)
    return playback, capture


def audio(host: Host) -> Check:
    playback, capture = _pcms(host)
    details = [("output", d) for d in playback] + [("input", d) for d in capture]
    if not playback:
        return Check(
            "audio", FAIL, "no sound output", "connect the speakers (USB or HDMI)", tuple(details)
        )
    if not capture:
        return Check(
            "audio",
            WARN,
            f"{len(playback)} output(s), no microphone",
            "guests cannot record a message: connect the microphone",
            tuple(details),
        )
    return Check(
        "audio", OK, f"{len(playback)} output(s), {len(capture)} input(s)", details=tuple(details)
    )
