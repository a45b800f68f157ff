"""Preview: the clip with its honest label; replay, change mood, or go on to keep it."""

from __future__ import annotations

from typing import Any

from kiosk import theme
from kiosk.live.clip_player import ClipPlayer
from kiosk.screens.base import KioskScreen
from kiosk.widgets import TextBlock


class PreviewScreen(KioskScreen):
    state_id = "preview"
    primary_action = "preview.keep"
    holds_guest_work = True

    def build(self) -> None:
        self.page.add_widget(self.title("preview.title"))
        self.player = ClipPlayer(max_side_px=900)
        self.page.add_widget(self.player)
        self.page.add_widget(
            TextBlock(self.t("preview.label"), size_px=self.m.small_px, color=theme.TEXT_MUTED)
        )
        self.page.add_widget(
            self.row(
                self.button("preview.change", "preview.change", lambda: self.send("change_mood")),
                self.button("preview.replay", "preview.replay", self._replay),
                self.button(
                    "preview.keep", "preview.keep", lambda: self.send("accept"), primary=True
                ),
            )
        )

    def debug_state(self) -> dict[str, Any]:
        return {"frames_shown": self.player.frames_shown, "bytes": len(self.ctx.session.clip_mp4)}

    def enter(self) -> None:
        self.ctx.services.board.set_status("idle")
        self._replay()

    def leave(self) -> None:
        self.player.stop()

    def _replay(self) -> None:
        self.player.play(self.ctx.session.clip_mp4, loop=True, volume=self.ctx.settings.volume)
