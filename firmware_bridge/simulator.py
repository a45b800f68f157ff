"""The board, simulated: the firmware's own logic (board.py) on a real pseudo-terminal.

``Simulator`` runs ``BoardLogic`` in a thread with a fake HAL whose serial port
is the master side of ``os.openpty()``; the host driver opens the slave side
(``sim.port``) exactly as it would open /dev/ttyACM0. Tests and demos press
buttons, read the LED duties, unplug and replug the "cable" (close the pty and
make a new one behind the same stable link, as udev would) and reset the board.
"""

from __future__ import annotations

import contextlib
import errno
import os
import random
import secrets
import select
import threading
import time
import tty
from pathlib import Path

from firmware_bridge.board import BoardConfig, BoardLogic


class FakeHAL:
    """BoardLogic's hardware under CPython: inputs set by tests, outputs kept, serial on a pty."""

    def __init__(self, board_id: bytes = b"SIMBOARD") -> None:
        self._t0 = time.monotonic()
        self._board_id = board_id
        self.buttons_mask = 0
        self.present = False
        self.bank_duty: dict[int, int] = {}
        self.status_duty = 0
        self.watchdog_feeds = 0
        self.fd: int | None = None  # pty master; None while "unplugged"
        self.bytes_in = 0
        self.bytes_out = 0
        self.tx_dropped = 0
        # A noisy cable: each byte, either way, has a bit flipped with this probability.
        self.byte_error_rate = 0.0
        self._noise = random.Random(0)

    def ticks_ms(self) -> int:
        return int((time.monotonic() - self._t0) * 1000)

    def read_inputs(self) -> tuple[int, bool]:
        return self.buttons_mask, self.present

    def set_bank(self, bank: int, duty_u16: int) -> None:
        self.bank_duty[bank] = duty_u16

    def set_status_led(self, duty_u16: int) -> None:
        self.status_duty = duty_u16

    def feed_watchdog(self) -> None:
        self.watchdog_feeds += 1

    def read_serial(self) -> bytes:
        if self.fd is None:
            return b""
        try:
            data = os.read(self.fd, 4096)
        except BlockingIOError:
            return b""
        except OSError as exc:
            if exc.errno == errno.EIO:  # nobody has the port open
                return b""
            raise
        self.bytes_in += len(data)
        return self._corrupt(data)

    def write_serial(self, data: bytes) -> None:
        if self.fd is None:
            self.tx_dropped += len(data)
            return
        try:
            written = os.write(self.fd, self._corrupt(data))
        except OSError:  # buffer full or port gone: a UART drops bytes too
            written = 0
        self.bytes_out += written
        self.tx_dropped += len(data) - written

    def _corrupt(self, data: bytes) -> bytes:
        if self.byte_error_rate <= 0:
            return data
        noisy = bytearray(data)
        for index in range(len(noisy)):
            if self._noise.random() < self.byte_error_rate:
                noisy[index] ^= 1 << self._noise.randrange(8)
        return bytes(noisy)

    def board_id(self) -> bytes:
        return self._board_id

    def random_u32(self) -> int:
        return random.getrandbits(32)


class Simulator:
    """A simulated board on a pseudo-terminal, running in its own thread."""

    def __init__(
        self,
        config: BoardConfig | None = None,
        link_path: Path | None = None,
        tick_s: float = 0.001,
        boot_note: str | None = None,
    ) -> None:
        self.config = config or BoardConfig()
        self.hal = FakeHAL()
        self.logic = BoardLogic(self.hal, self.config, boot_note)
        self.link_path = link_path
        self.tick_s = tick_s
        self.port = ""
        self._slave: int | None = None
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.unplug_after_next_apply = False  # fault injection: lose the ACK of the next command

    # --- lifecycle ---------------------------------------------------------
    def start(self) -> Simulator:
        self.plug()
        self._thread = threading.Thread(target=self._run, name="board-simulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2.0)
            self._thread = None
        self.unplug()

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the cable ---------------------------------------------------------
    def plug(self) -> None:
        """Make a fresh pty (a new /dev/pts/N) and point ``link_path`` at it, as udev would."""
        with self._lock:
            if self.hal.fd is not None:
                return
            master, slave = os.openpty()
            tty.setraw(slave)  # no echo, no line editing: bytes pass through untouched
            os.set_blocking(master, False)
            self._slave = slave
            self.hal.fd = master
            self.port = os.ttyname(slave)
            if self.link_path is not None:
                # A fresh, unguessable temporary name: nobody's file is ever unlinked.
                tmp = self.link_path.with_name(f".{self.link_path.name}.{secrets.token_hex(6)}")
                tmp.symlink_to(self.port)
                tmp.replace(self.link_path)

    def unplug(self) -> None:
        """Pull the cable: the host sees its port vanish; the board keeps running."""
        with self._lock:
            if self.link_path is not None and self.link_path.is_symlink():
                with contextlib.suppress(FileNotFoundError):
                    self.link_path.unlink()  # only the link plug() made, never a file
            for fd in (self.hal.fd, self._slave):
                if fd is not None:
                    with contextlib.suppress(OSError):
                        os.close(fd)
            self.hal.fd = None
            self._slave = None
            self.port = ""

    def reset(self, boot_note: str | None = None) -> None:
        """A board reset: all state lost, a new boot id."""
        with self._lock:
            self.logic = BoardLogic(self.hal, self.config, boot_note)

    # --- inputs ----------------------------------------------------------
    def press(self, button: int) -> None:
        self.hal.buttons_mask |= 1 << button

    def release(self, button: int) -> None:
        self.hal.buttons_mask &= ~(1 << button)

    def set_presence(self, present: bool) -> None:
        self.hal.present = present

    # --- the loop ----------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            fd = self.hal.fd
            if fd is not None:
                with contextlib.suppress(OSError, ValueError):
                    select.select([fd], [], [], self.tick_s)
            else:
                time.sleep(self.tick_s)
            with self._lock:
                applied_before = len(self.logic.applied)
                if self.unplug_after_next_apply:
                    self._tick_losing_ack(applied_before)
                else:
                    self.logic.tick()

    def _tick_losing_ack(self, applied_before: int) -> None:
        """Tick, and if a command got applied, pull the cable before its ACK leaves."""
        real_write = self.hal.write_serial
        outgoing: list[bytes] = []
        self.hal.write_serial = outgoing.append  # type: ignore[method-assign,assignment]
        try:
            self.logic.tick()
        finally:
            self.hal.write_serial = real_write  # type: ignore[method-assign]
        if len(self.logic.applied) > applied_before:
            self.unplug_after_next_apply = False
            self.unplug()
            return
        for data in outgoing:
            real_write(data)
