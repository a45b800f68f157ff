"""Keepsake button-and-light board: MicroPython firmware for the RP2040 (Raspberry Pi Pico).

This file only binds the real hardware (machine.Pin / PWM / WDT, USB CDC serial)
to the board logic in firmware_bridge/board.py, the same code the simulator
runs on the host. Pin numbers follow the wiring table in firmware_bridge/DEPLOY.md.

Maintenance: hold BACK (GP4) while plugging the board in and the firmware does
not start (no watchdog, REPL free), so `mpremote` can update the files.
"""

import os
import select
import sys
import time

import machine
import micropython

from firmware_bridge.board import BoardConfig, BoardLogic

BUTTON_PINS = (2, 3, 4)  # start, confirm, back: to GND, internal pull-up
PRESENCE_PIN = 6  # PIR / radar sensor output, high = someone there
BANK_PINS = (10, 11, 12, 13)  # logic-level MOSFET gates of the LED ring's banks
STATUS_PIN = 15  # panel status LED (through 330 ohm)
BANK_PWM_HZ = 25000  # far above any camera's line rate: no banding in scans
STATUS_PWM_HZ = 1000
WATCHDOG_MS = 2000
MAINTENANCE_BUTTON = 2  # index into BUTTON_PINS: BACK


class PicoHAL:
    """The HAL board.py expects, on real pins."""

    def __init__(self):
        Pin = machine.Pin
        self._buttons = [Pin(n, Pin.IN, Pin.PULL_UP) for n in BUTTON_PINS]
        self._presence = Pin(PRESENCE_PIN, Pin.IN, Pin.PULL_DOWN)
        self._banks = []
        for n in BANK_PINS:
            pwm = machine.PWM(Pin(n))
            pwm.freq(BANK_PWM_HZ)
            pwm.duty_u16(0)
            self._banks.append(pwm)
        self._bank_duty = [0] * len(BANK_PINS)
        self._status = machine.PWM(Pin(STATUS_PIN))
        self._status.freq(STATUS_PWM_HZ)
        self._status_duty = -1
        self._wdt = None
        self._poll = select.poll()
        self._poll.register(sys.stdin, select.POLLIN)
        self._stdin = sys.stdin.buffer
        self._stdout = sys.stdout.buffer
        self._last_ticks = time.ticks_ms()
        self._ms = 0
        uid = bytes(machine.unique_id())
        self._board_id = (uid + bytes(8))[:8]

    def maintenance_requested(self):
        return self._buttons[MAINTENANCE_BUTTON].value() == 0

    def start_watchdog(self):
        self._wdt = machine.WDT(timeout=WATCHDOG_MS)

    def ticks_ms(self):
        # ticks_ms wraps after ~12 days; the logic wants a counter that never does.
        now = time.ticks_ms()
        self._ms += time.ticks_diff(now, self._last_ticks)
        self._last_ticks = now
        return self._ms

    def read_inputs(self):
        mask = 0
        for index, pin in enumerate(self._buttons):
            if pin.value() == 0:
                mask |= 1 << index
        return mask, self._presence.value() == 1

    def set_bank(self, bank, duty_u16):
        if self._bank_duty[bank] != duty_u16:
            self._bank_duty[bank] = duty_u16
            self._banks[bank].duty_u16(duty_u16)

    def set_status_led(self, duty_u16):
        if self._status_duty != duty_u16:
            self._status_duty = duty_u16
            self._status.duty_u16(duty_u16)

    def feed_watchdog(self):
        if self._wdt is not None:
            self._wdt.feed()

    def read_serial(self):
        data = b""
        while len(data) < 256 and self._poll.poll(0):
            data += self._stdin.read(1)
        return data

    def write_serial(self, data):
        self._stdout.write(data)

    def board_id(self):
        return self._board_id

    def random_u32(self):
        return int.from_bytes(os.urandom(4), "little")


def main():
    hal = PicoHAL()
    if hal.maintenance_requested():
        print("keepsake board: maintenance mode, firmware not started")
        return
    # Frames may contain 0x03; it must not raise KeyboardInterrupt in the middle of one.
    micropython.kbd_intr(-1)
    hal.start_watchdog()
    config = BoardConfig(n_buttons=len(BUTTON_PINS), n_banks=len(BANK_PINS))
    logic = BoardLogic(hal, config, boot_note=_boot_note())
    try:
        while True:
            logic.tick()
            time.sleep_ms(1)
    except Exception as exc:
        # Tell the host, then stop feeding the watchdog: the board resets within
        # WATCHDOG_MS, the host sees a new boot id, handshakes and restores the lights.
        logic.report_crash(repr(exc))
        raise


def _boot_note():
    cause = machine.reset_cause()
    if cause == machine.WDT_RESET:
        return "restarted by the watchdog"
    return None


main()
