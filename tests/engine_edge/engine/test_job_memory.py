"""What `keepsake animate` holds while it renders and encodes: only the models it still needs,
and few malloc arenas (the peak memory of the whole job, measured by benchmarks/render.py)."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref
from pathlib import Path

import numpy as np
import pytest

from engine_edge import analysis, image_io, pipeline
from engine_edge.cli import main
from engine_edge.deliver import probe_mp4
from engine_edge.pipeline import SELF_CHECK_MODELS


@pytest.mark.parametrize("quarter_turns", [0, 1], ids=["upright", "on its side"])
def test_animate_lets_go_of_the_photo_and_the_analysis_models_before_it_encodes(
    tmp_path: Path, astronaut: np.ndarray, monkeypatch: pytest.MonkeyPatch, quarter_turns: int
) -> None:
    """A real `keepsake animate`: while it encodes, only the self-check's model is alive,
    and neither the full-size photo (nor its upright copy, when it lay on its side) nor its
    full-size person mask is held any more."""
    held: dict[str, weakref.ref] = {}
    real = (
        image_io.load_image,
        analysis.load_models,
        analysis.analyse_upright,
        pipeline.encode_mp4,
    )

    def load_image(*args, **kwargs):  # type: ignore[no-untyped-def]
        image = real[0](*args, **kwargs)
        held["photo"] = weakref.ref(image)
        return image

    def load_models(*args, **kwargs):  # type: ignore[no-untyped-def]
        models = real[1](*args, **kwargs)
        held.update({name: weakref.ref(s) for name, s in models.sessions.items()})
        return models

    def analyse_upright(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = real[2](*args, **kwargs)
        held["upright photo"] = weakref.ref(found.image)
        held["person mask"] = weakref.ref(found.analysis.person_mask)
        return found

    alive_while_encoding: list[set[str]] = []

    def encode_mp4(frames, **kwargs):  # type: ignore[no-untyped-def]
        gc.collect()
        alive_while_encoding.append({name for name, ref in held.items() if ref() is not None})
        return real[3](frames, **kwargs)

    monkeypatch.setattr(image_io, "load_image", load_image)
    monkeypatch.setattr(analysis, "load_models", load_models)
    monkeypatch.setattr(analysis, "analyse_upright", analyse_upright)
    monkeypatch.setattr(pipeline, "encode_mp4", encode_mp4)
    photo, clip = tmp_path / "photo.png", tmp_path / "clip.mp4"
    image_io.save_image(photo, np.rot90(astronaut, quarter_turns))

    assert main(["animate", str(photo), "-o", str(clip), "--seconds", "1", "--quiet"]) == 0

    # the photo (and as analysed, upright), its mask, detectors, landmarks, person mask model
    assert len(held) == 7
    assert alive_while_encoding == [set(SELF_CHECK_MODELS)]
    assert probe_mp4(clip).frame_count == 30


def test_keeping_some_models_shares_their_sessions(models) -> None:  # type: ignore[no-untyped-def]
    kept = models.keeping(*SELF_CHECK_MODELS)
    assert set(kept.sessions) == set(SELF_CHECK_MODELS) == set(kept.precisions)
    assert all(kept.sessions[n] is models.sessions[n] for n in SELF_CHECK_MODELS)
    with pytest.raises(KeyError, match="face_mesh"):
        models.keeping("face_mesh")


MALLOC = """
import ctypes, sys, threading
import numpy as np
from engine_edge.malloc import tune_for_render
if sys.argv[1] == "tuned":
    assert tune_for_render()
ready = threading.Barrier(6)
def work():
    held = [np.ones(20_000) for _ in range(10)]  # 160 kB each: malloc's heap, not mmap
    ready.wait()
threads = [threading.Thread(target=work) for _ in range(6)]
for t in threads:
    t.start()
for t in threads:
    t.join()
class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in "a b c d hblkhd f g h i keepcost".split()]
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
libc.mallinfo2.restype = Info
libc.free(libc.malloc(8 << 20))
print(libc.mallinfo2().keepcost >= 8 << 20)  # a freed 8 MB at the heap's top is kept
libc.free(libc.malloc(30 << 20))  # glibc's own threshold rises to 30 MB after this
block = libc.malloc(24 << 20)
print(libc.mallinfo2().hblkhd >= 24 << 20)  # a 24 MB block is mapped on its own
libc.malloc_stats()
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_stats")
@pytest.mark.parametrize(
    ("mode", "most_arenas", "big_mapped"), [("tuned", 2, "True"), ("as is", 64, "False")]
)
def test_malloc_is_tuned_for_a_render(mode: str, most_arenas: int, big_mapped: str) -> None:
    """Few arenas, a frame's temporaries kept at the heap's top for the next frame, and big
    blocks mapped and returned whenever freed; without the tuning, six threads get arenas of
    their own, an 8 MB block is mapped and unmapped, and a 24 MB block comes from a heap."""
    run = subprocess.run(
        [sys.executable, "-c", MALLOC, mode],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[3],
        check=True,
    )
    arenas = run.stderr.count("Arena ")
    assert 1 <= arenas <= most_arenas
    assert (arenas > 2) == (mode == "as is")
    assert run.stdout.split() == [big_mapped, big_mapped]


PLUGINS = """
from pathlib import Path
from engine_edge.analysis.backends import OpenVinoBackend
OpenVinoBackend("CPU")
maps = Path("/proc/self/maps").read_text().split()
print(sorted({p.split("/")[-1] for p in maps if "plugin" in p}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")
def test_openvino_on_the_cpu_loads_the_cpu_plugin_alone() -> None:
    pytest.importorskip("openvino")
    run = subprocess.run(
        [sys.executable, "-c", PLUGINS],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[3],
        check=True,
    )
    assert run.stdout.strip() == "['libopenvino_intel_cpu_plugin.so']"
