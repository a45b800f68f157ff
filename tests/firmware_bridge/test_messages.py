"""Payload layouts, and that the shared modules stay inside what MicroPython can run."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from firmware_bridge import messages as m

SHARED_WITH_BOARD = ("__init__.py", "codec.py", "messages.py", "board.py")
PACKAGE = Path(m.__file__).parent


def test_every_payload_round_trips() -> None:
    assert m.unpack_hello(m.pack_hello(0xDEADBEEF)) == 0xDEADBEEF
    info = m.pack_board_info(7, 42, 1, 2, 3, 3, 4, 7, 0b101, m.FLAG_PRESENT, b"ABCDEFGH")
    assert m.unpack_board_info(info) == (7, 42, (1, 2, 3), 3, 4, 7, 0b101, 2, b"ABCDEFGH")
    assert m.unpack_heartbeat(m.pack_heartbeat(2**33 + 5, 3)) == (5, 3)
    assert m.unpack_ack(m.pack_ack(65535, m.RESULT_BAD_PAYLOAD)) == (65535, 1)
    assert m.unpack_button(m.pack_button(2, m.BUTTON_LONG, 70_000)) == (2, 2, 0xFFFF)
    assert m.unpack_presence(m.pack_presence(True)) is True
    assert m.unpack_set_light(m.pack_set_light(0b1010, 40000, 250)) == (0b1010, 40000, 250)
    assert m.unpack_set_status(m.pack_set_status(3)) == 3
    code, text = m.unpack_text(m.pack_text(m.ERR_INTERNAL, "é" * 100))
    assert code == m.ERR_INTERNAL and len(text.encode()) <= m.TEXT_MAX


@pytest.mark.parametrize(
    "unpack",
    [
        m.unpack_hello,
        m.unpack_board_info,
        m.unpack_heartbeat,
        m.unpack_ack,
        m.unpack_button,
        m.unpack_presence,
        m.unpack_set_light,
        m.unpack_set_status,
        m.unpack_text,
    ],
)
def test_wrong_sized_payloads_raise_value_error(unpack) -> None:  # type: ignore[no-untyped-def]
    for payload in (b"", bytes(70)):
        with pytest.raises(ValueError):
            unpack(payload)


def test_unknown_enum_values_are_rejected() -> None:
    with pytest.raises(ValueError):
        m.unpack_button(bytes((0, 9, 0, 0)))
    with pytest.raises(ValueError):
        m.unpack_set_status(bytes((len(m.STATUS_PATTERNS),)))


def test_every_type_has_a_name_and_distinct_value() -> None:
    types = [m.HELLO, m.BOARD_INFO, m.HEARTBEAT, m.ACK, m.BUTTON, m.PRESENCE]
    types += [m.SET_LIGHT, m.SET_STATUS, m.ERROR, m.LOG]
    assert len(set(types)) == len(types)
    assert set(m.NAMES) == set(types)


@pytest.mark.parametrize("name", SHARED_WITH_BOARD)
def test_shared_module_stays_micropython_compatible(name: str) -> None:
    """The board runs these files as they are: only modules MicroPython ships (struct; binascii
    with a fallback), no dataclasses or typing, no match statements, no annotations."""
    tree = ast.parse((PACKAGE / name).read_text())
    allowed = {"struct", "binascii", "firmware_bridge", "codec", "messages"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert {a.name.split(".")[0] for a in node.names} <= allowed, ast.dump(node)
        elif isinstance(node, ast.ImportFrom):
            assert (node.module or "").split(".")[0] in allowed, ast.dump(node)
        assert not isinstance(node, (ast.Match, ast.AnnAssign)), name
        if isinstance(node, ast.FunctionDef):
            assert node.returns is None and all(a.annotation is None for a in node.args.args), (
                f"{name}:{node.lineno} annotations cost RAM on the board"
            )
        assert not (isinstance(node, ast.Name) and node.id in {"dataclass", "Protocol"}), name
