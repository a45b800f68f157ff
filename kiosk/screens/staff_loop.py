"""Staff: the open event and its tribute — reorder, hide or show, caption, pin, remove.

Removing shows the portrait and asks first; once confirmed the portrait
leaves the wall at once but is destroyed only after ``UNDO_S`` seconds, so a
slip of the finger can be undone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.scrollview import ScrollView

from kiosk import theme
from kiosk.keyboard import OnScreenKeyboard, apply_key
from kiosk.widgets import BigButton, PhotoView, TextBlock

if TYPE_CHECKING:
    from kiosk.screens.staff import StaffScreen

MAX_CAPTION_CHARS = 60
UNDO_S = 10.0


class LoopPanel(BoxLayout):
    def __init__(self, screen: StaffScreen) -> None:
        super().__init__(orientation="vertical", spacing=screen.m.gap_px)
        self.screen = screen
        self.editing: str | None = None
        self.caption = ""
        self.confirming: str | None = None  # the item whose removal is being asked about
        self._hidden_before = False  # ... and whether staff had hidden it (undo restores that)
        self._close_armed = False
        # Confirmed removals still undoable: item id -> the timer that destroys it.
        self.pending: dict[str, Any] = {}

    @property
    def row_px(self) -> float:
        """Rows and their buttons at the 15 mm minimum, so the list shows more than two."""
        return self.screen.m.mm(theme.MIN_TOUCH_MM)

    @property
    def store(self) -> Any:
        return self.screen.ctx.services.store

    def refresh(self) -> None:
        self.clear_widgets()
        self.screen.whole_page(self.editing is not None)
        if self.editing is not None:
            self._caption_editor()
            return
        if self.confirming is not None:
            self._confirm_removal(self.confirming)
            return
        self.add_widget(self._event_row())
        if self.pending:
            self.add_widget(self._undo_row())
        items = [i for i in self.store.event_items() if i.item_id not in self.pending]
        if not items:
            if self.store.current_event() is not None:
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

    def _button(self, key: str, action_id: str, fn: Any, width_x: float = 1.15) -> BigButton:
        m = self.screen.m
        return BigButton(
            self.screen.t(key),
            action_id=action_id,
            on_press=self.screen.ctx.guarded(fn),
            height_px=self.row_px,
            font_px=m.small_px,
            size_hint_x=None,
            width=m.touch_px * width_x,
        )

    # -- the event --
    def _event_row(self) -> BoxLayout:
        m, t = self.screen.m, self.screen.t
        row = BoxLayout(orientation="horizontal", spacing=m.gap_px, size_hint_y=None)
        row.height = self.row_px
        event = self.store.current_event()
        label = (
            t("staff.event_current", name=event.name, day=t.date(event.day))
            if event is not None
            else t("staff.event_none")
        )
        row.add_widget(
            TextBlock(label, size_px=m.body_px, halign="left", pos_hint={"center_y": 0.5})
        )
        if event is not None:
            row.add_widget(
                self._button(
                    "staff.film", "staff.film", lambda: self.screen.send("film_setup"), width_x=2.6
                )
            )
            row.add_widget(
                self._button(
                    "staff.event_close_confirm" if self._close_armed else "staff.event_close",
                    "staff.event_close",
                    self._close_event,
                    width_x=2.6,
                )
            )
        row.add_widget(
            self._button(
                "staff.event_open",
                "staff.event_open",
                lambda: self.screen.send("event_setup"),
                width_x=2.2,
            )
        )
        return row

    def _close_event(self) -> None:
        """Two touches: closing empties the wall until the next event opens."""
        if not self._close_armed:
            self._close_armed = True
        else:
            self._close_armed = False
            self.store.close_event()
        self.refresh()

    # -- one portrait --
    def _row(self, index: int, item: Any) -> BoxLayout:
        m, t = self.screen.m, self.screen.t
        row = BoxLayout(
            orientation="horizontal", spacing=m.mm(2), size_hint_y=None, height=self.row_px
        )
        row.add_widget(self._thumb(item.item_id, size_hint_x=None, width=self.row_px))
        label = (
            (t("staff.hidden_mark") if item.hidden else "")
            + (t("staff.pinned_mark") if item.pinned else "")
            + (item.caption or f"#{index + 1}")
        )
        row.add_widget(
            TextBlock(label, size_px=m.body_px, halign="left", pos_hint={"center_y": 0.5})
        )
        row.add_widget(
            self._button("staff.up", f"staff.up.{index}", lambda: self._move(item.item_id, -1))
        )
        row.add_widget(
            self._button("staff.down", f"staff.down.{index}", lambda: self._move(item.item_id, 1))
        )
        row.add_widget(
            self._button(
                "staff.show" if item.hidden else "staff.hide",
                f"staff.hide.{index}",
                lambda: self._hide(item.item_id, not item.hidden),
            )
        )
        row.add_widget(
            self._button(
                "staff.unpin" if item.pinned else "staff.pin",
                f"staff.pin.{index}",
                lambda: self._pin(item.item_id, not item.pinned),
            )
        )
        row.add_widget(
            self._button(
                "staff.caption",
                f"staff.caption.{index}",
                lambda: self._edit(item.item_id, item.caption),
            )
        )
        row.add_widget(
            self._button("staff.remove", f"staff.remove.{index}", lambda: self._ask(item))
        )
        return row

    def _thumb(self, item_id: str, **kw: Any) -> PhotoView:
        thumb = PhotoView(**kw)
        try:
            thumb.set_image(self.store.thumb(item_id))
        except Exception:  # an item without a thumbnail is still manageable
            thumb.set_image(None)
        return thumb

    def _move(self, item_id: str, offset: int) -> None:
        self.store.move(item_id, offset)
        self.refresh()

    def _hide(self, item_id: str, hidden: bool) -> None:
        self.store.set_hidden(item_id, hidden)
        self.refresh()

    def _pin(self, item_id: str, pinned: bool) -> None:
        self.store.store.pin(item_id, pinned)
        self.refresh()

    # -- removal: show it, ask, then undoable for UNDO_S --
    def _ask(self, item: Any) -> None:
        self.confirming = item.item_id
        self._hidden_before = item.hidden
        self.refresh()

    def _confirm_removal(self, item_id: str) -> None:
        t = self.screen.t
        self.add_widget(self.screen.body(t("staff.remove_title")))
        self.add_widget(self._thumb(item_id))
        self.add_widget(self.screen.body(t("staff.remove_detail"), muted=True))
        self.add_widget(
            self.screen.row(
                self.screen.button("staff.remove_keep", "staff.remove_keep", self._keep),
                self.screen.button(
                    "staff.remove_confirm", "staff.remove_confirm", self._remove, primary=True
                ),
            )
        )

    def _keep(self) -> None:
        self.confirming = None
        self.refresh()

    def _remove(self) -> None:
        item_id, self.confirming = self.confirming, None
        assert item_id is not None
        self.store.start_removal(item_id, self._hidden_before)  # off the wall now
        self.pending[item_id] = Clock.schedule_once(lambda _dt: self._destroy(item_id), UNDO_S)
        self.refresh()

    def _undo_row(self) -> BoxLayout:
        m, t = self.screen.m, self.screen.t
        row = BoxLayout(orientation="horizontal", spacing=m.gap_px, size_hint_y=None)
        row.height = self.row_px
        row.add_widget(
            TextBlock(
                t("staff.removed"), size_px=m.body_px, halign="left", pos_hint={"center_y": 0.5}
            )
        )
        row.add_widget(self._button("staff.undo", "staff.undo", self._undo, width_x=2.2))
        return row

    def _undo(self) -> None:
        """Bring back the most recent removal still within its time."""
        item_id = next(reversed(self.pending))
        self.pending.pop(item_id).cancel()
        self.store.undo_removal(item_id)
        self.refresh()

    def _destroy(self, item_id: str) -> None:
        if self.pending.pop(item_id, None) is None:
            return
        self.screen.ctx.guarded(self.store.remove)(item_id)
        if self.get_root_window() is not None:
            self.refresh()

    # -- caption --
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
