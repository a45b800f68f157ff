"""Benchmark the board link: codec frames/s and event latency, each against a baseline.

    .venv/bin/python benchmarks/bridge.py [--presses 200]

1. Codec: frames/s to encode and to decode (COBS + CRC-16, FrameReader) on the
   host, and with the board's pure-Python CRC; baseline: newline-delimited
   text lines split with bytes.split (what ad-hoc serial protocols do).
2. Through a pty with pyserial: frames/s with the codec vs the same bytes
   written and read raw (no framing, no checks).
3. Latency: button press in the simulator -> host callback, p50/p95/p99;
   set_light -> applied on the board -> ACK back; baseline: one raw byte from
   the board's side of the pty to a pyserial reader waiting in select.
"""

from __future__ import annotations

import argparse
import os
import queue
import select
import statistics
import sys
import threading
import time
import tty
from collections.abc import Callable

from firmware_bridge import codec, messages
from firmware_bridge.board import BoardConfig
from firmware_bridge.events import ButtonEvent
from firmware_bridge.host import BoardDriver
from firmware_bridge.settings import BridgeSettings
from firmware_bridge.simulator import Simulator


def rate(fn: Callable[[], int], repeats: int = 5) -> float:
    """Median items/s over ``repeats`` runs of ``fn`` (which returns how many items it did)."""
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        n = fn()
        rates.append(n / (time.perf_counter() - start))
    return statistics.median(rates)


def percentiles(samples_ms: list[float]) -> str:
    q = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return f"p50 {q[49]:6.2f}  p95 {q[94]:6.2f}  p99 {q[98]:6.2f} ms"


def bench_codec() -> None:
    n = 20_000
    light = messages.pack_set_light(0b1111, 40000, 250)
    big = bytes(range(1, 65))
    light_stream = b"".join(codec.encode_frame(messages.SET_LIGHT, i, light) for i in range(n))
    big_stream = b"".join(codec.encode_frame(messages.LOG, i, big) for i in range(n))
    text_stream = b"".join(b"L %d 15 40000 250\n" % i for i in range(n))

    def encode() -> int:
        for i in range(n):
            codec.encode_frame(messages.SET_LIGHT, i, light)
        return n

    def decode(stream: bytes) -> Callable[[], int]:
        return lambda: len(codec.FrameReader().feed(stream))

    def text_lines() -> int:
        return len([line.split() for line in text_stream.split(b"\n") if line])

    def board_crc() -> int:
        for i in range(n // 10):
            codec.crc16_pure(light_stream[i * 14 : i * 14 + 11])
        return n // 10

    base = rate(text_lines)
    print("codec (frames/s, median of 5; baseline = text lines split with bytes.split)")
    print(f"  baseline text lines          {base:12,.0f}")
    for name, fn in (
        ("encode set_light (5 B)", encode),
        ("decode set_light (5 B)", decode(light_stream)),
        ("decode log (64 B payload)", decode(big_stream)),
        ("board's pure-Python CRC only", board_crc),
    ):
        r = rate(fn)
        print(f"  {name:28} {r:12,.0f}   x{r / base:.2f} of baseline")
    wire = len(light_stream) / n
    print(f"  wire size of set_light: {wire:.0f} B (text line {len(text_stream) / n:.0f} B)")


def bench_pty_throughput() -> None:
    import serial

    n = 5000
    stream = b"".join(
        codec.encode_frame(messages.SET_LIGHT, i, messages.pack_set_light(15, i, 0))
        for i in range(n)
    )
    master, slave = os.openpty()
    tty.setraw(slave)
    port = serial.Serial(os.ttyname(slave), timeout=1)
    try:

        def pump(decode: bool) -> int:
            reader = codec.FrameReader()
            got = 0
            received = 0

            def writer() -> None:
                view = memoryview(stream)
                while view:
                    select.select([], [master], [])
                    view = view[os.write(master, view[:4096]) :]

            thread = threading.Thread(target=writer)
            thread.start()
            while received < len(stream):
                data = port.read(max(1, port.in_waiting))
                received += len(data)
                if decode:
                    got += len(reader.feed(data))
            thread.join()
            return got if decode else n

        raw = rate(lambda: pump(False), repeats=3)
        framed = rate(lambda: pump(True), repeats=3)
    finally:
        port.close()
        os.close(master)
        os.close(slave)
    print("pty + pyserial (frames/s; baseline = the same bytes read raw, no codec)")
    print(f"  raw bytes, no codec          {raw:12,.0f}")
    print(f"  decoded frames               {framed:12,.0f}   x{framed / raw:.2f} of raw")


def bench_latency(presses: int) -> None:
    import serial

    # Baseline: one raw byte from the board's side of a pty to a pyserial reader thread
    # blocked in select, as the driver's thread is (no codec, no board logic).
    master, slave = os.openpty()
    tty.setraw(slave)
    port = serial.Serial(os.ttyname(slave), timeout=0)
    raw_arrivals: queue.Queue[float] = queue.Queue()
    stop = threading.Event()

    def raw_reader() -> None:
        while not stop.is_set():
            if select.select([port.fileno()], [], [], 0.05)[0] and port.read(64):
                raw_arrivals.put(time.perf_counter())

    reader = threading.Thread(target=raw_reader)
    reader.start()
    raw_ms = []
    try:
        for _ in range(presses):
            start = time.perf_counter()
            os.write(master, b"\x01")
            raw_ms.append((raw_arrivals.get(timeout=1) - start) * 1000)
            time.sleep(0.002)
    finally:
        stop.set()
        reader.join()
        port.close()
        os.close(master)
        os.close(slave)

    arrivals: queue.Queue[float] = queue.Queue()

    def on_event(event: object) -> None:
        if isinstance(event, ButtonEvent) and event.kind == "down":
            arrivals.put(time.perf_counter())

    press_ms, command_ms = [], []
    with Simulator(BoardConfig()) as sim:
        driver = BoardDriver(sim.port, BridgeSettings(), on_event=on_event)
        driver.start()
        try:
            deadline = time.monotonic() + 5
            while driver.state != "ready" and time.monotonic() < deadline:
                time.sleep(0.01)
            for i in range(presses):
                start = time.perf_counter()
                sim.press(0)
                press_ms.append((arrivals.get(timeout=2) - start) * 1000)
                sim.release(0)
                time.sleep(0.02)
                acked = driver.stats.commands_acked
                start = time.perf_counter()
                driver.set_light(0b1, (i % 2) * 1.0)
                while driver.stats.commands_acked == acked:
                    time.sleep(0.0002)
                command_ms.append((time.perf_counter() - start) * 1000)
        finally:
            driver.stop()
    print(f"latency over a pty ({presses} samples each)")
    print(f"  baseline: 1 raw byte, thread {percentiles(raw_ms)}")
    print(f"  press -> host callback       {percentiles(press_ms)}  (5 ms is debounce)")
    print(f"  set_light -> applied + ACK   {percentiles(command_ms)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=200)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    bench_codec()
    bench_pty_throughput()
    bench_latency(args.presses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
