"""Every word the kiosk shows, in one place, ready for translation.

Screens never hold literal text: they call :func:`text` with a key. A
translation is another dict with the same keys, chosen by ``[kiosk] language``.
Tone: calm, short sentences, no jargon, never blame the guest.
"""

from __future__ import annotations

EN: dict[str, str] = {
    # Attract
    "attract.title": "Keepsake",
    "attract.touch": "Touch to begin",
    "attract.empty": "Bring a printed photo to life, gently.",
    "attract.hint": "A few seconds of a loved one breathing, blinking, smiling.",
    # Consent
    "consent.title": "Before we begin",
    "consent.question": "Do you have the right to animate this photo?",
    "consent.detail": (
        "Your photo stays on this device. Nothing is uploaded. "
        "It is deleted automatically after {days} days, or sooner if you ask."
    ),
    "consent.agree": "Yes, I do",
    "consent.decline": "No, go back",
    # Scan
    "scan.title": "Lay your photo under the light",
    "scan.hint.searching": "Place one printed photo face up under the light.",
    "scan.hint.hand": "Lovely. Now take your hand away.",
    "scan.hint.steady": "Hold still… taking it now.",
    "scan.hint.closer": "Move the photo a little closer to the middle.",
    "scan.hint.cut_off": "Part of the photo is outside the view. Slide it towards the middle.",
    "scan.hint.tilted": "Lay the photo flat on the table.",
    "scan.hint.dark": "It is too dark to see the photo.",
    "scan.hint.glare": "There is a reflection. We will take a few pictures to remove it.",
    "scan.hint.two_prints": "Please place only one photo at a time.",
    "scan.hint.screen": "This looks like a screen. Please use a printed photo.",
    "scan.hint.unclear": "The edges are hard to see. A plain, dark surface helps.",
    "scan.hint.taken": "Got it. Thank you.",
    "scan.camera_lost": "The camera stopped answering. Checking it again…",
    "scan.camera_gone": "The camera is not working right now. Please ask a member of staff.",
    "scan.usb": "Use a photo from a USB stick",
    "scan.usb_none": "No USB stick found. Plug one in, or lay your print under the light.",
    "scan.usb_empty": "There is no photo on this USB stick.",
    "scan.usb_title": "Choose a photo",
    "scan.cancel": "Start over",
    # Check
    "check.title": "Is this the photo?",
    "check.faces": "Tap a face to leave it still. All faces will move by default.",
    "check.one_face": "We found one face.",
    "check.looking": "Looking for faces…",
    "check.no_face": (
        "We could not find a face in this photo. Try again with the print flat and well lit."
    ),
    "check.retake": "Take it again",
    "check.continue": "Continue",
    # Mood
    "mood.title": "Choose a mood",
    "mood.memorial": "Memorial",
    "mood.memorial.detail": "Quiet breathing, a soft blink",
    "mood.birthday": "Birthday",
    "mood.birthday.detail": "A warm smile, a short greeting",
    "mood.anniversary": "Anniversary",
    "mood.anniversary.detail": "A gentle smile, a slow drift",
    "mood.social": "To share",
    "mood.social.detail": "A clear message, upright video",
    "mood.add_voice": "Add a spoken line",
    "mood.continue": "Continue",
    # Voice
    "voice.title": "Would you like them to say something?",
    "voice.none": "No words",
    "voice.type": "Type a line",
    "voice.record": "Record my voice",
    "voice.type_hint": "One short sentence, like \u201cHappy birthday, love.\u201d",
    "voice.record_hint": "Speak after you touch Record. Up to {seconds} seconds.",
    "voice.record_start": "Record",
    "voice.record_stop": "Stop",
    "voice.listen": "Listen back",
    "voice.no_mic": "There is no microphone on this kiosk. You can type a line instead.",
    "voice.too_long": "That is a little long. Please keep it to one short sentence.",
    "voice.continue": "Continue",
    "voice.back": "Back",
    # Render
    "render.title": "Bringing your photo to life",
    "render.remaining": "About {seconds} seconds left",
    "render.starting": "Getting ready…",
    "render.cancel": "Cancel",
    # Preview
    "preview.title": "Here they are",
    "preview.label": "AI-animated keepsake",
    "preview.replay": "Play again",
    "preview.change": "Change mood",
    "preview.keep": "Continue",
    # Keep
    "keep.title": "What would you like to do with it?",
    "keep.usb": "Save to my USB stick",
    "keep.loop": "Add to today's tribute",
    "keep.delete": "Delete it now",
    "keep.phone": "Send to my phone",
    "keep.phone_hint": (
        "Join the kiosk's Wi-Fi, then point your phone's camera at the code. "
        "The link works once, for {minutes} minutes."
    ),
    "keep.done": "Done",
    "keep.saved_usb": "Saved to your USB stick.",
    "keep.added_loop": "Added to today's tribute.",
    "keep.no_usb": "No USB stick found. Plug one into the side of the kiosk and try again.",
    "keep.usb_failed": "We could not write to the USB stick. Please try another one.",
    "keep.full": (
        "The kiosk's storage is full, so nothing was saved. Please let a member of staff know."
    ),
    "keep.caption_hint": "A name or a few words (optional)",
    # Thank you
    "thanks.title": "Thank you",
    "thanks.kept": "Your keepsake is saved.",
    "thanks.deleted": "Your photo has been deleted from this kiosk.",
    # Failsafe
    "failsafe.title": "Something went wrong",
    "failsafe.message": "We are sorry. Nothing you did caused this. Let's start again.",
    "failsafe.render": "We could not finish this portrait. Nothing was saved. Please try again.",
    "failsafe.ok": "Start again",
    # Staff
    "staff.pin_title": "Staff PIN",
    "staff.pin_wrong": "That PIN is not right. {left} tries left.",
    "staff.pin_locked": "Too many tries. Staff mode is locked for {minutes} minutes.",
    "staff.pin_cancel": "Cancel",
    "staff.pin_enter": "Enter",
    "staff.title": "Staff",
    "staff.tab_loop": "Tribute loop",
    "staff.tab_settings": "Retention & wipe",
    "staff.tab_diag": "Diagnostics",
    "staff.loop_empty": "No portraits in the tribute loop yet.",
    "staff.up": "Up",
    "staff.down": "Down",
    "staff.pin": "Pin",
    "staff.pinned_mark": "Pinned \u00b7 ",
    "staff.unpin": "Unpin",
    "staff.caption": "Caption",
    "staff.remove": "Remove",
    "staff.save_caption": "Save caption",
    "staff.cancel_caption": "Keep the old caption",
    "staff.retention": "Keep portraits for {days} days",
    "staff.retention_less": "Fewer days",
    "staff.retention_more": "More days",
    "staff.wipe_now": "Wipe everything now",
    "staff.wipe_confirm": "Touch again to wipe every portrait",
    "staff.wiped": "Portraits wiped: {count}.",
    "staff.export": "Export today's portraits to USB",
    "staff.exported": "Exported {count} files to {where}.",
    "staff.shell": "Leave to shell",
    "staff.close": "Back to kiosk",
    "staff.diag.camera": "Camera",
    "staff.diag.board": "Button board",
    "staff.diag.disk": "Disk",
    "staff.diag.disk_value": "{free_gb:.1f} GB free of {total_gb:.1f} GB",
    "staff.diag.models": "Models",
    "staff.diag.worker": "Renderer",
    "staff.diag.last_wipe": "Last wipe",
    "staff.diag.versions": "Versions",
    "staff.diag.items": "Portraits stored",
    "staff.diag.never": "not yet",
    "status.ok": "working",
    "status.absent": "not connected",
    "status.ready": "connected",
    "status.connecting": "connecting…",
    "status.lost": "stopped answering",
    "status.unknown": "unknown",
    "keyboard.space": "space",
    "keyboard.delete": "Delete",
    "keyboard.shift": "Shift",
    "keyboard.symbols": "123",
    "keyboard.letters": "ABC",
    "common.start_over": "Start over",
    # ---- Guest flow, events and "still there" (kiosk branch, issue #13): English only for now ----
    "consent.made": (
        "We will make a short AI animation of this photo: the face breathes, blinks and "
        "smiles. You can add a spoken line if you like."
    ),
    "consent.shown": (
        "It is shown only if you choose to add it to this event's tribute, and only at this "
        "event. Nothing is uploaded."
    ),
    "consent.kept": (
        "Your photo stays on this kiosk and is deleted after {days} days. To have it deleted "
        "now, touch “Delete it now” at the end, or ask a member of staff."
    ),
    "consent.yes": "Yes, animate my photo",
    "consent.no": "No, go back",
    "still.title": "Are you still there?",
    "still.unsaved": (
        "If nobody touches the screen, the kiosk starts over and deletes your photo and "
        "portrait. Nothing is kept."
    ),
    "still.saved": (
        "If nobody touches the screen, the kiosk starts over. What you saved stays saved; "
        "nothing else is kept."
    ),
    "still.seconds": "{seconds}",
    "still.here": "I'm still here",
    "keep.tribute": "Add to the tribute",
    "keep.added_tribute": "Added to the tribute for {event}.",
    "keep.full_withdrawn": (
        "The kiosk's storage is full, so it cannot add portraits to the tribute. You can still "
        "save yours to a USB stick. Please let a member of staff know."
    ),
    "keep.no_event": (
        "No tribute is open at the moment, so portraits cannot be added to one. You can still "
        "save yours to a USB stick."
    ),
    "staff.event_none": "No event is open. Portraits cannot be added to the tribute.",
    "staff.event_open": "Open an event",
    "staff.event_close": "Close this event",
    "staff.event_close_confirm": "Touch again to close the event",
    "staff.event_current": "Event: {name} — {day}",
    "staff.event_name": "A new event: whose is it? Type a name, for example Ruth Miller.",
    "staff.event_day": "Date: {day}",
    "staff.event_earlier": "Day before",
    "staff.event_later": "Day after",
    "staff.event_start": "Open this event",
    "staff.event_cancel": "Cancel",
    "staff.event_name_needed": "Please type a name for the event first.",
    "staff.event_replaces": "Opening it closes {name}: its portraits leave the wall.",
    "staff.hide": "Hide",
    "staff.show": "Show",
    "staff.hidden_mark": "Hidden · ",
    "staff.remove_title": "Remove this portrait?",
    "staff.remove_detail": "It is deleted from the kiosk. You can undo for 10 seconds.",
    "staff.remove_confirm": "Remove it",
    "staff.remove_keep": "Keep it",
    "staff.removed": "Portrait removed.",
    "staff.undo": "Undo",
}

LANGUAGES: dict[str, dict[str, str]] = {"en": EN}


class Strings:
    """Looks up a key in the chosen language, falling back to English."""

    def __init__(self, language: str = "en") -> None:
        self._table = {**EN, **LANGUAGES.get(language, {})}

    def __call__(self, key: str, **values: object) -> str:
        template = self._table[key]
        return template.format(**values) if values else template


text = Strings()
