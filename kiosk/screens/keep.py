"""Keep: add a caption, save to a USB stick, add to this event's tribute, or delete now.

"Add to the tribute" is offered only when it can work: with no open event or
a full disk it is withdrawn, and the screen says why. A caption is typed on
the kiosk's keyboard (accents included) and drawn into the clip by the render
worker, laid out as ``keepsake animate --caption`` would; it can be changed
until the clip is saved or added, and the tribute's record carries the same words.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine_edge.compat import UTC
from engine_edge.errors import DeviceUnavailable, KeepsakeError, StorageFull
from kiosk.keyboard import OnScreenKeyboard, apply_key
from kiosk.screens.base import KioskScreen
from kiosk.widgets import CalmProgressBar, PhotoView, TextBlock

MAX_CAPTION_CHARS = 60  # two lines on the clip at the caption's size


class KeepScreen(KioskScreen):
    state_id = "keep"
    primary_action = "keep.done"
    holds_guest_work = True

    def build(self) -> None:
        self.heading = self.title("keep.title")
        self.poster = PhotoView()
        self.bar = CalmProgressBar(size_hint_y=None, height=self.m.mm(6))
        self.status = self.body("")
        self.usb = self.button("keep.usb", "keep.usb", self._usb)
        self.loop = self.button("keep.tribute", "keep.loop", self._loop)
        self.delete = self.button("keep.delete", "keep.delete", self._delete)
        self.phone = self.button("keep.phone", "keep.phone", self._phone)
        self.choices = self.row(self.usb, self.loop, self.delete)
        self.caption_button = self.button("keep.caption", "keep.caption", self._edit_caption)
        self.footer = self.row(
            self.caption_button,
            self.button("keep.done", "keep.done", lambda: self.send("finish"), primary=True),
        )
        self.share_url = ""
        self._event: Any = None
        # The caption: what is typed, what is in the clip now, and the clip without it.
        self.typing: str | None = None
        self.caption = ""
        self._uncaptioned: tuple[bytes, Any] | None = None
        self._job: int | None = None
        self.caption_label = TextBlock(" ", size_px=self.m.title_px)
        self.keyboard = OnScreenKeyboard(
            self.ctx.guarded(self._key),
            key_px=self.m.touch_px * 0.85,
            font_px=self.m.body_px,
            t=self.t,
        )
        self.editor_buttons = self.row(
            self.button("keep.caption_cancel", "keep.caption_cancel", self._cancel_caption),
            self.button("keep.caption_add", "keep.caption_add", self._burn_caption, primary=True),
        )
        self._layout()

    def _layout(self) -> None:
        """The choices, or (while a caption is typed) the keyboard on the whole page."""
        self.page.clear_widgets()
        if self.typing is not None:
            parts = [self.caption_label, self.body(self.t("keep.caption_hint"), muted=True)]
            parts += [self.keyboard, self.editor_buttons]
        else:
            parts = [self.heading, self.poster, self.bar, self.status, self.choices, self.footer]
        for part in parts:
            self.page.add_widget(part)
        self.bar.opacity = 1 if self._job is not None else 0

    @property
    def idle_timeout_s(self) -> float | None:
        return None if self._job is not None else super().idle_timeout_s  # waiting, not gone

    def debug_state(self) -> dict[str, Any]:
        s = self.ctx.session
        return {
            "kept_item": s.kept_item,
            "usb": s.saved_to_usb,
            "status": self.status.text,
            "share_url": self.share_url,
            "tribute_offered": self.loop.parent is not None,
            "caption": self.caption,
            "typing": self.typing,
            "captioning": self._job is not None,
        }

    def enter(self) -> None:
        self.poster.set_image(self.ctx.session.clip_poster)
        self.status.text = ""
        self.share_url = ""
        self.typing, self.caption, self._uncaptioned, self._job = None, "", None, None
        self.caption_button.text = self.t("keep.caption")
        self.caption_button.disabled = False
        self._layout()
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
        from kiosk.store.exporting import clip_name

        session = self.ctx.session
        try:
            folder = stick_folder()
            name = clip_name(folder, dt.date.today(), self.caption).name
            save_bytes(folder, name, session.clip_mp4)
        except DeviceUnavailable:
            self.status.text = self.t("keep.no_usb")
            return
        except KeepsakeError as exc:
            self.status.text = str(exc) or self.t("keep.usb_failed")
            return
        session.saved_to_usb = True
        self.usb.selected, self.usb.disabled = True, True
        self.caption_button.disabled = True  # what was saved is what it is now
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
                caption=self.caption or None,
                event_id=self._event.event_id,
            )
        except StorageFull:
            self._withdraw_tribute(self.t("keep.full_withdrawn"))
            return
        self.loop.selected, self.loop.disabled = True, True
        self.delete.disabled = True
        self.caption_button.disabled = True
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
        left_s = (offer.expires_at - dt.datetime.now(UTC)).total_seconds()
        return max(1, round(left_s / 60))

    def _delete(self) -> None:
        session = self.ctx.session
        session.clip_mp4, session.photo, session.recorded_audio = b"", None, None
        session.saved_to_usb = False
        self.send("finish")

    # -- the caption --
    def _edit_caption(self) -> None:
        self.typing = self.caption
        self.keyboard.begin(self.typing)
        self.caption_label.text = self.typing or " "
        self._layout()

    def _key(self, key: str) -> None:
        if self.typing is None:
            return
        self.typing = apply_key(self.typing, key, MAX_CAPTION_CHARS)
        self.caption_label.text = self.typing or " "

    def on_key_text(self, text: str) -> bool:
        if self.typing is None:
            return False
        for ch in text:
            self._key(ch)
        return True

    def _cancel_caption(self) -> None:
        self.typing = None
        self._layout()

    def _burn_caption(self) -> None:
        """Draw the typed words into the clip as it was rendered (a changed caption replaces
        the old one); an empty line takes the caption away again."""
        assert self.typing is not None
        words = " ".join(self.typing.split())
        self.typing = None
        session = self.ctx.session
        if self._uncaptioned is None:
            self._uncaptioned = (session.clip_mp4, session.clip_poster)
        if not words:
            session.clip_mp4, session.clip_poster = self._uncaptioned
            self._captioned("")
            return
        self.bar.value = 0
        for button in (self.usb, self.loop, self.delete, self.caption_button):
            button.disabled = True
        self.status.text = self.t("keep.captioning")
        self._job = self.ctx.submit(
            "caption",
            {
                "mp4": self._uncaptioned[0],
                "photo": session.photo,
                "preset": session.preset,
                "faces": session.animated_faces or None,
                "text": words,
            },
            on_progress=self._progress,
            on_done=lambda result: self._done(words, result),
            on_failed=self._failed,
        )
        self._layout()

    def _progress(self, fraction: float) -> None:
        self.bar.value = fraction

    def _done(self, words: str, result: dict[str, Any]) -> None:
        self._job = None
        self.ctx.session.clip_mp4 = result["mp4"]
        self.ctx.session.clip_poster = result["poster"]
        self._captioned(words)

    def _captioned(self, words: str) -> None:
        self.caption = words
        self.poster.set_image(self.ctx.session.clip_poster)
        self.caption_button.text = self.t("keep.caption_change" if words else "keep.caption")
        self.status.text = self.t("keep.caption_done") if words else ""
        self._enable()
        self._layout()

    def _failed(self, failed: Any) -> None:
        self._job = None
        if failed.cancelled:
            return
        self.status.text = (
            failed.message if failed.expected and failed.message else self.t("keep.caption_failed")
        )
        self._enable()
        self._layout()

    def _enable(self) -> None:
        for button in (self.usb, self.loop, self.delete, self.caption_button):
            button.disabled = False

    def leave(self) -> None:
        if self._job is not None:
            self.ctx.services.worker.cancel()
            self.ctx.forget_job(self._job)
            self._job = None
