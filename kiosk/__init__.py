"""The Keepsake kiosk: a Kivy touchscreen a grieving guest can use without help.

Kivy is imported only by the modules that draw (``app``, ``screens``,
``widgets``, ``live``); the flow, settings, strings, PIN and USB helpers are
plain Python so they can be tested and reused without a display.
"""
