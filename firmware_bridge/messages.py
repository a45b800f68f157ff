"""Message types and payload layouts, shared by the board and the host.

Runs on MicroPython too: payloads are packed with ``struct`` (little-endian)
and decoded into plain tuples; the host turns them into frozen dataclasses
(see ``firmware_bridge.events``). Decoders raise ValueError on a payload of
the wrong size, which both sides answer with an error instead of crashing.
"""

import struct

# Host -> board. Commands are acknowledged (ACK) and retried by the host.
HELLO = 0x01  # host_session:u32                      -> answered by BOARD_INFO, not ACK
SET_LIGHT = 0x20  # bank_mask:u8 level:u16 fade_ms:u16
SET_STATUS = 0x21  # pattern:u8
# Board -> host. Events are acknowledged (ACK) and retried by the board.
BOARD_INFO = 0x02  # see pack_board_info
BUTTON = 0x10  # button:u8 kind:u8 held_ms:u16
PRESENCE = 0x11  # present:u8
# Both ways, never acknowledged.
HEARTBEAT = 0x03  # uptime_ms:u32 flags:u8
ACK = 0x04  # acked_seq:u16 result:u8
ERROR = 0x30  # code:u8 text:utf-8
LOG = 0x31  # level:u8 text:utf-8

NAMES = {
    HELLO: "hello",
    BOARD_INFO: "board_info",
    HEARTBEAT: "heartbeat",
    ACK: "ack",
    BUTTON: "button",
    PRESENCE: "presence",
    SET_LIGHT: "set_light",
    SET_STATUS: "set_status",
    ERROR: "error",
    LOG: "log",
}
COMMANDS = (SET_LIGHT, SET_STATUS)
EVENTS = (BUTTON, PRESENCE)

# ACK results.
RESULT_OK = 0
RESULT_BAD_PAYLOAD = 1
RESULT_UNSUPPORTED = 2

# ERROR codes.
ERR_NO_SESSION = 1  # a command or heartbeat came before HELLO: the host must handshake again
ERR_BAD_PAYLOAD = 2
ERR_INTERNAL = 4

# Button event kinds (index = wire value).
BUTTON_KINDS = ("down", "up", "long")
BUTTON_DOWN = 0
BUTTON_UP = 1
BUTTON_LONG = 2

# Status LED patterns (index = wire value).
STATUS_PATTERNS = ("off", "idle", "busy", "ready", "attention", "error", "offline")

# HEARTBEAT / BOARD_INFO flags.
FLAG_SAFE_STATE = 0x01  # the board gave up on the host and dimmed its lights
FLAG_PRESENT = 0x02

# BOARD_INFO capability bits.
CAP_PRESENCE = 0x01
CAP_STATUS_LED = 0x02
CAP_WATCHDOG = 0x04

LEVEL_MAX = 65535
TEXT_MAX = 48

_BOARD_INFO = "<HIBBBBBBBH8s"


def pack_hello(host_session):
    return struct.pack("<I", host_session)


def unpack_hello(payload):
    _check(payload, 4)
    return struct.unpack("<I", payload)[0]


def pack_board_info(
    hello_seq, boot_id, fw_major, fw_minor, fw_patch, n_buttons, n_banks, caps, buttons, flags, bid
):
    """hello_seq: the HELLO this answers; buttons: bit mask of buttons held right now."""
    return struct.pack(
        _BOARD_INFO,
        hello_seq,
        boot_id,
        fw_major,
        fw_minor,
        fw_patch,
        n_buttons,
        n_banks,
        caps,
        flags,
        buttons,
        bid,
    )


def unpack_board_info(payload):
    """-> (hello_seq, boot_id, (major, minor, patch), n_buttons, n_banks, caps, held, flags, id)."""
    _check(payload, struct.calcsize(_BOARD_INFO))
    f = struct.unpack(_BOARD_INFO, payload)
    return (f[0], f[1], (f[2], f[3], f[4]), f[5], f[6], f[7], f[9], f[8], f[10])


def pack_heartbeat(uptime_ms, flags):
    return struct.pack("<IB", uptime_ms & 0xFFFFFFFF, flags)


def unpack_heartbeat(payload):
    _check(payload, 5)
    return struct.unpack("<IB", payload)


def pack_ack(acked_seq, result):
    return struct.pack("<HB", acked_seq, result)


def unpack_ack(payload):
    _check(payload, 3)
    return struct.unpack("<HB", payload)


def pack_button(button, kind, held_ms):
    return struct.pack("<BBH", button, kind, min(held_ms, 0xFFFF))


def unpack_button(payload):
    _check(payload, 4)
    button, kind, held_ms = struct.unpack("<BBH", payload)
    if kind >= len(BUTTON_KINDS):
        raise ValueError("unknown button event kind")
    return button, kind, held_ms


def pack_presence(present):
    return struct.pack("<B", 1 if present else 0)


def unpack_presence(payload):
    _check(payload, 1)
    return payload[0] != 0


def pack_set_light(bank_mask, level, fade_ms):
    return struct.pack("<BHH", bank_mask, level, fade_ms)


def unpack_set_light(payload):
    _check(payload, 5)
    return struct.unpack("<BHH", payload)


def pack_set_status(pattern):
    return struct.pack("<B", pattern)


def unpack_set_status(payload):
    _check(payload, 1)
    if payload[0] >= len(STATUS_PATTERNS):
        raise ValueError("unknown status pattern")
    return payload[0]


def pack_text(code, text):
    """ERROR and LOG: a code (or level) byte and UTF-8 text cut to TEXT_MAX bytes."""
    data = text.encode("utf-8")[:TEXT_MAX]
    return bytes((code & 0xFF,)) + data


def unpack_text(payload):
    if len(payload) < 1 or len(payload) > 1 + TEXT_MAX:
        raise ValueError("bad text payload")
    return payload[0], bytes(payload[1:]).decode("utf-8", "replace")


def _check(payload, size):
    if len(payload) != size:
        raise ValueError("payload has the wrong size")
