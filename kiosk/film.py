"""The event's tribute film, made in the render worker from the portraits on the wall.

The clips are the ones the guests kept (encoded, a few hundred kB each); the
film is streamed to the encoder (engine_edge.montage), so memory stays flat
however many portraits the event has. It is as large as the engine's exports
may be ([engine] max_short_side_px), landscape, at the kiosk's clip rate.
"""

from __future__ import annotations

from typing import Any

from engine_edge.pipeline import RenderCancelled


def film_size(max_short_side_px: int) -> tuple[int, int]:
    """16:9 landscape, 1080p at most, even sides (H.264)."""
    height = min(1080, max_short_side_px) // 2 * 2
    return round(height * 16 / 9 / 2) * 2, height


def make_event_film(
    clips: list[bytes],
    captions: list[str],
    music: str | None,
    *,
    loop: bool,
    fps: float,
    engine: Any,
    progress: Any,
    cancel: Any,
) -> bytes:
    """The film's MP4 bytes; ``music`` is a file on the USB stick (or None)."""
    from engine_edge.montage import FilmOptions, Piece, make_film
    from engine_edge.montage.film import FilmInvalid, film_metadata
    from engine_edge.montage.music import load_music

    if not clips:
        raise FilmInvalid("There are no portraits on the wall yet, so there is no film to make.")
    bed = load_music(music) if music else None
    options = FilmOptions(
        size=film_size(engine.max_short_side_px),
        fps=fps,
        loop=loop,
        x264_preset=engine.x264_preset,
        crf=engine.crf,
    )
    pieces = [Piece(clip, caption or None) for clip, caption in zip(clips, captions, strict=True)]

    def step(fraction: float) -> None:
        if cancel.is_set():
            raise RenderCancelled("Making the film was cancelled.")
        progress(fraction)

    return make_film(
        pieces,
        options,
        music=bed,
        metadata=film_metadata(portraits=len(pieces), loop=loop, music=bed is not None),
        progress=step,
    )
