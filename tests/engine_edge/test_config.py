from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Annotated, Literal

import pytest

from engine_edge.config import (
    SECTIONS,
    between,
    load_config,
    section,
    settings_class,
    validation_problems,
)
from engine_edge.errors import ConfigInvalid

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Sample:
    backend: str = "auto"
    retention_days: int = 7
    opacity: float = 0.6
    enabled: bool = True
    names: tuple[str, ...] = ("a",)
    crf: Annotated[int, between(0, 51)] = 20
    corner: Literal["left", "right"] = "left"


def _write(tmp_path: Path, body: str | bytes) -> Path:
    f = tmp_path / "k.toml"
    if isinstance(body, bytes):
        f.write_bytes(body)
    else:
        f.write_text(body)
    return f


def test_documented_file_is_every_section_with_its_defaults() -> None:
    """keepsake.toml documents every default: each registered section, each value the default."""
    cfg = load_config(REPO_ROOT / "keepsake.toml")
    assert set(cfg) == set(SECTIONS)
    for name in SECTIONS:
        cls = settings_class(name)
        assert section(cfg, name, cls) == cls(), f"[{name}] in keepsake.toml differs from {cls}"


def test_section_fills_defaults_and_reads_values() -> None:
    raw = {"s": {"retention_days": 3, "opacity": 1, "names": ["x", "y"], "corner": "right"}}
    s = section(raw, "s", Sample)
    assert s == Sample(retention_days=3, opacity=1.0, names=("x", "y"), corner="right")
    assert isinstance(s.opacity, float)


@pytest.mark.parametrize(
    "values, fragment",
    [
        ({"retention": 3}, "unknown settings: retention"),
        ({"retention_days": "week"}, 'retention_days = "week" should be a whole number.'),
        ({"retention_days": 2.5}, "should be a whole number"),
        ({"enabled": 1}, "enabled = 1 should be true or false."),
        ({"opacity": float("nan")}, "opacity = nan should be a number."),
        ({"crf": -50}, "crf = -50 should be a whole number from 0 to 51."),
        ({"corner": "middle"}, 'corner = "middle" should be one of "left", "right".'),
        ({"names": "x"}, 'names = "x" should be a list in brackets.'),
        ({"backend": 3}, "backend = 3 should be text in quotes"),
    ],
)
def test_a_bad_value_is_one_clear_sentence(values: dict[str, object], fragment: str) -> None:
    with pytest.raises(ConfigInvalid) as caught:
        section({"s": values}, "s", Sample)
    assert fragment in str(caught.value)
    assert str(caught.value).startswith("[s] ")


def test_every_problem_of_a_section_is_reported_at_once() -> None:
    with pytest.raises(ConfigInvalid) as caught:
        section({"s": {"crf": 99, "enabled": "yes", "typo": 1}}, "s", Sample)
    message = str(caught.value)
    assert "typo" in message and "crf = 99" in message and 'enabled = "yes"' in message


@pytest.mark.parametrize(
    "body, fragment",
    [
        ("[engine\n", "is not valid TOML"),
        (b"[engine]\ncrf = 20 # caf\xe9\n", "is not UTF-8 text"),
        ("[enigne]\ncrf = 20\n", "[enigne] is not a Keepsake section"),
        ("crf = 20\n", "crf = … stands outside any [section]"),
        ('[engine]\ncrf = "twenty"\n', '[engine] crf = "twenty" should be a whole number'),
        ("[engine]\ncrf = -50\n", "should be a whole number from 0 to 51"),
        ('[engine]\nx264_preset = "bogus"\n', 'x264_preset = "bogus" should be one of'),
        ("[engine]\nmax_short_side_px = 0\n", "max_short_side_px = 0 should be"),
        ('[label]\ncorner = "middle"\n', "[label] corner must be one of"),
        ("[bridge]\nheartbeat_ms = 0\n", "[bridge] heartbeat_ms = 0 should be"),
        ("engine = 3\n", "[engine] must be a section"),
        ("[kiosk]\nclip_fps = true\n", "[kiosk] clip_fps = true should be a whole number"),
    ],
)
def test_a_bad_file_is_refused_when_loaded(
    tmp_path: Path, body: str | bytes, fragment: str
) -> None:
    """Refused by load_config itself, so the CLI and the kiosk refuse the same files."""
    f = _write(tmp_path, body)
    with pytest.raises(ConfigInvalid) as caught:
        load_config(f)
    assert fragment in str(caught.value)
    assert str(f) in str(caught.value)


def test_several_problems_in_a_file_are_counted_and_all_named(tmp_path: Path) -> None:
    f = _write(tmp_path, "[engine]\ncrf = -1\n[label]\nopacity = 0.01\n[bogus]\n")
    with pytest.raises(ConfigInvalid) as caught:
        load_config(f)
    message = str(caught.value)
    assert "has 3 problems" in message
    assert "crf = -1" in message and "opacity" in message and "[bogus]" in message


@pytest.mark.parametrize("kind", ["missing", "folder"])
def test_named_file_that_cannot_be_read_is_an_error(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "absent.toml"
    if kind == "folder":
        path.mkdir()
    with pytest.raises(ConfigInvalid, match=r"does not exist|is a folder"):
        load_config(path)


def _toml_values():  # type: ignore[no-untyped-def]
    from hypothesis import strategies as st

    scalars = st.one_of(
        st.booleans(),
        st.integers(-(2**63), 2**63 - 1),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=20),
        st.datetimes(),
    )
    return st.one_of(
        scalars,
        st.lists(scalars, max_size=3),
        st.dictionaries(st.text(max_size=5), scalars, max_size=2),
    )


def test_any_parsed_file_is_accepted_or_refused_in_sentences() -> None:
    """Whatever values a TOML file holds, for real and made-up settings of every section,
    validation ends in a config or a ConfigInvalid, never another exception."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    def keys(name: str):  # type: ignore[no-untyped-def]
        real = [f.name for f in fields(settings_class(name))]
        return st.sampled_from(real) | st.text(max_size=8)

    files = st.dictionaries(
        st.sampled_from(sorted(SECTIONS)) | st.text(max_size=6),
        st.builds(dict) | _toml_values(),
        max_size=3,
    ).flatmap(
        lambda config: st.fixed_dictionaries(
            {
                name: (
                    st.dictionaries(keys(name), _toml_values(), max_size=4)
                    if name in SECTIONS
                    else st.just(value)
                )
                for name, value in config.items()
            }
        )
    )

    @settings(max_examples=150, deadline=None)
    @given(files)
    def check(config: dict[str, object]) -> None:
        for problem in validation_problems(config):
            assert problem.endswith(".") and problem.isprintable(), problem

    check()


def test_a_text_setting_is_echoed_printably() -> None:
    """A refused text value is quoted escaped: an invisible character (here a zero-width
    space, which the fuzz test above once drew) must not hide inside the sentence."""
    (problem,) = validation_problems({"scan": {"restore": "\u200b"}})
    assert problem.isprintable() and "\\u200b" in problem, problem
