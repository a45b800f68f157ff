"""The board's logic: buttons, lights, presence, status LED and the link to the host.

Plain Python with every piece of hardware behind a tiny HAL, so the very same
code runs on the RP2040 under MicroPython (``firmware/main.py`` binds
machine.Pin/PWM/WDT) and under CPython in the simulator (a fake HAL on a
pseudo-terminal). Hence no dataclasses, typing or f-string tricks here.

The HAL is any object with::

    ticks_ms() -> int            monotonic milliseconds (never wraps)
    read_inputs() -> (int, bool) raw button bit mask (1 = pressed), raw presence
    set_bank(bank, duty_u16)     PWM duty of one LED bank, 0..65535
    set_status_led(duty_u16)     PWM duty of the status LED
    feed_watchdog()
    read_serial() -> bytes       whatever arrived, b"" when nothing (never blocks)
    write_serial(data)           best effort: drops data when nobody listens
    board_id() -> bytes          8 bytes, unique per board
    random_u32() -> int          for the boot id
"""

try:
    from firmware_bridge import codec, messages
except ImportError:  # pragma: no cover - MicroPython with the modules at the root
    import codec  # type: ignore[no-redef]
    import messages  # type: ignore[no-redef]

FIRMWARE_VERSION = (1, 0, 0)


class BoardConfig:
    """Timing and layout of the board; defaults are what the shipped firmware uses."""

    n_buttons = 3
    n_banks = 4
    has_presence = True
    button_confirm_ms = 5  # a level must hold this long to count (rejects contact bounce)
    long_press_ms = 800
    presence_confirm_ms = 50
    heartbeat_ms = 250
    host_timeout_ms = 2000  # host silent this long -> safe state
    safe_level = 6554  # ~10 % brightness: the box is never dark, never glaring
    safe_fade_ms = 1000
    event_retry_ms = 50
    event_max_tries = 8
    outbox_max = 16
    applied_log_max = 32  # recent commands kept in BoardLogic.applied (RAM is scarce)

    def __init__(self, **overrides):
        for key in overrides:
            if not hasattr(BoardConfig, key):
                raise ValueError("unknown board setting " + key)
            setattr(self, key, overrides[key])


class Debouncer:
    """Accepts a new level only after the raw input held it for ``confirm_ms``."""

    def __init__(self, confirm_ms, level=False):
        self.confirm_ms = confirm_ms
        self.level = level
        self._candidate_since = None

    def update(self, raw, now_ms):
        """Feed one sample; True when the accepted level changed."""
        if raw == self.level:
            self._candidate_since = None
            return False
        if self._candidate_since is None:
            self._candidate_since = now_ms
        if now_ms - self._candidate_since >= self.confirm_ms:
            self.level = raw
            self._candidate_since = None
            return True
        return False


class Fader:
    """Linear fade of one LED bank between perceptual levels (0..65535)."""

    def __init__(self, level=0):
        self.level = level
        self._start_level = level
        self._target = level
        self._start_ms = 0
        self._duration_ms = 0

    def fade_to(self, target, duration_ms, now_ms):
        self._start_level = self.level
        self._target = target
        self._start_ms = now_ms
        self._duration_ms = duration_ms

    @property
    def target(self):
        return self._target

    def update(self, now_ms):
        elapsed = now_ms - self._start_ms
        if self._duration_ms <= 0 or elapsed >= self._duration_ms:
            self.level = self._target
        else:
            span = self._target - self._start_level
            self.level = self._start_level + span * elapsed // self._duration_ms
        return self.level


def perceptual_to_duty(level):
    """Gamma 2: equal brightness steps look equal to the eye.

    ~level²/65536 with intermediates below 2**30, so MicroPython stays in small
    ints (no heap allocation) in a loop that runs a thousand times a second.
    """
    if level >= messages.LEVEL_MAX:
        return messages.LEVEL_MAX
    return (level * (level >> 4)) >> 12


# Status patterns as (duty level, duration_ms) steps, repeated; "idle" breathes instead.
_STATUS_STEPS = {
    "off": ((0, 1000),),
    "busy": ((65535, 100), (0, 100)),
    "ready": ((65535, 1000),),
    "attention": ((65535, 400), (0, 400)),
    "error": ((65535, 100), (0, 100), (65535, 100), (0, 700)),
    "offline": ((65535, 50), (0, 1950)),
}
_BREATHE_MS = 3000


def status_level(pattern, t_ms):
    """Status LED duty for a pattern name at time ``t_ms`` since the pattern started."""
    if pattern == "idle":
        phase = t_ms % _BREATHE_MS
        half = _BREATHE_MS // 2
        ramp = phase if phase < half else _BREATHE_MS - phase
        return perceptual_to_duty(65535 * ramp // half)
    steps = _STATUS_STEPS[pattern]
    period = 0
    for step in steps:
        period += step[1]
    t = t_ms % period
    for level, duration in steps:
        if t < duration:
            return level
        t -= duration
    return 0


class BoardLogic:
    """Everything the board does, one ``tick()`` at a time (call it every millisecond or so)."""

    def __init__(self, hal, config=None, boot_note=None):
        """boot_note: why the board last started (e.g. "reset by the watchdog"), or None;
        told to every host that connects, as a LOG line."""
        self.hal = hal
        self.config = config or BoardConfig()
        self.boot_note = boot_note
        cfg = self.config
        now = hal.ticks_ms()
        self.boot_id = hal.random_u32() & 0xFFFFFFFF
        self.reader = codec.FrameReader()
        self.buttons = [Debouncer(cfg.button_confirm_ms) for _ in range(cfg.n_buttons)]
        self._down_since = [0] * cfg.n_buttons
        self._long_sent = [False] * cfg.n_buttons
        self.presence = Debouncer(cfg.presence_confirm_ms)
        self.faders = [Fader() for _ in range(cfg.n_banks)]
        self.status_pattern = "offline"
        self._status_since = now
        self.session = None
        self._last_cmd_seq = None
        self._last_event_seq = None
        self._host_seen_ms = now
        self._next_heartbeat_ms = now
        self.host_alive = False
        self.safe_state = False
        self._seq = 0
        self._outbox = []  # [seq, type, payload, last_sent_ms or None, tries]
        self.applied = []  # (seq, type, args) of the latest commands applied, for tests and logs
        self._enter_safe_state(now)

    # --- the loop -------------------------------------------------------
    def tick(self):
        now = self.hal.ticks_ms()
        data = self.hal.read_serial()
        if data:
            for msg_type, seq, payload in self.reader.feed(data):
                self._handle(msg_type, seq, payload, now)
        raw_buttons, raw_present = self.hal.read_inputs()
        self._update_buttons(raw_buttons, now)
        if self.config.has_presence and self.presence.update(bool(raw_present), now):
            self._queue_event(messages.PRESENCE, messages.pack_presence(self.presence.level))
        if self.host_alive and now - self._host_seen_ms >= self.config.host_timeout_ms:
            self.host_alive = False
            self._enter_safe_state(now)
        if self.session is not None and now >= self._next_heartbeat_ms:
            self._next_heartbeat_ms = now + self.config.heartbeat_ms
            self._send(messages.HEARTBEAT, messages.pack_heartbeat(now, self._flags()))
        self._pump_outbox(now)
        for bank, fader in enumerate(self.faders):
            self.hal.set_bank(bank, perceptual_to_duty(fader.update(now)))
        self.hal.set_status_led(status_level(self.status_pattern, now - self._status_since))
        self.hal.feed_watchdog()

    # --- inputs ---------------------------------------------------------
    def _update_buttons(self, raw_mask, now):
        for index, debouncer in enumerate(self.buttons):
            if debouncer.update(bool(raw_mask & (1 << index)), now):
                if debouncer.level:
                    self._down_since[index] = now
                    self._long_sent[index] = False
                    self._queue_event(messages.BUTTON, messages.pack_button(index, 0, 0))
                else:
                    held = now - self._down_since[index]
                    payload = messages.pack_button(index, messages.BUTTON_UP, held)
                    self._queue_event(messages.BUTTON, payload)
            elif debouncer.level and not self._long_sent[index]:
                held = now - self._down_since[index]
                if held >= self.config.long_press_ms:
                    self._long_sent[index] = True
                    payload = messages.pack_button(index, messages.BUTTON_LONG, held)
                    self._queue_event(messages.BUTTON, payload)

    def held_mask(self):
        mask = 0
        for index, debouncer in enumerate(self.buttons):
            if debouncer.level:
                mask |= 1 << index
        return mask

    # --- link -----------------------------------------------------------
    def _flags(self):
        flags = messages.FLAG_SAFE_STATE if self.safe_state else 0
        if self.presence.level:
            flags |= messages.FLAG_PRESENT
        return flags

    def _next_seq(self):
        self._seq = (self._seq + 1) & 0xFFFF
        return self._seq

    def _send(self, msg_type, payload):
        self.hal.write_serial(codec.encode_frame(msg_type, self._next_seq(), payload))

    def _queue_event(self, msg_type, payload):
        # Events while nobody listens would arrive stale; BOARD_INFO carries the current state.
        if not self.host_alive:
            return
        if len(self._outbox) >= self.config.outbox_max:
            self._outbox.pop(0)
        seq = self._next_seq()
        if seq == self._last_event_seq:
            # The counter came round: the host would take this for a retry of the last event.
            seq = self._next_seq()
        self._last_event_seq = seq
        self._outbox.append([seq, msg_type, payload, None, 0])
        self._pump_outbox(self.hal.ticks_ms())

    def _pump_outbox(self, now):
        """Stop-and-wait: only the oldest event is in flight, so the host sees them in order."""
        if not self._outbox:
            return
        head = self._outbox[0]
        if head[3] is not None and now - head[3] < self.config.event_retry_ms:
            return
        if head[4] >= self.config.event_max_tries:
            self._outbox.pop(0)
            return
        head[3] = now
        head[4] += 1
        self.hal.write_serial(codec.encode_frame(head[1], head[0], head[2]))

    def _handle(self, msg_type, seq, payload, now):
        if msg_type == messages.HELLO:
            self._on_hello(seq, payload, now)
            return
        if msg_type in (messages.ERROR, messages.LOG):
            return
        if self.session is None:
            self._error(messages.ERR_NO_SESSION, "hello first")
            return
        self._host_seen_ms = now
        self.host_alive = True
        if msg_type == messages.HEARTBEAT:
            return
        if msg_type == messages.ACK:
            try:
                acked, _result = messages.unpack_ack(payload)
            except ValueError:
                return
            if self._outbox and self._outbox[0][0] == acked:
                self._outbox.pop(0)
                self._pump_outbox(now)
            return
        if msg_type in messages.COMMANDS:
            self._on_command(msg_type, seq, payload, now)
            return
        # A newer host's command this firmware does not know: refuse it, so the host
        # stops retrying instead of taking the silence for a dead link.
        self._send(messages.ACK, messages.pack_ack(seq, messages.RESULT_UNSUPPORTED))

    def _on_hello(self, seq, payload, now):
        try:
            host_session = messages.unpack_hello(payload)
        except ValueError:
            self._error(messages.ERR_BAD_PAYLOAD, "bad hello")
            return
        if host_session != self.session:
            # A new host process: forget the previous one's sequence numbers.
            self._last_cmd_seq = None
        self.session = host_session
        self.host_alive = True
        self._outbox = []
        self._host_seen_ms = now
        self._next_heartbeat_ms = now + self.config.heartbeat_ms
        cfg = self.config
        caps = messages.CAP_STATUS_LED | messages.CAP_WATCHDOG
        if cfg.has_presence:
            caps |= messages.CAP_PRESENCE
        info = messages.pack_board_info(
            seq,
            self.boot_id,
            FIRMWARE_VERSION[0],
            FIRMWARE_VERSION[1],
            FIRMWARE_VERSION[2],
            cfg.n_buttons,
            cfg.n_banks,
            caps,
            self.held_mask(),
            self._flags(),
            self.hal.board_id(),
        )
        self._send(messages.BOARD_INFO, info)
        if self.boot_note:
            self._send(messages.LOG, messages.pack_text(30, self.boot_note))

    def _on_command(self, msg_type, seq, payload, now):
        if seq == self._last_cmd_seq:
            # The host retried because our ACK was lost: acknowledge again, apply nothing.
            self._send(messages.ACK, messages.pack_ack(seq, messages.RESULT_OK))
            return
        self._last_cmd_seq = seq
        try:
            if msg_type == messages.SET_LIGHT:
                args = messages.unpack_set_light(payload)
                self._set_light(args[0], args[1], args[2], now)
            else:
                args = (messages.STATUS_PATTERNS[messages.unpack_set_status(payload)],)
                self._set_status(args[0], now)
        except ValueError:
            self._send(messages.ACK, messages.pack_ack(seq, messages.RESULT_BAD_PAYLOAD))
            return
        self.safe_state = False
        self.applied.append((seq, msg_type, args))
        if len(self.applied) > self.config.applied_log_max:
            self.applied.pop(0)
        self._send(messages.ACK, messages.pack_ack(seq, messages.RESULT_OK))

    def _error(self, code, text):
        self._send(messages.ERROR, messages.pack_text(code, text))

    def report_crash(self, text):
        """Last words before the watchdog resets the board: the host logs them."""
        self._error(messages.ERR_INTERNAL, text)

    # --- outputs --------------------------------------------------------
    def _set_light(self, bank_mask, level, fade_ms, now):
        for bank, fader in enumerate(self.faders):
            if bank_mask & (1 << bank):
                fader.fade_to(level, fade_ms, now)

    def _set_status(self, pattern, now):
        if pattern != self.status_pattern:
            self.status_pattern = pattern
            self._status_since = now

    def _enter_safe_state(self, now):
        """Host gone: dim default light so the box is never dark, 'offline' blip on the status LED.

        The flag stays up (in HEARTBEAT and BOARD_INFO) until the host sends a
        command, which tells a returning host to restore its lights.
        """
        self.safe_state = True
        self._outbox = []
        all_banks = (1 << self.config.n_banks) - 1
        self._set_light(all_banks, self.config.safe_level, self.config.safe_fade_ms, now)
        self._set_status("offline", now)
