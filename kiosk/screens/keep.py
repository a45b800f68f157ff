"""Keep: save to a USB stick, add to this event's tribute, or delete now.

"Add to the tribute" is offered only when it can work: with no open event or
a full disk it is withdrawn, and the screen says why.
"""

from __future__ import annotations

import time
from typing import Any

from engine_edge.errors import DeviceUnavailable, KeepsakeError, StorageFull
from kiosk.screens.base import KioskScreen
from kiosk.widgets import PhotoView


class KeepScreen(KioskScreen):
    state_id = "keep"
    primary_action = "keep.done"
    holds_guest_work = True

    def build(self) -> None:
        self.page.add_widget(self.title("keep.title"))
        self.poster = PhotoView()
        self.page.add_widget(self.poster)
        self.status = self.body("")
        self.page.add_widget(self.status)
        self.usb = self.button("keep.usb", "keep.usb", self._usb)
        self.loop = self.button("keep.tribute", "keep.loop", self._loop)
        self.delete = self.button("keep.delete", "keep.delete", self._delete)
        self.phone = self.button("keep.phone", "keep.phone", self._phone)
        self.choices = self.row(self.usb, self.loop, self.delete)
        self.page.add_widget(self.choices)
        self.share_url = ""
        self._event: Any = None
        self.page.add_widget(
            self.row(
                self.button("keep.done", "keep.done", lambda: self.send("finish"), primary=True)
            )
        )

    def debug_state(self) -> dict[str, Any]:
        s = self.ctx.session
        return {
            "kept_item": s.kept_item,
            "usb": s.saved_to_usb,
            "status": self.status.text,
            "share_url": self.share_url,
            "tribute_offered": self.loop.parent is not None,
        }

    def enter(self) -> None:
        self.poster.set_image(self.ctx.session.clip_poster)
        self.status.text = ""
        self.share_url = ""
        if self.phone.parent is not None:
            self.choices.remove_widget(self.phone)
        if self.loop.parent is None:
            self.choices.add_widget(self.loop, index=len(self.choices.children) - 1)
        for button in (self.usb, self.loop, self.delete):
            button.disabled = False
            button.selected = False
        self._offer_tribute()

    def _offer_tribute(self) -> None:
        """Withdraw "Add to the tribute" where it cannot work, and say why."""
        store = self.ctx.services.store
        session = self.ctx.session
        try:
            self._event = store.current_event()
            photo_bytes = session.photo.nbytes if session.photo is not None else 0
            room = store.has_room_for(len(session.clip_mp4) + photo_bytes)
        except KeepsakeError as exc:  # the store's own trouble, in its own words
            self._withdraw_tribute(str(exc))
            return
        if self._event is None:
            self._withdraw_tribute(self.t("keep.no_event"))
        elif not room:
            self._withdraw_tribute(self.t("keep.full_withdrawn"))

    def _withdraw_tribute(self, why: str) -> None:
        if self.loop.parent is not None:
            self.choices.remove_widget(self.loop)
        self.status.text = why

    def _usb(self) -> None:
        from kiosk.adapters.usb import save_bytes, stick_folder

        session = self.ctx.session
        try:
            folder = stick_folder()
            save_bytes(folder, f"keepsake-{time.strftime('%Y%m%d-%H%M%S')}.mp4", session.clip_mp4)
        except DeviceUnavailable:
            self.status.text = self.t("keep.no_usb")
            return
        except KeepsakeError as exc:
            self.status.text = str(exc) or self.t("keep.usb_failed")
            return
        session.saved_to_usb = True
        self.usb.selected, self.usb.disabled = True, True
        self.status.text = self.t("keep.saved_usb")

    def _loop(self) -> None:
        session = self.ctx.session
        assert session.photo is not None
        try:
            session.kept_item = self.ctx.services.store.keep(
                session.photo,
                session.clip_mp4,
                session.clip_poster,
                consent=session.consent,
                preset=session.preset,
                caption=None,
                event_id=self._event.event_id,
            )
        except StorageFull:
            self._withdraw_tribute(self.t("keep.full_withdrawn"))
            return
        self.loop.selected, self.loop.disabled = True, True
        self.delete.disabled = True
        self.status.text = self.t("keep.added_tribute", event=self._event.name)
        if self.ctx.services.share.available and self.phone.parent is None:
            self.phone.disabled = False
            self.choices.add_widget(self.phone)  # a kept portrait can also go to a phone

    def _phone(self) -> None:
        """A one-time link on the hotspot, shown as a QR code where the poster was."""
        from kiosk.adapters.store import decode_png

        offer = self.ctx.services.share.offer(self.ctx.session.kept_item or "")
        self.poster.set_image(decode_png(offer.qr_png))
        self.share_url = offer.url
        self.phone.disabled = True
        self.status.text = self.t("keep.phone_hint", minutes=self._link_minutes(offer))

    @staticmethod
    def _link_minutes(offer: Any) -> int:
        import datetime as dt

        left_s = (offer.expires_at - dt.datetime.now().astimezone()).total_seconds()
        return max(1, round(left_s / 60))

    def _delete(self) -> None:
        session = self.ctx.session
        session.clip_mp4, session.photo, session.recorded_audio = b"", None, None
        session.saved_to_usb = False
        self.send("finish")
