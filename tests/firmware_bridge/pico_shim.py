"""Run firmware/main.py unchanged under CPython, with stand-ins for MicroPython's modules.

Used by test_firmware.py as ``python pico_shim.py MAIN_PY STATE_DIR`` with stdin
and stdout on a pty, like the Pico's USB CDC port. The stand-ins are honest
about what they replace: ``machine`` (pins read STATE_DIR/pins, PWM duty changes
append to STATE_DIR/pwm.log), ``micropython.kbd_intr`` and ``time.ticks_*``.
Everything else (the HAL class, pin map, loop, board logic, codec) is the real code.
"""

from __future__ import annotations

import io
import runpy
import sys
import time
import types
from pathlib import Path

main_py, state_dir = Path(sys.argv[1]), Path(sys.argv[2])
pins_file, pwm_log = state_dir / "pins", state_dir / "pwm.log"
_pins_cache = [0.0, 0]


def _held_mask() -> int:
    now = time.monotonic()
    if now - _pins_cache[0] > 0.005:
        _pins_cache[0] = now
        try:
            _pins_cache[1] = int(pins_file.read_text() or "0")
        except (OSError, ValueError):
            _pins_cache[1] = 0
    return _pins_cache[1]


class Pin:
    IN, OUT, PULL_UP, PULL_DOWN = 0, 1, 2, 3
    BUTTONS = (2, 3, 4)

    def __init__(self, number: int, mode: int = 0, pull: int | None = None) -> None:
        self.number, self.pull = number, pull

    def value(self) -> int:
        if self.number in self.BUTTONS:  # active low, like a button to GND with pull-up
            return 0 if _held_mask() & (1 << self.BUTTONS.index(self.number)) else 1
        return 0


class PWM:
    def __init__(self, pin: Pin) -> None:
        self.pin = pin

    def freq(self, hz: int) -> None:
        self.hz = hz

    def duty_u16(self, duty: int) -> None:
        with pwm_log.open("a") as log:
            log.write(f"{self.pin.number} {duty}\n")


class WDT:
    def __init__(self, timeout: int) -> None:
        self.timeout = timeout

    def feed(self) -> None:
        pass


machine = types.ModuleType("machine")
machine.Pin, machine.PWM, machine.WDT = Pin, PWM, WDT  # type: ignore[attr-defined]
machine.unique_id = lambda: b"\xe6\x61\x4c\x31\x1b\x7e\x6f\x35"  # type: ignore[attr-defined]
machine.PWRON_RESET, machine.WDT_RESET = 1, 3  # type: ignore[attr-defined]
machine.reset_cause = lambda: machine.WDT_RESET  # type: ignore[attr-defined]
micropython = types.ModuleType("micropython")
micropython.kbd_intr = lambda chr_: None  # type: ignore[attr-defined]
sys.modules["machine"], sys.modules["micropython"] = machine, micropython
time.ticks_ms = lambda: int(time.monotonic() * 1000) & 0x3FFFFFFF  # type: ignore[attr-defined]
time.ticks_diff = lambda a, b: ((a - b + 0x20000000) & 0x3FFFFFFF) - 0x20000000  # type: ignore[attr-defined]
time.sleep_ms = lambda ms: time.sleep(ms / 1000)  # type: ignore[attr-defined]


class _RawStdio:
    """MicroPython's sys.stdin/stdout on USB: unbuffered bytes."""

    def __init__(self, fd: int, mode: str) -> None:
        self.buffer = io.FileIO(fd, mode, closefd=False)
        self._fd = fd

    def fileno(self) -> int:
        return self._fd

    def write(self, text: str) -> int:
        return self.buffer.write(text.encode())  # type: ignore[no-any-return]

    def flush(self) -> None:
        pass


sys.stdin, sys.stdout = _RawStdio(0, "rb"), _RawStdio(1, "wb")  # type: ignore[assignment]
runpy.run_path(str(main_py), run_name="__main__")
