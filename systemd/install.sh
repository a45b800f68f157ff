#!/usr/bin/env bash
# Install Keepsake as an appliance on Debian/Ubuntu (Intel NUC) or JetPack (Jetson).
#
#   sudo systemd/install.sh                 install or update (idempotent), enable and start
#   sudo ./install.sh --offline BUNDLE      the same from a `make bundle` tar, with no network
#   sudo systemd/install.sh --uninstall     stop and remove units and rules (keeps portraits)
#   sudo systemd/install.sh --uninstall --purge   also crypto-shred every portrait and remove the user
#   systemd/install.sh --render DIR         only write the units for PREFIX into DIR (for checks)
#
# Options: --prefix DIR (default /opt/keepsake), --no-start, --ort-wheel WHL (Jetson: NVIDIA's
# onnxruntime-gpu wheel for JetPack), --cage (run the kiosk inside the cage Wayland compositor),
# --root DIR (install into a staging tree and skip everything that touches the running system:
# apt, users, systemctl, udevadm; with --offline it still builds the virtual environment there).
# Python packages come from requirements/*.lock (hashes checked): box.lock, or jetson.lock on a
# Jetson (/etc/nv_tegra_release), which keeps NVIDIA's onnxruntime-gpu and never adds the CPU one.
# A desktop image's display manager is switched off (and back on by --uninstall). docs/DEPLOY.md.
set -euo pipefail

SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX=/opt/keepsake
ROOT=""
ACTION=install
PURGE=0
START=1
RENDER_DIR=""
BUNDLE=""
ORT_WHEEL=""
CAGE=0
UNITS=(keepsake-kiosk.service keepsake-wipe.service keepsake-wipe.timer
       keepsake-hotspot.service keepsake-hotspot.timer)
# polkit: lets the kiosk set the clock and time zone and shut down from the staff Settings page.
POLKIT_RULE=etc/polkit-1/rules.d/50-keepsake.rules
DROPIN_DIR=etc/systemd/system/keepsake-kiosk.service.d
# udev rules: camera and USB power here; the board's own rule comes with the bridge.
RULES=(systemd/70-keepsake.rules firmware_bridge/firmware/99-keepsake-board.rules)
USER_NAME=keepsake
# Groups the kiosk unit's SupplementaryGroups= names: they must exist, but the user is made a
# member of none of them (the unit grants them to the kiosk alone). Older installs added the
# user to these for good; that is undone here.
UNIT_GROUPS=(video render audio tty)
LEGACY_GROUPS=(video render input dialout audio tty)
# What the display manager was, so --uninstall gives the desktop back.
DM_RECORD=/var/lib/keepsake/display-manager

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

while [ $# -gt 0 ]; do
    case "$1" in
        --uninstall) ACTION=uninstall ;;
        --purge) PURGE=1 ;;
        --prefix) PREFIX="$2"; shift ;;
        --root) ROOT="$(realpath -m "$2")"; shift ;;
        --render) ACTION=render; RENDER_DIR="$2"; shift ;;
        --offline) BUNDLE="$(realpath "$2")"; shift ;;
        --ort-wheel) ORT_WHEEL="$(realpath "$2")"; shift ;;
        --cage) CAGE=1 ;;
        --no-start) START=0 ;;
        -h|--help) usage 0 ;;
        *) echo "install.sh: unknown option $1" >&2; usage 2 ;;
    esac
    shift
done

say() { echo "keepsake-install: $*"; }
die() { echo "install.sh: $*" >&2; exit 1; }
live() { [ -z "$ROOT" ]; }
# Run a command that changes the running system, unless we are staging into --root.
on_system() { if live; then "$@"; else say "skipped (--root): $*"; fi; }
is_jetson() { [ -e "$ROOT/etc/nv_tegra_release" ]; }
box_packages() { grep -hv '^#' "$SRC/systemd/apt-box.txt"; }

render_units() {  # render_units OUTDIR: the units with the install prefix filled in
    mkdir -p "$1"
    for unit in "${UNITS[@]}" cage.conf; do
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

unpack_bundle() {  # the bundle's tree becomes SRC; its wheels replace the package index
    BUNDLE_DIR="$(mktemp -d /var/tmp/keepsake-bundle.XXXXXX)"
    trap 'rm -rf "$BUNDLE_DIR"' EXIT
    tar -C "$BUNDLE_DIR" --no-same-owner -xf "$BUNDLE"
    SRC="$(echo "$BUNDLE_DIR"/keepsake-*)"
    [ -f "$SRC/BUNDLE-INFO" ] || die "$BUNDLE is not a Keepsake bundle (make bundle)"
    local arch python
    arch="$(sed -n 's/^arch=//p' "$SRC/BUNDLE-INFO")"
    python="$(sed -n 's/^python=//p' "$SRC/BUNDLE-INFO")"
    if live && [ "$arch" != "$(uname -m)" ]; then die "the bundle is for $arch, this box is $(uname -m)"; fi
    local have
    have="$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    [ "$python" = "$have" ] || die "the bundle is for Python $python, this box has $have: make bundle BUNDLE_PY=$have"
    if [ -s "$SRC/MISSING-WHEELS.txt" ]; then
        say "the bundle has no wheel for: $(tr '\n' ' ' < "$SRC/MISSING-WHEELS.txt")(pip will stop if this box needs them)"
    fi
    say "offline install from $(basename "$BUNDLE") ($(tr '\n' ' ' < "$SRC/BUNDLE-INFO"))"
}

system_packages() {
    export DEBIAN_FRONTEND=noninteractive
    local packages
    mapfile -t packages < <(box_packages)
    [ "$CAGE" = 0 ] || packages+=(cage)
    if [ -z "$BUNDLE" ]; then
        apt-get update -qq
        apt-get install -y -qq "${packages[@]}"
        return
    fi
    local missing=()
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} = 0 ] && return
    if compgen -G "$SRC/debs/*.deb" >/dev/null; then
        apt-get install -y -qq --no-download "$SRC"/debs/*.deb
    else
        die "offline, and these Debian packages are missing: ${missing[*]} (docs/DEPLOY.md, offline)"
    fi
}

python_packages() {  # python_packages VENV: the lock's pins, then Keepsake itself on top
    local venv="$1" profile=box pip
    is_jetson && profile=jetson
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    pip=("$venv/bin/python" -m pip install -q --disable-pip-version-check)
    if [ -n "$BUNDLE" ]; then
        # Only the bundle's wheels: no index, no network.
        "${pip[@]}" --no-index --find-links "$SRC/wheels" --require-hashes -r "$SRC/requirements.txt"
        "${pip[@]}" --no-index --no-deps --force-reinstall "$SRC"/wheels/keepsake-*.whl
    else
        "${pip[@]}" --require-hashes -r "$SRC/requirements/$profile.lock"
        "${pip[@]}" --no-deps --force-reinstall "$ROOT$PREFIX"
        rm -rf "$ROOT$PREFIX/build" "$ROOT$PREFIX"/*.egg-info
    fi
    if is_jetson; then
        # NVIDIA's onnxruntime-gpu provides the `onnxruntime` module; the CPU package from the
        # index would overwrite its files. Remove a CPU one an older install left, never add one.
        if "$venv/bin/python" -m pip show -q onnxruntime >/dev/null 2>&1; then
            "$venv/bin/python" -m pip uninstall -q -y onnxruntime
            say "Jetson: removed the CPU onnxruntime (it overwrites onnxruntime-gpu's files)"
        fi
        [ -z "$ORT_WHEEL" ] || "${pip[@]}" --no-deps --force-reinstall "$ORT_WHEEL"
        # Removing the CPU package also removes files the two share: check the module loads.
        local providers
        if providers="$("$venv/bin/python" -c 'import onnxruntime as o; print(", ".join(o.get_available_providers()))' 2>/dev/null)" \
            && "$venv/bin/python" -m pip show -q onnxruntime-gpu >/dev/null 2>&1; then
            say "Jetson: onnxruntime-gpu with $providers"
        else
            say "Jetson: NVIDIA's onnxruntime-gpu is missing or damaged: re-run with --ort-wheel PATH (docs/DEPLOY.md)"
        fi
    fi
}

write_pin() {  # a staff PIN of this box's own, made by the keepsake user, shown once
    local pin_dir=/var/lib/keepsake/kiosk
    if runuser -u "$USER_NAME" -- test -s "$pin_dir/staff_pin"; then return; fi
    local pin
    pin="$(python3 -c 'import secrets; print(f"{secrets.randbelow(10**6):06d}")')"
    # As the keepsake user (who owns the folder), through the project's atomic writer with
    # O_EXCL: no root write into a folder that user controls, no fixed temporary name.
    printf '%s' "$pin" | (cd / && runuser -u "$USER_NAME" -- "$PREFIX/.venv/bin/python" -c '
import sys
from pathlib import Path
from engine_edge.atomic import write_atomic
from kiosk.pin import hash_pin
folder = Path(sys.argv[1])
folder.mkdir(mode=0o700, exist_ok=True)
write_atomic(folder / "staff_pin", (hash_pin(sys.stdin.read()) + "\n").encode(), exclusive=True)
' "$pin_dir")
    say "staff PIN of this box: $pin (write it down; change it with: sudo -u $USER_NAME $PREFIX/.venv/bin/keepsake kiosk --set-pin)"
}

write_credentials() {  # the box's own C2PA signing key (clips carry signed provenance), once
    local key_dir=/var/lib/keepsake/signing
    if runuser -u "$USER_NAME" -- test -s "$key_dir/signer.key.pem"; then return; fi
    (cd / && runuser -u "$USER_NAME" -- "$PREFIX/.venv/bin/keepsake" credentials init --dir "$key_dir")
}

display_manager() {  # a desktop image: its display manager holds tty1 and the screen
    local dm="$ROOT/etc/systemd/system/display-manager.service"
    [ -L "$dm" ] || [ -e "$dm" ] || return 0
    local name
    name="$(basename "$(readlink -f "$dm")")"
    install -d -m 0700 "$ROOT/var/lib/keepsake"
    [ -s "$ROOT$DM_RECORD" ] || echo "$name" > "$ROOT$DM_RECORD"
    say "desktop image: switching $name off so the kiosk has the screen (--uninstall restores it)"
    on_system systemctl disable "$name"
    on_system systemctl set-default multi-user.target
    if [ "$START" = 1 ]; then on_system systemctl stop "$name"; fi
}

do_install() {
    if live && [ "$(id -u)" != 0 ]; then die "run as root (sudo)"; fi
    [ -z "$BUNDLE" ] || unpack_bundle
    if live; then system_packages; fi
    # The user, in no extra group: the unit adds the groups to the kiosk alone.
    if live && ! id "$USER_NAME" >/dev/null 2>&1; then
        useradd --system --home-dir /var/lib/keepsake --no-create-home \
            --shell /usr/sbin/nologin --user-group "$USER_NAME"
        say "created user $USER_NAME"
    fi
    if live; then
        for g in "${UNIT_GROUPS[@]}"; do
            # systemd refuses to start a unit whose SupplementaryGroups= names a missing group.
            getent group "$g" >/dev/null || groupadd --system "$g"
        done
        for g in "${LEGACY_GROUPS[@]}"; do gpasswd -d "$USER_NAME" "$g" >/dev/null 2>&1 || true; done
    fi
    # Code (owned by root, whoever owned the checkout) and its virtual environment.
    mkdir -p "$ROOT$PREFIX"
    if [ "$(realpath "$SRC")" != "$(realpath "$ROOT$PREFIX")" ]; then
        find "$ROOT$PREFIX" -mindepth 1 -maxdepth 1 ! -name .venv -exec rm -rf {} +
        tar -C "$SRC" --exclude='./.venv*' --exclude=./.git --exclude=./out --exclude='./.*cache' \
            --exclude=./.hypothesis --exclude='__pycache__' --exclude='*.egg-info' \
            --exclude=./wheels --exclude=./dist --exclude=./build \
            -cf - . | tar -C "$ROOT$PREFIX" --no-same-owner -xf -
    fi
    if live || [ -n "$BUNDLE" ]; then python_packages "$ROOT$PREFIX/.venv"; fi
    on_system chown -R root:root "$PREFIX"
    # Configuration (never overwritten) and state (owner-only).
    if [ ! -e "$ROOT/etc/keepsake/keepsake.toml" ]; then
        install -D -m 0644 "$SRC/keepsake.toml" "$ROOT/etc/keepsake/keepsake.toml"
        say "installed default configuration /etc/keepsake/keepsake.toml"
    fi
    install -d -m 0700 "$ROOT/var/lib/keepsake"
    on_system chown "$USER_NAME:$USER_NAME" /var/lib/keepsake
    if live; then write_pin; write_credentials; fi
    # Units, drop-ins and udev rules.
    local staged
    staged="$(mktemp -d)"
    render_units "$staged"
    for unit in "${UNITS[@]}"; do
        install_file "$staged/$unit" "$ROOT/etc/systemd/system/$unit" 0644
    done
    if is_jetson; then  # open the GPU to the kiosk
        install_file "$SRC/systemd/jetson-gpu.conf" "$ROOT/$DROPIN_DIR/jetson-gpu.conf" 0644
    fi
    if [ "$CAGE" = 1 ]; then
        install_file "$staged/cage.conf" "$ROOT/$DROPIN_DIR/cage.conf" 0644
    fi
    rm -rf "$staged"
    for rules in "${RULES[@]}"; do
        if [ -f "$SRC/$rules" ]; then
            install_file "$SRC/$rules" "$ROOT/etc/udev/rules.d/$(basename "$rules")" 0644
        fi
    done
    install_file "$SRC/systemd/50-keepsake.rules" "$ROOT/$POLKIT_RULE" 0644
    display_manager
    on_system udevadm control --reload
    on_system udevadm trigger --subsystem-match=tty --subsystem-match=video4linux \
        --subsystem-match=usb --subsystem-match=media --subsystem-match=input
    on_system systemctl daemon-reload
    on_system systemctl enable keepsake-wipe.service keepsake-wipe.timer keepsake-kiosk.service \
        keepsake-hotspot.timer
    # The kiosk owns the console: no login prompt on tty1 (uninstall gives it back).
    on_system systemctl disable getty@tty1.service || true
    if [ "$START" = 1 ]; then
        on_system systemctl restart keepsake-wipe.timer keepsake-hotspot.timer
        on_system systemctl restart keepsake-kiosk.service
    fi
    say "done: kiosk on tty1, wipe at boot and hourly; check with: $PREFIX/.venv/bin/keepsake doctor"
}

do_uninstall() {
    if live && [ "$(id -u)" != 0 ]; then die "run as root (sudo)"; fi
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
    rm -rf "${ROOT:?}/$DROPIN_DIR"
    rm -f "$ROOT/$POLKIT_RULE"
    for rules in "${RULES[@]}"; do
        rm -f "$ROOT/etc/udev/rules.d/$(basename "$rules")"
    done
    on_system systemctl daemon-reload
    on_system systemctl enable getty@tty1.service || true
    if [ -s "$ROOT$DM_RECORD" ]; then
        on_system systemctl enable "$(cat "$ROOT$DM_RECORD")"
        on_system systemctl set-default graphical.target
        rm -f "$ROOT$DM_RECORD"
        say "the desktop comes back at the next boot"
    fi
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
