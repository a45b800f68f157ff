"""The board's logic on a hand-driven clock: debounce, long press, fades, safe state, dedup."""

from __future__ import annotations

import itertools

from firmware_bridge import codec
from firmware_bridge import messages as m
from firmware_bridge.board import BoardConfig, BoardLogic, perceptual_to_duty, status_level
from firmware_bridge.simulator import FakeHAL


class ClockHAL(FakeHAL):
    """FakeHAL with a clock the test moves and the serial line as two byte buffers."""

    def __init__(self) -> None:
        super().__init__()
        self.now_ms = 0
        self.rx = bytearray()
        self.tx = bytearray()

    def ticks_ms(self) -> int:
        return self.now_ms

    def read_serial(self) -> bytes:
        data, self.rx = bytes(self.rx), bytearray()
        return data

    def write_serial(self, data: bytes) -> None:
        self.tx += data


class Bench:
    def __init__(self, **config: object) -> None:
        self.hal = ClockHAL()
        self.board = BoardLogic(self.hal, BoardConfig(**config))
        self.host_reader = codec.FrameReader()
        self.seq = 100
        self.seen: set[int] = set()

    def run(self, ms: int) -> None:
        for _ in range(ms):
            self.hal.now_ms += 1
            self.board.tick()

    def send(self, msg_type: int, payload: bytes = b"", seq: int | None = None) -> int:
        if seq is None:
            self.seq += 1
            seq = self.seq
        self.hal.rx += codec.encode_frame(msg_type, seq, payload)
        return seq

    def received(self) -> list[tuple[int, int, bytes]]:
        frames = self.host_reader.feed(bytes(self.hal.tx))
        self.hal.tx.clear()
        return frames

    def connect(self, session: int = 1) -> None:
        self.send(m.HELLO, m.pack_hello(session))
        self.run(1)
        assert any(t == m.BOARD_INFO for t, _, _ in self.received())

    def buttons(self) -> list[tuple[int, str]]:
        """Button events as the host sees them: acknowledged, retries collapsed by seq."""
        out = []
        for msg_type, seq, payload in self.received():
            if msg_type == m.BUTTON and seq not in self.seen:
                self.seen.add(seq)
                button, kind, _ = m.unpack_button(payload)
                out.append((button, m.BUTTON_KINDS[kind]))
                self.send(m.ACK, m.pack_ack(seq, 0))
        return out


def test_boots_into_safe_state_and_feeds_the_watchdog() -> None:
    bench = Bench()
    bench.run(1200)
    assert bench.board.safe_state
    assert set(bench.hal.bank_duty.values()) == {perceptual_to_duty(BoardConfig.safe_level)}
    assert bench.hal.watchdog_feeds == 1200
    assert bench.received() == []  # silent until a host says hello


def test_commands_before_hello_get_no_session_error() -> None:
    bench = Bench()
    bench.send(m.SET_LIGHT, m.pack_set_light(1, 1000, 0))
    bench.run(1)
    (frame,) = bench.received()
    assert frame[0] == m.ERROR and m.unpack_text(frame[2])[0] == m.ERR_NO_SESSION
    assert bench.board.applied == []


def test_debounce_rejects_bounce_and_reports_a_clean_press_once() -> None:
    bench = Bench(button_confirm_ms=5)
    bench.connect()
    for _ in range(10):  # 2 ms contact chatter, shorter than the confirm time
        bench.hal.buttons_mask ^= 1
        bench.run(2)
    bench.hal.buttons_mask = 0
    bench.run(20)
    assert bench.buttons() == []
    bench.hal.buttons_mask = 0b10
    bench.run(4)
    assert bench.buttons() == []
    bench.run(2)
    assert bench.buttons() == [(1, "down")]
    bench.hal.buttons_mask = 0
    bench.run(10)
    assert bench.buttons() == [(1, "up")]


def test_long_press_comes_once_then_up_reports_the_hold() -> None:
    bench = Bench(long_press_ms=800)
    bench.connect()
    bench.hal.buttons_mask = 1
    bench.run(700)
    assert bench.buttons() == [(0, "down")]
    bench.run(1000)
    assert bench.buttons() == [(0, "long")]
    bench.hal.buttons_mask = 0
    bench.run(10)
    frames = [f for f in bench.received() if f[0] == m.BUTTON]
    assert len(frames) == 1 and m.unpack_button(frames[0][2])[2] >= 1700


def test_unacknowledged_events_are_retried_in_order() -> None:
    bench = Bench(event_retry_ms=50)
    bench.connect()
    bench.hal.buttons_mask = 1
    bench.run(10)
    bench.hal.buttons_mask = 0
    bench.run(10)
    first = [f for f in bench.received() if f[0] == m.BUTTON]
    assert [m.unpack_button(p)[1] for _, _, p in first] == [m.BUTTON_DOWN]  # up waits its turn
    bench.run(60)
    again = [f for f in bench.received() if f[0] == m.BUTTON]
    assert [f[1] for f in again] == [first[0][1]]  # same seq: a retry, not a new event
    assert bench.buttons() == []  # (drained above) now ack the down:
    bench.send(m.ACK, m.pack_ack(first[0][1], 0))
    bench.run(2)
    assert bench.buttons() == [(0, "up")]


def test_fade_is_linear_in_perceptual_level_and_lands_exactly() -> None:
    bench = Bench()
    bench.connect()
    bench.send(m.SET_LIGHT, m.pack_set_light(0b0101, 0, 0))
    bench.run(5)
    bench.send(m.SET_LIGHT, m.pack_set_light(0b0001, 60000, 400))
    bench.run(201)
    half = bench.board.faders[0].level
    assert 28000 < half < 32000
    bench.run(300)
    assert bench.hal.bank_duty[0] == perceptual_to_duty(60000)
    assert bench.hal.bank_duty[2] == 0


def test_duplicate_sequence_number_is_acknowledged_but_not_applied() -> None:
    bench = Bench()
    bench.connect()
    seq = bench.send(m.SET_STATUS, m.pack_set_status(2))
    bench.run(2)
    bench.send(m.SET_STATUS, m.pack_set_status(2), seq=seq)
    bench.run(2)
    acks = [m.unpack_ack(p)[0] for t, _, p in bench.received() if t == m.ACK]
    assert acks == [seq, seq]
    assert [a[0] for a in bench.board.applied] == [seq]


def test_same_host_session_keeps_dedup_new_session_resets_it() -> None:
    bench = Bench()
    bench.connect(session=7)
    seq = bench.send(m.SET_STATUS, m.pack_set_status(3))
    bench.run(2)
    bench.connect(session=7)  # the same host after a cable glitch retries its command
    bench.send(m.SET_STATUS, m.pack_set_status(3), seq=seq)
    bench.run(2)
    assert len(bench.board.applied) == 1
    bench.connect(session=8)  # a restarted host may reuse numbers
    bench.send(m.SET_STATUS, m.pack_set_status(3), seq=seq)
    bench.run(2)
    assert len(bench.board.applied) == 2


def test_bad_payload_is_refused_not_applied() -> None:
    bench = Bench()
    bench.connect()
    seq = bench.send(m.SET_LIGHT, b"\x01\x02")
    future = bench.send(0x7E, b"")  # a command from a newer host
    bench.run(2)
    frames = [(t, p) for t, _, p in bench.received()]
    assert (m.ACK, m.pack_ack(seq, m.RESULT_BAD_PAYLOAD)) in frames
    assert (m.ACK, m.pack_ack(future, m.RESULT_UNSUPPORTED)) in frames
    assert bench.board.applied == []


def test_host_silence_leads_to_safe_state_and_a_command_leaves_it() -> None:
    bench = Bench(host_timeout_ms=2000, safe_fade_ms=100)
    bench.connect()
    bench.send(m.SET_LIGHT, m.pack_set_light(0b1111, 65535, 0))
    bench.send(m.SET_STATUS, m.pack_set_status(m.STATUS_PATTERNS.index("ready")))
    bench.run(1900)
    assert not bench.board.safe_state and bench.hal.bank_duty[3] == 65535
    bench.run(400)  # past the timeout, the safe fade and the next heartbeat
    assert bench.board.safe_state and bench.board.status_pattern == "offline"
    safe_duty = perceptual_to_duty(BoardConfig.safe_level)
    assert all(d == safe_duty for d in bench.hal.bank_duty.values())
    heartbeats = [m.unpack_heartbeat(p) for t, _, p in bench.received() if t == m.HEARTBEAT]
    assert heartbeats[-1][1] & m.FLAG_SAFE_STATE
    bench.send(m.SET_LIGHT, m.pack_set_light(0b1111, 65535, 0))
    bench.run(2)
    assert not bench.board.safe_state and bench.hal.bank_duty[0] == 65535


def test_presence_is_debounced_and_reported() -> None:
    bench = Bench(presence_confirm_ms=50)
    bench.connect()
    bench.hal.present = True
    bench.run(30)
    bench.hal.present = False
    bench.run(30)
    bench.hal.present = True
    bench.run(60)
    frames = [(t, p) for t, _, p in bench.received() if t == m.PRESENCE]
    assert [m.unpack_presence(p) for _, p in frames] == [True]


def test_status_patterns_have_the_documented_shapes() -> None:
    assert [status_level("busy", t) > 0 for t in (0, 150, 200)] == [True, False, True]
    assert status_level("ready", 12345) == 65535
    assert status_level("off", 500) == 0
    assert status_level("idle", 0) == 0 and status_level("idle", 1500) == 65535
    lit = sum(status_level("offline", t) > 0 for t in range(2000))
    assert lit == 50


def test_a_new_event_never_reuses_the_last_events_number() -> None:
    bench = Bench()
    bench.connect()
    bench.hal.buttons_mask = 1
    bench.run(10)
    (down,) = [f for f in bench.received() if f[0] == m.BUTTON]
    bench.send(m.ACK, m.pack_ack(down[1], 0))
    bench.board._seq = (down[1] - 1) & 0xFFFF  # as if the counter had come round
    bench.hal.buttons_mask = 0
    bench.run(10)
    (up,) = [f for f in bench.received() if f[0] == m.BUTTON]
    assert up[1] != down[1]


def test_gamma_is_monotonic_exact_at_the_ends_and_small_int_safe() -> None:
    duties = [perceptual_to_duty(level) for level in range(0, 65536, 7)] + [65535]
    assert duties[0] == 0 and perceptual_to_duty(65535) == 65535
    assert all(a <= b for a, b in itertools.pairwise(duties))
    assert abs(perceptual_to_duty(32768) - 16384) < 64  # half brightness = quarter duty
    assert max(level * (level >> 4) for level in (65534, 65533)) < 2**30


def test_the_applied_log_is_bounded_on_the_board() -> None:
    bench = Bench(applied_log_max=4)
    bench.connect()
    for level in range(10):
        bench.send(m.SET_LIGHT, m.pack_set_light(1, level, 0))
        bench.run(1)
    assert [args[1] for _, _, args in bench.board.applied] == [6, 7, 8, 9]
