"""Staff: the box's settings on screen — language, volume, idle timeout, rotation, clock, time
zone, sharing, the PIN, and restart / shut down / leave to shell, each behind a confirmation.

The Settings tab shows one tile per setting with its current value; a tile opens its page,
which takes the whole screen (like the caption editor) so its keys stay 15 mm. A change is
saved at once to STATE_DIR/settings.toml (kiosk.overrides), applied live where it can be
(idle timeout, rotation, volume) and otherwise after "Restart the kiosk". System changes go
through kiosk.system, whose refusals are shown in words.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.scrollview import ScrollView

from kiosk import theme
from kiosk.keyboard import DIGITS, OnScreenKeyboard, apply_key
from kiosk.overrides import read_overrides, save_override
from kiosk.pin import PinGate, stored_pin_hash
from kiosk.pin_change import PinChange
from kiosk.settings import ROTATIONS_DEG
from kiosk.share.hotspot import read_key
from kiosk.strings import LANGUAGES
from kiosk.system import REGIONS, System, SystemRefused, time_zones
from kiosk.widgets import BigButton, TextBlock

if TYPE_CHECKING:
    from kiosk.screens.staff import StaffScreen

# The idle timeouts staff can step through (seconds).
IDLE_STEPS_S = (30, 45, 60, 90, 120, 180, 300, 600)
VOLUME_STEP = 10
# The clock page's fields: label key, how one step moves the time.
CLOCK_FIELDS = ("day", "month", "year", "hour", "minute")


class SystemPanel(BoxLayout):
    """The Settings tab of the staff screen, and the pages its tiles open."""

    def __init__(self, screen: StaffScreen, system: System | None = None) -> None:
        super().__init__(orientation="vertical", spacing=screen.m.gap_px)
        self.screen = screen
        self.system = system or System()
        self.page_name = "home"
        self.message: TextBlock | None = None
        self.armed = ""  # the power action waiting for its confirming second touch
        self.clock_value = datetime.now()
        self.region = ""
        self.pin_change: PinChange | None = None
        self.pin = ""

    # -- helpers --
    @property
    def ctx(self) -> Any:
        return self.screen.ctx

    @property
    def t(self) -> Any:
        return self.screen.t

    def _saved(self, section: str) -> dict[str, Any]:
        return read_overrides(self.ctx.settings.state_path).get(section, {})

    def _save(self, section: str, key: str, value: Any) -> None:
        save_override(self.ctx.settings.state_path, section, key, value)

    def _say(self, text: str) -> None:
        if self.message is not None:
            self.message.text = text

    def _refused(self, exc: SystemRefused) -> None:
        self._say(self.t("settings.refused", reason=str(exc)))

    def _keep(self, section: str, key: str, value: Any, saved_key: str = "settings.saved") -> None:
        """Save one setting, redraw the page with its new value, and say so."""
        self._save(section, key, value)
        self.show(self.page_name)
        self._say(self.t(saved_key))

    def _choices(
        self,
        section: str,
        key: str,
        options: list[tuple[Any, str, str]],
        current: Any,
        saved_key: str = "settings.saved_restart",
        then: Callable[[Any], None] | None = None,
    ) -> None:
        """A row of buttons, one per ``(value, label, action_id)``; the current one is selected."""

        def choose(value: Any) -> Callable[[], None]:
            def chosen() -> None:
                if then is not None:
                    then(value)
                self._keep(section, key, value, saved_key)

            return chosen

        buttons = []
        for value, label, action_id in options:
            button = self._button(label, action_id, choose(value))
            button.selected = value == current
            buttons.append(button)
        self.add_widget(self.screen.row(*buttons))

    def _button(
        self, label: str, action_id: str, on_press: Callable[[], None], **kw: Any
    ) -> BigButton:
        m = self.screen.m
        return BigButton(
            label,
            action_id=action_id,
            on_press=self.ctx.guarded(on_press),
            height_px=kw.pop("height_px", m.touch_px),
            font_px=kw.pop("font_px", m.body_px),
            **kw,
        )

    def debug_state(self) -> dict[str, Any]:
        return {
            "settings_page": self.page_name,
            "settings_message": self.message.text if self.message else "",
            "overrides": read_overrides(self.ctx.settings.state_path),
        }

    # -- navigation --
    def show(self, page: str = "home") -> None:
        self.page_name, self.armed = page, ""
        self.clear_widgets()
        self.message = None
        self.screen.whole_page(page != "home")
        getattr(self, f"_page_{page}")()

    def _open(self, page: str) -> Callable[[], None]:
        return lambda: self.show(page)

    def _page_frame(self, title_key: str, **values: Any) -> None:
        """A page's heading line and its message line (filled by the page's actions)."""
        self.add_widget(self.screen.body(self.t(title_key, **values)))
        self.message = self.screen.body("", muted=True)

    def _page_end(self, *extra: BigButton, scrolls: bool = False) -> None:
        """The message, then Back to settings (and the page's own final buttons).

        A page with a scrolling list lets the list take the spare height instead of a spacer.
        """
        assert self.message is not None
        self.add_widget(self.message)
        if not scrolls:
            self.add_widget(self.screen.spacer())
        back = self._button(self.t("settings.back"), "settings.back", self._open("home"))
        self.add_widget(self.screen.row(back, *extra))

    # -- the tiles --
    def _page_home(self) -> None:
        m, settings = self.screen.m, self.ctx.settings
        tile_px = m.mm(theme.MIN_TOUCH_MM)
        grid = GridLayout(cols=3, spacing=m.mm(2), size_hint_y=None)
        grid.bind(minimum_height=grid.setter("height"))
        tiles = (
            ("language", self.t("settings.language", name=LANGUAGES[self._language()])),
            ("volume", self._volume_label()),
            ("idle", self.t("settings.idle", seconds=round(settings.idle_timeout_s))),
            ("rotation", self.t("settings.rotation", how=self._rotation_name(self._rotation()))),
            ("clock", self.t("settings.clock")),
            ("timezone", self.t("settings.timezone", zone=self._timezone())),
            (
                "sharing",
                self.t("settings.sharing", state=self.t(f"settings.{_on(self._sharing_on())}")),
            ),
            ("pin", self.t("settings.pin")),
            ("power", self.t("settings.power")),
        )
        for name, label in tiles:
            grid.add_widget(
                self._button(
                    label,
                    f"settings.open.{name}",
                    self._open(name),
                    height_px=tile_px,
                    font_px=m.small_px,
                )
            )
        self.add_widget(grid)
        self.add_widget(self.screen.spacer())

    # -- language --
    def _language(self) -> str:
        return str(self._saved("kiosk").get("language", self.ctx.settings.language))

    def _page_language(self) -> None:
        self._page_frame("settings.language_title")
        options = [(code, name, f"settings.language.{code}") for code, name in LANGUAGES.items()]
        self._choices("kiosk", "language", options, self._language())
        self._page_end(self._restart_button())

    # -- volume --
    def _volume_label(self) -> str:
        try:
            percent = self.system.volume_percent()
        except SystemRefused:
            percent = None
        if percent is None:
            return self.t("settings.volume_unknown")
        return self.t("settings.volume", percent=percent)

    def _page_volume(self) -> None:
        self.add_widget(self.screen.body(self._volume_label()))
        self.message = self.screen.body("", muted=True)
        self.add_widget(
            self.screen.row(
                self._button(self.t("settings.quieter"), "settings.quieter", self._step_volume(-1)),
                self._button(self.t("settings.louder"), "settings.louder", self._step_volume(1)),
            )
        )
        self._page_end()

    def _step_volume(self, direction: int) -> Callable[[], None]:
        def step() -> None:
            try:
                current = self.system.volume_percent()
                percent = self.system.set_volume_percent((current or 0) + direction * VOLUME_STEP)
            except SystemRefused as exc:
                self._refused(exc)
                return
            self._keep("kiosk", "volume_percent", percent)

        return step

    # -- idle timeout --
    def _page_idle(self) -> None:
        self._page_frame("settings.idle_title", seconds=round(self.ctx.settings.idle_timeout_s))
        self.add_widget(
            self.screen.row(
                self._button(self.t("settings.sooner"), "settings.sooner", self._step_idle(-1)),
                self._button(self.t("settings.later"), "settings.later", self._step_idle(1)),
            )
        )
        self._page_end()

    def _step_idle(self, direction: int) -> Callable[[], None]:
        def step() -> None:
            now = self.ctx.settings.idle_timeout_s
            if direction > 0:
                seconds = next((s for s in IDLE_STEPS_S if s > now), IDLE_STEPS_S[-1])
            else:
                seconds = next((s for s in reversed(IDLE_STEPS_S) if s < now), IDLE_STEPS_S[0])
            self.ctx.settings = dataclasses.replace(
                self.ctx.settings, idle_timeout_s=float(seconds)
            )
            self._keep("kiosk", "idle_timeout_s", float(seconds))

        return step

    # -- rotation --
    def _rotation(self) -> int:
        return int(self._saved("kiosk").get("rotation_deg", self.ctx.settings.rotation_deg))

    def _rotation_name(self, degrees: int) -> str:
        return str(self.t(f"settings.rotation_{degrees}"))

    def _page_rotation(self) -> None:
        self._page_frame("settings.rotation", how=self._rotation_name(self._rotation()))
        options = [(d, self._rotation_name(d), f"settings.rotation.{d}") for d in ROTATIONS_DEG]
        self._choices(
            "kiosk", "rotation_deg", options, self._rotation(), "settings.saved", then=_turn_screen
        )
        self._page_end()

    # -- date and time --
    def _page_clock(self) -> None:
        m = self.screen.m
        self._page_frame("settings.clock_title")
        self.clock_value = datetime.now().replace(second=0, microsecond=0)
        columns = BoxLayout(orientation="horizontal", spacing=m.gap_px, size_hint_y=None)
        self.clock_labels: dict[str, TextBlock] = {}
        for field in CLOCK_FIELDS:
            column = BoxLayout(orientation="vertical", spacing=m.mm(2), size_hint_y=None)
            label = TextBlock("", size_px=m.title_px, bold=True)
            self.clock_labels[field] = label
            column.add_widget(
                self._button("+", f"settings.clock.{field}.up", self._nudge(field, 1))
            )
            column.add_widget(TextBlock(self.t(f"settings.{field}"), size_px=m.small_px))
            column.add_widget(label)
            column.add_widget(
                self._button("\u2013", f"settings.clock.{field}.down", self._nudge(field, -1))
            )
            column.height = 2 * m.touch_px + m.small_px + m.title_px + 4 * m.mm(2) + 16
            columns.add_widget(column)
        columns.height = columns.children[0].height
        self.add_widget(columns)
        self._show_clock()
        set_clock = self._button(
            self.t("settings.clock_set"), "settings.clock.set", self._set_clock, primary=True
        )
        self._page_end(set_clock)

    def _nudge(self, field: str, step: int) -> Callable[[], None]:
        def nudge() -> None:
            self.clock_value = shifted(self.clock_value, field, step)
            self._show_clock()

        return nudge

    def _show_clock(self) -> None:
        value = self.clock_value
        shown = {
            "day": f"{value.day:02d}",
            "month": f"{value.month:02d}",
            "year": f"{value.year}",
            "hour": f"{value.hour:02d}",
            "minute": f"{value.minute:02d}",
        }
        for field, label in self.clock_labels.items():
            label.text = shown[field]

    def _set_clock(self) -> None:
        try:
            if self.system.clock().ntp:
                self._say(self.t("settings.clock_network"))
                return
            self.system.set_time(self.clock_value)
        except SystemRefused as exc:
            self._refused(exc)
            return
        self._say(self.t("settings.clock_done"))

    # -- time zone --
    def _timezone(self) -> str:
        try:
            return self.system.clock().timezone or time.strftime("%Z")
        except SystemRefused:
            return time.strftime("%Z")

    def _page_timezone(self) -> None:
        m = self.screen.m
        if not self.region:
            self._page_frame("settings.timezone_region")
            names = [(region, region, f"settings.region.{region}") for region in REGIONS]
        else:
            self._page_frame("settings.timezone_city")
            names = [
                (zone, zone.split("/", 1)[1].replace("_", " "), f"settings.tz.{zone}")
                for zone in time_zones(self.region)
            ]
        grid = GridLayout(cols=4, spacing=m.mm(2), size_hint_y=None)
        grid.bind(minimum_height=grid.setter("height"))
        for value, label, action_id in names:
            grid.add_widget(
                self._button(
                    label,
                    action_id,
                    self._pick_zone(value),
                    height_px=m.mm(theme.MIN_TOUCH_MM),
                    font_px=m.small_px,
                )
            )
        scroll = ScrollView(do_scroll_x=False)
        scroll.add_widget(grid)
        self.add_widget(scroll)
        self._page_end(scrolls=True)

    def _pick_zone(self, value: str) -> Callable[[], None]:
        def pick() -> None:
            if not self.region:
                self.region = value
                self.show("timezone")
                return
            self.region = ""
            self.show("timezone")
            try:
                self.system.set_timezone(value)
            except SystemRefused as exc:
                self._refused(exc)
                return
            self._say(self.t("settings.timezone_done", zone=value))

        return pick

    # -- sharing --
    def _sharing_on(self) -> bool:
        started = self.ctx.services.share.settings.enabled
        return bool(self._saved("share").get("enabled", started))

    def _page_sharing(self) -> None:
        self._page_frame("settings.sharing_title")
        settings = self.ctx.services.share.settings
        key = read_key(Path(settings.hotspot_password_file))
        # Today's password (it changes every day; guests get it inside the Wi-Fi QR code).
        about = (
            self.t("settings.hotspot", ssid=settings.hotspot_ssid, password=key.password)
            if key is not None
            else self.t("settings.no_hotspot")
        )
        self.add_widget(self.screen.body(about))
        options = [
            (state, self.t(f"settings.sharing_{_on(state)}"), f"settings.sharing.{_on(state)}")
            for state in (True, False)
        ]
        self._choices("share", "enabled", options, self._sharing_on())
        self._page_end(self._restart_button())

    # -- PIN --
    def _page_pin(self) -> None:
        m = self.screen.m
        settings = self.ctx.settings
        pin_file = settings.state_path / "staff_pin"
        gate = PinGate(
            stored_pin_hash(pin_file, settings.staff_pin_hash),
            max_failures=settings.pin_max_failures,
            lockout_s=settings.pin_lockout_s,
            state_path=settings.state_path / "staff_pin.state",  # the PIN screen's lockout too
        )
        self.pin_change = PinChange(gate, pin_file)
        self.pin = ""
        columns = BoxLayout(orientation="horizontal", spacing=m.gap_px)
        left = BoxLayout(orientation="vertical", spacing=m.gap_px)
        left.add_widget(self.screen.spacer())
        self.pin_prompt = self.screen.body(
            self.t(self.pin_change.prompt(), digits=self.pin_change.min_digits)
        )
        left.add_widget(self.pin_prompt)
        self.pin_dots = TextBlock("", size_px=m.title_px)
        left.add_widget(self.pin_dots)
        self.message = self.screen.body("", muted=True)
        left.add_widget(self.message)
        left.add_widget(self.screen.spacer())
        self.pin_next = self._button(
            self.t("settings.next"), "settings.pin.next", self._pin_next, primary=True
        )
        back = self._button(self.t("settings.back"), "settings.back", self._open("home"))
        left.add_widget(self.screen.row(back, self.pin_next))
        keypad = OnScreenKeyboard(
            self.ctx.guarded(self.pin_key),
            key_px=m.touch_px,
            font_px=m.title_px,
            t=self.t,
            layout=DIGITS,
            size_hint_x=None,
            width=m.touch_px * 3.6,
            pos_hint={"center_y": 0.5},
        )
        columns.add_widget(left)
        columns.add_widget(keypad)
        self.add_widget(columns)

    def pin_key(self, key: str) -> None:
        self.pin = apply_key(self.pin, key, 12)
        self.pin_dots.text = f"{theme.PIN_DOT} " * len(self.pin)

    def _pin_next(self) -> None:
        assert self.pin_change is not None
        pin, self.pin, self.pin_dots.text = self.pin, "", ""
        outcome = self.pin_change.submit(pin)
        digits = self.pin_change.min_digits
        if self.pin_change.done:  # saved: only the message and the way back remain
            self.pin_prompt.text = ""
            self.pin_next.disabled = True
        else:
            self.pin_prompt.text = self.t(self.pin_change.prompt(), digits=digits)
        minutes = max(1, round(self.pin_change.gate.locked_for_s() / 60))
        shown = self.t(outcome, digits=digits, minutes=minutes)
        self._say("" if outcome == self.pin_change.prompt() else shown)

    # -- restart, shut down, leave to shell --
    def _restart_button(self) -> BigButton:
        return self._button(self.t("settings.restart"), "settings.restart", self._restart)

    def _page_power(self) -> None:
        self.message = self.screen.body("", muted=True)
        self.power_buttons = {
            "restart": self._restart_button(),
            "shutdown": self._button(
                self.t("settings.shutdown"), "settings.shutdown", self._shutdown
            ),
            "shell": self._button(self.t("settings.shell"), "settings.shell", self._shell),
        }
        self.add_widget(self.screen.row(*self.power_buttons.values()))
        self.add_widget(self.screen.body(self.t("settings.shutdown_hint"), muted=True))
        self.add_widget(self.screen.body(self.t("settings.shell_hint"), muted=True))
        self._page_end()

    def _confirmed(self, action: str) -> bool:
        """The first touch arms the button (it turns gold and asks again); the second confirms."""
        if self.armed == action:
            return True
        self.armed = action
        for name, button in getattr(self, "power_buttons", {}).items():
            armed = name == action
            button.primary = armed
            button.text = self.t(f"settings.{name}_confirm" if armed else f"settings.{name}")
        return False

    def _restart(self) -> None:
        if self.page_name == "power" and not self._confirmed("restart"):
            return
        # SIGTERM is how systemd stops the kiosk: the app closes cleanly, exits 0, and the unit's
        # Restart=always starts it again with the saved settings. Sent a moment later, once this
        # touch has been handled.
        Clock.schedule_once(lambda _dt: os.kill(os.getpid(), signal.SIGTERM), 0.3)

    def _shutdown(self) -> None:
        if not self._confirmed("shutdown"):
            return
        try:
            self.system.power_off()
        except SystemRefused as exc:
            self._refused(exc)

    def _shell(self) -> None:
        if self._confirmed("shell"):  # like restart: a moment later, once this touch is handled
            Clock.schedule_once(lambda _dt: self.ctx.quit_to_shell(), 0.3)


def _on(state: bool) -> str:
    return "on" if state else "off"


def _turn_screen(degrees: int) -> None:
    """Turn the picture now; Kivy turns the touch input with it."""
    from kivy.core.window import Window

    Window.rotation = degrees


def shifted(value: datetime, field: str, step: int) -> datetime:
    """``value`` with one clock field moved by ``step``, the others kept (day clamped to month)."""
    if field == "minute":
        return value + timedelta(minutes=step)
    if field == "hour":
        return value + timedelta(hours=step)
    if field == "day":
        return value + timedelta(days=step)
    year, month = value.year, value.month
    if field == "month":
        month = (month - 1 + step) % 12 + 1
    else:
        year += step
    for day in range(value.day, 27, -1):
        try:
            return value.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return value.replace(year=year, month=month, day=min(value.day, 28))
