"""Frames on the wire: COBS-encoded, 0x00-delimited, CRC-16 checked.

One implementation for both ends: this module runs unchanged on CPython (the
host driver, the simulator) and on MicroPython (the board). So it uses only
``struct``-free byte operations, no dataclasses and no typing imports.

On the wire each frame is ``0x00 COBS(frame) 0x00``. Frame before COBS (little-endian)::

    version:u8  type:u8  seq:u16  payload:0..MAX_PAYLOAD  crc:u16

``crc`` is CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) over everything
before it. See PROTOCOL.md for the whole protocol.
"""

PROTOCOL_VERSION = 1
MAX_PAYLOAD = 64
HEADER_LEN = 4
CRC_LEN = 2
MAX_FRAME = HEADER_LEN + MAX_PAYLOAD + CRC_LEN
# COBS adds one byte per 254 bytes of data plus one; the 0x00 delimiter is not counted.
MAX_ENCODED = MAX_FRAME + MAX_FRAME // 254 + 1


def _crc_table():
    table = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
        table.append(crc & 0xFFFF)
    return table


_CRC_TABLE = _crc_table()


def crc16_pure(data, crc=0xFFFF):
    """CRC-16/CCITT-FALSE, table-driven; what the board uses (MicroPython has no crc_hqx)."""
    table = _CRC_TABLE
    for byte in data:
        crc = ((crc << 8) & 0xFFFF) ^ table[((crc >> 8) ^ byte) & 0xFF]
    return crc


try:
    from binascii import crc_hqx as _crc_hqx  # CPython: the same CRC, in C
except ImportError:  # MicroPython
    _crc_hqx = None  # type: ignore[assignment]


def crc16(data, crc=0xFFFF):
    """CRC-16/CCITT-FALSE of ``data``; C-accelerated on CPython, identical results everywhere."""
    if _crc_hqx is not None:
        return _crc_hqx(data, crc)
    return crc16_pure(data, crc)


def cobs_encode(data):
    """Consistent Overhead Byte Stuffing: the result holds no 0x00, so 0x00 can end a frame."""
    data = bytes(data)
    out = bytearray()
    start = 0
    end = len(data)
    while True:
        zero = data.find(b"\x00", start)
        stop = end if zero < 0 else zero
        # Blocks of at most 254 data bytes; a full block (code 0xFF) implies no zero after it.
        while stop - start >= 254:
            out.append(0xFF)
            out.extend(data[start : start + 254])
            start += 254
        out.append(stop - start + 1)
        out.extend(data[start:stop])
        if zero < 0:
            break
        start = zero + 1
    return bytes(out)


def cobs_decode(data):
    """Inverse of :func:`cobs_encode`; returns None for input that no encoder could produce."""
    data = bytes(data)
    out = bytearray()
    index = 0
    end = len(data)
    while index < end:
        code = data[index]
        if code == 0:
            return None
        block_end = index + code
        if block_end > end:
            return None
        block = data[index + 1 : block_end]
        if b"\x00" in block:
            return None
        out.extend(block)
        index = block_end
        if code != 0xFF and index < end:
            out.append(0)
    return bytes(out)


def encode_frame(msg_type, seq, payload=b""):
    """Build one wire frame for a message: 0x00, COBS bytes, 0x00.

    The leading delimiter costs one byte and buys a lot: noise or a half frame
    that arrived before this frame ends there instead of swallowing it.
    """
    if len(payload) > MAX_PAYLOAD:
        raise ValueError("payload too long")
    body = bytes((PROTOCOL_VERSION, msg_type & 0xFF, seq & 0xFF, (seq >> 8) & 0xFF)) + payload
    crc = crc16(body)
    return b"\x00" + cobs_encode(body + bytes((crc & 0xFF, crc >> 8))) + b"\x00"


class FrameReader:
    """Turns a byte stream into (type, seq, payload) tuples; bad bytes cost only their own frame.

    Counters tell how much was thrown away and why, so the monitor can show a
    noisy cable. A frame longer than MAX_ENCODED is skipped up to the next
    delimiter without buffering it, so a flood of garbage uses bounded memory.
    """

    def __init__(self):
        self._buf = bytearray()
        self._skipping = False
        self.frames_ok = 0
        self.crc_errors = 0
        self.cobs_errors = 0
        self.oversized = 0
        self.bad_version = 0
        self.short = 0

    @property
    def dropped(self):
        return self.crc_errors + self.cobs_errors + self.oversized + self.bad_version + self.short

    def feed(self, data):
        """Consume bytes; return the list of good frames completed by them."""
        data = bytes(data)
        frames = []
        start = 0
        end = len(data)
        while start < end:
            zero = data.find(b"\x00", start)
            stop = end if zero < 0 else zero
            if not self._skipping:
                if len(self._buf) + (stop - start) > MAX_ENCODED:
                    self._skipping = True
                    self._buf = bytearray()
                else:
                    self._buf.extend(data[start:stop])
            if zero < 0:
                break
            start = zero + 1
            if self._skipping:
                self._skipping = False
                self.oversized += 1
                continue
            if self._buf:
                frame = self._parse(bytes(self._buf))
                self._buf = bytearray()
                if frame is not None:
                    frames.append(frame)
        return frames

    def _parse(self, encoded):
        body = cobs_decode(encoded)
        if body is None:
            self.cobs_errors += 1
            return None
        if len(body) < HEADER_LEN + CRC_LEN:
            self.short += 1
            return None
        crc = body[-2] | (body[-1] << 8)
        if crc16(body[:-CRC_LEN]) != crc:
            self.crc_errors += 1
            return None
        if body[0] != PROTOCOL_VERSION:
            self.bad_version += 1
            return None
        self.frames_ok += 1
        return (body[1], body[2] | (body[3] << 8), bytes(body[HEADER_LEN:-CRC_LEN]))
