"""Reading HTTP request heads without a thread per connection.

A phone on the hotspot, or anything else that joins it, can open hundreds of
connections and send a byte every few seconds. Here one thread reads every
pending connection's request head with a selector; a connection gets a worker
(a small, fixed pool) only once its whole head has arrived, and one that has
not sent it within ``head_deadline_s``, or sends more than ``MAX_HEAD_BYTES``,
is closed. When more than ``max_pending`` connections wait, the oldest goes.
So slow clients cost a socket each, never a thread, and a real request is
still served.
"""

from __future__ import annotations

import contextlib
import queue
import selectors
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_HEAD_BYTES = 8192
HEAD_END = b"\r\n\r\n"


@dataclass
class _Pending:
    sock: socket.socket
    address: tuple[str, int]
    deadline_s: float
    head: bytearray = field(default_factory=bytearray)


class Intake:
    """Collects request heads; hands ``(sock, address, head)`` to ``dispatch`` when complete."""

    def __init__(
        self,
        dispatch: Callable[[socket.socket, tuple[str, int], bytes], None],
        *,
        max_pending: int,
        head_deadline_s: float,
    ) -> None:
        self._dispatch = dispatch
        self._max_pending = max_pending
        self._head_deadline_s = head_deadline_s
        self._selector = selectors.DefaultSelector()
        self._pending: dict[socket.socket, _Pending] = {}  # oldest first
        self._inbox: queue.SimpleQueue[tuple[socket.socket, tuple[str, int]]] = queue.SimpleQueue()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._selector.register(self._wake_r, selectors.EVENT_READ)
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="keepsake-share-intake", daemon=True)
        self._thread.start()

    def add(self, sock: socket.socket, address: tuple[str, int]) -> None:
        self._inbox.put((sock, address))
        with contextlib.suppress(OSError):
            self._wake_w.send(b"\0")

    @property
    def pending(self) -> int:
        return len(self._pending)

    def stop(self) -> None:
        self._stopping = True
        with contextlib.suppress(OSError):
            self._wake_w.send(b"\0")
        self._thread.join(timeout=5.0)
        for pending in list(self._pending.values()):
            self._close(pending.sock)
        self._selector.close()
        self._wake_r.close()
        self._wake_w.close()

    def _run(self) -> None:
        while not self._stopping:
            for key, _ in self._selector.select(timeout=0.25):
                if key.fileobj is self._wake_r:
                    with contextlib.suppress(OSError):
                        self._wake_r.recv(4096)
                else:
                    self._read(self._pending[key.fileobj])  # type: ignore[index]
            self._take_new()
            now_s = time.monotonic()
            for pending in [p for p in self._pending.values() if p.deadline_s <= now_s]:
                self._close(pending.sock)

    def _take_new(self) -> None:
        while True:
            try:
                sock, address = self._inbox.get_nowait()
            except queue.Empty:
                return
            if self._stopping:
                sock.close()
                continue
            while len(self._pending) >= self._max_pending:
                self._close(next(iter(self._pending)))
            sock.setblocking(False)
            self._pending[sock] = _Pending(sock, address, time.monotonic() + self._head_deadline_s)
            self._selector.register(sock, selectors.EVENT_READ)

    def _read(self, pending: _Pending) -> None:
        try:
            chunk = pending.sock.recv(4096)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        pending.head += chunk
        if not chunk or len(pending.head) > MAX_HEAD_BYTES:
            self._close(pending.sock)
            return
        end = pending.head.find(HEAD_END)
        if end < 0:
            return
        self._selector.unregister(pending.sock)
        del self._pending[pending.sock]
        pending.sock.setblocking(True)
        self._dispatch(pending.sock, pending.address, bytes(pending.head[: end + len(HEAD_END)]))

    def _close(self, sock: socket.socket) -> None:
        if self._pending.pop(sock, None) is not None:
            with contextlib.suppress(KeyError, ValueError):
                self._selector.unregister(sock)
        with contextlib.suppress(OSError):
            sock.close()
