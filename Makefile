# Two commands do all set-up on a fresh Debian machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SYSTEM_STAMP := $(VENV)/.system-packages
# Debian packages: what a box runs on (systemd/apt-box.txt, the only list install.sh installs)
# and what only the tests use (systemd/apt-test.txt: Xvfb, sox, socat). Add packages there.
APT_PACKAGES := $(shell grep -hv '^\#' systemd/apt-box.txt)
APT_TEST_PACKAGES := $(shell grep -hv '^\#' systemd/apt-test.txt)
# Python packages: pyproject.toml keeps ranges; requirements/*.lock pin (with hashes) what was
# tested, for Python 3.10-3.13 on Linux. `make lock` refreshes all three after a change.
LOCK_DEV := requirements/dev.lock
UV_COMPILE := $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.10 \
	--generate-hashes --quiet --custom-compile-command 'make lock'
# `make bundle`: an offline installer for one kind of box (docs/DEPLOY.md). The defaults build
# for this machine; a NUC on Ubuntu 24.04: BUNDLE_PY=3.12; a Jetson on JetPack 6:
# BUNDLE_PROFILE=jetson BUNDLE_ARCH=aarch64 BUNDLE_PY=3.10.
BUNDLE_PROFILE ?= box
BUNDLE_ARCH ?= $(shell uname -m)
BUNDLE_PY ?= $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')
BUNDLE_OUT ?= dist

.PHONY: demo test models bench lint lock bundle system-packages clean translations

$(SYSTEM_STAMP): systemd/apt-box.txt systemd/apt-test.txt
	@missing=""; for p in $(APT_PACKAGES) $(APT_TEST_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
	@mkdir -p $(VENV) && touch $@

system-packages: $(SYSTEM_STAMP)

# The locked versions (hashes checked), then the project itself on top without touching them.
$(STAMP): pyproject.toml $(LOCK_DEV) $(SYSTEM_STAMP)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q --require-hashes -r $(LOCK_DEV)
	$(BIN)/pip install -q --no-deps -e .
	touch $@

demo: $(STAMP)
	@mkdir -p out
	$(BIN)/keepsake demo --out out

test: $(STAMP)
	$(BIN)/python -m pytest -q

models: $(STAMP)
	$(BIN)/pip install -q -e '.[build]'
	$(BIN)/python models_int8/build.py

bench: $(STAMP)
	@for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/vermin --config-file vermin.ini engine_edge kiosk firmware_bridge benchmarks models_int8 tests
	$(BIN)/lint-imports

# Refresh the locks (needs the package index): dev (make demo/test, CI), box (install.sh on a
# NUC or any box with ONNX Runtime from the index) and jetson (no onnxruntime: NVIDIA's wheel).
# The box locks are held to the dev lock's versions, so a box runs what CI tested.
lock: $(SYSTEM_STAMP)
	@[ -x $(BIN)/uv ] || { $(PYTHON) -m venv $(VENV) && $(BIN)/pip install -q uv; }
	$(UV_COMPILE) --extra all --extra dev -o $(LOCK_DEV)
	$(UV_COMPILE) --extra all -c $(LOCK_DEV) -o requirements/box.lock
	$(UV_COMPILE) --extra jetson --extra speech --extra kiosk --extra bridge --extra appliance \
		-c $(LOCK_DEV) -o requirements/jetson.lock

bundle: $(STAMP)
	bash systemd/bundle.sh --profile $(BUNDLE_PROFILE) --arch $(BUNDLE_ARCH) \
		--python $(BUNDLE_PY) --out $(BUNDLE_OUT)

# The kiosk's texts (kiosk/strings.py) -> kiosk/locale/*/LC_MESSAGES/keepsake.po (translate the
# new entries there), then the .mo files, which are committed so a box needs no build step.
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --no-location --no-wrap -o kiosk/locale/keepsake.pot .
	$(BIN)/pybabel update -i kiosk/locale/keepsake.pot -d kiosk/locale -D keepsake --no-wrap \
		--no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d kiosk/locale -D keepsake --statistics

clean:
	rm -rf $(VENV) out dist
