"""Analysis and rendering in a separate process, so the touchscreen never freezes.

The UI process sends jobs on a queue and polls for messages from its Kivy
clock; the worker process (multiprocessing "spawn", so no Kivy or GL state is
inherited) loads the models once and answers with progress, a result, or a
failure. Cancel is a shared Event the engine checks between frames. If the
worker dies (out of memory, a crash in native code) the client reports the
running job as failed and starts a fresh worker.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import multiprocessing as mp
import os
import queue
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("keepsake.kiosk.worker")

WORKER_NICENESS = 10


@dataclass(frozen=True)
class Job:
    job_id: int
    kind: str  # "faces", "render", "live", "loop", "caption", "film" or "doctor"
    payload: dict[str, Any]


@dataclass(frozen=True)
class Progress:
    job_id: int
    fraction: float


@dataclass(frozen=True)
class Done:
    job_id: int
    result: Any


@dataclass(frozen=True)
class Failed:
    job_id: int
    message: str  # for people; "" when the failure was unexpected (details are in the log)
    cancelled: bool = False
    expected: bool = False


Message = Progress | Done | Failed


def serve(jobs: Any, results: Any, cancel: Any, config: dict[str, Any]) -> None:
    """The worker process: answer jobs until a ``None`` arrives."""
    _below_the_ui()  # first: the threads that imports start (OpenBLAS's) inherit it
    from engine_edge.render_process import prepare_render_process

    prepare_render_process()  # before the engine's imports and threads
    from engine_edge.errors import KeepsakeError
    from engine_edge.logs import configure_logging
    from kiosk.adapters.engine import EngineRunner

    configure_logging(False)
    runner = EngineRunner(config)
    handlers: dict[str, Callable[..., Any]] = {
        "faces": runner.find_faces,
        "render": runner.render,
        "live": runner.live_portrait,
        "loop": runner.tribute_loop,
        "describe": runner.describe,
        "caption": runner.caption_clip,
        "film": runner.tribute_film,
        "doctor": runner.doctor,
    }
    parent = os.getppid()
    while True:
        try:
            job = jobs.get(timeout=1.0)
        except queue.Empty:
            if os.getppid() != parent:  # the kiosk died without saying goodbye: follow it
                return
            continue
        if job is None:
            return

        def progress(fraction: float, job_id: int = job.job_id) -> None:
            results.put(Progress(job_id, float(fraction)))

        try:
            result = handlers[job.kind](**job.payload, progress=progress, cancel=cancel)
            results.put(Done(job.job_id, result))
        except KeepsakeError as exc:
            results.put(Failed(job.job_id, str(exc), cancelled=cancel.is_set(), expected=True))
        except Exception:
            log.error("worker job %s failed:\n%s", job.kind, traceback.format_exc())
            results.put(Failed(job.job_id, "", cancelled=cancel.is_set()))


def _below_the_ui() -> None:
    """On a 2-core box the touchscreen must win every time: the worker only gets the CPU
    the UI leaves (SCHED_IDLE on Linux; a high nice value elsewhere).

    Linux schedules threads, not processes: the policy is set on every thread there is
    (one that an import started before would otherwise stay a normal thread, as
    OpenBLAS's did), and threads started later (OpenVINO's, x264's, OpenCV's) inherit it
    from the thread that starts them."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        os.nice(WORKER_NICENESS)
        return
    for thread_id in _thread_ids():
        with contextlib.suppress(OSError):  # a thread that ended meanwhile
            os.sched_setscheduler(thread_id, os.SCHED_IDLE, os.sched_param(0))


def _thread_ids() -> list[int]:
    """This process's threads (Linux: /proc/self/task)."""
    try:
        return [int(name) for name in os.listdir("/proc/self/task")]
    except OSError:
        return []


class EngineWorker:
    """The UI side: submit jobs, poll messages, cancel, and survive a worker crash."""

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = config
        self._ctx = mp.get_context("spawn")
        self._ids = itertools.count(1)
        self._pending: set[int] = set()
        self._process: Any = None
        self.started_at = 0.0
        self.restarts = 0

    def start(self) -> None:
        self._jobs = self._ctx.Queue()
        self._results = self._ctx.Queue()
        self._cancel = self._ctx.Event()
        self._process = self._ctx.Process(
            target=serve,
            args=(self._jobs, self._results, self._cancel, self._config),
            name="keepsake-render",
            daemon=True,
        )
        self._process.start()
        self.started_at = time.monotonic()

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def submit(self, kind: str, **payload: Any) -> int:
        if not self.alive:
            self.start()
        job_id = next(self._ids)
        self._cancel.clear()
        self._pending.add(job_id)
        self._jobs.put(Job(job_id, kind, payload))
        return job_id

    def cancel(self) -> None:
        self._cancel.set()

    def poll(self) -> list[Message]:
        """Every message waiting now; never blocks. A dead worker fails its jobs and restarts."""
        messages: list[Message] = []
        while True:
            try:
                message = self._results.get_nowait()
            except (queue.Empty, OSError, ValueError, EOFError):
                break
            if isinstance(message, Done | Failed):
                self._pending.discard(message.job_id)
            messages.append(message)
        if self._process is not None and not self._process.is_alive() and self._pending:
            log.error(
                "the render worker stopped (exit code %s); restarting it", self._process.exitcode
            )
            messages.extend(Failed(job_id, "") for job_id in sorted(self._pending))
            self._pending.clear()
            self.restarts += 1
            self.start()
        return messages

    def forget(self, job_id: int) -> None:
        """Stop caring about a job (the guest left); its late answer is dropped by the caller."""
        self._pending.discard(job_id)

    def kill(self) -> None:
        """End the worker abruptly (diagnostics and fault tests): what an OOM kill looks like."""
        if self._process is not None:
            self._process.kill()
            self._process.join(5)

    def stop(self) -> None:
        if self._process is None:
            return
        try:
            self._jobs.put(None)
            self._process.join(3)
        finally:
            if self._process.is_alive():
                self._process.terminate()
                self._process.join(2)
            self._process = None
