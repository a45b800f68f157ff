"""`keepsake wipe`: destroy expired portraits (the hourly timer), one portrait, an event, or all.

Prints what was destroyed (ids and counts only). ``--all`` always wipes: even
when the store cannot be opened at all it shreds every day key (which is the
erase: what is left is ciphertext nothing opens) and removes the files. Only
the standard library is imported at module level.
"""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    from kiosk.store.commands import add_store_options

    add_store_options(parser)
    what = parser.add_mutually_exclusive_group()
    what.add_argument(
        "--expired", action="store_true", help="portraits past their retention (the default)"
    )
    what.add_argument("--all", action="store_true", help="every portrait and every key, now")
    what.add_argument("--item", metavar="ID", help="one portrait, now")
    what.add_argument("--event", metavar="ID", help="every portrait of one event, and the event")


def run(args: argparse.Namespace) -> int:
    import logging

    from kiosk.store.commands import open_from_args

    log = logging.getLogger("keepsake.wipe")
    if args.all:
        report = _wipe_all(args, log)
    else:
        with open_from_args(args) as store:
            if store.last_repair is not None and not store.last_repair.clean:
                log.warning("store check: %s", store.last_repair.summary())
            if args.item:
                report = store.delete_item(args.item)
            elif args.event:
                report = store.wipe_event(args.event)
            else:
                report = store.wipe_expired()
    print(f"wipe ({report.reason}): {report.summary()}")
    for item_id in report.items:
        print(f"  destroyed {item_id}")
    for day in report.day_keys:
        print(f"  shredded day key {day}")
    return 0


def _wipe_all(args: argparse.Namespace, log):  # type: ignore[no-untyped-def]
    """Wipe through the store when it opens, else straight on the folders."""
    from engine_edge.config import load_config
    from engine_edge.errors import KeepsakeError
    from kiosk.store.commands import open_from_args
    from kiosk.store.settings import store_settings

    try:
        with open_from_args(args, check_on_open=False) as store:
            return store.wipe_all()
    except KeepsakeError as exc:
        log.error("the store cannot be opened (%s); wiping its folders directly", exc)
    from kiosk.store.forgetting import wipe_folders

    settings = store_settings(load_config(args.config))
    data_dir = settings.resolved_data_dir()
    return wipe_folders(data_dir, settings.resolved_key_dir() or data_dir / "keys")
