"""`keepsake store`: add, list, export, check and repair portraits from the command line.

Staff and scripts use this; the data directory comes from ``[store] data_dir``
in the configuration or ``$KEEPSAKE_DATA_DIR``. Only the standard library is
imported here at module level. Reading commands never destroy anything: what
cannot be read is reported and moved to the quarantine, and only ``repair``
(after staff confirm) destroys it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine_edge.commands.args import input_file

PRESETS = ("memorial", "birthday", "anniversary", "social")  # engine_edge.commands.animate


def add_store_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="configuration file (default: $KEEPSAKE_CONFIG, /etc)")
    parser.add_argument("--data-dir", help="store folder (overrides config and $KEEPSAKE_DATA_DIR)")


def open_from_args(args: argparse.Namespace, **kwargs):  # type: ignore[no-untyped-def]
    """The store named by ``--data-dir``, else the config file / environment."""
    import os

    from engine_edge.config import load_config
    from kiosk.store.settings import DATA_DIR_ENV, open_store

    config = load_config(args.config)
    if args.data_dir:
        os.environ[DATA_DIR_ENV] = args.data_dir
    return open_store(config, **kwargs)


def configure(parser: argparse.ArgumentParser) -> None:
    add_store_options(parser)
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = sub.add_parser("add", help="store a photo (and optionally its clip) as a new portrait")
    add.add_argument("photo", type=input_file, help="JPEG or PNG of the scanned print")
    add.add_argument("--caption", help="name or words shown with the portrait in the tribute loop")
    add.add_argument("--clip", type=input_file, help="MP4 rendered from the photo")
    add.add_argument("--preset", choices=PRESETS, help="mood preset the clip was rendered with")
    add.add_argument("--event", metavar="ID", help="event the portrait belongs to (default: open)")
    lst = sub.add_parser("list", help="list stored portraits")
    lst.add_argument("--all", action="store_true", help="include expired portraits")
    lst.add_argument("--event", metavar="ID", help="only the portraits of this event")
    sub.add_parser("events", help="list events (services, exhibitions, days)")
    exp = sub.add_parser(
        "export", help="decrypt a portrait's (or an event's) files onto a USB stick"
    )
    exp.add_argument("item", nargs="?", help="item id (see `keepsake store list`)")
    exp.add_argument("dest", help="destination folder on a USB stick, or `usb` for the first one")
    exp.add_argument("--event", metavar="ID", help="export every portrait of this event")
    exp.add_argument(
        "--to-internal-disk",
        action="store_true",
        help="allow a folder that is not on removable media (plaintext stays on the box)",
    )
    sub.add_parser("check", help="check the store; quarantine what cannot be read")
    rep = sub.add_parser("repair", help="destroy quarantined items and leftovers (asks first)")
    rep.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    sub.add_parser("audit", help="show the audit log (ids, times, actions; no personal data)")


def run(args: argparse.Namespace) -> int:
    from engine_edge.undumpable import make_undumpable

    make_undumpable()
    with open_from_args(args) as store:
        report = store.last_repair
        if report is not None and not report.clean:
            print(f"store check: {report.summary()}", file=sys.stderr)
        if args.action == "add":
            return _add(store, args)
        if args.action == "list":
            return _list(store, include_expired=args.all, event_id=args.event)
        if args.action == "events":
            return _events(store)
        if args.action == "export":
            return _export(store, args)
        if args.action == "check":
            print(store.check().summary())
            return 0
        if args.action == "repair":
            return _repair(store, assume_yes=args.yes)
        for entry in store.audit_entries(limit=1000):
            print(
                f"{entry.at:%Y-%m-%d %H:%M:%S}Z  {entry.action:<18} {entry.item_id or '-':<16} "
                f"{entry.detail}"
            )
        return 0


def _add(store, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    from kiosk.store.media import check_clip, check_photo

    photo = _read(args.photo)
    check_photo(photo, args.photo)
    extra = {}
    if args.clip:
        extra["clip"] = _read(args.clip)
        check_clip(extra["clip"], args.clip)
    event = args.event
    if event is None:
        current = store.current_event()
        event = current.event_id if current else None
    item_id = store.add_item(
        photo, consent=True, preset=args.preset, caption=args.caption, event_id=event, files=extra
    )
    print(item_id)
    return 0


def _read(path: str) -> bytes:
    from engine_edge.errors import ImageUnreadable

    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ImageUnreadable(f"Cannot read {path}: {exc.strerror}.") from exc


def _list(store, *, include_expired: bool, event_id: str | None) -> int:  # type: ignore[no-untyped-def]
    if event_id is not None:
        store.event_book.get(event_id)  # EventNotFound for a mistyped id
    items = store.list_items(include_expired=include_expired, event_id=event_id)
    if not items:
        print("No portraits are stored.")
        return 0
    print(
        f"{'ID':<16}  {'CREATED (UTC)':<16}  {'EXPIRES (UTC)':<16}  PIN  HIDE  "
        f"{'EVENT':<16}  FILES           CAPTION"
    )
    for it in items:
        print(
            f"{it.id:<16}  {it.created:%Y-%m-%d %H:%M}  {it.expires:%Y-%m-%d %H:%M}  "
            f"{'yes' if it.pinned else 'no ':<3}  {'yes' if it.hidden else 'no ':<4}  "
            f"{it.event_id or '-':<16}  {','.join(it.kinds):<15} {it.caption or ''}"
        )
    return 0


def _events(store) -> int:  # type: ignore[no-untyped-def]
    events = store.events()
    if not events:
        print("No events are stored.")
        return 0
    print(f"{'ID':<16}  {'DAY':<10}  {'OPENED (UTC)':<16}  {'STATE':<6}  ITEMS  NAME")
    for ev in events:
        n = len(store.list_items(include_expired=True, event_id=ev.event_id))
        state = "open" if ev.closed_at is None else "closed"
        print(
            f"{ev.event_id:<16}  {ev.day.isoformat():<10}  {ev.opened_at:%Y-%m-%d %H:%M}  "
            f"{state:<6}  {n:>5}  {ev.name}"
        )
    return 0


def _export(store, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    from engine_edge.errors import KeepsakeError
    from kiosk.store.usb import is_on_removable_media, usb_export_dir

    if (args.item is None) == (args.event is None):
        raise KeepsakeError("Name one portrait (ITEM) or one event (--event ID) to export.")
    detail = ""
    if args.dest == "usb":
        dest_dir = usb_export_dir()
    else:
        dest_dir = Path(args.dest)
        if not is_on_removable_media(dest_dir):
            if not args.to_internal_disk:
                raise KeepsakeError(
                    f"{dest_dir} is not on a USB stick or other removable media, and exports "
                    "are decrypted portraits. Use `usb`, a folder on the stick, or add "
                    "--to-internal-disk if plaintext on this disk is really intended."
                )
            detail = "to-internal-disk"
            print(f"warning: exporting decrypted portraits to {dest_dir}", file=sys.stderr)
    if args.event:
        store.event_book.get(args.event)
        ids = [i.id for i in store.list_items(event_id=args.event)]
    else:
        ids = [args.item]
    for item_id in ids:
        for path in store.export_item(item_id, dest_dir, detail=detail):
            print(path)
    return 0


def _repair(store, *, assume_yes: bool) -> int:  # type: ignore[no-untyped-def]
    plan = store.repair_plan()
    print(plan.summary())
    if plan.empty:
        return 0
    for name in plan.quarantined:
        print(f"  quarantined: {name}")
    for path in plan.leftovers:
        print(f"  leftover:    {path}")
    for ref in plan.unused_keys:
        print(f"  unused key:  {ref}")
    if not assume_yes:
        if not sys.stdin.isatty():
            print("Nothing destroyed: run it at a terminal to confirm, or add --yes.")
            return 1
        if input("Destroy these for good? Type yes: ").strip().lower() != "yes":
            print("Nothing destroyed.")
            return 1
    print(f"repair: {store.repair(plan).summary()}")
    return 0
