"""Every word the kiosk shows, in one place, translated through gettext catalogues.

Screens never hold literal text: they call :func:`text` with a key. ``EN`` is
the source: each key is a gettext message context (``msgctxt``) and its English
text the message id, so two screens may say "Continue" and still be translated
differently. ``make translations`` extracts them with Babel
(``kiosk/locale/extract.py``), merges them into ``kiosk/locale/*/LC_MESSAGES/keepsake.po``
and compiles the ``.mo`` files, which are committed so an offline box needs no build step.
Tone: calm, warm, short sentences, no jargon, never blame the guest.
"""

from __future__ import annotations

import datetime as dt
import gettext
from pathlib import Path

from engine_edge.errors import ConfigInvalid

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "keepsake"

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
    "scan.hint.glare_tilt": "There is a reflection. Tilt the photo a little away from the light.",
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
    "check.turned": "We turned your photo upright.",
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
    "staff.pin_none": "No staff PIN is set on this box yet. The owner sets one from a shell: "
    "keepsake kiosk --set-pin",
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
    "staff.close": "Back to kiosk",
    "staff.tab_system": "Settings",
    "staff.diag.models_value": "{backend} on {device}",
    "staff.diag.worker_value": "working (process {pid}, restarted {restarts} times)",
    "staff.diag.models": "Models",
    "staff.diag.worker": "Renderer",
    "staff.diag.items": "Portraits stored",
    "staff.diag.clock": "Date and time",
    # Staff settings (kiosk/screens/staff_settings.py)
    "settings.language": "Language: {name}",
    "settings.language_title": "The language of every screen",
    "settings.volume": "Volume: {percent} %",
    "settings.volume_unknown": "Volume: not available",
    "settings.quieter": "Quieter",
    "settings.louder": "Louder",
    "settings.idle": "Back to the tribute after {seconds} s",
    "settings.idle_title": "With no touch for {seconds} seconds, the kiosk returns to the tribute.",
    "settings.sooner": "Sooner",
    "settings.later": "Later",
    "settings.rotation": "Screen: {how}",
    "settings.rotation_0": "upright",
    "settings.rotation_180": "upside down",
    "settings.clock": "Date and time",
    "settings.clock_title": "Set the date and time",
    "settings.clock_set": "Set the clock",
    "settings.clock_done": "The clock is set.",
    "settings.clock_network": (
        "The clock is set automatically from the network, so it cannot be changed here."
    ),
    "settings.day": "Day",
    "settings.month": "Month",
    "settings.year": "Year",
    "settings.hour": "Hour",
    "settings.minute": "Minute",
    "settings.timezone": "Time zone: {zone}",
    "settings.timezone_region": "Choose a region",
    "settings.timezone_city": "Choose a place",
    "settings.timezone_done": "The time zone is now {zone}.",
    "settings.sharing": "Sharing to phones: {state}",
    "settings.sharing_title": "Let guests take their portrait home over the kiosk's own Wi-Fi.",
    "settings.sharing_on": "Switch on",
    "settings.sharing_off": "Switch off",
    "settings.on": "on",
    "settings.off": "off",
    "settings.hotspot": "Wi-Fi name: {ssid}    Password: {password}",
    "settings.no_hotspot": "This box has no Wi-Fi hotspot yet. The staff guide explains how.",
    "settings.pin": "Change the staff PIN",
    "settings.pin_current": "First, type the PIN you use now.",
    "settings.pin_current_wrong": "That is not the PIN you use now. Please try again.",
    "settings.pin_new": "Type the new PIN: at least {digits} digits.",
    "settings.pin_again": "Type the new PIN once more.",
    "settings.pin_short": "A PIN needs at least {digits} digits.",
    "settings.pin_differ": "The two PINs were not the same. Please start again.",
    "settings.pin_done": "The new PIN is saved. Use it next time.",
    "settings.next": "Next",
    "settings.power": "Restart or shut down",
    "settings.restart": "Restart the kiosk",
    "settings.restart_confirm": "Touch again to restart",
    "settings.shutdown": "Shut down the box",
    "settings.shutdown_confirm": "Touch again to shut down",
    "settings.shutdown_hint": "Wait until the screen is dark before unplugging the box.",
    "settings.shell": "Leave to shell",
    "settings.shell_confirm": "Touch again to close the kiosk",
    "settings.shell_hint": (
        "For technicians only. The kiosk closes; plug in a keyboard, press Ctrl+Alt+F2 and log in."
        " \u201csudo systemctl start keepsake-kiosk\u201d brings it back."
    ),
    "settings.back": "Back to settings",
    "settings.saved": "Saved.",
    "settings.saved_restart": "Saved. It shows after the kiosk restarts.",
    "settings.refused": "The box did not allow this: {reason}",
    "status.connecting": "connecting…",
    "status.lost": "stopped answering",
    "status.unknown": "unknown",
    "keyboard.space": "space",
    "keyboard.delete": "Delete",
    "keyboard.shift": "Shift",
    "keyboard.symbols": "123",
    "keyboard.letters": "ABC",
    "keyboard.accents": "\u00e0\u00e9\u00fc",
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
    # Keep: a caption drawn into the clip
    "keep.caption": "Add a caption",
    "keep.caption_change": "Change the caption",
    "keep.caption_cancel": "Cancel",
    "keep.caption_add": "Put it on the clip",
    "keep.captioning": "Writing your words into the clip…",
    "keep.caption_done": "Your words are in the clip now.",
    "keep.caption_failed": "We could not add the caption. Your clip is as it was.",
    # Mood: gentler / livelier
    "mood.gentler": "Gentler",
    "mood.livelier": "Livelier",
    "mood.step.-2": "Very still",
    "mood.step.-1": "A little gentler",
    "mood.step.0": "As the mood is",
    "mood.step.1": "A little livelier",
    "mood.step.2": "Livelier, warmer smile",
    # Staff: the tribute film
    "staff.film": "Tribute film",
    "staff_film.title": "The tribute film for {name}",
    "staff_film.no_event": "No event is open. Open one first: its portraits make the film.",
    "staff_film.empty": "There are no portraits on the wall yet, so there is no film to make.",
    "staff_film.no_caption": "(no caption)",
    "staff_film.loop_off": "Loop: off",
    "staff_film.loop_on": "Loop: on",
    "staff_film.music_none": "Music: none",
    "staff_film.music_file": "Music: {name}",
    "staff_film.music_hint": (
        "For music, plug in a USB stick with a music file on it, then touch Music."
    ),
    "staff_film.ready_to_make": "Choose the music and the loop, then make the film.",
    "staff_film.make": "Make the film",
    "staff_film.stop": "Stop",
    "staff_film.export": "Save to USB",
    "staff_film.back": "Back",
    "staff_film.making": "Making the film…",
    "staff_film.made": "The film is ready: {seconds} seconds, {megabytes} MB.",
    "staff_film.stopped": "Stopped. Nothing was kept.",
    "staff_film.failed": "The film could not be made. Please try again.",
    "staff_film.exported": "Saved to the USB stick as {name}.",
    # Dates: "12 May 2026", in the kiosk's language
    "date.day": "{day} {month} {year}",
    "month.1": "January",
    "month.2": "February",
    "month.3": "March",
    "month.4": "April",
    "month.5": "May",
    "month.6": "June",
    "month.7": "July",
    "month.8": "August",
    "month.9": "September",
    "month.10": "October",
    "month.11": "November",
    "month.12": "December",
    # Staff Diagnostics: `keepsake doctor`'s checks (engine_edge.doctor.CHECKS), named for staff
    "staff.diag.doctor": "Self-test",
    "staff.doctor.ok": "ok",
    "staff.doctor.warn": "note",
    "staff.doctor.fail": "to fix",
    "staff.doctor.versions": "Versions",
    "staff.doctor.models": "Model files",
    "staff.doctor.backends": "Analysis",
    "staff.doctor.camera": "Camera",
    "staff.doctor.board": "Button board",
    "staff.doctor.audio": "Sound",
    "staff.doctor.disk": "Disk",
    "staff.doctor.clock": "Clock",
    "staff.doctor.units": "Services",
    "staff.doctor.store": "Store",
    "staff.doctor.last_wipe": "Last wipe",
}

# The languages with a complete catalogue, named in their own language.
LANGUAGES: dict[str, str] = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Fran\u00e7ais",
    "es": "Espa\u00f1ol",
}


def check_language(language: str) -> str:
    """``language`` when the kiosk has a catalogue for it, else a ConfigInvalid saying which do."""
    if language not in LANGUAGES:
        raise ConfigInvalid(
            f"[kiosk] language = {language!r} is not available; choose one of"
            f" {', '.join(repr(code) for code in LANGUAGES)}."
        )
    return language


def catalogue(language: str) -> gettext.NullTranslations:
    """The compiled gettext catalogue of a language (English is the source itself)."""
    if check_language(language) == "en":
        return gettext.NullTranslations()
    try:
        return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language])
    except OSError as exc:
        raise ConfigInvalid(
            f"The {LANGUAGES[language]} texts are missing from {LOCALE_DIR}; reinstall Keepsake."
        ) from exc


class Strings:
    """Looks up a key in the chosen language's catalogue (English where a text is untranslated)."""

    def __init__(self, language: str = "en") -> None:
        self.language = language
        self._catalogue = catalogue(language)

    def __call__(self, key: str, **values: object) -> str:
        template = self._catalogue.pgettext(key, EN[key])
        return template.format(**values) if values else template

    def date(self, day: dt.date) -> str:
        """A day as this language writes it: '12 May 2026', '12. Mai 2026', '12 de mayo de 2026'."""
        return self("date.day", day=day.day, month=self(f"month.{day.month}"), year=day.year)

    def decimal(self, value: float, places: int) -> str:
        """A number as this language writes it: 3.5 in English, 3,5 in German, French, Spanish."""
        text = f"{value:.{places}f}"
        return text if self.language == "en" else text.replace(".", ",")


text = Strings()
