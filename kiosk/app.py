"""The Kivy application: wires the flow, the screens and the services together.

It satisfies :class:`kiosk.context.KioskContext`, the narrow view every screen
gets; screens never import this module (``lint-imports`` checks it).

The flow (kiosk.flow) decides which screen shows; this module listens to it,
keeps the idle timeout, drains the render worker and the button board from
the Kivy clock, pings systemd's watchdog, runs the scheduled wipe, and turns
any unexpected error into the gentle failsafe screen — never a stack trace,
never a desktop.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from kivy.app import App
from kivy.base import ExceptionHandler, ExceptionManager
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.screenmanager import FadeTransition, NoTransition, ScreenManager

from kiosk import theme
from kiosk.flow import BOARD_SCREENS, KioskFlow
from kiosk.gl_renderer import is_software
from kiosk.idle import idle_state
from kiosk.overlay import StillThereOverlay
from kiosk.screens import all_screens
from kiosk.screens.base import KioskScreen
from kiosk.services import Services
from kiosk.session import Session
from kiosk.settings import KioskSettings
from kiosk.strings import Strings
from kiosk.widgets import find_action
from kiosk.worker import Done, Failed, Progress

log = logging.getLogger("keepsake.kiosk")

# Exit status that tells the systemd unit "staff left to a shell on purpose: do not restart".
SHELL_EXIT_CODE = 10


class _Failsafe(ExceptionHandler):
    """Kivy calls this for any exception escaping a callback: log it and go to the failsafe."""

    def __init__(self, app: KioskApp) -> None:
        self.app = app

    def handle_exception(self, inst: BaseException) -> int:
        if isinstance(inst, KeyboardInterrupt | SystemExit):
            return ExceptionManager.RAISE
        self.app.failsafe(inst)
        return ExceptionManager.PASS


class KioskApp(App):
    title = "Keepsake"

    def __init__(self, settings: KioskSettings, services: Services, **kw: Any) -> None:
        super().__init__(**kw)
        self.settings = settings
        self.services = services
        self.text = Strings(settings.language)
        self.session = Session()
        self.metrics = theme.metrics_for(Window.width, settings.screen_width_mm, _system_dpi())
        self.flow = KioskFlow(wants_voice=lambda: self.session.wants_voice())
        self.failsafe_message = ""
        self.last_input_s = time.monotonic()
        self._jobs: dict[
            int, tuple[Callable[..., Any] | None, Callable[..., Any], Callable[..., Any]]
        ] = {}
        self.screens: dict[str, KioskScreen] = {}
        self.frame_times_ms: list[float] = []
        self.exit_code = 0

    # -- build & run --
    def build(self) -> ScreenManager:
        Window.clearcolor = theme.BACKGROUND
        self.gl_renderer = _gl_renderer()
        # Software GL (kiosk.gl_renderer): live portraits run at [kiosk] software_gl_fps there.
        software = is_software(self.gl_renderer)
        self.live_fps = (
            min(self.settings.live_fps, self.settings.software_gl_fps)
            if software
            else self.settings.live_fps
        )
        log.info("GL renderer %s: live portraits at %.0f fps", self.gl_renderer, self.live_fps)
        # PyAV takes a quarter of a second to import: pay it now, not in the first frame of a
        # guest's first Preview (the clip player imports it on demand).
        importlib.import_module("av")
        # A cross-fade draws both screens into offscreen buffers every frame: on software GL
        # that is three full-screen fills per frame, the slowest frames of a screen change.
        # Its buffers are cleared to the background, which the Attract screen does not draw.
        self.manager = ScreenManager(
            transition=NoTransition()
            if software
            else FadeTransition(duration=0.2, clearcolor=theme.BACKGROUND)
        )
        for cls in all_screens():
            screen = cls(self)
            self.screens[screen.state_id] = screen
            self.manager.add_widget(screen)
        self.flow.add_listener(self)
        self.still_there_overlay = StillThereOverlay(self.metrics, self.text, self.still_there)
        ExceptionManager.add_handler(_Failsafe(self))
        Window.bind(on_touch_down=self._touched, on_key_down=self._key_down)
        Window.bind(on_textinput=self._text_input)
        self.services.start()
        Clock.schedule_interval(self._tick, 0.1)
        Clock.schedule_interval(self._frame, 0)
        self.services.ping_watchdog(Clock)
        Clock.schedule_interval(
            self._scheduled_wipe, max(60.0, self.settings.wipe_interval_min * 60)
        )
        Clock.schedule_once(self._first_screen, 0)
        return self.manager

    def _first_screen(self, _dt: float) -> None:
        """Show attract, and say READY after the next frame has drawn it: systemd's watchdog
        counts from READY, and the start-up work that follows build() (the first screen,
        its first frames) would otherwise fall into the first watchdog interval."""
        self._show("attract")
        Clock.schedule_once(
            lambda _dt: self.services.notify("READY=1", "STATUS=Showing the tribute loop"), 0
        )

    def on_stop(self) -> None:
        self.current_screen.leave()
        self.services.stop()

    @property
    def current_screen(self) -> KioskScreen:
        return self.screens[self.flow.screen]

    @property
    def state(self) -> str:
        return self.flow.screen

    def quit_to_shell(self) -> None:
        self.exit_code = SHELL_EXIT_CODE
        self.stop()

    # -- flow --
    def send(self, event: str) -> None:
        """Send an event to the flow; an event not allowed here is ignored (double taps)."""
        if event in {e.id for e in self.flow.allowed_events}:
            self.flow.send(event)
        else:
            log.debug("ignored event %s in %s", event, self.flow.screen)

    def before_transition(self, source: Any, target: Any) -> None:
        self._hide_still_there()
        self.screens[source.id].leave()

    def after_transition(self, event: str, source: Any, target: Any) -> None:
        log.info("flow: %s --%s--> %s", source.id, event, target.id)
        self.last_input_s = time.monotonic()
        if target.id == "attract":
            self.session = Session()
        self._show(target.id)

    def _show(self, state_id: str) -> None:
        self.manager.current = state_id
        self.screens[state_id].enter()
        self.services.notify(f"STATUS=Screen: {state_id}")

    def failsafe(self, error: BaseException, message_key: str = "failsafe.message") -> None:
        """Log an unexpected error in full, tell the guest gently, and start again."""
        log.error(
            "unexpected error on %s:\n%s",
            self.flow.screen,
            "".join(traceback.format_exception(error)),
        )
        self.failsafe_message = self.text(message_key)
        try:
            self.flow.send("fail")
        except Exception:  # the flow itself is broken: rebuild it rather than show a desktop
            log.exception("flow could not reach the failsafe; rebuilding it")
            self.flow = KioskFlow(wants_voice=lambda: self.session.wants_voice())
            self.flow.add_listener(self)
            self._show("attract")

    def fail(self, message: str = "") -> None:
        """A screen's expected failure (a render that could not finish): tell the guest, calmly."""
        self.failsafe_message = message or self.text("failsafe.message")
        self.send("fail")

    def guarded(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Wrap a UI callback so an exception in it ends in the failsafe, not a crash."""

        def call(*args: Any, **kw: Any) -> Any:
            try:
                return fn(*args, **kw)
            except Exception as exc:
                self.failsafe(exc)
                return None

        return call

    # -- worker jobs --
    def submit(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        on_done: Callable[[Any], None],
        on_failed: Callable[[Failed], None],
        on_progress: Callable[[float], None] | None = None,
    ) -> int:
        job_id = self.services.worker.submit(kind, **payload)
        self._jobs[job_id] = (on_progress, on_done, on_failed)
        return job_id

    def forget_job(self, job_id: int | None) -> None:
        if job_id is not None:
            self._jobs.pop(job_id, None)
            self.services.worker.forget(job_id)

    def _drain_worker(self) -> None:
        for message in self.services.worker.poll():
            handlers = self._jobs.get(message.job_id)
            if handlers is None:
                continue
            on_progress, on_done, on_failed = handlers
            if isinstance(message, Progress):
                if on_progress is not None:
                    on_progress(message.fraction)
            elif isinstance(message, Done):
                self._jobs.pop(message.job_id, None)
                on_done(message.result)
            elif isinstance(message, Failed):
                self._jobs.pop(message.job_id, None)
                on_failed(message)

    # -- clock --
    def _frame(self, dt: float) -> None:
        """Time between drawn frames: a frozen UI shows here first (benchmarks, diagnostics)."""
        self.frame_times_ms.append(dt * 1000.0)
        del self.frame_times_ms[:-4000]

    def _tick(self, _dt: float) -> None:
        self._drain_worker()
        for event in self.services.board.events():
            self._board_event(event)
        now = time.monotonic()
        if self.services.board.present:  # standing still in front of the kiosk is being there
            self.last_input_s = now
        self._check_idle(now)

    def _check_idle(self, now: float) -> None:
        """Time out a quiet screen; one holding the guest's work first asks, with a countdown."""
        screen = self.current_screen
        idle = idle_state(
            now - self.last_input_s,
            screen.idle_timeout_s,
            self.settings.still_there_s if screen.holds_guest_work else 0.0,
        )
        if idle.expired:
            log.info("idle on %s: back to the tribute loop", self.flow.screen)
            self.send("timeout")
        elif idle.asking:
            overlay = self.still_there_overlay
            if overlay.parent is not screen:
                self._hide_still_there()
                screen.add_widget(overlay)
                log.info("idle on %s: asking whether the guest is still there", self.flow.screen)
            saved = self.session.kept_item is not None or self.session.saved_to_usb
            overlay.update(idle.left_whole_s, work_saved=saved)
        else:
            self._hide_still_there()

    def still_there(self) -> None:
        """The guest answered "still here" (or touched, or stood in front of the board)."""
        self.last_input_s = time.monotonic()
        self._hide_still_there()

    def _answered_still_there(self) -> bool:
        """A key or board press while "Are you still there?" shows only answers it."""
        if self.still_there_overlay.parent is None:
            return False
        self.still_there()
        return True

    def _hide_still_there(self) -> None:
        overlay = self.still_there_overlay
        if overlay.parent is not None:
            overlay.parent.remove_widget(overlay)

    def _scheduled_wipe(self, _dt: float) -> None:
        def wipe() -> None:
            try:
                self.services.store.wipe_expired()
            except Exception:
                log.exception("scheduled wipe failed")

        threading.Thread(target=wipe, name="keepsake-wipe", daemon=True).start()

    # -- input --
    def _touched(self, _window: Any, _touch: Any) -> bool:
        self.last_input_s = time.monotonic()
        return False

    def _key_down(
        self, _window: Any, key: int, _scancode: int, codepoint: str, modifiers: list[str]
    ) -> bool:
        self.last_input_s = time.monotonic()
        if self._answered_still_there():
            return True
        screen = self.current_screen
        if key in (13, 271):  # Enter, keypad Enter
            if screen.primary_action:
                self.press(screen.primary_action)
            return True
        if key == 27:  # Escape: start over (never "quit" — kiosk)
            if self.flow.screen != "attract":
                self.send("start_over")
            return True
        if key == 8:
            return screen.on_key_text("\b")
        return False

    def _text_input(self, _window: Any, text: str) -> bool:
        self.last_input_s = time.monotonic()
        if self._answered_still_there():
            return True
        return self.current_screen.on_key_text(text)

    def _board_event(self, event: Any) -> None:
        """Board buttons mirror the screen: start/confirm = main action, back = start over.

        A board press never answers consent and never works a staff screen (the PIN's
        Enter): those need a finger on the glass.
        """
        self.last_input_s = time.monotonic()
        if getattr(event, "kind", "") != "down" or self._answered_still_there():
            return
        name = getattr(event, "name", "")
        screen = self.current_screen
        if name == "back":
            if self.flow.screen != "attract":
                self.send("start_over")
        elif self.flow.screen in BOARD_SCREENS and screen.board_may_press and screen.primary_action:
            self.press(screen.primary_action)

    def press(self, action_id: str) -> bool:
        """Press the visible button with this action id, exactly as a tap would."""
        button = find_action(self.current_screen, action_id)
        if button is None or button.disabled:
            return False
        button.trigger_action(duration=0)
        return True


def _gl_renderer() -> str:
    from kivy.graphics.opengl import GL_RENDERER, glGetString

    try:
        return bytes(glGetString(GL_RENDERER)).decode(errors="replace")
    except Exception:  # an exotic GL that will not say: assume a real GPU
        return "unknown"


def _system_dpi() -> float:
    from kivy.metrics import Metrics

    return float(Metrics.dpi)
