"""Moving pictures on the kiosk: clips decoded in the background, and live rigged portraits."""
