"""Keepsake's engine: scan → analyse → rig → perform → render → deliver.

Every stage takes plain data (numpy arrays, frozen dataclasses) and returns
plain data. Nothing in this package imports Kivy, serial or systemd.
"""

__version__ = "0.1.0"
