"""One guest's work in progress: held in memory only, dropped on the way back to Attract.

Nothing here touches disk: photos of the dead and of children are written only
when the guest chooses to keep them, and then only through the encrypted store.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

PRESETS = ("memorial", "birthday", "anniversary", "social")


@dataclass
class Session:
    consent: bool = False
    photo: np.ndarray | None = None  # RGB uint8, rectified and restored
    photo_source: str = ""  # "camera" or "usb"
    face_boxes: list[tuple[float, float, float, float]] = field(default_factory=list)
    still_faces: set[int] = field(default_factory=set)  # indices the guest tapped to leave still
    preset: str = "memorial"
    voice_wanted: bool = False  # memorial skips the voice screen unless this is set
    motion_step: int = 0  # Mood's gentler (-) / livelier (+) control (kiosk.motion)
    say_text: str = ""
    recorded_audio: np.ndarray | None = None  # float32 mono
    recorded_rate: int = 16000
    clip_mp4: bytes = b""
    clip_poster: np.ndarray | None = None
    kept_item: str | None = None
    saved_to_usb: bool = False

    @property
    def animated_faces(self) -> tuple[int, ...]:
        return tuple(i for i in range(len(self.face_boxes)) if i not in self.still_faces)

    def wants_voice(self) -> bool:
        return self.preset != "memorial" or self.voice_wanted
