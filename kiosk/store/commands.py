"""`keepsake store`: add, list, export and check portraits from the command line.

Staff and scripts use this; the data directory comes from ``[store] data_dir``
in the configuration or ``$KEEPSAKE_DATA_DIR``. Only the standard library is
imported here at module level.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_store_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="configuration file (default: $KEEPSAKE_CONFIG, /etc)")
    parser.add_argument("--data-dir", help="store folder (overrides config and $KEEPSAKE_DATA_DIR)")


def open_from_args(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The store named by ``--data-dir``, else the config file / environment."""
    import os

    from engine_edge.config import load_config
    from kiosk.store.settings import DATA_DIR_ENV, open_store

    config = load_config(args.config)
    if args.data_dir:
        os.environ[DATA_DIR_ENV] = args.data_dir
    return open_store(config)


def configure(parser: argparse.ArgumentParser) -> None:
    add_store_options(parser)
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = sub.add_parser("add", help="store a photo (and optionally its clip) as a new portrait")
    add.add_argument("photo", type=Path, help="JPEG or PNG of the scanned print")
    add.add_argument("--caption", help="name or words shown with the portrait in the tribute loop")
    add.add_argument("--clip", type=Path, help="MP4 rendered from the photo")
    add.add_argument("--preset", help="mood preset the clip was rendered with")
    sub.add_parser("list", help="list stored portraits").add_argument(
        "--all", action="store_true", help="include expired portraits awaiting the wipe"
    )
    exp = sub.add_parser("export", help="decrypt a portrait's files into a folder or USB stick")
    exp.add_argument("item", help="item id (see `keepsake store list`)")
    exp.add_argument("dest", help="destination folder, or `usb` for the plugged-in USB stick")
    sub.add_parser("check", help="run the self-check and report what was repaired")
    sub.add_parser("audit", help="show the audit log (ids, times, actions; no personal data)")


def run(args: argparse.Namespace) -> int:
    from engine_edge.undumpable import make_undumpable

    make_undumpable()
    with open_from_args(args) as store:
        if args.action == "add":
            return _add(store, args)
        if args.action == "list":
            return _list(store, include_expired=args.all)
        if args.action == "export":
            return _export(store, args.item, args.dest)
        if args.action == "check":
            print(store.check().summary())
            return 0
        for entry in store.audit_entries(limit=1000):
            print(
                f"{entry.at:%Y-%m-%d %H:%M:%S}Z  {entry.action:<18} {entry.item_id or '-':<16} "
                f"{entry.detail}"
            )
        return 0


def _add(store, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    from engine_edge.errors import ImageUnreadable

    photo = _read(args.photo)
    _require_image(photo, args.photo, ImageUnreadable)
    clip = _read(args.clip) if args.clip else None
    if clip is not None and clip[4:8] != b"ftyp":
        raise ImageUnreadable(f"{args.clip} is not an MP4 clip.")
    item_id = store.add_item(photo, consent=True, preset=args.preset, caption=args.caption)
    if clip is not None:
        try:
            store.put_file(item_id, "clip", clip)
        except BaseException:
            store.delete_item(item_id)
            raise
    print(item_id)
    return 0


def _read(path: Path) -> bytes:
    from engine_edge.errors import ImageUnreadable

    try:
        return path.read_bytes()
    except OSError as exc:
        raise ImageUnreadable(f"Cannot read {path}: {exc.strerror}.") from exc


def _require_image(data: bytes, path: Path, error: type[Exception]) -> None:
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as im:
            im.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise error(f"{path} is not a photo Keepsake can read (JPEG or PNG).") from exc


def _list(store, *, include_expired: bool) -> int:  # type: ignore[no-untyped-def]
    items = store.list_items(include_expired=include_expired)
    if not items:
        print("No portraits are stored.")
        return 0
    print(f"{'ID':<16}  {'CREATED (UTC)':<16}  {'EXPIRES (UTC)':<16}  PIN  FILES           CAPTION")
    for it in items:
        print(
            f"{it.id:<16}  {it.created:%Y-%m-%d %H:%M}  {it.expires:%Y-%m-%d %H:%M}  "
            f"{'yes' if it.pinned else 'no ':<3}  {','.join(it.kinds):<15} {it.caption or ''}"
        )
    return 0


def _export(store, item_id: str, dest: str) -> int:  # type: ignore[no-untyped-def]
    from kiosk.store.usb import usb_export_dir

    dest_dir = usb_export_dir() if dest == "usb" else Path(dest)
    for path in store.export_item(item_id, dest_dir):
        print(path)
    return 0
