#!/usr/bin/env bash
# Install Keepsake as an appliance on Debian/Ubuntu (Intel NUC) or JetPack (Jetson).
#
#   sudo systemd/install.sh                 install or update (idempotent), enable and start
#   sudo systemd/install.sh --uninstall     stop and remove units and rules (keeps portraits)
#   sudo systemd/install.sh --uninstall --purge   also crypto-shred every portrait and remove the user
#   systemd/install.sh --render DIR         only write the units for PREFIX into DIR (for checks)
#
# Options: --prefix DIR (default /opt/keepsake), --root DIR (install into a staging tree and skip
# everything that touches the running system: apt, users, venv, systemctl, udevadm), --no-start.
set -euo pipefail

SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX=/opt/keepsake
ROOT=""
ACTION=install
PURGE=0
START=1
RENDER_DIR=""
UNITS=(keepsake-kiosk.service keepsake-wipe.service keepsake-wipe.timer)
# udev rules: camera and USB power here; the board's own rule comes with the bridge.
RULES=(systemd/70-keepsake.rules firmware_bridge/firmware/99-keepsake-board.rules)
USER_NAME=keepsake
GROUPS_WANTED=(video render input dialout audio tty)

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

while [ $# -gt 0 ]; do
    case "$1" in
        --uninstall) ACTION=uninstall ;;
        --purge) PURGE=1 ;;
        --prefix) PREFIX="$2"; shift ;;
        --root) ROOT="$(realpath -m "$2")"; shift ;;
        --render) ACTION=render; RENDER_DIR="$2"; shift ;;
        --no-start) START=0 ;;
        -h|--help) usage 0 ;;
        *) echo "install.sh: unknown option $1" >&2; usage 2 ;;
    esac
    shift
done

say() { echo "keepsake-install: $*"; }
live() { [ -z "$ROOT" ]; }
# Run a command that changes the running system, unless we are staging into --root.
on_system() { if live; then "$@"; else say "skipped (--root): $*"; fi; }

render_units() {  # render_units OUTDIR: the units with the install prefix filled in
    mkdir -p "$1"
    for unit in "${UNITS[@]}"; do
        sed "s|/opt/keepsake|${PREFIX}|g" "$SRC/systemd/$unit" > "$1/$unit.tmp"
        mv -f "$1/$unit.tmp" "$1/$unit"
    done
}

install_file() {  # install_file SRC DEST MODE: replace only when the content changed
    if ! cmp -s "$1" "$2" 2>/dev/null; then
        install -D -m "$3" "$1" "$2.keepsake-new"
        mv -f "$2.keepsake-new" "$2"
        say "installed $2"
    fi
}

do_install() {
    if live && [ "$(id -u)" != 0 ]; then echo "install.sh: run as root (sudo)" >&2; exit 1; fi
    if live; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq python3 python3-venv python3-pip make
        make -C "$SRC" -s system-packages
    fi
    # User and groups (only those the system has).
    if live && ! id "$USER_NAME" >/dev/null 2>&1; then
        useradd --system --home-dir /var/lib/keepsake --no-create-home \
            --shell /usr/sbin/nologin --user-group "$USER_NAME"
        say "created user $USER_NAME"
    fi
    for g in "${GROUPS_WANTED[@]}"; do
        # systemd refuses to start a unit whose SupplementaryGroups= names a missing group.
        if live && ! getent group "$g" >/dev/null; then groupadd --system "$g"; fi
        if live; then usermod -a -G "$g" "$USER_NAME"; fi
    done
    # Code and its virtual environment.
    mkdir -p "$ROOT$PREFIX"
    if [ "$(realpath "$SRC")" != "$(realpath "$ROOT$PREFIX")" ]; then
        find "$ROOT$PREFIX" -mindepth 1 -maxdepth 1 ! -name .venv -exec rm -rf {} +
        tar -C "$SRC" --exclude='./.venv*' --exclude=./.git --exclude=./out --exclude='./.*cache' \
            --exclude=./.hypothesis --exclude='__pycache__' --exclude='*.egg-info' \
            -cf - . | tar -C "$ROOT$PREFIX" -xf -
    fi
    if live; then
        [ -x "$PREFIX/.venv/bin/python" ] || python3 -m venv "$PREFIX/.venv"
        "$PREFIX/.venv/bin/pip" install -q --upgrade pip
        if [ -e /etc/nv_tegra_release ]; then
            # Jetson: no OpenVINO; ONNX Runtime with CUDA comes from NVIDIA's JetPack wheel.
            "$PREFIX/.venv/bin/pip" install -q "$PREFIX[jetson,speech,kiosk,bridge,appliance]"
            say "Jetson: install NVIDIA's onnxruntime-gpu wheel for JetPack into $PREFIX/.venv"
        else
            "$PREFIX/.venv/bin/pip" install -q "$PREFIX[all]"
        fi
    fi
    # Configuration (never overwritten) and state (owner-only).
    if [ ! -e "$ROOT/etc/keepsake/keepsake.toml" ]; then
        install -D -m 0644 "$SRC/keepsake.toml" "$ROOT/etc/keepsake/keepsake.toml"
        say "installed default configuration /etc/keepsake/keepsake.toml"
    fi
    install -d -m 0700 "$ROOT/var/lib/keepsake"
    on_system chown "$USER_NAME:$USER_NAME" /var/lib/keepsake
    # A staff PIN of this box's own: the documented default (2468) is public. Printed once.
    local pin_file=/var/lib/keepsake/kiosk/staff_pin
    if live && [ ! -s "$pin_file" ]; then
        local pin
        pin="$("$PREFIX/.venv/bin/python" -c 'import secrets; print(f"{secrets.randbelow(10**6):06d}")')"
        "$PREFIX/.venv/bin/python" -c 'import sys; from pathlib import Path; from kiosk.pin import write_pin_file; write_pin_file(Path(sys.argv[1]), sys.argv[2])' "$pin_file" "$pin"
        chown -R "$USER_NAME:$USER_NAME" /var/lib/keepsake/kiosk
        say "staff PIN of this box: $pin (write it down; change it with: sudo -u $USER_NAME $PREFIX/.venv/bin/keepsake kiosk --set-pin)"
    fi
    # Units and udev rules.
    local staged
    staged="$(mktemp -d)"
    render_units "$staged"
    for unit in "${UNITS[@]}"; do
        install_file "$staged/$unit" "$ROOT/etc/systemd/system/$unit" 0644
    done
    rm -rf "$staged"
    if [ -e "$ROOT/etc/nv_tegra_release" ]; then  # a Jetson: open the GPU to the kiosk
        install_file "$SRC/systemd/jetson-gpu.conf" \
            "$ROOT/etc/systemd/system/keepsake-kiosk.service.d/jetson-gpu.conf" 0644
    fi
    for rules in "${RULES[@]}"; do
        if [ -f "$SRC/$rules" ]; then
            install_file "$SRC/$rules" "$ROOT/etc/udev/rules.d/$(basename "$rules")" 0644
        fi
    done
    on_system udevadm control --reload
    on_system udevadm trigger --subsystem-match=tty --subsystem-match=video4linux \
        --subsystem-match=usb --subsystem-match=media
    on_system systemctl daemon-reload
    on_system systemctl enable keepsake-wipe.service keepsake-wipe.timer keepsake-kiosk.service
    # The kiosk owns the console: no login prompt on tty1 (uninstall gives it back).
    on_system systemctl disable getty@tty1.service || true
    if [ "$START" = 1 ]; then
        on_system systemctl restart keepsake-wipe.timer
        on_system systemctl restart keepsake-kiosk.service
    fi
    say "done: kiosk on tty1, wipe at boot and hourly (journalctl -u 'keepsake-*')"
}

do_uninstall() {
    if live && [ "$(id -u)" != 0 ]; then echo "install.sh: run as root (sudo)" >&2; exit 1; fi
    if live; then
        systemctl disable --now "${UNITS[@]}" 2>/dev/null || true
    fi
    if [ "$PURGE" = 1 ] && live && [ -x "$PREFIX/.venv/bin/keepsake" ]; then
        # Crypto-shred first: destroying the keys is what makes the portraits unrecoverable.
        KEEPSAKE_DATA_DIR=/var/lib/keepsake/store "$PREFIX/.venv/bin/keepsake" wipe --all || true
    fi
    for unit in "${UNITS[@]}"; do
        rm -f "$ROOT/etc/systemd/system/$unit"
    done
    rm -rf "$ROOT/etc/systemd/system/keepsake-kiosk.service.d"
    for rules in "${RULES[@]}"; do
        rm -f "$ROOT/etc/udev/rules.d/$(basename "$rules")"
    done
    on_system systemctl daemon-reload
    on_system systemctl enable getty@tty1.service || true
    on_system udevadm control --reload
    rm -rf "${ROOT:?}$PREFIX"
    if [ "$PURGE" = 1 ]; then
        rm -rf "$ROOT/var/lib/keepsake" "$ROOT/etc/keepsake"
        if live && id "$USER_NAME" >/dev/null 2>&1; then userdel "$USER_NAME"; fi
        say "purged: portraits, configuration and user removed"
    else
        say "removed units, rules and code; portraits kept in /var/lib/keepsake (use --purge)"
    fi
}

case "$ACTION" in
    install) do_install ;;
    uninstall) do_uninstall ;;
    render) render_units "$RENDER_DIR" ;;
esac
