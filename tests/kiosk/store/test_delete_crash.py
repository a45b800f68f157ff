"""A deletion killed around its key shredding never leaves an item visible but unreadable.

The random kills of test_crash.py hit this window only now and then, so here a
child process deletes the only item of its day and is SIGKILLed by a hook on
the key store just before, or just after, the first day key file is shredded.
The restarted store must show the item whole or not at all, and once the next
wipe has run no key of that day may outlive the item (the check that runs on
opening never destroys anything, not even an unused key).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import types
from collections.abc import Iterable
from pathlib import Path

import pytest

from kiosk.store import Store, forgetting
from kiosk.store.clock import ManualClock
from kiosk.store.core import StoreCore
from kiosk.store.keystore import FileKeyStore

PHOTO = b"\xff\xd8\xff-the-only-photo-of-its-day"


def _delete_and_die(data_dir: Path, item_id: str, shred_first: bool) -> None:
    store = Store(data_dir)
    shred = FileKeyStore.destroy

    def dying_destroy(keys: FileKeyStore, ref: str) -> bool:
        if shred_first:
            shred(keys, ref)
        os.kill(os.getpid(), signal.SIGKILL)
        return True

    store.keys.destroy = types.MethodType(dying_destroy, store.keys)  # type: ignore[method-assign]
    store.delete_item(item_id)


@pytest.mark.parametrize("shred_first", [False, True], ids=["before-shred", "after-shred"])
def test_a_kill_around_the_key_shredding_is_harmless(tmp_path: Path, shred_first: bool) -> None:
    data_dir = tmp_path / "data"
    with Store(data_dir) as store:
        item_id = store.add_item(PHOTO, consent=True)
        day = store.get_item(item_id).expires.date()
    pid = os.fork()
    if pid == 0:  # child: never returns into pytest
        try:
            _delete_and_die(data_dir, item_id, shred_first)
        finally:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, "the hook never ran"
    with Store(data_dir) as store:
        visible = [item.id for item in store.list_items(include_expired=True)]
        if visible:
            assert visible == [item_id]
            assert store.read_file(item_id, "photo") == PHOTO, "visible but unreadable"
            assert store.keys.days() == [day]
        else:
            store.wipe_expired()
            assert store.keys.days() == [], "the deleted item's day key outlived it"
        assert store.check().clean


def test_a_save_between_a_deletion_and_its_shredding_keeps_its_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process saving an item of the same day while a deletion commits and shreds
    the day's keys: the key it wrapped the new item under must not be shredded."""
    clock = ManualClock(1_780_000_000.0)
    kiosk = Store(tmp_path / "data", clock=clock)  # type: ignore[arg-type]
    timer = Store(tmp_path / "data", clock=clock)  # type: ignore[arg-type]
    old = kiosk.add_item(b"old", consent=True)
    saved: list[str] = []
    commit_then_shred = forgetting.shred_unused_keys

    def save_in_between(core: StoreCore, days: Iterable[dt.date]) -> list[str]:
        if core is kiosk:
            saved.append(timer.add_item(b"new", consent=True))
        return commit_then_shred(core, days)

    monkeypatch.setattr(forgetting, "shred_unused_keys", save_in_between)
    kiosk.delete_item(old)
    assert saved, "the deletion shreds its keys after its commit"
    assert timer.read_file(saved[0], "photo") == b"new"
    assert [i.id for i in kiosk.list_items()] == saved
    assert kiosk.check().clean and timer.check().clean
    timer.close()
    kiosk.close()
