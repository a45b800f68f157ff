"""Two processes sharing one store (the kiosk and the wipe timer, say) never break each other.

Both add, read and delete items whose keys share the same day, so every
deletion rotates a day key under the other process's feet. Each process keeps
checking that every item it still holds reads back intact.
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

from kiosk.store import Store

DURATION_S = 3.0
MIN_DELETIONS = 8  # per process, however slow the machine
GIVE_UP_S = 30.0


def _worker(data_dir: Path, seed: int) -> int:
    """Exit status: 0 when every read of a kept item succeeded."""
    rnd = random.Random(seed)
    store = Store(data_dir)
    mine: dict[str, bytes] = {}
    start = time.monotonic()
    deletions = 0
    while time.monotonic() - start < DURATION_S or deletions < MIN_DELETIONS:
        if time.monotonic() - start > GIVE_UP_S:
            return 6
        payload = os.urandom(64)
        mine[store.add_item(payload, consent=True, caption=payload.hex()[:12])] = payload
        for item_id, data in rnd.sample(sorted(mine.items()), min(3, len(mine))):
            if store.read_file(item_id, "photo") != data:
                return 3
            if store.get_item(item_id).caption != data.hex()[:12]:
                return 4
        if len(mine) > 3 and rnd.random() < 0.5:
            victim = rnd.choice(sorted(mine))
            store.delete_item(victim)
            del mine[victim]
            deletions += 1
    for item_id, data in mine.items():
        if store.read_file(item_id, "photo") != data:
            return 5
    store.close()
    return 0


def test_two_processes_add_read_and_delete_together(tmp_path: Path) -> None:
    data_dir = tmp_path / "shared"
    Store(data_dir).close()
    pids = []
    for seed in (1, 2):
        pid = os.fork()
        if pid == 0:
            code = 2
            try:
                code = _worker(data_dir, seed)
            finally:
                os._exit(code)
        pids.append(pid)
    codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids]
    assert codes == [0, 0]
    with Store(data_dir) as store:
        assert store.last_repair is not None and store.last_repair.clean, store.last_repair
        items = store.list_items()
        assert items, "both processes kept something"
        for item in items:
            store.read_file(item.id, "photo")
        rotations = [e for e in store.audit_entries(100000) if e.action == "destroyed"]
        # Deletions, and so day-key rotations, really interleaved.
        assert len(rotations) >= 2 * MIN_DELETIONS
