"""The box's system actions: the real tools where this machine has them, else a recording runner
that answers as the tools do (output captured from timedatectl 252 and amixer 1.2)."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from datetime import datetime

import pytest

from kiosk.system import (
    REGIONS,
    System,
    SystemRefused,
    parse_properties,
    parse_volume_percent,
    run_tool,
    time_zones,
)

TIMEDATECTL_SHOW = "Timezone=Europe/Berlin\nNTP=no\n"
AMIXER_SCONTROLS = "Simple mixer control 'PCM',0\nSimple mixer control 'Mic',0\n"
AMIXER_SGET = """Simple mixer control 'PCM',0
  Capabilities: pvolume pswitch
  Playback channels: Front Left - Front Right
  Limits: Playback 0 - 255
  Front Left: Playback 179 [70%] [-17.00dB] [on]
  Front Right: Playback 179 [70%] [-17.00dB] [on]
"""


class Tools:
    """A runner that records each command and answers like the real tool."""

    def __init__(self, ntp: bool = False) -> None:
        self.calls: list[list[str]] = []
        self.ntp = ntp

    def __call__(self, argv: Sequence[str]) -> str:
        argv = list(argv)
        self.calls.append(argv)
        if argv[:2] == ["timedatectl", "show"]:
            return TIMEDATECTL_SHOW.replace("NTP=no", f"NTP={'yes' if self.ntp else 'no'}")
        if argv[:2] == ["amixer", "scontrols"]:
            return AMIXER_SCONTROLS
        if argv[:2] == ["amixer", "sget"]:
            return AMIXER_SGET
        return ""


def test_real_tool_output_and_refusals_are_kept_apart() -> None:
    assert "python" in run_tool(["python3", "-c", "print('python')"])
    with pytest.raises(SystemRefused, match="refused: no such clock"):
        run_tool(["python3", "-c", "import sys; sys.exit('no such clock')"])
    with pytest.raises(SystemRefused, match="This box has no no-such-tool-here"):
        run_tool(["no-such-tool-here", "--version"])


@pytest.mark.skipif(shutil.which("timedatectl") is None, reason="no timedatectl on this machine")
def test_real_timedatectl_answers_or_refuses_in_words() -> None:
    """Without systemd (a container) timedatectl cannot reach timedated: a sentence, no crash."""
    try:
        state = System().clock()
    except SystemRefused as exc:
        assert str(exc).startswith("timedatectl refused: ")
        assert "Traceback" not in str(exc)
    else:
        assert state.timezone


@pytest.mark.skipif(shutil.which("amixer") is None, reason="no amixer (alsa-utils)")
def test_real_amixer_reads_a_volume_or_says_there_is_no_card() -> None:
    try:
        percent = System().volume_percent()
    except SystemRefused as exc:
        assert "amixer refused" in str(exc) or "no volume control" in str(exc)
    else:
        assert percent is None or 0 <= percent <= 100


def test_set_time_goes_through_timedatectl_unless_the_network_sets_the_clock() -> None:
    tools = Tools()
    System(tools).set_time(datetime(2026, 12, 4, 9, 5))
    assert tools.calls[-1] == ["timedatectl", "set-time", "2026-12-04 09:05:00"]
    tools = Tools(ntp=True)
    with pytest.raises(SystemRefused, match="set automatically from the network"):
        System(tools).set_time(datetime(2026, 12, 4, 9, 5))
    assert not any("set-time" in call for call in tools.calls)


def test_time_zone_is_checked_before_timedatectl_is_asked() -> None:
    tools = Tools()
    System(tools).set_timezone("Europe/Madrid")
    assert tools.calls[-1] == ["timedatectl", "set-timezone", "Europe/Madrid"]
    with pytest.raises(SystemRefused, match="not a time zone"):
        System(tools).set_timezone("Europe/Atlantis")
    assert System(tools).clock().timezone == "Europe/Berlin"


def test_every_region_offers_real_time_zones() -> None:
    for region in REGIONS:
        zones = time_zones(region)
        assert zones and all(z.startswith(region + "/") for z in zones)
    assert "Europe/Paris" in time_zones("Europe")


def test_volume_uses_the_cards_own_control_and_stays_in_range() -> None:
    tools = Tools()
    system = System(tools)
    assert system.volume_percent() == 70
    assert system.set_volume_percent(130) == 100
    assert tools.calls[-1] == ["amixer", "-q", "sset", "PCM", "100%", "unmute"]
    assert parse_volume_percent("Simple mixer control 'Master',0\n  Capabilities: pswitch") is None


def test_power_off_asks_systemd() -> None:
    tools = Tools()
    System(tools).power_off()
    assert tools.calls == [["systemctl", "poweroff"]]
    assert parse_properties("A=1\nnoise\nB = two\n") == {"A": "1", "B": "two"}
