"""Consent in plain words: what will be made, where it can be shown, how long it is kept.

Neither answer is pre-selected: both buttons look alike, Enter does nothing,
and the board's buttons never answer for the guest (``board_may_press``).
The answer is kept with the item.
"""

from __future__ import annotations

from kiosk.screens.base import KioskScreen

FALLBACK_RETENTION_DAYS = 7


class ConsentScreen(KioskScreen):
    state_id = "consent"
    primary_action = ""  # a decision: only a finger on one of the two answers makes it
    board_may_press = False

    def build(self) -> None:
        self.page.add_widget(self.title("consent.title"))
        self.page.add_widget(self.body(self.t("consent.made")))
        self.page.add_widget(self.body(self.t("consent.shown")))
        self.kept = self.body("")
        self.page.add_widget(self.kept)
        self.page.add_widget(self.spacer())
        self.page.add_widget(
            self.row(
                self.button("consent.no", "consent.decline", lambda: self.send("start_over")),
                self.button("consent.yes", "consent.agree", self._agree),
            )
        )

    def enter(self) -> None:
        try:
            days = self.ctx.services.store.retention_days
        except Exception:  # the store's own trouble shows when keeping; consent still reads well
            days = FALLBACK_RETENTION_DAYS
        self.kept.text = self.t("consent.kept", days=days)

    def _agree(self) -> None:
        self.ctx.session.consent = True
        self.send("agree")
