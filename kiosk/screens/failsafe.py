"""Failsafe: a gentle apology after anything unexpected; the details are in the log."""

from __future__ import annotations

from kiosk.screens.base import KioskScreen


class FailsafeScreen(KioskScreen):
    state_id = "failsafe"
    primary_action = "failsafe.ok"

    def build(self) -> None:
        self.page.add_widget(self.spacer())
        self.page.add_widget(self.title("failsafe.title"))
        self.message = self.body("")
        self.page.add_widget(self.message)
        self.page.add_widget(self.spacer())
        self.page.add_widget(
            self.row(
                self.button(
                    "failsafe.ok", "failsafe.ok", lambda: self.send("start_over"), primary=True
                )
            )
        )

    @property
    def idle_timeout_s(self) -> float | None:
        return min(20.0, self.ctx.settings.idle_timeout_s)

    def enter(self) -> None:
        self.message.text = self.ctx.failsafe_message or self.t("failsafe.message")
        self.ctx.services.board.set_status("error")
