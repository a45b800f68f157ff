"""Scan: live preview with the print's outline, plain hints, automatic capture; or a USB photo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.graphics import Color, InstructionGroup, Line
from kivy.uix.gridlayout import GridLayout

from engine_edge.scan.detect import Box, glare_rectangles
from kiosk import theme
from kiosk.screens.base import KioskScreen
from kiosk.widgets import BigButton, PhotoView


class ScanScreen(KioskScreen):
    state_id = "scan"
    primary_action = ""

    def build(self) -> None:
        self.page.add_widget(self.title("scan.title"))
        self.preview = PhotoView()
        self.page.add_widget(self.preview)
        self.chooser = GridLayout(cols=4, spacing=self.m.gap_px, size_hint_y=None, height=0)
        self.page.add_widget(self.chooser)
        self.hint = self.body(self.t("scan.hint.searching"))
        self.page.add_widget(self.hint)
        self.notice = ""  # a USB message, shown under the camera's hint so it never hides it
        self.page.add_widget(
            self.row(
                self.button("scan.cancel", "scan.cancel", lambda: self.send("start_over")),
                self.button("scan.usb", "scan.usb", self._from_usb),
            )
        )
        self._event: Any = None
        self.last_state = ""
        self.glare_marks: list[Box] = []  # preview pixels; drawn over the preview
        self._glare_group = InstructionGroup()
        self.preview.canvas.after.add(self._glare_group)
        self.preview.bind(pos=self._draw_glare, size=self._draw_glare)

    def debug_state(self) -> dict[str, Any]:
        return {"camera": self.last_state, "glare_marks": len(self.glare_marks)}

    def enter(self) -> None:
        self.chooser.clear_widgets()
        self.chooser.height = 0
        self.preview.opacity = 1
        self.preview.set_image(None)
        self.hint.text = self.t("scan.hint.searching")
        self.notice = ""
        self._mark_glare((), (1, 1))
        self.ctx.services.board.set_light(0xFF, 1.0, 300)
        self.ctx.services.camera.start()
        self._event = Clock.schedule_interval(self._poll, 1 / 15)

    def leave(self) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None
        self.ctx.services.camera.stop()
        self.ctx.services.board.set_light(0xFF, 0.0, 500)

    def _poll(self, _dt: float) -> None:
        view = self.ctx.services.camera.view()
        self.last_state = view.state
        if view.state == "lost":
            self._say(self.t("scan.camera_lost"))
            return
        if view.state == "gone":
            self._say(self.t("scan.camera_gone"))
            self.preview.set_image(None)
            return
        if view.preview is not None:
            self.preview.quad_found = view.hint in ("steady", "taken")
            self.preview.quad = list(view.quad) if view.quad else []
            self.preview.set_image(view.preview)
            # "Tilt it away from the light" shows where the light is: the reflections.
            boxes = view.glare_boxes if view.hint == "glare_tilt" else ()
            height, width = view.preview.shape[:2]
            self._mark_glare(boxes, (width, height))
        self._say(self.t(f"scan.hint.{view.hint}"))
        if view.state == "captured" and view.photo is not None:
            self._use(view.photo, "camera")

    def _mark_glare(self, boxes: Any, image_size: tuple[int, int]) -> None:
        marks = glare_rectangles(boxes, image_size)
        if marks != self.glare_marks:
            self.glare_marks = marks
            self._draw_glare()

    def _draw_glare(self, *_: object) -> None:
        self._glare_group.clear()
        if not self.glare_marks:
            return
        self._glare_group.add(Color(*theme.WARNING))
        for x0, y0, x1, y1 in self.glare_marks:
            ax, ay = self.preview.image_to_widget(x0, y1)
            bx, by = self.preview.image_to_widget(x1, y0)
            self._glare_group.add(Line(ellipse=(ax, ay, bx - ax, by - ay), width=3))

    def _say(self, hint: str) -> None:
        self.hint.text = f"{hint}\n{self.notice}" if self.notice else hint

    def _use(self, photo: Any, source: str) -> None:
        self.ctx.session.photo = photo
        self.ctx.session.photo_source = source
        self.send("captured")

    # -- a photo from a USB stick --
    def _from_usb(self) -> None:
        from engine_edge.errors import DeviceUnavailable
        from kiosk.adapters.usb import first_stick, list_photos

        try:
            photos = list_photos(first_stick())
        except DeviceUnavailable:
            self.notice = self.t("scan.usb_none")
            return
        if not photos:
            self.notice = self.t("scan.usb_empty")
            return
        self.notice = self.t("scan.usb_title")
        self.preview.opacity = 0
        self.chooser.clear_widgets()
        for index, path in enumerate(photos[:8]):
            self.chooser.add_widget(
                BigButton(
                    path.name,
                    action_id=f"scan.usb.{index}",
                    on_press=self.ctx.guarded(lambda p=path: self._pick(p)),
                    height_px=self.m.touch_px,
                    font_px=self.m.small_px,
                )
            )
        self.chooser.height = ((len(self.chooser.children) + 3) // 4) * (
            self.m.touch_px + self.m.gap_px
        )

    def _pick(self, path: Path) -> None:
        from engine_edge.errors import KeepsakeError
        from engine_edge.image_io import load_image

        try:
            self._use(load_image(path), "usb")
        except KeepsakeError as exc:
            self.notice = str(exc)
