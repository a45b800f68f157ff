"""Print scanning: camera sources, print detection, auto-capture, rectification, restoration."""

from engine_edge.scan.autocapture import AutoCapture, CaptureAdvice, CaptureState
from engine_edge.scan.camera import CameraSource, CameraState, ResilientCamera, open_camera
from engine_edge.scan.capture import capture_print
from engine_edge.scan.detect import Hint, PrintDetection, detect_print_quad
from engine_edge.scan.lighting import LightControl, frames_under_lights
from engine_edge.scan.restore import RestoreStrengths, restore_photo
from engine_edge.scan.session import (
    PrintNotFound,
    ScanResult,
    ScanSettings,
    scan_camera,
    scan_frames,
    scan_still,
)

__all__ = [
    "AutoCapture",
    "CameraSource",
    "CameraState",
    "CaptureAdvice",
    "CaptureState",
    "Hint",
    "LightControl",
    "PrintDetection",
    "PrintNotFound",
    "ResilientCamera",
    "RestoreStrengths",
    "ScanResult",
    "ScanSettings",
    "capture_print",
    "detect_print_quad",
    "frames_under_lights",
    "open_camera",
    "restore_photo",
    "scan_camera",
    "scan_frames",
    "scan_still",
]
