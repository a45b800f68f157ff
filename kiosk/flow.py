"""The kiosk's screens and transitions, declared in one place.

Attract → Consent → Scan → Check → Mood → Voice → Render → Preview → Keep →
Thank you → Attract, plus a failsafe state any screen can fall into, an idle
timeout from every screen back to Attract, and the staff screens behind a PIN.
The app listens to this machine and shows the screen named after the state;
screens only ever send events, they never switch screens themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from statemachine import State, StateMachine

# The library logs every micro-step (and logs from __del__ at interpreter exit): keep it quiet.
logging.getLogger("statemachine").setLevel(logging.WARNING)

GUEST_SCREENS = (
    "consent",
    "scan",
    "check",
    "mood",
    "voice",
    "render",
    "preview",
    "keep",
    "thanks",
)
# Where the button board's start/confirm may press the screen's main button: the guest's way,
# never the staff screens (a board press must not enter a PIN).
BOARD_SCREENS = ("attract", *GUEST_SCREENS, "failsafe")


class KioskFlow(StateMachine):
    """The one state machine of the kiosk (python-statemachine)."""

    attract = State(initial=True)
    consent = State()
    scan = State()
    check = State()
    mood = State()
    voice = State()
    render = State()
    preview = State()
    keep = State()
    thanks = State()
    failsafe = State()
    staff_pin = State()
    staff = State()
    staff_event = State()
    staff_film = State()

    # The guest's way through.
    begin = attract.to(consent)
    agree = consent.to(scan)
    captured = scan.to(check)
    retake = check.to(scan)
    confirm = check.to(mood)
    choose_mood = mood.to(voice, cond="wants_voice") | mood.to(render)
    voice_done = voice.to(render)
    voice_back = voice.to(mood)
    rendered = render.to(preview)
    cancel_render = render.to(mood)
    change_mood = preview.to(mood)
    accept = preview.to(keep)
    finish = keep.to(thanks)
    farewell = thanks.to(attract)

    # Leaving early: a guest's "start over", the idle timeout, or the failsafe. Every screen but
    # Attract can be left these ways; the failsafe can also be re-entered from itself.
    _leavable = (consent, scan, check, mood, voice, render, preview, keep, thanks, failsafe,
                 staff_pin, staff, staff_event, staff_film)  # fmt: skip
    start_over = attract.from_(*_leavable)
    timeout = attract.from_(*_leavable)
    fail = failsafe.from_(attract, *_leavable)

    # Staff mode: a long press in a corner of the tribute loop, then the PIN.
    staff_request = attract.to(staff_pin)
    pin_accepted = staff_pin.to(staff)
    # Opening an event (a name and a day) is its own page; both its buttons come back.
    event_setup = staff.to(staff_event)
    event_done = staff_event.to(staff)
    # The open event's tribute film: made, exported to USB, then back to the event page.
    film_setup = staff.to(staff_film)
    film_done = staff_film.to(staff)

    def __init__(self, wants_voice: Callable[[], bool]) -> None:
        self._wants_voice = wants_voice
        super().__init__()

    def wants_voice(self) -> bool:
        """Memorial skips the voice screen unless the guest asked for a spoken line."""
        return bool(self._wants_voice())

    @property
    def screen(self) -> str:
        """The id of the current state, which is also the name of its screen."""
        return str(self.current_state_value)
