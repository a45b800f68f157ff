"""`keepsake wipe`: destroy expired portraits (the hourly timer), one portrait, or all.

Prints what was destroyed (ids and counts only). Only the standard library is
imported at module level.
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


def run(args: argparse.Namespace) -> int:
    import logging

    from engine_edge.undumpable import make_undumpable
    from kiosk.store.commands import open_from_args

    make_undumpable()
    log = logging.getLogger("keepsake.wipe")
    with open_from_args(args) as store:
        if store.last_repair is not None and not store.last_repair.clean:
            log.warning("self-check: %s", store.last_repair.summary())
        if args.all:
            report = store.wipe_all()
        elif args.item:
            report = store.delete_item(args.item)
        else:
            report = store.wipe_expired()
    print(f"wipe ({report.reason}): {report.summary()}")
    for item_id in report.items:
        print(f"  destroyed {item_id}")
    for day in report.day_keys:
        print(f"  shredded day key {day}")
    return 0
