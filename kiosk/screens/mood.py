"""Mood: the four presets as large cards, each with a short preview of this very photo,
and a "gentler / livelier" control (kiosk.motion: the words of ``keepsake animate --direct``)."""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.gridlayout import GridLayout

from kiosk.live.mesh_view import LiveMeshView
from kiosk.motion import HIGHEST_STEP, LOWEST_STEP, clamp_step
from kiosk.screens.base import KioskScreen
from kiosk.session import PRESETS
from kiosk.widgets import BigButton, PhotoView, TextBlock, texture_from_rgb


class MoodCard(BoxLayout):
    """A photo preview above a big selectable button."""

    def __init__(self, screen: MoodScreen, preset: str) -> None:
        super().__init__(orientation="vertical", spacing=8)
        self.preset = preset
        stack = FloatLayout()
        self.still = PhotoView(size_hint=(1, 1), pos_hint={"x": 0, "y": 0})
        self.live = LiveMeshView(size_hint=(1, 1), pos_hint={"x": 0, "y": 0})
        stack.add_widget(self.still)
        stack.add_widget(self.live)
        self.add_widget(stack)
        t = screen.t
        self.button = BigButton(
            f"[b]{t('mood.' + preset)}[/b]\n[size={int(screen.m.small_px)}]"
            f"{t('mood.' + preset + '.detail')}[/size]",
            action_id=f"mood.{preset}",
            on_press=screen.ctx.guarded(lambda: screen.select(preset)),
            height_px=screen.m.touch_px * 1.25,
            font_px=screen.m.body_px,
            markup=True,
        )
        self.add_widget(self.button)


class MoodScreen(KioskScreen):
    state_id = "mood"
    primary_action = "mood.continue"
    holds_guest_work = True

    def build(self) -> None:
        self.page.add_widget(self.title("mood.title"))
        grid = GridLayout(cols=4, spacing=self.m.gap_px)
        self.cards = {p: MoodCard(self, p) for p in PRESETS}
        for card in self.cards.values():
            grid.add_widget(card)
        self.page.add_widget(grid)
        self.gentler = self.button("mood.gentler", "mood.gentler", lambda: self.step_by(-1))
        self.livelier = self.button("mood.livelier", "mood.livelier", lambda: self.step_by(1))
        self.step_label = TextBlock("", size_px=self.m.body_px, pos_hint={"center_y": 0.5})
        self.page.add_widget(self.row(self.gentler, self.step_label, self.livelier))
        self.voice = self.button("mood.add_voice", "mood.add_voice", self._toggle_voice)
        self._job: int | None = None
        self._ticker: Any = None
        self.page.add_widget(
            self.row(
                self.button(
                    "common.start_over", "mood.start_over", lambda: self.send("start_over")
                ),
                self.voice,
                self.button(
                    "mood.continue", "mood.continue", lambda: self.send("choose_mood"), primary=True
                ),
            )
        )

    def debug_state(self) -> dict[str, Any]:
        return {
            "preset": self.ctx.session.preset,
            "voice": self.ctx.session.voice_wanted,
            "step": self.ctx.session.motion_step,
            "live": [card.live.frames_drawn for card in self.cards.values()],
        }

    def enter(self) -> None:
        session = self.ctx.session
        for card in self.cards.values():
            card.still.set_image(session.photo)
        self.select(session.preset)
        self.step_by(0)
        self._job = self.ctx.submit(
            "live", {"photo": session.photo}, on_done=self._previews, on_failed=lambda _f: None
        )

    def leave(self) -> None:
        self.ctx.forget_job(self._job)
        self._job = None
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None
        for card in self.cards.values():
            card.live.stop()

    @property
    def _fps(self) -> float:
        return max(4.0, self.ctx.live_fps / 2)

    def _previews(self, portrait: Any) -> None:
        """Each card moves this very photo in its own mood (the mesh, live, at a low rate)."""
        self._job = None
        texture = texture_from_rgb(portrait.photo)
        for seed, card in enumerate(self.cards.values()):
            card.live.play(
                portrait,
                preset=card.preset,
                fps=self._fps,
                cycle_s=6.0,
                seed=seed,
                own_clock=False,
                texture=texture,
            )
            card.still.set_image(None)  # off the canvas: software GL would still fill it
        # One clock for the four cards: one redraw per preview frame, not four.
        self._ticker = Clock.schedule_interval(self._advance, 1.0 / self._fps)

    def _advance(self, _dt: float) -> None:
        for card in self.cards.values():
            card.live.advance()

    def select(self, preset: str) -> None:
        self.ctx.session.preset = preset
        for name, card in self.cards.items():
            card.button.selected = name == preset
        self.voice.opacity = 1 if preset == "memorial" else 0
        self.voice.disabled = preset != "memorial"
        self.voice.selected = self.ctx.session.voice_wanted

    def _toggle_voice(self) -> None:
        self.ctx.session.voice_wanted = not self.ctx.session.voice_wanted
        self.voice.selected = self.ctx.session.voice_wanted

    def step_by(self, delta: int) -> None:
        """One step gentler or livelier (kept when the guest comes back to change the mood)."""
        session = self.ctx.session
        session.motion_step = clamp_step(session.motion_step + delta)
        self.step_label.text = self.t(f"mood.step.{session.motion_step}")
        self.gentler.disabled = session.motion_step <= LOWEST_STEP
        self.livelier.disabled = session.motion_step >= HIGHEST_STEP
