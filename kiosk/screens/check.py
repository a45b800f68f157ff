"""Check: the rectified photo; retake or continue; tap faces in a group photo to keep still."""

from __future__ import annotations

from typing import Any

from kiosk.screens.base import KioskScreen
from kiosk.widgets import PhotoView

# The photo while the worker looks for faces (about a second): dimmed, so a print laid on its
# side does not look like the final photo before it is turned upright.
LOOKING_OPACITY = 0.4


class FacePicker(PhotoView):
    """The photo with face boxes; a tap inside a box toggles that face still/animated."""

    def __init__(self, on_toggle: Any, **kw: Any) -> None:
        super().__init__(**kw)
        self.on_toggle = on_toggle

    def on_touch_down(self, touch: Any) -> bool:
        if not self.collide_point(*touch.pos) or not self.boxes:
            return super().on_touch_down(touch)
        x, y = self.widget_to_image(*touch.pos)
        for index, (x0, y0, x1, y1) in enumerate(self.boxes):
            if x0 <= x <= x1 and y0 <= y <= y1:
                self.on_toggle(index)
                return True
        return False


class CheckScreen(KioskScreen):
    state_id = "check"
    primary_action = "check.continue"
    holds_guest_work = True

    def build(self) -> None:
        self.page.add_widget(self.title("check.title"))
        self.photo = FacePicker(self.ctx.guarded(self._toggle))
        self.page.add_widget(self.photo)
        self.message = self.body("", muted=True)
        self.page.add_widget(self.message)
        self.retake = self.button("check.retake", "check.retake", lambda: self.send("retake"))
        self.go = self.button(
            "check.continue", "check.continue", lambda: self.send("confirm"), primary=True
        )
        self.page.add_widget(self.row(self.retake, self.go))
        self._job: int | None = None
        self._turned_deg = 0

    def debug_state(self) -> dict[str, Any]:
        return {
            "faces": len(self.ctx.session.face_boxes),
            "still": sorted(self.ctx.session.still_faces),
            "turned_deg": self._turned_deg,
            "photo_dimmed": self.photo.opacity < 1,
        }

    def enter(self) -> None:
        session = self.ctx.session
        session.face_boxes, session.still_faces = [], set()
        self._turned_deg = 0
        self.photo.boxes, self.photo.dimmed = [], []
        self.photo.set_image(session.photo)
        self.photo.opacity = LOOKING_OPACITY
        self.message.text = self.t("check.looking")
        self.go.disabled = True
        self._job = self.ctx.submit(
            "faces", {"photo": session.photo}, on_done=self._found, on_failed=self._failed
        )

    def leave(self) -> None:
        self.ctx.forget_job(self._job)
        self._job = None

    def _found(self, result: dict[str, Any]) -> None:
        self._job = None
        self.photo.opacity = 1
        if "photo" in result:
            # The print lay on its side: from here on the guest's photo is the upright one
            # (shown, rendered and kept), and the boxes are in its pixels.
            self.ctx.session.photo = result["photo"]
            self.photo.set_image(result["photo"])
            self._turned_deg = int(result["turned_clockwise_deg"])
        boxes = [tuple(b) for b in result["boxes"]]
        self.ctx.session.face_boxes = boxes
        self.photo.boxes = [list(b) for b in boxes]
        self.message.text = self._found_message(len(boxes))
        self.go.disabled = False

    def _found_message(self, faces: int) -> str:
        """The face count, led by a word that the photo was turned when it was: the guest laid
        the print on its side and now sees it upright, and should know the kiosk did that."""
        count = self.t("check.faces" if faces > 1 else "check.one_face")
        return f"{self.t('check.turned')} {count}" if self._turned_deg else count

    def _failed(self, failed: Any) -> None:
        self._job = None
        self.photo.opacity = 1  # the guest judges this photo to take it again
        if failed.expected:
            self.message.text = failed.message or self.t("check.no_face")
        else:
            self.message.text = self.t("check.no_face")

    def _toggle(self, index: int) -> None:
        still = self.ctx.session.still_faces
        still.symmetric_difference_update({index})
        if len(still) == len(self.ctx.session.face_boxes):  # at least one face must move
            still.discard(index)
        self.photo.dimmed = sorted(still)
