"""One small adapter per dependency: engine, scan camera, speech, board, store, USB media.

Each adapter turns its dependency's API into what the kiosk needs and its
failures into KeepsakeErrors with a message a person can act on, so swapping
or upgrading a dependency touches one file.
"""
