"""What a screen, widget or player may ask of the kiosk: a narrow Protocol, not the app.

Screens get a ``KioskContext`` in their constructor and never import
``kiosk.app``: the app satisfies this Protocol, tests pass a small fake, and
mypy rejects a screen that reaches for anything else (``ctx.flow``,
``ctx.manager``). Only ``kiosk.commands`` knows the concrete app. This module
imports nothing from the app, the screens or the test hook.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from kiosk.services import Services
    from kiosk.session import Session
    from kiosk.settings import KioskSettings
    from kiosk.strings import Strings
    from kiosk.theme import Metrics
    from kiosk.worker import Failed


class KioskContext(Protocol):
    settings: KioskSettings
    services: Services
    text: Strings
    metrics: Metrics
    live_fps: float

    @property
    def session(self) -> Session:
        """The guest's work in progress; read it through, it is replaced at Attract."""
        ...

    @property
    def state(self) -> str:
        """The flow's current state (also the name of the screen showing)."""
        ...

    @property
    def failsafe_message(self) -> str:
        """What the failsafe screen tells the guest about the last failure."""
        ...

    def send(self, event: str) -> None:
        """Send a flow event; one not allowed in this state is ignored (double taps)."""
        ...

    def fail(self, message: str = "") -> None:
        """Go to the failsafe screen, telling the guest ``message`` (a gentle default if empty)."""
        ...

    def guarded(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Wrap a UI callback so an exception in it ends in the failsafe, not a crash."""
        ...

    def submit(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        on_done: Callable[[Any], None],
        on_failed: Callable[[Failed], None],
        on_progress: Callable[[float], None] | None = None,
    ) -> int:
        """Run a job on the render worker; the callbacks run on the UI thread."""
        ...

    def forget_job(self, job_id: int | None) -> None:
        """Drop a job's callbacks (the screen left); its result is discarded."""
        ...

    def quit_to_shell(self) -> None:
        """Staff asked to leave the kiosk for the desktop shell."""
        ...
