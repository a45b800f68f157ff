"""What the moving-picture players need from the kiosk, as narrow Protocols.

Players take these in their constructors and import nothing from the app,
the screens or the control hook: the kiosk (or a test) hands in any object
with these attributes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import numpy as np


class TributeSource(Protocol):
    """Today's kept portraits and their files (kiosk.adapters.store.StoreLink)."""

    def tribute(self) -> list[Any]: ...

    def clip(self, item_id: str) -> bytes: ...

    def photo(self, item_id: str) -> np.ndarray: ...


class TributeWorker(Protocol):
    """The render worker (kiosk.worker.EngineWorker): a running job can be stopped."""

    def cancel(self) -> None: ...


class TributeServices(Protocol):
    @property
    def store(self) -> TributeSource: ...

    @property
    def worker(self) -> TributeWorker: ...


class TributeSettings(Protocol):
    @property
    def tribute_item_s(self) -> float: ...

    @property
    def live_tribute(self) -> bool: ...

    @property
    def tribute_loops(self) -> bool: ...

    @property
    def clip_seconds(self) -> float: ...

    @property
    def clip_fps(self) -> int: ...

    @property
    def volume(self) -> float: ...

    @property
    def tribute_sound(self) -> bool: ...


class TributeHost(Protocol):
    """The kiosk as the tribute wall sees it: its store, its settings, its frame rate for
    live portraits, and the render worker (submit a job, forget one)."""

    @property
    def services(self) -> TributeServices: ...

    @property
    def settings(self) -> TributeSettings: ...

    @property
    def live_fps(self) -> float: ...

    def submit(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        on_done: Callable[[Any], None],
        on_failed: Callable[[Any], None],
    ) -> int: ...

    def forget_job(self, job_id: int | None) -> None: ...
