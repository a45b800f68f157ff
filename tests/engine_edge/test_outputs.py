"""Outputs never touch inputs or special files: checked before any work, and by the write."""

from __future__ import annotations

import hashlib
import os
import socket
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from engine_edge.atomic import write_atomic
from engine_edge.cli import main
from engine_edge.errors import OutputUnwritable
from engine_edge.outputs import check_output_file, check_output_folder


@pytest.fixture
def photo(tmp_path: Path, astronaut: np.ndarray) -> Path:
    path = tmp_path / "photo.jpg"
    Image.fromarray(astronaut[::2, ::2]).save(path, quality=90)
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_output_that_is_the_input_is_refused(
    tmp_path: Path, photo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "hard.jpg").hardlink_to(photo)
    (tmp_path / "soft.jpg").symlink_to(photo)
    monkeypatch.chdir(tmp_path)
    for name in (str(photo), "photo.jpg", "./photo.jpg", "hard.jpg", "soft.jpg"):
        with pytest.raises(OutputUnwritable, match="is also an input"):
            check_output_file(name, inputs=(photo,))


def test_special_files_and_folders_are_never_outputs(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "sock"))
    try:
        for special in ("/dev/null", "/dev/full", fifo, tmp_path / "sock"):
            with pytest.raises(OutputUnwritable, match="device, pipe or socket"):
                check_output_file(special)
    finally:
        sock.close()
    with pytest.raises(OutputUnwritable, match="is a folder"):
        check_output_file(tmp_path)
    with pytest.raises(OutputUnwritable, match="does not exist"):
        check_output_file(tmp_path / "missing" / "out.mp4")
    with pytest.raises(OutputUnwritable, match=r"is not a folder|cannot be used"):
        check_output_file(fifo / "out.mp4")
    with pytest.raises(OutputUnwritable, match="empty"):
        check_output_file("")


def test_a_read_only_folder_is_refused_before_work(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root: a mode-0500 folder is still writable")
        with pytest.raises(OutputUnwritable, match="cannot be written to"):
            check_output_file(folder / "out.mp4")
    finally:
        folder.chmod(0o700)


def test_output_folder_is_made_when_asked(tmp_path: Path) -> None:
    assert check_output_folder(tmp_path / "a" / "b", create=True).is_dir()
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputUnwritable, match="not a folder"):
        check_output_folder(tmp_path / "file", create=True)
    with pytest.raises(OutputUnwritable, match="folder name is empty"):
        check_output_folder("", create=True)


def test_the_atomic_write_replaces_only_files_and_links(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(OutputUnwritable, match="not an ordinary file"):
        write_atomic(fifo, b"data")
    assert fifo.exists() and not fifo.is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["fifo"]  # no temporary file left
    link = tmp_path / "link"
    link.symlink_to("/dev/null")
    write_atomic(link, b"data")  # the link is replaced; /dev/null is untouched
    assert link.is_file() and not link.is_symlink() and link.read_bytes() == b"data"


@pytest.mark.parametrize(
    "argv",
    [
        ["animate", "{photo}", "-o", "{photo}"],
        ["animate", "{photo}", "-o", "{alias}"],
        ["analyse", "{photo}", "--overlay", "{photo}"],
        ["scan", "--image", "{photo}", "-o", "{photo}"],
        ["sheet", "{photo}", "-o", "{photo}"],
        ["animate", "{photo}", "-o", "/dev/full"],
        ["animate", "{photo}", "-o", "{tmp}"],
        ["animate", "{photo}", "-o", "{tmp}/missing/out.mp4"],
    ],
)
def test_commands_refuse_the_output_before_any_work(
    tmp_path: Path, photo: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    alias = tmp_path / "alias.jpg"
    alias.symlink_to(photo)
    before = _digest(photo)
    filled = [a.format(photo=photo, alias=alias, tmp=tmp_path) for a in argv]
    assert main(filled) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"keepsake {argv[0]}: ") and "Traceback" not in err
    assert _digest(photo) == before
    assert Path("/dev/full").is_char_device()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alias.jpg", "photo.jpg"]


def test_simulate_never_replaces_a_file_with_its_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    precious = tmp_path / "notes.txt"
    precious.write_text("keep me")
    assert main(["bridge", "simulate", "--link", str(precious), "--seconds", "0.1"]) == 2
    assert "already exists and is not a link" in capsys.readouterr().err
    assert precious.read_text() == "keep me"
    assert main(["bridge", "simulate", "--link", str(tmp_path / "missing" / "link")]) == 2
    assert "does not exist" in capsys.readouterr().err
