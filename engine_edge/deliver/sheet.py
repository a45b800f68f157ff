"""Contact sheets: evenly spaced frames of a clip on one image, each with its time."""

from __future__ import annotations

import io

import av
import cv2
import numpy as np

from engine_edge.errors import ImageUnreadable


def contact_sheet(
    mp4: bytes,
    *,
    frames: int = 12,
    width: int = 1200,
    zoom_face: bool = False,
    crop: tuple[float, float, float, float] | None = None,
) -> np.ndarray:
    """RGB sheet of ``frames`` evenly spaced frames (4 per row).

    ``crop`` (x0, y0, x1, y1 as fractions) magnifies one region, e.g. a face; with
    ``zoom_face`` the crop is the centre-top third, where portraits keep the face.
    """
    try:
        with av.open(io.BytesIO(mp4), mode="r") as c:
            decoded = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
            fps = float(c.streams.video[0].average_rate or 30)
    except (av.error.FFmpegError, IndexError) as exc:
        raise ImageUnreadable("That file is not a clip Keepsake can read.") from exc
    if not decoded:
        raise ImageUnreadable("The clip has no frames.")
    picks = np.unique(np.linspace(0, len(decoded) - 1, max(1, frames)).round().astype(int))
    if zoom_face and crop is None:
        crop = (0.25, 0.05, 0.75, 0.55)
    cols = min(4, len(picks))
    cell_w = width // cols
    tiles = []
    for i in picks:
        f = decoded[i]
        if crop is not None:
            h, w = f.shape[:2]
            f = f[int(crop[1] * h) : int(crop[3] * h), int(crop[0] * w) : int(crop[2] * w)]
        cell_h = round(cell_w * f.shape[0] / f.shape[1])
        tile = cv2.resize(f, (cell_w, cell_h), interpolation=cv2.INTER_AREA)
        label = f"{i / fps:.2f}s #{i}"
        # White halo under black text: readable on light and dark frames alike.
        for colour, thickness in (((255, 255, 255), 2), ((0, 0, 0), 1)):
            cv2.putText(
                tile, label, (6, 18), cv2.FONT_HERSHEY_SIMPLEX, 0.5, colour, thickness, cv2.LINE_AA
            )
        tiles.append(tile)
    rows = [
        np.hstack(
            tiles[r : r + cols] + [np.zeros_like(tiles[0])] * (cols - len(tiles[r : r + cols]))
        )
        for r in range(0, len(tiles), cols)
    ]
    return np.vstack(rows)


def encode_png(image_rgb: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".png", cv2.cvtColor(image_rgb, cv2.COLOR_RGB2BGR))
    if not ok:
        raise ImageUnreadable("Could not encode the contact sheet.")
    return buf.tobytes()
