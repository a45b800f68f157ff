"""The tribute loop: today's kept portraits one after another, live when possible.

Each portrait is drawn live (a textured mesh moved by the engine's rig, with
a fresh performance every cycle so it never visibly repeats) when the worker
can build its rig; otherwise its MP4 plays. Items come from the store on each
start, so staff edits show at the next turn.
"""

from __future__ import annotations

import logging
import random
from typing import Any

from kivy.clock import Clock
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.floatlayout import FloatLayout

from kiosk.live.clip_player import ClipPlayer
from kiosk.live.host import TributeHost
from kiosk.live.mesh_view import LiveMeshView

log = logging.getLogger("keepsake.kiosk.tribute")

CYCLE_S = 6.0  # a fresh performance (new seed) every cycle, cross-faded


class TributePlayer(FloatLayout):
    caption = StringProperty("")
    playing = BooleanProperty(False)

    def __init__(self, app: TributeHost, **kw: Any) -> None:
        super().__init__(**kw)
        self.app = app
        self.clip = ClipPlayer(max_side_px=1080, size_hint=(1, 1), pos_hint={"x": 0, "y": 0})
        self.live = LiveMeshView(size_hint=(1, 1), pos_hint={"x": 0, "y": 0})
        self.add_widget(self.clip)
        self.add_widget(self.live)
        self._items: list[Any] = []
        self._index = -1
        self._advance: Any = None
        self._job: int | None = None
        self._portraits: dict[str, Any] = {}  # item id -> LivePortrait, built once
        self.mode = ""

    @property
    def item_count(self) -> int:
        return len(self._items)

    def start(self) -> None:
        try:
            self._items = self.app.services.store.tribute()
            known = {i.item_id for i in self._items}
            self._portraits = {k: v for k, v in self._portraits.items() if k in known}
        except Exception:  # a store problem must not blank the wall: show the welcome instead
            log.exception("could not read the tribute loop")
            self._items = []
        self._index = -1
        self.playing = bool(self._items)
        if self._items:
            self._next()

    def stop(self) -> None:
        if self._advance is not None:
            self._advance.cancel()
            self._advance = None
        self.app.forget_job(self._job)
        self._job = None
        self.clip.stop()
        self.live.stop()
        self.caption = ""
        self.playing = False
        self.mode = ""

    def _next(self, *_: Any) -> None:
        if len(self._items) == 1 and self.mode == "live":
            # One portrait on the wall: let its timeline run on (fresh, cross-faded cycles).
            self._advance = Clock.schedule_once(self._next, self.app.settings.tribute_item_s)
            return
        self.clip.stop()
        self.live.stop()
        self._index = (self._index + 1) % len(self._items)
        item = self._items[self._index]
        self.caption = item.caption
        self._advance = Clock.schedule_once(self._next, self.app.settings.tribute_item_s)
        if self.app.settings.live_tribute:
            self._play_live(item)
        else:
            self._play_clip(item)

    def _play_clip(self, item: Any) -> None:
        try:
            self.clip.play(self.app.services.store.clip(item.item_id))
            self.mode = "clip"
        except Exception:
            log.exception("tribute item %s could not play", item.item_id)

    def _play_live(self, item: Any) -> None:
        """Play the MP4 at once; switch to the live mesh when the worker has built the rig."""
        self._play_clip(item)
        if item.item_id in self._portraits:
            self._live_ready(item, self._portraits[item.item_id])
            return
        try:
            photo = self.app.services.store.photo(item.item_id)
        except Exception:
            log.exception("tribute item %s has no readable photo", item.item_id)
            return
        self.app.forget_job(self._job)
        self._job = self.app.submit(
            "live",
            {"photo": photo},
            on_done=lambda portrait: self._live_ready(item, portrait),
            on_failed=lambda failed: log.info("live tribute unavailable: %s", failed.message),
        )

    def _live_ready(self, item: Any, portrait: Any) -> None:
        self._job = None
        self._portraits[item.item_id] = portrait
        if not self.playing or self._items[self._index] is not item:
            return
        self.clip.stop()
        self.clip.set_image(None)  # off the canvas: only the live mesh is drawn
        self.live.play(
            portrait,
            preset=item.preset or "memorial",
            fps=self.app.live_fps,
            cycle_s=CYCLE_S,
            seed=random.randrange(1 << 30),
        )
        self.mode = "live"
