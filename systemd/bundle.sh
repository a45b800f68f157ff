#!/usr/bin/env bash
# Build the offline installer of one kind of box: one tar with the code, the models, the units,
# the install script, the Debian package list and a wheelhouse of every locked Python package.
#
#   systemd/bundle.sh [--profile box|jetson] [--arch x86_64|aarch64] [--python 3.X]
#                     [--glibc 2.35] [--out DIR]         (or: make bundle, see the Makefile)
#
# Install it on a box with no network: sudo ./install.sh --offline keepsake-…tar (docs/DEPLOY.md).
# The wheels are the lock's (requirements/PROFILE.lock, hashes checked), for the box's CPU and
# Python, as manylinux wheels up to the box's glibc (2.35: Ubuntu 22.04 / JetPack 6; Ubuntu 24.04
# and Debian 12 run them too). A package the index has no such wheel for is listed in
# MISSING-WHEELS.txt inside the bundle, and the install stops there rather than half-install.
# pip's cache is used, so after `make test` only what the tests did not need is fetched.
set -euo pipefail

SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROFILE=box
ARCH="$(uname -m)"
PY="$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
GLIBC=2.35
OUT="$SRC/dist"
while [ $# -gt 0 ]; do
    case "$1" in
        --profile) PROFILE="$2"; shift ;;
        --arch) ARCH="$2"; shift ;;
        --python) PY="$2"; shift ;;
        --glibc) GLIBC="$2"; shift ;;
        --out) OUT="$(realpath -m "$2")"; shift ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bundle.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
case "$PROFILE" in box|jetson) ;; *) echo "bundle.sh: --profile is box or jetson" >&2; exit 2 ;; esac
case "$ARCH" in x86_64|aarch64) ;; *) echo "bundle.sh: --arch is x86_64 or aarch64" >&2; exit 2 ;; esac

PYBIN="$SRC/.venv/bin/python"
VERSION="$("$PYBIN" -c 'from engine_edge import __version__; print(__version__)')"
NAME="keepsake-$VERSION-$PROFILE-$ARCH-py$PY"
STAGE="$OUT/$NAME"
say() { echo "keepsake-bundle: $*" >&2; }

rm -rf "$STAGE" "$OUT/$NAME.tar"
mkdir -p "$STAGE/wheels"

# 1. The code, models, units and install script: the files git knows (committed or not).
git -C "$SRC" ls-files -co --exclude-standard -z \
    | tar -C "$SRC" --null -T - -cf - | tar -C "$STAGE" --no-same-owner -xf -
grep -hv '^#' "$SRC/systemd/apt-box.txt" > "$STAGE/apt-packages.txt"

# 2. The pins this box needs, and their wheels (hash-checked against the lock).
"$PYBIN" "$SRC/systemd/lock_for.py" "$SRC/requirements/$PROFILE.lock" "$ARCH" "$PY" \
    > "$STAGE/requirements.txt"
platforms=(--platform "manylinux2014_$ARCH")
for minor in $(seq 17 "${GLIBC#2.}"); do platforms+=(--platform "manylinux_2_${minor}_$ARCH"); done
download=("$PYBIN" -m pip download -q --no-deps --require-hashes --only-binary=:all:
    --implementation cp --python-version "$PY" --abi "cp${PY/./}" --abi abi3 --abi none
    "${platforms[@]}" --dest "$STAGE/wheels")
if ! "${download[@]}" -r "$STAGE/requirements.txt" 2>"$STAGE/download.log"; then
    # Find which ones the index lacks, one at a time; keep every wheel that exists.
    : > "$STAGE/MISSING-WHEELS.txt"
    while IFS= read -r pin; do
        [ -n "$pin" ] || continue
        printf '%s\n' "$pin" > "$STAGE/one.txt"
        if ! "${download[@]}" -r "$STAGE/one.txt" 2>/dev/null; then
            echo "${pin%% *}" >> "$STAGE/MISSING-WHEELS.txt"
        fi
    done < "$STAGE/requirements.txt"
    rm -f "$STAGE/one.txt"
    say "no $ARCH/py$PY wheel on the index for: $(tr '\n' ' ' < "$STAGE/MISSING-WHEELS.txt")"
    say "build those on a box of that kind (pip wheel) and add them to $NAME/wheels"
fi
rm -f "$STAGE/download.log"

# 3. Keepsake itself as a wheel (pure Python plus the models), so the box builds nothing.
"$PYBIN" -m pip wheel -q --no-deps --wheel-dir "$STAGE/wheels" "$SRC" 2>/dev/null
rm -rf "$SRC/build"

cat > "$STAGE/BUNDLE-INFO" <<EOF
profile=$PROFILE
arch=$ARCH
python=$PY
glibc=$GLIBC
version=$VERSION
commit=$(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo unknown)
built_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)
EOF
tar -C "$OUT" -cf "$OUT/$NAME.tar" "$NAME"
rm -rf "$STAGE"
say "$(du -h "$OUT/$NAME.tar" | cut -f1) $OUT/$NAME.tar"
echo "$OUT/$NAME.tar"
