"""Thank you: a quiet goodbye, then back to the tribute loop."""

from __future__ import annotations

from kivy.clock import Clock

from kiosk.screens.base import KioskScreen


class ThanksScreen(KioskScreen):
    state_id = "thanks"
    primary_action = "thanks.done"

    def build(self) -> None:
        self.page.add_widget(self.spacer())
        self.page.add_widget(self.title("thanks.title"))
        self.message = self.body("")
        self.page.add_widget(self.message)
        self.page.add_widget(self.spacer())
        self.page.add_widget(
            self.row(
                self.button("keep.done", "thanks.done", lambda: self.send("farewell"), primary=True)
            )
        )
        self._event = None

    def enter(self) -> None:
        session = self.ctx.session
        kept = session.kept_item is not None or session.saved_to_usb
        self.message.text = self.t("thanks.kept" if kept else "thanks.deleted")
        self._event = Clock.schedule_once(
            lambda _dt: self.send("farewell"), self.ctx.settings.thanks_timeout_s
        )

    def leave(self) -> None:
        if self._event is not None:
            self._event.cancel()
