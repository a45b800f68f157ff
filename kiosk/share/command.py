"""`keepsake share ITEM`: offer one portrait's clip over the hotspot with a one-time link.

Staff use this when the kiosk's own share screen is not at hand: it starts the
share server (refused unless ``[share] enabled = true``), prints the link and a
QR code to scan, waits until the link is used or expires, then closes the port.
Only the standard library is imported here at module level.
"""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    from kiosk.store.commands import add_store_options

    add_store_options(parser)
    parser.add_argument("item", nargs="?", help="item id (see `keepsake store list`)")
    parser.add_argument(
        "--rotate-hotspot",
        action="store_true",
        help="give the hotspot today's new random password (daily timer, as root)",
    )
    parser.add_argument(
        "--minutes", type=float, help="how long the link works (default: [share] link_minutes)"
    )
    parser.add_argument(
        "--kind", default="clip", help="which file to share: clip (default), photo, audio"
    )


def run(args: argparse.Namespace) -> int:
    from engine_edge.config import load_config
    from engine_edge.errors import KeepsakeError
    from engine_edge.undumpable import make_undumpable
    from kiosk.share.errors import SharingDisabled
    from kiosk.share.qr import qr_text
    from kiosk.share.server import ShareServer
    from kiosk.share.settings import check_link_minutes, share_settings
    from kiosk.store.commands import open_from_args

    make_undumpable()
    settings = share_settings(load_config(args.config))
    if args.rotate_hotspot:
        return _rotate_hotspot(settings)
    if not settings.enabled:
        raise SharingDisabled()  # before the store is even opened
    if args.item is None:
        raise KeepsakeError("Name the portrait to share (see `keepsake store list`).")
    if args.minutes is not None:
        check_link_minutes(args.minutes)
    with open_from_args(args) as store, ShareServer(store, settings) as server:
        offer = server.offer(args.item, args.kind, minutes=args.minutes)
        print(qr_text(offer.url))
        print(f"Scan the code or open {offer.url}")
        uses = "once" if settings.max_downloads == 1 else f"{settings.max_downloads} times"
        print(f"The link works {uses}, until {offer.expires_at:%H:%M} UTC.", flush=True)
        if server.wait_for_download(offer):
            print("Downloaded; the link no longer works.")
            return 0
    print("The link expired before it was used; nothing was shared.")
    return 1


def _rotate_hotspot(settings) -> int:  # type: ignore[no-untyped-def]
    import datetime as dt
    from pathlib import Path

    from kiosk.share.hotspot import apply_password, save_key, todays_key

    if not settings.enabled:  # the daily timer runs on every box; most never share
        print("Sharing is off ([share] enabled = false): the hotspot is left alone.")
        return 0
    path = Path(settings.hotspot_password_file)
    key, new = todays_key(path, dt.date.today())
    if new:
        apply_password(settings.hotspot_connection, key.password)
        save_key(path, key)
        print(f"The hotspot has a new password for {key.day} (shown only in the kiosk's QR).")
    else:
        print(f"The hotspot password of {key.day} is current.")
    return 0
