"""Staff mode: the tribute loop, retention and wipe, USB export, the box's settings, diagnostics.

Leaving to a shell, restarting and shutting down live on the Settings tab's power page, each
behind a confirming second touch; the footer holds only "Back to kiosk".
"""

from __future__ import annotations

from typing import Any

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.scrollview import ScrollView

from engine_edge.errors import DeviceUnavailable, KeepsakeError
from kiosk import theme
from kiosk.diagnostics import clock_text
from kiosk.screens.base import KioskScreen
from kiosk.screens.staff_loop import LoopPanel
from kiosk.screens.staff_settings import SystemPanel
from kiosk.widgets import TextBlock


class StaffScreen(KioskScreen):
    state_id = "staff"
    primary_action = ""

    def build(self) -> None:
        # No title: the tabs say where staff are, and the room goes to the lists.
        self.tabs = {
            "loop": self.button("staff.tab_loop", "staff.tab.loop", lambda: self.show_tab("loop")),
            "settings": self.button(
                "staff.tab_settings", "staff.tab.settings", lambda: self.show_tab("settings")
            ),
            "system": self.button(
                "staff.tab_system", "staff.tab.system", lambda: self.show_tab("system")
            ),
            "diag": self.button("staff.tab_diag", "staff.tab.diag", lambda: self.show_tab("diag")),
        }
        self.tab_row = self.row(*self.tabs.values())
        self.body_area = BoxLayout(orientation="vertical", spacing=self.m.gap_px)
        self.status = self.body("", muted=True)
        self.footer = self.row(
            self.button("staff.close", "staff.close", lambda: self.send("start_over"), primary=True)
        )
        self.whole_page(False)
        self.loop = LoopPanel(self)
        self.system_panel = SystemPanel(self)
        self.tab = "loop"
        self._wipe_armed = False
        self.diagnostics: dict[str, str] = {}

    @property
    def idle_timeout_s(self) -> float | None:
        return max(120.0, self.ctx.settings.idle_timeout_s)

    def whole_page(self, on: bool) -> None:
        """A caption edit takes the whole page, like typing on Voice, so keys stay 15 mm.

        The status line shows only on the retention tab (export and wipe report there), so the
        diagnostics fit on the screen without scrolling.
        """
        self.page.clear_widgets()
        status = (self.status,) if getattr(self, "tab", "") == "settings" else ()
        parts = (self.body_area,) if on else (self.tab_row, self.body_area, *status, self.footer)
        for part in parts:
            self.page.add_widget(part)

    def debug_state(self) -> dict[str, Any]:
        items = self.ctx.services.store.tribute()
        return {
            "tab": self.tab,
            "items": [[i.item_id, i.caption, i.pinned] for i in items],
            "retention_days": self.ctx.services.store.retention_days,
            "diagnostics": self.diagnostics,
            "status": self.status.text,
            **(self.system_panel.debug_state() if self.tab == "system" else {}),
        }

    def enter(self) -> None:
        self.loop.editing = None
        self.status.text = ""
        self.show_tab("loop")

    def on_key_text(self, text: str) -> bool:
        if self.tab == "loop" and self.loop.editing is not None:
            for ch in text:
                self.loop.key(ch)
            return True
        if self.tab == "system" and self.system_panel.page_name == "pin":
            for ch in text:
                if ch.isdigit() or ch == "\b":
                    self.system_panel.pin_key(ch)
            return True
        return False

    def show_tab(self, tab: str) -> None:
        self.tab = tab
        self._wipe_armed = False
        for name, button in self.tabs.items():
            button.selected = name == tab
        self.whole_page(False)
        self.body_area.clear_widgets()
        if tab == "loop":
            self.body_area.add_widget(self.loop)
            self.loop.refresh()
        elif tab == "settings":
            self._settings_panel()
        elif tab == "system":
            self.body_area.add_widget(self.system_panel)
            self.system_panel.show("home")
        else:
            self._diagnostics_panel()

    # -- retention, wipe, export --
    def _settings_panel(self) -> None:
        store = self.ctx.services.store
        self.retention = self.body(self.t("staff.retention", days=store.retention_days))
        self.body_area.add_widget(self.retention)
        self.body_area.add_widget(
            self.row(
                self.button(
                    "staff.retention_less", "staff.retention_less", lambda: self._retention(-1)
                ),
                self.button(
                    "staff.retention_more", "staff.retention_more", lambda: self._retention(1)
                ),
            )
        )
        self.wipe = self.button("staff.wipe_now", "staff.wipe_now", self._wipe)
        self.body_area.add_widget(
            self.row(self.wipe, self.button("staff.export", "staff.export", self._export))
        )
        self.body_area.add_widget(self.spacer())

    def _retention(self, delta: int) -> None:
        store = self.ctx.services.store
        days = store.set_retention(store.retention_days + delta)
        self.retention.text = self.t("staff.retention", days=days)

    def _wipe(self) -> None:
        if not self._wipe_armed:
            self._wipe_armed = True
            self.wipe.text = self.t("staff.wipe_confirm")
            self.wipe.primary = True
            return
        count = self.ctx.services.store.wipe_all()
        self._wipe_armed = False
        self.wipe.text, self.wipe.primary = self.t("staff.wipe_now"), False
        self.status.text = self.t("staff.wiped", count=count)

    def _export(self) -> None:
        from kiosk.adapters.usb import stick_folder

        try:
            folder = stick_folder()
            count = self.ctx.services.store.export_today(folder)
        except DeviceUnavailable:
            self.status.text = self.t("keep.no_usb")
            return
        except KeepsakeError as exc:
            self.status.text = str(exc)
            return
        self.status.text = self.t("staff.exported", count=count, where=str(folder))

    # -- diagnostics --
    def _diagnostics_panel(self) -> None:
        """What only the running kiosk knows (clock, renderer, loaded models, portraits), then
        `keepsake doctor`'s report, made in the render worker: the same checks as the command."""
        # Names take a third of the width and values the rest, so a long value (the versions)
        # wraps onto more lines instead of running off the screen.
        grid = GridLayout(cols=2, spacing=[self.m.gap_px, 0], size_hint_y=None)
        grid.bind(minimum_height=grid.setter("height"))
        scroll = ScrollView(do_scroll_x=False)
        scroll.add_widget(grid)
        self.body_area.add_widget(scroll)
        self._grid = grid
        self.diagnostics = self._live_facts()
        self._show_facts()
        self._models_job = self.ctx.submit(
            "describe",
            {},
            on_done=self._models_known,
            on_failed=lambda f: self._fact(
                "staff.diag.models", f.message or self.t("status.unknown")
            ),
        )
        self._doctor_job = self.ctx.submit(
            "doctor",
            {},
            on_done=self._doctor_report,
            on_failed=lambda f: self._fact(
                "staff.diag.doctor", f.message or self.t("status.unknown")
            ),
        )

    def _live_facts(self) -> dict[str, str]:
        services, t = self.ctx.services, self.t
        worker = services.worker
        return {
            "staff.diag.clock": clock_text(),
            "staff.diag.worker": (
                t("staff.diag.worker_value", pid=worker.pid, restarts=worker.restarts)
                if worker.alive
                else t("status.lost")
            ),
            "staff.diag.models": t("status.connecting"),
            "staff.diag.items": str(len(services.store.tribute())),
            "staff.diag.doctor": t("status.connecting"),
        }

    def _doctor_report(self, report: Any) -> None:
        """One row per check: its verdict and summary, and what to do when it is not ok."""
        self.diagnostics.pop("staff.diag.doctor", None)
        for check in report.checks:
            value = f"{self.t('staff.doctor.' + check.status)}: {check.summary}"
            if check.fix:
                value += f" \u2014 {check.fix}"
            self.diagnostics["staff.doctor." + check.name.replace(" ", "_")] = value
        if self.tab == "diag":
            self._show_facts()

    def _models_known(self, result: dict[str, str]) -> None:
        self._fact(
            "staff.diag.models",
            self.t("staff.diag.models_value", backend=result["backend"], device=result["device"]),
        )

    def _fact(self, key: str, value: str) -> None:
        self.diagnostics[key] = value
        if self.tab == "diag":
            self._show_facts()

    def _show_facts(self) -> None:
        self._grid.clear_widgets()
        for key, value in self.diagnostics.items():
            for text, colour, bold, share in (
                (self.t(key), theme.TEXT_MUTED, True, 0.28),
                (value, theme.TEXT, False, 0.72),
            ):
                self._grid.add_widget(
                    TextBlock(
                        text,
                        size_px=self.m.table_px,
                        color=colour,
                        bold=bold,
                        halign="left",
                        size_hint_x=share,
                    )
                )
