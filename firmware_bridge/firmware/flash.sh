#!/bin/sh
# Copy the Keepsake firmware onto a Raspberry Pi Pico that already runs MicroPython (v1.22+).
#   firmware_bridge/firmware/flash.sh [DEVICE]      DEVICE defaults to mpremote's "auto"
# Hold BACK while plugging the board in if the firmware is already running (maintenance mode).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
pkg="$here/.."
dev=${1:-auto}
mpremote connect "$dev" fs mkdir :firmware_bridge 2>/dev/null || true
mpremote connect "$dev" \
    fs cp "$pkg/__init__.py" "$pkg/codec.py" "$pkg/messages.py" "$pkg/board.py" :firmware_bridge/ \
    + fs cp "$here/main.py" :main.py \
    + reset
echo "Flashed. The board starts in its safe state (dim light, 'offline' blip) until the kiosk connects."
