"""The tribute film: several living portraits, caption cards, cross-fades and a music bed.

Frames are streamed: each clip is decoded as the film is encoded, so memory
stays flat however many portraits there are (only a cross-fade's worth of
frames is ever held). Photos are animated on the fly; their clips are held
encoded (a few hundred kB each).
"""

from engine_edge.montage.film import FilmOptions, Piece, make_film
from engine_edge.montage.music import music_bed

__all__ = ["FilmOptions", "Piece", "make_film", "music_bed"]
