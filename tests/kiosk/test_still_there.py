"""Nothing lost to a timeout: a guest standing still in front of Preview keeps their portrait.

The real kiosk under Xvfb with a simulated button board on a real pseudo-terminal:
the board's presence sensor says someone is there; when they leave, "Are you still
there?" counts down on screen before the kiosk starts over. Board presses never
answer consent or enter a staff PIN (issue #17).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from firmware_bridge.simulator import Simulator
from kiosk.pin import write_pin_file
from tests.kiosk.test_board import press

pytestmark = [pytest.mark.ui, pytest.mark.slow]

IDLE_S = 4.0
ASK_S = 5.0


def test_a_guest_standing_still_in_front_of_preview(  # type: ignore[no-untyped-def]
    start_kiosk, tmp_path: Path, shots_dir: Path
) -> None:
    with Simulator(link_path=tmp_path / "board") as sim:
        k = start_kiosk(
            board_port=str(tmp_path / "board"), idle_timeout_s=IDLE_S, still_there_s=ASK_S
        )
        k.wait_for("attract")
        sim.set_presence(True)
        press(sim, 0)
        k.wait_for("consent")
        press(sim, 1)  # the board's confirm does not say yes for the guest
        time.sleep(0.5)
        assert k.state()["state"] == "consent"
        k.tap("consent.agree")
        k.wait_for("check", 60)
        k.wait_until(lambda s: s["debug"].get("faces", 0) > 0, 60)
        k.tap("check.continue")
        k.tap("mood.continue")
        k.wait_for("preview", 180)

        # Watching, not touching, for well past the idle timeout: nothing interrupts.
        time.sleep(IDLE_S + ASK_S + 1)
        state = k.state()
        assert state["state"] == "preview" and "Are you still there?" not in state["texts"]
        assert state["debug"]["frames_shown"] > 0

        # They step away: the overlay asks, counting down, and says what will happen.
        sim.set_presence(False)
        state = k.wait_until(lambda s: "Are you still there?" in s["texts"], IDLE_S + 3)
        assert any("deletes your photo and portrait" in t for t in state["texts"])
        first = min(int(t) for t in state["texts"] if t.isdigit())
        k.screenshot(shots_dir / "08-preview-still-there.png")
        later = k.wait_until(
            lambda s: any(t.isdigit() and int(t) < first for t in s["texts"]), ASK_S
        )
        assert later["state"] == "preview"
        k.tap("still_there.continue")  # they came back
        k.wait_until(lambda s: "Are you still there?" not in s["texts"], 3)
        assert k.state()["state"] == "preview"

        # No event is open: Keep withdraws "Add to the tribute" and says why.
        k.tap("preview.keep")
        state = k.wait_for("keep")
        assert not state["debug"]["tribute_offered"] and "keep.loop" not in state["actions"]
        assert "No tribute is open" in state["debug"]["status"]
        k.screenshot(shots_dir / "09-keep-no-event.png")

        # Nobody answers this time: the kiosk starts over, the portrait is gone.
        k.wait_until(lambda s: "Are you still there?" in s["texts"], IDLE_S + 3)
        k.wait_for("attract", ASK_S + 5)
        assert "flow: keep --timeout--> attract" in k.log_text()


def test_the_board_never_enters_the_staff_pin(start_kiosk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_pin_file(tmp_path / "state" / "staff_pin", "246813")  # there is no default PIN
    with Simulator(link_path=tmp_path / "board") as sim:
        k = start_kiosk(board_port=str(tmp_path / "board"))
        k.wait_for("attract")
        k.request("touch", x=0.02, y=0.98, hold_s=1.6)
        k.wait_for("staff_pin")
        for digit in "246813":  # the right PIN, typed on the glass ...
            k.tap(f"key.{digit}")
        press(sim, 1)  # ... but the board's confirm is not the PIN's Enter
        time.sleep(0.5)
        state = k.state()
        assert state["state"] == "staff_pin" and state["debug"]["digits"] == 6
        k.tap("staff_pin.enter")
        k.wait_for("staff")
