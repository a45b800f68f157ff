"""Keepsake's link to the button-and-light board (USB serial, RP2040 + MicroPython).

This file is copied onto the board too, so it stays import-free: the shared
modules (codec, messages, board) must run on MicroPython as well as CPython.
"""
