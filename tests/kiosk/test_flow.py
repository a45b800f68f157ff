"""The one state machine: the guest's way through, the voice skip, timeouts and the failsafe."""

from __future__ import annotations

import pytest

from kiosk.flow import BOARD_SCREENS, GUEST_SCREENS, KioskFlow


def walk(flow: KioskFlow, *events: str) -> list[str]:
    seen = []
    for event in events:
        flow.send(event)
        seen.append(flow.screen)
    return seen


def test_guest_path_visits_every_screen_in_order() -> None:
    flow = KioskFlow(wants_voice=lambda: True)
    seen = walk(
        flow, "begin", "agree", "captured", "confirm", "choose_mood", "voice_done", "rendered",
        "accept", "finish", "farewell",
    )  # fmt: skip
    assert seen == [*GUEST_SCREENS[:6], "preview", "keep", "thanks", "attract"]


def test_memorial_skips_voice_unless_asked() -> None:
    wants = {"voice": False}
    flow = KioskFlow(wants_voice=lambda: wants["voice"])
    walk(flow, "begin", "agree", "captured", "confirm", "choose_mood")
    assert flow.screen == "render"
    flow.send("cancel_render")
    wants["voice"] = True
    flow.send("choose_mood")
    assert flow.screen == "voice"


@pytest.mark.parametrize("screen_index", range(len(GUEST_SCREENS)))
def test_every_guest_screen_times_out_and_fails_safe(screen_index: int) -> None:
    path = ["begin", "agree", "captured", "confirm", "choose_mood", "voice_done", "rendered",
            "accept", "finish"][: screen_index + 1]  # fmt: skip
    for exit_event, expected in (("timeout", "attract"), ("fail", "failsafe")):
        flow = KioskFlow(wants_voice=lambda: True)
        walk(flow, *path)
        assert flow.screen == GUEST_SCREENS[screen_index]
        flow.send(exit_event)
        assert flow.screen == expected


def test_staff_mode_only_from_attract_and_only_through_the_pin() -> None:
    flow = KioskFlow(wants_voice=lambda: False)
    with pytest.raises(flow.TransitionNotAllowed):
        flow.send("pin_accepted")
    flow.send("staff_request")
    assert flow.screen == "staff_pin"
    flow.send("pin_accepted")
    assert flow.screen == "staff"
    flow.send("timeout")
    assert flow.screen == "attract"
    flow.send("begin")
    with pytest.raises(flow.TransitionNotAllowed):
        flow.send("staff_request")


@pytest.mark.parametrize(
    "setup,done,page",
    [("event_setup", "event_done", "staff_event"), ("film_setup", "film_done", "staff_film")],
)
def test_staff_pages_are_reached_from_staff_only_and_always_come_back(
    setup: str, done: str, page: str
) -> None:
    """Opening an event and making the tribute film: staff pages that always come back."""
    flow = KioskFlow(wants_voice=lambda: False)
    with pytest.raises(flow.TransitionNotAllowed):
        flow.send(setup)  # not from the guest's side
    walk(flow, "staff_request", "pin_accepted", setup)
    assert flow.screen == page
    flow.send(done)
    assert flow.screen == "staff"
    walk(flow, setup, "timeout")
    assert flow.screen == "attract"


def test_the_board_works_the_guest_screens_only() -> None:
    """A board button must never enter a PIN or press a staff button (issue #17)."""
    staff = {s.id for s in KioskFlow(wants_voice=lambda: False).states} - set(BOARD_SCREENS)
    assert staff == {"staff_pin", "staff", "staff_event", "staff_film"}
