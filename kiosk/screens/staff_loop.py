"""Staff: the tribute loop — reorder, caption, pin for the event, remove."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.scrollview import ScrollView

from kiosk.keyboard import OnScreenKeyboard, apply_key
from kiosk.widgets import BigButton, PhotoView, TextBlock

if TYPE_CHECKING:
    from kiosk.screens.staff import StaffScreen

MAX_CAPTION_CHARS = 60


class LoopPanel(BoxLayout):
    def __init__(self, screen: StaffScreen) -> None:
        super().__init__(orientation="vertical", spacing=screen.m.gap_px)
        self.screen = screen
        self.editing: str | None = None
        self.caption = ""

    @property
    def store(self) -> Any:
        return self.screen.ctx.services.store

    def refresh(self) -> None:
        self.clear_widgets()
        self.screen.whole_page(self.editing is not None)
        if self.editing is not None:
            self._caption_editor()
            return
        items = self.store.tribute()
        if not items:
            self.add_widget(self.screen.body(self.screen.t("staff.loop_empty"), muted=True))
            return
        m = self.screen.m
        rows = BoxLayout(orientation="vertical", spacing=m.gap_px, size_hint_y=None)
        rows.bind(minimum_height=rows.setter("height"))
        for index, item in enumerate(items):
            rows.add_widget(self._row(index, item))
        scroll = ScrollView(do_scroll_x=False)
        scroll.add_widget(rows)
        self.add_widget(scroll)

    def _row(self, index: int, item: Any) -> BoxLayout:
        m, t = self.screen.m, self.screen.t
        row = BoxLayout(
            orientation="horizontal", spacing=m.mm(2), size_hint_y=None, height=m.touch_px
        )
        thumb = PhotoView(size_hint_x=None, width=m.touch_px)
        try:
            thumb.set_image(self.store.thumb(item.item_id))
        except Exception:  # an item without a thumbnail is still manageable
            thumb.set_image(None)
        row.add_widget(thumb)
        label = (t("staff.pinned_mark") if item.pinned else "") + (item.caption or f"#{index + 1}")
        row.add_widget(TextBlock(label, size_px=m.body_px, halign="left"))

        def act(key: str, name: str, fn: Any) -> BigButton:
            return BigButton(
                t(key),
                action_id=f"staff.{name}.{index}",
                on_press=self.screen.ctx.guarded(fn),
                height_px=m.touch_px,
                font_px=m.small_px,
                size_hint_x=None,
                width=m.touch_px * 1.15,
            )

        row.add_widget(act("staff.up", "up", lambda: self._move(item.item_id, -1)))
        row.add_widget(act("staff.down", "down", lambda: self._move(item.item_id, 1)))
        row.add_widget(
            act(
                "staff.unpin" if item.pinned else "staff.pin",
                "pin",
                lambda: self._pin(item.item_id, not item.pinned),
            )
        )
        row.add_widget(
            act("staff.caption", "caption", lambda: self._edit(item.item_id, item.caption))
        )
        row.add_widget(act("staff.remove", "remove", lambda: self._remove(item.item_id)))
        return row

    def _move(self, item_id: str, offset: int) -> None:
        self.store.move(item_id, offset)
        self.refresh()

    def _pin(self, item_id: str, pinned: bool) -> None:
        self.store.store.pin(item_id, pinned)
        self.refresh()

    def _remove(self, item_id: str) -> None:
        self.store.store.delete_item(item_id)
        self.refresh()

    def _edit(self, item_id: str, caption: str) -> None:
        self.editing, self.caption = item_id, caption or ""
        self.refresh()

    def _caption_editor(self) -> None:
        m, t = self.screen.m, self.screen.t
        self.caption_label = TextBlock(self.caption or " ", size_px=m.body_px * 1.2)
        self.add_widget(self.caption_label)
        keyboard = OnScreenKeyboard(
            self.screen.ctx.guarded(self.key), key_px=m.touch_px * 0.85, font_px=m.body_px, t=t
        )
        keyboard.begin(self.caption)
        self.add_widget(keyboard)
        self.add_widget(
            self.screen.row(
                self.screen.button("staff.cancel_caption", "staff.cancel_caption", self._cancel),
                self.screen.button(
                    "staff.save_caption", "staff.save_caption", self._save, primary=True
                ),
            )
        )

    def key(self, key: str) -> None:
        self.caption = apply_key(self.caption, key, MAX_CAPTION_CHARS)
        self.caption_label.text = self.caption or " "

    def _cancel(self) -> None:
        self.editing = None
        self.refresh()

    def _save(self) -> None:
        assert self.editing is not None
        self.store.store.set_caption(self.editing, self.caption.strip() or None)
        self.editing = None
        self.refresh()
