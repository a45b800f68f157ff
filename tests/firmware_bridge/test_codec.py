"""The codec: COBS, CRC-16, framing, and what garbage costs (property-based)."""

from __future__ import annotations

import binascii
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from firmware_bridge import codec

PROPERTY = settings(max_examples=150, derandomize=True, deadline=None)

frames_st = st.lists(
    st.tuples(st.integers(0, 255), st.integers(0, 0xFFFF), st.binary(max_size=codec.MAX_PAYLOAD)),
    min_size=1,
    max_size=12,
)


def test_crc_matches_the_published_check_value() -> None:
    # CRC-16/CCITT-FALSE of "123456789" is 0x29B1 (the catalogue's check value).
    assert codec.crc16(b"123456789") == 0x29B1
    assert codec.crc16_pure(b"123456789") == 0x29B1


@PROPERTY
@given(st.binary(max_size=600))
def test_board_crc_equals_host_crc(data: bytes) -> None:
    # The board has no crc_hqx; its table-driven CRC must agree with the C one bit for bit.
    assert codec.crc16_pure(data) == binascii.crc_hqx(data, 0xFFFF)


@PROPERTY
@given(st.binary(max_size=1200))
def test_cobs_round_trip_and_no_zero_bytes(data: bytes) -> None:
    encoded = codec.cobs_encode(data)
    assert 0 not in encoded
    assert len(encoded) <= len(data) + len(data) // 254 + 1
    assert codec.cobs_decode(encoded) == data


def test_cobs_block_boundaries() -> None:
    for n in (253, 254, 255, 508, 509):
        for data in (bytes([7]) * n, bytes([7]) * n + b"\x00", b"\x00" + bytes([7]) * n):
            assert codec.cobs_decode(codec.cobs_encode(data)) == data


def test_cobs_decode_rejects_impossible_input() -> None:
    assert codec.cobs_decode(b"\x05ab") is None  # block runs past the end
    assert codec.cobs_decode(b"\x03a\x00") is None  # zero inside a block


@PROPERTY
@given(frames_st, st.data())
def test_frames_survive_any_chunking(frames: list[tuple[int, int, bytes]], data) -> None:  # type: ignore[no-untyped-def]
    stream = b"".join(codec.encode_frame(*f) for f in frames)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=8)))
    reader = codec.FrameReader()
    received = []
    last = 0
    for cut in [*cuts, len(stream)]:
        received += reader.feed(stream[last:cut])
        last = cut
    assert received == frames
    assert reader.dropped == 0


@PROPERTY
@given(frames_st, st.data())
def test_garbage_between_frames_costs_nothing(frames, data) -> None:  # type: ignore[no-untyped-def]
    """Noise on an idle line, a half frame from before a reset: each frame's leading 0x00
    cuts it off, so every frame still arrives and nothing is invented."""
    stream = bytearray()
    for frame in frames:
        stream += data.draw(st.binary(max_size=40))
        stream += codec.encode_frame(*frame)
    assert codec.FrameReader().feed(bytes(stream)) == frames


@PROPERTY
@given(frames_st, st.data())
def test_garbage_inside_a_frame_costs_only_that_frame(frames, data) -> None:  # type: ignore[no-untyped-def]
    victim = data.draw(st.integers(0, len(frames) - 1))
    encoded = [codec.encode_frame(*f) for f in frames]
    body = encoded[victim]
    cut = data.draw(st.integers(2, len(body) - 2))  # strictly inside the COBS bytes
    garbage = data.draw(st.binary(min_size=1, max_size=40))
    encoded[victim] = body[:cut] + garbage + body[cut:]
    reader = codec.FrameReader()
    received = reader.feed(b"".join(encoded))
    assert received == [f for i, f in enumerate(frames) if i != victim]
    assert reader.dropped >= 1


@PROPERTY
@given(frames_st, st.integers(0, 2**32 - 1))
def test_bit_flips_cost_only_the_flipped_frame(frames, seed: int) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    victim = rng.randrange(len(frames))
    encoded = [bytearray(codec.encode_frame(*f)) for f in frames]
    body = encoded[victim]
    position = rng.randrange(1, len(body) - 1)  # keep the delimiters: a lost 0x00 merges frames
    body[position] ^= 1 << rng.randrange(8)
    if body[position] == 0:  # a flip that makes a new delimiter splits the frame instead
        body[position] = 0x55
    reader = codec.FrameReader()
    received = reader.feed(b"".join(bytes(b) for b in encoded))
    assert received == [f for i, f in enumerate(frames) if i != victim]
    assert reader.dropped >= 1


def test_truncated_frame_costs_only_itself() -> None:
    good = codec.encode_frame(0x10, 7, b"\x01\x00\x00\x00")
    reader = codec.FrameReader()
    assert reader.feed(good[:5]) == []  # cable pulled mid-frame
    assert reader.feed(good) == [(0x10, 7, b"\x01\x00\x00\x00")]
    assert reader.dropped == 1


def test_oversized_frame_is_skipped_in_bounded_memory() -> None:
    reader = codec.FrameReader()
    reader.feed(b"\x41" * 100_000)
    assert len(reader._buf) <= codec.MAX_ENCODED
    frame = codec.encode_frame(0x11, 1, b"\x01")
    assert reader.feed(b"\x00" + frame) == [(0x11, 1, b"\x01")]
    assert reader.oversized == 1


def test_wrong_version_and_short_frames_are_counted_not_raised() -> None:
    reader = codec.FrameReader()
    body = bytes((codec.PROTOCOL_VERSION + 1, 3, 0, 0))
    crc = codec.crc16(body)
    bad_version = codec.cobs_encode(body + bytes((crc & 0xFF, crc >> 8))) + b"\x00"
    short = codec.cobs_encode(b"\x01\x02") + b"\x00"
    assert reader.feed(bad_version + short) == []
    assert (reader.bad_version, reader.short) == (1, 1)


def test_payload_limit_is_enforced_when_encoding() -> None:
    try:
        codec.encode_frame(1, 1, bytes(codec.MAX_PAYLOAD + 1))
    except ValueError:
        return
    raise AssertionError("an oversized payload was encoded")


def test_random_flood_never_raises() -> None:
    rng = random.Random(1234)
    reader = codec.FrameReader()
    for _ in range(200):
        reader.feed(bytes(rng.getrandbits(8) for _ in range(rng.randrange(1, 600))))
    assert reader.frames_ok == 0  # random bytes never pass as a frame (seeded, so repeatable)
    assert reader.dropped > 100
    frame = codec.encode_frame(0x03, 9, b"hello")
    assert reader.feed(b"\x00" + frame) == [(0x03, 9, b"hello")]
