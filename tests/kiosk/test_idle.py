"""The idle arithmetic: screens with the guest's work ask first, with a countdown; others don't."""

from __future__ import annotations

from kiosk.idle import idle_state


def test_a_quiet_screen_without_work_gives_up_at_its_timeout() -> None:
    assert not idle_state(89.9, 90.0, 0.0).expired
    assert idle_state(90.0, 90.0, 0.0).expired
    assert not idle_state(90.0, 90.0, 0.0).asking


def test_a_screen_with_work_asks_and_counts_down_before_giving_up() -> None:
    assert not idle_state(89.0, 90.0, 20.0).asking
    shown = [idle_state(90.0 + t, 90.0, 20.0).left_whole_s for t in (0.0, 0.5, 1.0, 19.2)]
    assert shown == [20, 20, 19, 1]
    assert all(idle_state(90.0 + t, 90.0, 20.0).asking for t in (0.0, 10.0, 19.9))
    last = idle_state(110.0, 90.0, 20.0)
    assert last.expired and not last.asking


def test_a_screen_without_a_timeout_never_asks() -> None:
    state = idle_state(10_000.0, None, 20.0)
    assert not state.asking and not state.expired
