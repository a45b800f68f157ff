"""Consent: the guest confirms they may animate this photo; the answer is kept with the item."""

from __future__ import annotations

from kiosk.screens.base import KioskScreen


class ConsentScreen(KioskScreen):
    state_id = "consent"
    primary_action = "consent.agree"

    def build(self) -> None:
        self.page.add_widget(self.spacer())
        self.page.add_widget(self.title("consent.title"))
        self.page.add_widget(self.body(self.t("consent.question")))
        self.detail = self.body("", muted=True)
        self.page.add_widget(self.detail)
        self.page.add_widget(self.spacer())
        self.page.add_widget(
            self.row(
                self.button("consent.decline", "consent.decline", lambda: self.send("start_over")),
                self.button("consent.agree", "consent.agree", self._agree, primary=True),
            )
        )

    def enter(self) -> None:
        try:
            days = self.ctx.services.store.retention_days
        except Exception:  # the store's own trouble shows when keeping; consent still reads well
            days = 7
        self.detail.text = self.t("consent.detail", days=days)

    def _agree(self) -> None:
        self.ctx.session.consent = True
        self.send("agree")
