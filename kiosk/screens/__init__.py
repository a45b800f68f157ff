"""One small module per screen; each screen is named after its state in kiosk.flow."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.screens.base import KioskScreen


def all_screens() -> list[type[KioskScreen]]:
    """Every screen class, in flow order (imported here so the app needs one import)."""
    from kiosk.screens.attract import AttractScreen
    from kiosk.screens.check import CheckScreen
    from kiosk.screens.consent import ConsentScreen
    from kiosk.screens.failsafe import FailsafeScreen
    from kiosk.screens.keep import KeepScreen
    from kiosk.screens.mood import MoodScreen
    from kiosk.screens.preview import PreviewScreen
    from kiosk.screens.render import RenderScreen
    from kiosk.screens.scan import ScanScreen
    from kiosk.screens.staff import StaffScreen
    from kiosk.screens.staff_event import StaffEventScreen
    from kiosk.screens.staff_film import StaffFilmScreen
    from kiosk.screens.staff_pin import StaffPinScreen
    from kiosk.screens.thanks import ThanksScreen
    from kiosk.screens.voice import VoiceScreen

    return [
        AttractScreen,
        ConsentScreen,
        ScanScreen,
        CheckScreen,
        MoodScreen,
        VoiceScreen,
        RenderScreen,
        PreviewScreen,
        KeepScreen,
        ThanksScreen,
        FailsafeScreen,
        StaffPinScreen,
        StaffScreen,
        StaffEventScreen,
        StaffFilmScreen,
    ]
