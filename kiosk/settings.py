"""The ``[kiosk]`` section of keepsake.toml as a frozen dataclass.

Every default here is also written, with a comment, in keepsake.toml.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from engine_edge.config import section
from engine_edge.errors import ConfigInvalid

ROTATIONS_DEG = (0, 180)


@dataclass(frozen=True)
class KioskSettings:
    # The kiosk's own small state: the staff PIN file and the retention staff chose.
    # (Portraits themselves live in the store: see [store].)
    state_dir: str = "/var/lib/keepsake/kiosk"
    # Seconds without a touch before any screen returns to the tribute loop
    # (unsaved work is discarded).
    idle_timeout_s: float = 90.0
    # On a screen holding the guest's unsaved work, "Are you still there?" then counts down this
    # many seconds before the kiosk starts over (the unsaved work is discarded).
    still_there_s: float = 20.0
    # The preview, render and thank-you screens wait longer / shorter than the rest.
    thanks_timeout_s: float = 8.0
    # Length and frame rate of the guest's clip.
    clip_seconds: float = 6.0
    clip_fps: int = 25
    # Longest recorded spoken line.
    record_max_s: float = 15.0
    # How often the kiosk deletes expired items (minutes).
    wipe_interval_min: float = 60.0
    # Staff mode: a long press (seconds) in the top-left corner, then the PIN.
    staff_long_press_s: float = 3.0
    # scrypt hash of the staff PIN ("scrypt$n$r$p$salt_hex$hash_hex"); set it with
    # `keepsake kiosk --set-pin`, which writes STATE_DIR/staff_pin. The built-in hash (2468) is
    # never accepted: without a PIN file staff mode stays shut.
    staff_pin_hash: str = (
        "scrypt$16384$8$1$6b656570736b6973$"
        "d987eb74087ba29655be64bc90f7c6a30de73bbb4096e67949e09750a655175f"
    )
    # Failed PIN tries before staff mode locks, and for how long.
    pin_max_failures: int = 5
    pin_lockout_s: float = 300.0
    # Each portrait of the tribute loop plays this long before the next one.
    tribute_item_s: float = 12.0
    # Keep tribute portraits moving afresh; false = play the guest's MP4 as it was kept.
    live_tribute: bool = True
    # How they move afresh: true = seamless loop clips that the worker renders in the
    # background (a new variation each turn, cross-faded: the same lids, mouth and
    # AI-animated mark as the guest's clip); false = the textured mesh moved live.
    tribute_loops: bool = True
    # Loudness of clips' spoken lines, 0 (mute) .. 1 (full), in Preview and, when
    # tribute_sound is on, on the tribute wall (which then plays the kept clips themselves).
    volume: float = 0.8
    tribute_sound: bool = False
    # Frame rate of live portraits (tribute loop; the mood cards use half). With software GL
    # (llvmpipe: no GPU driver) every redraw repaints the whole screen on the CPU, so the
    # kiosk caps both at software_gl_fps to keep touches answered promptly.
    live_fps: float = 25.0
    software_gl_fps: float = 8.0
    # Multisample anti-aliasing of the window on a GPU, where it is next to free: it smooths
    # the edges of buttons and lines (portraits, text and the AI-animated mark are textures
    # and look the same without it). Software GL (llvmpipe, found by kiosk.gl_renderer before
    # the window opens) never multisamples: it would store every pixel four times and resolve
    # the whole window each frame, more than half of the 1080p wall's frame.
    msaa_samples: Literal[0, 2, 4] = 2
    # Full screen with no window chrome; `--windowed` overrides for staff testing.
    fullscreen: bool = True
    # Window size when windowed.
    window_width_px: int = 1280
    window_height_px: int = 800
    # Physical screen width in millimetres, to size touch targets (>= 15 mm);
    # 0 = trust the system DPI.
    screen_width_mm: float = 0.0
    # Language of every string: en, de, fr or es (catalogues in kiosk/locale; anything else is
    # refused at start-up). Staff can change it, the volume, the idle timeout and the rotation on
    # the staff screen: those changes go to STATE_DIR/settings.toml, layered over this file.
    language: str = "en"
    # Loudness of the sound card's main control at start-up, 0-100 %; -1 = leave the mixer alone.
    volume_percent: int = -1
    # Screen rotation in degrees, 0 or 180 (a panel mounted upside down); the touch follows.
    rotation_deg: int = 0

    def __post_init__(self) -> None:
        # Checked here so a bad value, in keepsake.toml or the staff's settings.toml, is refused
        # when the configuration is read, with a sentence the owner can act on.
        from kiosk.strings import check_language

        check_language(self.language)
        if not -1 <= self.volume_percent <= 100:
            raise ConfigInvalid(
                f"[kiosk] volume_percent = {self.volume_percent} must be 0-100 (or -1: leave it)."
            )
        if self.rotation_deg not in ROTATIONS_DEG:
            raise ConfigInvalid(f"[kiosk] rotation_deg = {self.rotation_deg} must be 0 or 180.")
        if self.idle_timeout_s <= 0:
            raise ConfigInvalid(
                f"[kiosk] idle_timeout_s = {self.idle_timeout_s:g} must be more than 0 seconds."
            )

    @property
    def state_path(self) -> Path:
        return Path(self.state_dir)


def load_settings(config: dict[str, Any]) -> KioskSettings:
    """Read ``[kiosk]``; unknown keys and wrong types raise ConfigInvalid."""
    return section(config, "kiosk", KioskSettings)
