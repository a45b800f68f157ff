"""Staff: make the open event's tribute film and take it home on a USB stick.

The film is the wall's portraits in wall order, each after a caption card with
its caption (if it has one), joined by gentle cross-fades, optionally over a
music file from the USB stick and looping for a display. It is made in the
render worker (engine_edge.montage, streamed) with a progress bar and a way
to stop, held in memory only, and written to the stick through the store's
export, named like every other export: '2026-05-12 Ruth Miller - tribute film.mp4'.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.scrollview import ScrollView

from engine_edge.errors import DeviceUnavailable, KeepsakeError
from kiosk import theme
from kiosk.screens.base import KioskScreen
from kiosk.widgets import CalmProgressBar, PhotoView, TextBlock


class StaffFilmScreen(KioskScreen):
    state_id = "staff_film"
    primary_action = ""

    def build(self) -> None:
        self.heading = TextBlock(" ", size_px=self.m.title_px, bold=True)
        self.page.add_widget(self.heading)
        self.list_area = BoxLayout(orientation="vertical")
        self.page.add_widget(self.list_area)
        self.loop = self.button("staff_film.loop_off", "staff_film.loop", self._toggle_loop)
        self.music = self.button("staff_film.music_none", "staff_film.music", self._next_music)
        self.page.add_widget(self.row(self.loop, self.music))
        self.bar = CalmProgressBar(size_hint_y=None, height=self.m.mm(6))
        self.page.add_widget(self.bar)
        self.status = self.body("", muted=True)
        self.page.add_widget(self.status)
        self.make = self.button("staff_film.make", "staff_film.make", self._make, primary=True)
        self.stop = self.button("staff_film.stop", "staff_film.stop", self._stop)
        self.export = self.button("staff_film.export", "staff_film.export", self._export)
        self.page.add_widget(
            self.row(
                self.button("staff_film.back", "staff_film.back", lambda: self.send("film_done")),
                self.stop,
                self.make,
                self.export,
            )
        )
        self.film = b""
        self.looping = False
        self.music_files: list[Path] = []
        self.music_index = -1  # -1: no music
        self._items: list[Any] = []
        self._job: int | None = None

    @property
    def idle_timeout_s(self) -> float | None:
        if self._job is not None:
            return None  # a film is being made: staff may well wait for it
        return max(120.0, self.ctx.settings.idle_timeout_s)

    def debug_state(self) -> dict[str, Any]:
        return {
            "portraits": [i.caption for i in self._items],
            "loop": self.looping,
            "music": self.music_choice.name if self.music_choice else "",
            "making": self._job is not None,
            "film_bytes": len(self.film),
            "progress": round(float(self.bar.value), 3),
            "status": self.status.text,
        }

    @property
    def music_choice(self) -> Path | None:
        return self.music_files[self.music_index] if self.music_index >= 0 else None

    def enter(self) -> None:
        store = self.ctx.services.store
        self.film, self._job = b"", None
        self.bar.value, self.bar.opacity = 0, 0
        event = store.current_event()
        self._items = store.tribute() if event is not None else []
        self.heading.text = (
            self.t("staff_film.title", name=event.name) if event else self.t("staff_film.no_event")
        )
        self._list()
        self.music_files, self.music_index = self._music_on_stick(), -1
        self._show_options()
        if event is not None and not self._items:
            self.status.text = self.t("staff_film.empty")
        else:
            self.status.text = self.t(
                "staff_film.music_hint" if not self.music_files else "staff_film.ready_to_make"
            )
        self._buttons()

    def leave(self) -> None:
        if self._job is not None:
            self.ctx.services.worker.cancel()
            self.ctx.forget_job(self._job)
            self._job = None
        self.film = b""  # the film holds every portrait: never kept past this page

    # -- the portraits, in wall order --
    def _list(self) -> None:
        m = self.m
        self.list_area.clear_widgets()
        rows = BoxLayout(orientation="vertical", spacing=m.mm(2), size_hint_y=None)
        rows.bind(minimum_height=rows.setter("height"))
        row_px = m.mm(theme.MIN_TOUCH_MM)
        for index, item in enumerate(self._items):
            row = BoxLayout(orientation="horizontal", spacing=m.gap_px, size_hint_y=None)
            row.height = row_px
            thumb = PhotoView(size_hint_x=None, width=row_px)
            try:
                thumb.set_image(self.ctx.services.store.thumb(item.item_id))
            except Exception:  # a portrait without a poster is still in the film
                thumb.set_image(None)
            row.add_widget(thumb)
            caption = item.caption or self.t("staff_film.no_caption")
            row.add_widget(
                TextBlock(
                    f"{index + 1}.  {caption}",
                    size_px=m.body_px,
                    halign="left",
                    color=theme.TEXT if item.caption else theme.TEXT_MUTED,
                    pos_hint={"center_y": 0.5},
                )
            )
            rows.add_widget(row)
        scroll = ScrollView(do_scroll_x=False)
        scroll.add_widget(rows)
        self.list_area.add_widget(scroll)

    # -- options --
    def _music_on_stick(self) -> list[Path]:
        from kiosk.adapters.usb import first_stick, list_music

        try:
            return list_music(first_stick())
        except DeviceUnavailable:
            return []

    def _toggle_loop(self) -> None:
        self.looping = not self.looping
        self._forget_film()

    def _next_music(self) -> None:
        if not self.music_files:
            self.music_files = self._music_on_stick()  # the stick may have come in since
            if not self.music_files:
                self.status.text = self.t("staff_film.music_hint")
                return
        self.music_index = self.music_index + 1
        if self.music_index >= len(self.music_files):
            self.music_index = -1
        self._forget_film()

    def _forget_film(self) -> None:
        """A changed option means a different film: make it again before exporting."""
        self.film = b""
        self.status.text = ""
        self._show_options()
        self._buttons()

    def _show_options(self) -> None:
        self.loop.text = self.t("staff_film.loop_on" if self.looping else "staff_film.loop_off")
        self.loop.selected = self.looping
        choice = self.music_choice
        self.music.text = (
            self.t("staff_film.music_file", name=choice.name)
            if choice
            else self.t("staff_film.music_none")
        )
        self.music.selected = choice is not None

    def _buttons(self) -> None:
        making = self._job is not None
        self.make.disabled = making or not self._items
        self.stop.disabled = not making
        self.export.disabled = making or not self.film
        self.make.primary, self.export.primary = not self.film, bool(self.film)
        self.loop.disabled = self.music.disabled = making

    # -- making and exporting --
    def _make(self) -> None:
        store = self.ctx.services.store
        clips = [store.clip(item.item_id) for item in self._items]
        self.film = b""
        self.bar.value, self.bar.opacity = 0, 1
        self.status.text = self.t("staff_film.making")
        choice = self.music_choice
        self._job = self.ctx.submit(
            "film",
            {
                "clips": clips,
                "captions": [item.caption for item in self._items],
                "music": str(choice) if choice else None,
                "loop": self.looping,
                "fps": float(self.ctx.settings.clip_fps),
            },
            on_progress=self._progress,
            on_done=self._made,
            on_failed=self._failed,
        )
        self._buttons()

    def _progress(self, fraction: float) -> None:
        self.bar.value = fraction

    def _made(self, film: bytes) -> None:
        from engine_edge.deliver import probe_mp4

        self._job = None
        self.film = film
        self.bar.value = 1.0
        seconds = probe_mp4(film).duration_s
        self.status.text = self.t(
            "staff_film.made",
            seconds=max(1, round(seconds)),
            megabytes=self.t.decimal(len(film) / 1e6, 1),
        )
        self._buttons()

    def _failed(self, failed: Any) -> None:
        self._job = None
        self.bar.opacity = 0
        if failed.cancelled:
            self.status.text = self.t("staff_film.stopped")
        else:
            self.status.text = (
                failed.message
                if failed.expected and failed.message
                else self.t("staff_film.failed")
            )
        self._buttons()

    def _stop(self) -> None:
        if self._job is not None:
            self.ctx.services.worker.cancel()

    def _export(self) -> None:
        from kiosk.adapters.usb import stick_folder

        store = self.ctx.services.store
        try:
            folder = stick_folder()
            path = store.store.export_film(self.film, folder, store.current_event())
        except DeviceUnavailable:
            self.status.text = self.t("keep.no_usb")
            return
        except KeepsakeError as exc:  # a full or locked stick, in the store's own words
            self.status.text = str(exc)
            return
        self.status.text = self.t("staff_film.exported", name=path.name)
