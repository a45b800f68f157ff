#!/usr/bin/env bash
# CI's proof of the offline install: build the bundle for this machine, install it into a fresh
# staging tree and virtual environment with the network taken away, then run `keepsake doctor`
# and the demo from that install, also without network. Run by .ci/run after `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

work="$(mktemp -d /var/tmp/keepsake-offline.XXXXXX)"
trap 'rm -rf "$work"' EXIT
# No network at all where the kernel lets us make an empty network namespace (root, as in CI);
# elsewhere pip --no-index alone keeps the install off the package index.
if unshare --net true 2>/dev/null; then
    netless=(unshare --net)
    echo "offline check: networking refused (empty network namespace)"
else
    netless=()
    echo "offline check: no network namespace here; pip --no-index only"
fi
passed=0
ok() { passed=$((passed + 1)); echo "offline check ok: $*"; }

t0=$SECONDS
bundle="$(make -s bundle BUNDLE_OUT="$work" | tail -1)"
ok "bundle built in $((SECONDS - t0)) s: $(du -h "$bundle" | cut -f1) $(basename "$bundle")"

t0=$SECONDS
"${netless[@]}" bash systemd/install.sh --offline "$bundle" --root "$work/root" --no-start
venv="$work/root/opt/keepsake/.venv"
ok "installed without network in $((SECONDS - t0)) s"
if "$venv/bin/python" -c 'import pytest' 2>/dev/null; then
    echo "offline check FAILED: test tools were installed on the box" >&2
    exit 1
fi

# The box's software is ready (CI has no camera, board, speakers or systemd: those fail, listed).
"${netless[@]}" "$venv/bin/keepsake" doctor || true
"${netless[@]}" "$venv/bin/keepsake" doctor --only versions,models,backends >/dev/null
ok "keepsake doctor: versions, models and backends ready"

(cd "$work" && "${netless[@]}" "$venv/bin/keepsake" demo --out "$work/demo")
test -s "$work/demo/sample_memorial.mp4"
ok "demo rendered $(du -h "$work/demo/sample_memorial.mp4" | cut -f1) from the offline install"
echo "offline install: $passed passed, 0 failed"
