"""Voice: no words, one typed line (on-screen keyboard), or up to 15 s recorded and played back."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout

from kiosk import theme
from kiosk.keyboard import OnScreenKeyboard, apply_key
from kiosk.screens.base import KioskScreen
from kiosk.widgets import LevelMeter, TextBlock

MAX_LINE_CHARS = 90
RECORD_RATE = 16000


class VoiceScreen(KioskScreen):
    state_id = "voice"
    primary_action = "voice.continue"
    holds_guest_work = True

    def build(self) -> None:
        self.heading = self.title("voice.title")
        self.choice_none = self.button("voice.none", "voice.none", lambda: self._mode("none"))
        self.choice_type = self.button("voice.type", "voice.type", lambda: self._mode("type"))
        self.choice_record = self.button(
            "voice.record", "voice.record", lambda: self._mode("record")
        )
        self.choices = self.row(self.choice_none, self.choice_type, self.choice_record)
        self.panel = BoxLayout(orientation="vertical", spacing=self.m.gap_px)
        self.page.add_widget(self.panel)
        self.page.add_widget(
            self.row(
                self.button("voice.back", "voice.back", self._back),
                self.button("voice.continue", "voice.continue", self._continue, primary=True),
            )
        )
        self.line = TextBlock("", size_px=self.m.body_px * 1.2, color=theme.ACCENT)
        self.keyboard = OnScreenKeyboard(
            self.ctx.guarded(self._key),
            key_px=self.m.touch_px * 0.85,
            font_px=self.m.body_px,
            t=self.t,
        )
        self.meter = LevelMeter(size_hint_y=None, height=self.m.mm(8))
        self.record_note = self.body("")
        self.record_button = self.button("voice.record_start", "voice.record_start", self._record)
        self.stop_button = self.button(
            "voice.record_stop", "voice.record_stop", self._stop_recording
        )
        self.listen_button = self.button("voice.listen", "voice.listen", self._listen)
        self.mode = "none"
        self._recording: threading.Thread | None = None
        self._stop_event = threading.Event()
        self._level = 0.0
        self._meter_event: Any = None

    def debug_state(self) -> dict[str, Any]:
        return {"mode": self.mode, "text": self.ctx.session.say_text}

    def enter(self) -> None:
        session = self.ctx.session
        self._mode("type" if session.say_text else "none")

    def leave(self) -> None:
        self._stop_event.set()
        if self._meter_event is not None:
            self._meter_event.cancel()
            self._meter_event = None

    def _mode(self, mode: str) -> None:
        """Choices on top; typing takes the whole page so the keys can stay large."""
        self.mode = mode
        for name, button in (
            ("none", self.choice_none),
            ("type", self.choice_type),
            ("record", self.choice_record),
        ):
            button.selected = name == mode
        self.panel.clear_widgets()
        session = self.ctx.session
        if mode == "type":
            session.recorded_audio = None
            self.line.text = session.say_text or self.t("voice.type_hint")
            self.keyboard.begin(session.say_text)
            self.panel.add_widget(self.line)
            self.panel.add_widget(self.keyboard)
            return
        self.panel.add_widget(self.heading)
        self.panel.add_widget(self.choices)
        if mode == "none":
            session.say_text, session.recorded_audio = "", None
            self.panel.add_widget(self.spacer())
        else:
            session.say_text = ""
            self.record_note.text = self.t(
                "voice.record_hint", seconds=int(self.ctx.settings.record_max_s)
            )
            self.panel.add_widget(self.record_note)
            self.panel.add_widget(self.meter)
            self.panel.add_widget(
                self.row(self.record_button, self.stop_button, self.listen_button)
            )
            self.stop_button.disabled = True
            self.listen_button.disabled = session.recorded_audio is None

    def _back(self) -> None:
        """Back from the keyboard to the choices; from the choices back to the moods."""
        if self.mode == "type":
            text = self.ctx.session.say_text
            self._mode("none")
            self.ctx.session.say_text = text
            self.choice_type.selected = bool(text)
            return
        self.send("voice_back")

    # -- typing --
    def _key(self, key: str) -> None:
        session = self.ctx.session
        session.say_text = apply_key(session.say_text, key, MAX_LINE_CHARS)
        self.line.text = session.say_text or self.t("voice.type_hint")

    def on_key_text(self, text: str) -> bool:
        if self.mode != "type":
            return False
        for ch in text:
            self._key(ch)
        return True

    # -- recording --
    def _record(self) -> None:
        if self._recording is not None:
            return
        self.record_button.disabled = True
        self.stop_button.disabled = False
        self._stop_event.clear()
        self._meter_event = Clock.schedule_interval(
            lambda _dt: setattr(self.meter, "value", self._level), 1 / 20
        )
        self._recording = threading.Thread(target=self._record_thread, daemon=True)
        self._recording.start()

    def _record_thread(self) -> None:
        from engine_edge.errors import KeepsakeError

        try:
            from engine_edge.speech.recorder import record

            audio = record(self.ctx.settings.record_max_s, self._on_level, stop=self._stop_event)
            Clock.schedule_once(lambda _dt: self._recorded(np.asarray(audio, np.float32), ""))
        except (KeepsakeError, ImportError, OSError) as exc:
            message = self.t("voice.no_mic") if not isinstance(exc, KeepsakeError) else str(exc)
            Clock.schedule_once(lambda _dt: self._recorded(None, message))

    def _stop_recording(self) -> None:
        self._stop_event.set()

    def _on_level(self, level: float) -> None:
        self._level = float(level)

    def _recorded(self, audio: np.ndarray | None, message: str) -> None:
        self._recording = None
        self.record_button.disabled = False
        self.stop_button.disabled = True
        if self._meter_event is not None:
            self._meter_event.cancel()
            self._meter_event = None
        self.meter.value = 0
        if audio is None:
            self.record_note.text = message or self.t("voice.no_mic")
            return
        self.ctx.session.recorded_audio = audio
        self.ctx.session.recorded_rate = RECORD_RATE
        self.listen_button.disabled = False

    def _listen(self) -> None:
        audio = self.ctx.session.recorded_audio
        if audio is None:
            return
        try:
            import sounddevice

            sounddevice.play(audio, self.ctx.session.recorded_rate)
        except Exception:  # no speaker: nothing to hear, nothing to fix for the guest
            self.record_note.text = self.t("voice.no_mic")

    def _continue(self) -> None:
        if self.mode == "type" and len(self.ctx.session.say_text) > MAX_LINE_CHARS:
            self.line.text = self.t("voice.too_long")
            return
        self.send("voice_done")
