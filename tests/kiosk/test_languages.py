"""The kiosk's four languages: complete catalogues, matching placeholders, every glyph drawable,
and a keyboard that types the names people have."""

from __future__ import annotations

import gettext
import importlib.util
import io
import re
from pathlib import Path

import pytest

from engine_edge.errors import ConfigInvalid
from kiosk import keyboard as kb
from kiosk import theme
from kiosk.strings import DOMAIN, EN, LANGUAGES, LOCALE_DIR, Strings, check_language
from tests.kiosk.test_helpers import type_keys

TRANSLATED = [code for code in LANGUAGES if code != "en"]
REPO = Path(__file__).resolve().parents[2]


def po_catalogue(language: str):  # type: ignore[no-untyped-def]
    from babel.messages.pofile import read_po

    with (LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as fh:
        return read_po(fh)


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_translates_every_string_with_the_same_placeholders(language: str) -> None:
    catalogue = po_catalogue(language)
    entries = {m.context: m for m in catalogue if m.id}
    assert set(entries) == set(EN), "run `make translations`: " + str(set(EN) ^ set(entries))
    for key, english in EN.items():
        message = entries[key]
        assert message.id == english, f"{key}: the .po has an old English text"
        assert message.string and not message.fuzzy, f"{language} {key} is not translated"
        fields = sorted(re.findall(r"{[^}]*}", english))
        assert sorted(re.findall(r"{[^}]*}", message.string)) == fields, (language, key)


@pytest.mark.parametrize("language", TRANSLATED)
def test_committed_mo_matches_its_po(language: str) -> None:
    """The box reads the .mo: it must be compiled from today's .po."""
    catalogue = po_catalogue(language)
    compiled = gettext.translation(DOMAIN, LOCALE_DIR, languages=[language])
    for message in catalogue:
        if message.id:
            assert compiled.pgettext(message.context, message.id) == message.string, (
                f"{language} {message.context}: run `make translations`"
            )


def test_babel_extracts_exactly_the_english_table() -> None:
    from babel.messages.extract import extract

    source = (REPO / "kiosk" / "strings.py").read_bytes()
    found = {
        context: message
        for _line, message, _comments, context in extract(
            "kiosk.i18n.extract_strings", io.BytesIO(source)
        )
    }
    assert found == EN


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_each_language_shows_its_own_words(language: str) -> None:
    text = Strings(language)
    for key, english in EN.items():
        fields = re.findall(r"{(\w+)", english)
        shown = text(key, **dict.fromkeys(fields, 1))
        assert shown and "{" not in shown
    differs = sum(Strings(language)(k) != v for k, v in EN.items() if "{" not in v)
    assert (language == "en") == (differs == 0)
    assert Strings("de")("consent.agree") == "Ja, ich darf"


def test_unknown_language_is_a_clear_configuration_error() -> None:
    from kiosk.settings import load_settings

    with pytest.raises(ConfigInvalid, match="'nl' is not available; choose one of 'en', 'de'"):
        load_settings({"kiosk": {"language": "nl"}})
    with pytest.raises(ConfigInvalid):
        Strings("EN")
    assert check_language("fr") == "fr"


def drawn_characters() -> set[str]:
    """Every character a label can show: each string of each catalogue, keys in both cases."""
    texts = [*EN.values(), *LANGUAGES.values(), theme.PIN_DOT]
    for language in TRANSLATED:
        texts += [m.string for m in po_catalogue(language) if m.id]
    for page in kb.TEXT_PAGES:
        for row in page:
            texts += [row, "".join(kb.capital(ch) for ch in row)]
    return {ch for text in texts for ch in text if ch not in "\n"}


@pytest.mark.parametrize("font", theme.FONT_FILES)
def test_the_font_has_a_glyph_for_every_character_shown(font: str) -> None:
    from fontTools.ttLib import TTFont

    spec = importlib.util.find_spec("kivy")
    if spec is None or spec.origin is None:
        pytest.skip("Kivy is not installed (the kiosk extra)")
    path = Path(spec.origin).parent / "data" / "fonts" / font
    cmap = TTFont(path).getBestCmap()
    missing = sorted(ch for ch in drawn_characters() if ord(ch) not in cmap)
    assert not missing, f"{font} has no glyph for {[f'U+{ord(c):04X} {c}' for c in missing]}"


def test_keyboard_types_accented_names() -> None:
    assert type_keys([*"zo", kb.ACCENT_PAGE, "\u00eb"]) == "Zo\u00eb"
    assert type_keys([*"jos", kb.ACCENT_PAGE, "\u00e9"]) == "Jos\u00e9"
    # One accented letter returns to the letters, so "ller" follows without another key.
    assert type_keys([*"m", kb.ACCENT_PAGE, "\u00fc", *"ller"]) == "M\u00fcller"
    assert (
        type_keys([kb.ACCENT_PAGE, "\u00e9", *"lo", kb.ACCENT_PAGE, "\u00ef", "se"])
        == "\u00c9lo\u00efse"
    )
    assert type_keys([*"stra", kb.ACCENT_PAGE, kb.SHIFT, "\u00df", "e"]) == "Stra\u00dfe"
    # ¿ and ¡ for Spanish, on the 123 page; the accents key toggles back to the letters.
    assert (
        type_keys([kb.PAGE, "\u00bf", kb.PAGE, *"qu", kb.ACCENT_PAGE, kb.ACCENT_PAGE, "e"])
        == "\u00bfQue"
    )
    assert type_keys([kb.DELETE, kb.SPACE], start="ab") == "a "


def test_accent_page_covers_german_french_and_spanish_letters() -> None:
    offered = "".join(kb.ACCENTS)
    for letter in (
        "\u00e4\u00f6\u00fc\u00df"
        "\u00e0\u00e2\u00e7\u00e8\u00e9\u00ea\u00eb\u00ee\u00ef\u00f4\u0153\u00f9\u00fb\u00ff"
        "\u00e1\u00ed\u00f1\u00f3\u00fa"
    ):
        assert letter in offered, letter
    assert all(len(row) == 10 for row in (*kb.LETTERS, *kb.SYMBOLS, *kb.ACCENTS))
    assert len(set(offered)) == len(offered)


def test_numbers_are_written_the_way_each_language_writes_them() -> None:
    assert Strings("en").decimal(67.84, 1) == "67.8"
    assert {Strings(code).decimal(67.84, 1) for code in TRANSLATED} == {"67,8"}
    shown = Strings("fr")("staff_film.made", seconds=8, megabytes="0,4")
    assert shown == "Le film est pr\u00eat : 8 secondes, 0,4 Mo."


def test_every_doctor_check_has_a_name_for_staff() -> None:
    from engine_edge.doctor import CHECKS, FAIL, OK, WARN

    for name in CHECKS:
        assert "staff.doctor." + name.replace(" ", "_") in EN, name
    for status in (OK, WARN, FAIL):
        assert "staff.doctor." + status in EN


@pytest.mark.parametrize(
    "language,written",
    [
        ("en", "12 May 2026"),
        ("de", "12. Mai 2026"),
        ("fr", "12 mai 2026"),
        ("es", "12 de mayo de 2026"),
    ],
)
def test_an_event_day_is_written_in_the_kiosks_language(language: str, written: str) -> None:
    import datetime as dt

    assert Strings(language).date(dt.date(2026, 5, 12)) == written
