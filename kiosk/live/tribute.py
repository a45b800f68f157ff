"""The tribute loop: today's kept portraits one after another, moving afresh when possible.

By default ([kiosk] tribute_loops) each portrait plays as a seamless loop clip
that the render worker made in the background: the same picture as the guest's
clip (lids, mouth interior, the AI-animated mark), with a new variation rendered
each turn and cross-faded in, so it never visibly repeats. Until its first loop
is ready the guest's own MP4 plays. With tribute_loops off, the portrait is
drawn live instead (a textured mesh moved by the engine's rig). Items come from
the store on each start, so staff edits show at the next turn.
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
        self._loops: dict[str, bytes] = {}  # item id -> its freshest loop clip
        self._loop_job: int | None = None
        self.fresh_loops = 0
        self.mode = ""

    @property
    def item_count(self) -> int:
        return len(self._items)

    def start(self) -> None:
        try:
            self._items = self.app.services.store.tribute()
            known = {i.item_id for i in self._items}
            self._portraits = {k: v for k, v in self._portraits.items() if k in known}
            self._loops = {k: v for k, v in self._loops.items() if k in known}
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
        if self._loop_job is not None:  # a guest comes first: free the worker for them
            self.app.services.worker.cancel()
            self.app.forget_job(self._loop_job)
            self._loop_job = None
        self.clip.stop()
        self.live.stop()
        self.caption = ""
        self.playing = False
        self.mode = ""

    def _next(self, *_: Any) -> None:
        if len(self._items) == 1 and self.mode in ("live", "loop"):
            # One portrait on the wall: it runs on (fresh, cross-faded cycles or loops).
            self._advance = Clock.schedule_once(self._next, self.app.settings.tribute_item_s)
            if self.mode == "loop":
                self._render_loop(self._items[0])
            return
        self.clip.stop()
        self.live.stop()
        self._index = (self._index + 1) % len(self._items)
        item = self._items[self._index]
        self.caption = item.caption
        self._advance = Clock.schedule_once(self._next, self.app.settings.tribute_item_s)
        if not self.app.settings.live_tribute or self.app.settings.tribute_sound:
            self._play_clip(item)
        elif self.app.settings.tribute_loops:
            self._play_loop(item)
        else:
            self._play_live(item)

    def _play_loop(self, item: Any) -> None:
        """Its freshest loop clip when there is one (else the guest's MP4), and a new
        variation rendering in the background for the next turn."""
        if item.item_id in self._loops:
            self.clip.play(self._loops[item.item_id])
            self.mode = "loop"
        else:
            self._play_clip(item)
        self._render_loop(item)

    def _photo(self, item: Any) -> Any:
        try:
            return self.app.services.store.photo(item.item_id)
        except Exception:
            log.exception("tribute item %s has no readable photo", item.item_id)
            return None

    def _render_loop(self, item: Any) -> None:
        if self._loop_job is not None:  # one at a time: the worker also serves guests
            return
        photo = self._photo(item)
        if photo is None:
            return
        settings = self.app.settings
        self._loop_job = self.app.submit(
            "loop",
            {
                "photo": photo,
                "preset": item.preset or "memorial",
                "seed": random.randrange(1 << 30),
                "seconds": settings.clip_seconds,
                "fps": settings.clip_fps,
            },
            on_done=lambda mp4: self._loop_ready(item, mp4),
            on_failed=self._loop_failed,
        )

    def _loop_failed(self, failed: Any) -> None:
        self._loop_job = None
        log.info("tribute loop unavailable: %s", failed.message)

    def _loop_ready(self, item: Any, mp4: bytes) -> None:
        self._loop_job = None
        self._loops[item.item_id] = mp4
        if not self.playing or self._items[self._index] is not item:
            return  # kept for its next turn
        if self.mode == "loop":
            self.clip.crossfade_to(mp4)
        else:
            self.clip.play(mp4)
        self.mode = "loop"
        self.fresh_loops += 1
        log.info("tribute: a fresh loop of %s plays (%d so far)", item.item_id, self.fresh_loops)

    def _play_clip(self, item: Any) -> None:
        try:
            settings = self.app.settings
            volume = settings.volume if settings.tribute_sound else 0.0
            self.clip.play(self.app.services.store.clip(item.item_id), volume=volume)
            self.mode = "clip"
        except Exception:
            log.exception("tribute item %s could not play", item.item_id)

    def _play_live(self, item: Any) -> None:
        """Play the MP4 at once; switch to the live mesh when the worker has built the rig."""
        self._play_clip(item)
        if item.item_id in self._portraits:
            self._live_ready(item, self._portraits[item.item_id])
            return
        photo = self._photo(item)
        if photo is None:
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
