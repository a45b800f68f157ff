"""The host driver: one thread that keeps the board connected and never blocks the kiosk.

``BoardDriver`` finds the board (by USB id, or a given port), handshakes,
exchanges heartbeats, delivers button and presence events on ``events`` (a
``queue.Queue``) and sends light/status commands with acknowledgement and
retry. After an unplug, a board reset or a silent board it reconnects with
exponential backoff and handshakes again. Commands carry sequence numbers that
survive reconnects, and the board ignores a sequence number it has already
applied, so a retried command is never applied twice.

Callers only ever touch queues: ``set_light`` and ``set_status`` return at once.
With no board at all the driver reports ``LinkState("absent")`` and keeps looking.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import random
import select
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from engine_edge.logs import printable
from firmware_bridge import codec, messages, ports
from firmware_bridge.events import (
    BoardInfo,
    BridgeEvent,
    ButtonEvent,
    LinkState,
    LinkStateName,
    PresenceEvent,
)
from firmware_bridge.settings import BridgeSettings

log = logging.getLogger("keepsake.bridge")

MAX_BANKS = 8  # the bank mask is one byte


class LinkLost(Exception):
    """Internal: the current connection is over; the worker reconnects."""


@dataclass
class _Command:
    msg_type: int
    payload: bytes
    seq: int = -1
    tries: int = 0
    sent_at: float = 0.0


@dataclass
class _Stats:
    commands_acked: int = 0
    commands_retried: int = 0
    events_delivered: int = 0
    duplicate_events: int = 0
    connects: int = 0
    # Events refused: a button the board did not declare, one held when the link came up,
    # over the rate limit, or pushed out of a full queue.
    events_refused: int = 0


class _RateLimit:
    """Token bucket: ``rate_per_s`` events a second on average, bursts of as many."""

    def __init__(self, rate_per_s: float) -> None:
        self.rate_per_s = rate_per_s
        self.tokens = rate_per_s
        self.updated = time.monotonic()

    def allow(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.rate_per_s, self.tokens + (now - self.updated) * self.rate_per_s)
        self.updated = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True


class BoardDriver:
    """Keeps the button-and-light board connected; implements scan's LightControl protocol."""

    def __init__(
        self,
        port: str | None = None,
        settings: BridgeSettings | None = None,
        *,
        on_event: Callable[[BridgeEvent], None] | None = None,
        by_id_dir: Path = ports.BY_ID_DIR,
        sysfs_root: Path = ports.SYSFS_ROOT,
    ) -> None:
        self.settings = settings or BridgeSettings()
        self._port = port or self.settings.port or None
        self._usb_ids = ports.parse_usb_ids(self.settings.usb_ids)
        self._by_id_dir = by_id_dir
        self._sysfs_root = sysfs_root
        self._on_event = on_event
        self.events: queue.Queue[BridgeEvent] = queue.Queue(self.settings.event_queue_max)
        self.info: BoardInfo | None = None
        self.stats = _Stats()
        self.reader = codec.FrameReader()  # its counters tell how noisy the cable is
        self._session = random.getrandbits(32)
        self._seq = random.getrandbits(16)
        self._lock = threading.Lock()
        self._pending: deque[_Command] = deque()
        self._inflight: _Command | None = None
        self._desired_levels: dict[int, int] = {}
        self._desired_status: int | None = None
        self._held: set[int] = set()
        # Buttons already held when the link came up: nobody pressed them for this screen
        # (a stuck key, a board's stray mask bit), so they are ignored until released.
        self._ignored: set[int] = set()
        self._rate = _RateLimit(self.settings.events_per_s)
        self._present = False
        self._last_event_seq: int | None = None
        self._last_command_seq: int | None = None
        self._state: LinkStateName | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._wake_r, self._wake_w = -1, -1

    # --- the caller's side: never blocks ---------------------------------
    @property
    def state(self) -> LinkStateName:
        return self._state or "absent"

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)
        self._thread = threading.Thread(target=self._run, name="keepsake-bridge", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 3.0) -> None:
        """Stop the worker and close the port; the board falls back to its safe state."""
        if self._thread is None:
            return
        self._stop.set()
        self._wake()
        self._thread.join(timeout_s)
        if self._thread.is_alive():
            log.warning("bridge worker did not stop within %.1f s", timeout_s)
        self._thread = None
        for fd in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._wake_r, self._wake_w = -1, -1

    def set_light(self, bank_mask: int, brightness: float, fade_ms: int = 0) -> None:
        """Fade the banks in ``bank_mask`` to ``brightness`` (0..1, perceptual) over ``fade_ms``."""
        if not 0 <= bank_mask < (1 << MAX_BANKS):
            raise ValueError(f"bank_mask must be 0..255, not {bank_mask}")
        if not 0.0 <= brightness <= 1.0:
            raise ValueError(f"brightness must be between 0 and 1, not {brightness}")
        if not 0 <= fade_ms <= 0xFFFF:
            raise ValueError(f"fade_ms must be 0..65535, not {fade_ms}")
        level = round(brightness * messages.LEVEL_MAX)
        payload = messages.pack_set_light(bank_mask, level, fade_ms)
        with self._lock:
            for bank in range(MAX_BANKS):
                if bank_mask & (1 << bank):
                    self._desired_levels[bank] = level
            self._enqueue(_Command(messages.SET_LIGHT, payload), coalesce_key=bank_mask)
        self._wake()

    def set_status(self, pattern: str) -> None:
        """Show a status LED pattern: one of messages.STATUS_PATTERNS."""
        if pattern not in messages.STATUS_PATTERNS:
            known = ", ".join(messages.STATUS_PATTERNS)
            raise ValueError(f"status pattern must be one of {known}, not {pattern!r}")
        index = messages.STATUS_PATTERNS.index(pattern)
        with self._lock:
            self._desired_status = index
            self._enqueue(_Command(messages.SET_STATUS, messages.pack_set_status(index)), None)
        self._wake()

    def _enqueue(self, command: _Command, coalesce_key: int | None) -> None:
        """Queue a command; a queued, unsent command of the same kind and banks is replaced.

        Lights and status are states, not actions: only the newest matters, so a
        burst of calls while the board is slow never builds a backlog.
        """
        if self._pending:
            last = self._pending[-1]
            if last.msg_type == command.msg_type and (
                command.msg_type == messages.SET_STATUS or last.payload[0] == coalesce_key
            ):
                self._pending[-1] = command
                return
        if len(self._pending) >= self.settings.queue_max:
            self._pending.popleft()
        self._pending.append(command)

    def _wake(self) -> None:
        if self._wake_w >= 0:
            with contextlib.suppress(OSError):
                os.write(self._wake_w, b"\x01")

    # --- the worker ------------------------------------------------------
    def _publish(self, event: BridgeEvent) -> None:
        """Queue an event for the kiosk and tell the callback."""
        self._queue_event(event)
        self._notify(event)

    def _queue_event(self, event: BridgeEvent) -> None:
        """Queue an event for the kiosk; a full queue (nobody reading) drops its oldest."""
        while True:
            try:
                self.events.put_nowait(event)
                break
            except queue.Full:
                with contextlib.suppress(queue.Empty):
                    self.events.get_nowait()
                    self.stats.events_refused += 1

    def _notify(self, event: BridgeEvent) -> None:
        """Call the kiosk's callback; its failure is logged and never stops the link."""
        if self._on_event is not None:
            try:
                self._on_event(event)
            except Exception:
                log.exception("bridge event callback failed")

    def _set_state(self, state: LinkStateName, detail: str) -> None:
        if state != self._state:
            log.info("board link %s: %s", state, detail)
            # Queued before the new state shows, so whoever sees the state finds its event
            # (set first, a reader that saw "ready" could drain the queue while a slow log
            # handler still held the event back).
            event = LinkState(state, detail)
            self._queue_event(event)
            self._state = state
            self._notify(event)

    def _run(self) -> None:
        backoff_s = self.settings.backoff_initial_s
        while not self._stop.is_set():
            path = self._port or ports.find_board(self._usb_ids, self._by_id_dir, self._sysfs_root)
            if path is None:
                self._set_state("absent", "no board found")
            else:
                try:
                    self._connect_and_serve(path)
                    backoff_s = self.settings.backoff_initial_s
                except LinkLost as exc:
                    if self._state == "ready":
                        backoff_s = self.settings.backoff_initial_s
                    self._set_state("absent", str(exc))
                except Exception:  # a bug must not take the kiosk's buttons down for good
                    log.exception("bridge worker failed; reconnecting")
                    self._set_state("absent", "internal error, reconnecting")
            if self._stop.wait(backoff_s):
                break
            backoff_s = min(backoff_s * 2, self.settings.backoff_max_s)

    def _connect_and_serve(self, path: str) -> None:
        import serial  # pyserial: only the box with a board needs it

        try:
            port = serial.Serial(path, 115200, timeout=0, write_timeout=0.5, exclusive=True)
        except (serial.SerialException, OSError, ValueError) as exc:
            raise LinkLost(f"cannot open {path}: {exc}") from exc
        self._set_state("connecting", f"opened {path}")
        try:
            link = _Link(self, port, serial.SerialException)
            link.handshake()
            self.stats.connects += 1
            self._set_state("ready", f"board {self.info.board_id if self.info else '?'} on {path}")
            link.serve()
        finally:
            with contextlib.suppress(Exception):
                port.close()

    def _next_seq(self) -> int:
        self._seq = (self._seq + 1) & 0xFFFF
        return self._seq

    def _next_command_seq(self) -> int:
        """Never the previous command's number: after 65536 frames of heartbeats the counter
        comes round again, and the board would take a new command for a retry of the old."""
        seq = self._next_seq()
        if seq == self._last_command_seq:
            seq = self._next_seq()
        self._last_command_seq = seq
        return seq

    def _restore_commands(self) -> list[_Command]:
        """Commands that put the board back into the state the kiosk asked for last."""
        commands = []
        by_level: dict[int, int] = {}
        for bank, level in self._desired_levels.items():
            by_level[level] = by_level.get(level, 0) | (1 << bank)
        for level, mask in sorted(by_level.items()):
            commands.append(_Command(messages.SET_LIGHT, messages.pack_set_light(mask, level, 0)))
        if self._desired_status is not None:
            payload = messages.pack_set_status(self._desired_status)
            commands.append(_Command(messages.SET_STATUS, payload))
        return commands


class _Link:
    """One open connection: handshake, then the select loop until the link is lost."""

    def __init__(self, driver: BoardDriver, port, serial_error: type[Exception]) -> None:  # type: ignore[no-untyped-def]
        self.d = driver
        self.port = port
        self.serial_error = serial_error
        self.reader = driver.reader
        self.reader.feed(b"\x00")  # a half frame from the previous connection is lost
        self.last_rx = time.monotonic()
        self.next_heartbeat = 0.0

    # --- bytes in and out -------------------------------------------------
    def write(self, data: bytes) -> None:
        try:
            self.port.write(data)
        except (self.serial_error, OSError) as exc:
            log.debug("write failed: %s", exc)
            raise LinkLost("board unplugged") from exc

    def send(self, msg_type: int, seq: int, payload: bytes = b"") -> None:
        self.write(codec.encode_frame(msg_type, seq, payload))

    def receive(self, timeout_s: float) -> list[tuple[int, int, bytes]]:
        try:
            fd = self.port.fileno()
            readable, _, _ = select.select([fd, self.d._wake_r], [], [], max(timeout_s, 0.0))
            if self.d._wake_r in readable:
                with contextlib.suppress(BlockingIOError):
                    os.read(self.d._wake_r, 4096)
            if fd not in readable:
                return []
            data = self.port.read(4096)
        except (self.serial_error, OSError, ValueError) as exc:
            log.debug("read failed: %s", exc)
            raise LinkLost("board unplugged") from exc
        frames = self.reader.feed(data)
        if frames:  # only good frames prove the board is alive; noise does not
            self.last_rx = time.monotonic()
        return frames

    # --- handshake ------------------------------------------------------------
    def handshake(self) -> None:
        d = self.d
        timeout_s = d.settings.handshake_timeout_ms / 1000
        for _attempt in range(3):
            hello_seq = d._next_seq()
            self.send(messages.HELLO, hello_seq, messages.pack_hello(d._session))
            deadline = time.monotonic() + timeout_s
            while (left := deadline - time.monotonic()) > 0:
                if d._stop.is_set():
                    raise LinkLost("stopping")
                frames = self.receive(left)
                for index, (msg_type, _seq, payload) in enumerate(frames):
                    if msg_type != messages.BOARD_INFO:
                        continue  # from before the hello: stale
                    try:
                        fields = messages.unpack_board_info(payload)
                    except ValueError:
                        continue
                    if fields[0] == hello_seq:
                        self._accept_board_info(fields)
                        for frame in frames[index + 1 :]:  # what the board said right after
                            self._handle(*frame)
                        return
        raise LinkLost("the device does not answer like a Keepsake board")

    def _accept_board_info(self, fields: tuple) -> None:  # type: ignore[type-arg]
        d = self.d
        _, boot_id, version, n_buttons, n_banks, caps, buttons, flags, board_id = fields
        first_contact = d.info is None
        rebooted = d.info is None or d.info.boot_id != boot_id
        d.info = BoardInfo(
            board_id=board_id.hex(),
            boot_id=boot_id,
            firmware_version=version,
            n_buttons=n_buttons,
            n_banks=n_banks,
            has_presence=bool(caps & messages.CAP_PRESENCE),
            safe_state=bool(flags & messages.FLAG_SAFE_STATE),
        )
        d._last_event_seq = None
        with d._lock:
            if rebooted or flags & messages.FLAG_SAFE_STATE:
                # The board lost (or dimmed) what we asked for: send the wanted state afresh.
                d._inflight = None
                d._pending = deque(d._restore_commands())
            # Otherwise the in-flight command is resent with its old sequence number;
            # if the board already applied it, it only acknowledges again.
            if d._inflight is not None:
                d._inflight.tries = 0
                d._inflight.sent_at = 0.0
        self._reconcile(buttons, bool(flags & messages.FLAG_PRESENT))
        log.info(
            "board %s firmware %s, %d buttons, %d light banks%s",
            d.info.board_id,
            ".".join(map(str, version)),
            n_buttons,
            n_banks,
            " (restarted)" if rebooted and not first_contact else "",
        )

    def _reconcile(self, held_mask: int, present: bool) -> None:
        """Events missed while unplugged: make the kiosk's view match the board's inputs now.

        A button the kiosk believed held that is up now gets its ``up``. A button held
        now that the kiosk never saw go down is *not* pressed: it is ignored until it is
        released, so a stuck key or a stray bit of the mask never presses a screen.
        """
        d = self.d
        for button in sorted(d._held):
            if not held_mask & (1 << button):
                d._held.discard(button)
                d._publish(ButtonEvent(button, "up"))
        d._ignored = {b for b in range(16) if held_mask & (1 << b) and b not in d._held} | (
            d._ignored & {b for b in range(16) if held_mask & (1 << b)}
        )
        if present != d._present:
            d._present = present
            d._publish(PresenceEvent(present))

    # --- steady state ---------------------------------------------------------
    def serve(self) -> None:
        d = self.d
        s = d.settings
        self.last_rx = time.monotonic()
        timeout_s = 0.0
        while not d._stop.is_set():
            # Read first: after the thread was kept waiting (a loaded CPU), the ACK that
            # makes a retry needless may already be here.
            for frame in self.receive(timeout_s):
                self._handle(*frame)
            if time.monotonic() - self.last_rx > s.link_timeout_ms / 1000:
                raise LinkLost("the board stopped answering")
            now = time.monotonic()
            if now >= self.next_heartbeat:
                self.send(messages.HEARTBEAT, d._next_seq(), messages.pack_heartbeat(0, 0))
                self.next_heartbeat = now + s.heartbeat_ms / 1000
            self._pump_commands(now)
            deadlines = [self.next_heartbeat, self.last_rx + s.link_timeout_ms / 1000]
            if d._inflight is not None:
                deadlines.append(d._inflight.sent_at + s.ack_timeout_ms / 1000)
            timeout_s = min(deadlines) - time.monotonic()
        raise LinkLost("stopping")

    def _pump_commands(self, now: float) -> None:
        """Stop-and-wait: one command in flight, so the board applies them in order."""
        d = self.d
        s = d.settings
        with d._lock:
            if d._inflight is None and d._pending:
                d._inflight = d._pending.popleft()
                d._inflight.seq = d._next_command_seq()
            command = d._inflight
            if command is None:
                return
            if command.tries and now - command.sent_at < s.ack_timeout_ms / 1000:
                return
            if command.tries >= s.command_max_tries:
                raise LinkLost("the board did not acknowledge a command")
            if command.tries:
                d.stats.commands_retried += 1
            # A try counts once the board has been heard since it was sent: a board that
            # talks but never acknowledges is stuck; a silent one (kept waiting for the CPU,
            # or behind a noisy cable) is for link_timeout_ms to judge.
            if not command.tries or self.last_rx > command.sent_at:
                command.tries += 1
            command.sent_at = now
        self.send(command.msg_type, command.seq, command.payload)

    def _handle(self, msg_type: int, seq: int, payload: bytes) -> None:
        d = self.d
        try:
            if msg_type == messages.ACK:
                acked, result = messages.unpack_ack(payload)
                with d._lock:
                    if d._inflight is not None and d._inflight.seq == acked:
                        d._inflight = None
                        d.stats.commands_acked += 1
                if result != messages.RESULT_OK:
                    log.warning("board refused command %d (result %d)", acked, result)
            elif msg_type == messages.HEARTBEAT:
                _uptime, flags = messages.unpack_heartbeat(payload)
                if flags & messages.FLAG_SAFE_STATE:
                    self._restore_after_safe_state()
            elif msg_type in messages.EVENTS:
                self._on_event(msg_type, seq, payload)
            elif msg_type == messages.ERROR:
                code, text = messages.unpack_text(payload)
                if code == messages.ERR_NO_SESSION:
                    raise LinkLost("the board restarted")
                log.warning("board error %d: %s", code, printable(text))
            elif msg_type == messages.LOG:
                level, text = messages.unpack_text(payload)
                level = level if level in (10, 20, 30, 40) else logging.INFO
                log.log(level, "board: %s", printable(text))  # the board's words, one line
        except ValueError as exc:
            log.debug("ignored malformed %s frame: %s", messages.NAMES.get(msg_type, msg_type), exc)

    def _restore_after_safe_state(self) -> None:
        d = self.d
        with d._lock:
            if d._inflight is None and not d._pending:
                d._pending.extend(d._restore_commands())

    def _on_event(self, msg_type: int, seq: int, payload: bytes) -> None:
        d = self.d
        if msg_type == messages.BUTTON:
            button, kind, held_ms = messages.unpack_button(payload)
            event: ButtonEvent | PresenceEvent = ButtonEvent(
                button,
                messages.BUTTON_KINDS[kind],  # type: ignore[arg-type]
                held_ms,
            )
        else:
            event = PresenceEvent(messages.unpack_presence(payload))
        self.send(messages.ACK, d._next_seq(), messages.pack_ack(seq, messages.RESULT_OK))
        if seq == d._last_event_seq:
            d.stats.duplicate_events += 1
            return
        d._last_event_seq = seq
        if not self._trusted(event):
            d.stats.events_refused += 1
            return
        if isinstance(event, ButtonEvent):
            if event.kind == "down":
                d._held.add(event.button)
            elif event.kind == "up":
                d._held.discard(event.button)
        else:
            d._present = event.present
        d.stats.events_delivered += 1
        d._publish(event)

    def _trusted(self, event: ButtonEvent | PresenceEvent) -> bool:
        """Only buttons the board declared, not held since the handshake, within the rate."""
        d = self.d
        if isinstance(event, ButtonEvent):
            declared = d.info.n_buttons if d.info is not None else 0
            if event.button >= declared:
                log.debug("ignored button %d: the board declared %d", event.button, declared)
                return False
            if event.button in d._ignored:
                if event.kind == "up":
                    d._ignored.discard(event.button)  # released: its next press counts
                return False
        elif d.info is not None and not d.info.has_presence:
            return False
        return d._rate.allow()
