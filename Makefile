# Two commands do all set-up on a fresh Debian machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SYSTEM_STAMP := $(VENV)/.system-packages
# Debian packages the box and the test suite use at run time.
APT_PACKAGES := espeak-ng libespeak-ng1 xvfb xauth libgl1 libegl1 libgles2 libmtdev1 \
	libportaudio2 sox socat systemd alsa-utils

.PHONY: demo test models bench lint system-packages clean translations

$(SYSTEM_STAMP):
	@missing=""; for p in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
	@mkdir -p $(VENV) && touch $@

system-packages: $(SYSTEM_STAMP)

$(STAMP): pyproject.toml $(SYSTEM_STAMP)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[all,dev]'
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
	$(BIN)/lint-imports

# The kiosk's texts (kiosk/strings.py) -> kiosk/locale/*/LC_MESSAGES/keepsake.po (translate the
# new entries there), then the .mo files, which are committed so a box needs no build step.
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --no-location --no-wrap -o kiosk/locale/keepsake.pot .
	$(BIN)/pybabel update -i kiosk/locale/keepsake.pot -d kiosk/locale -D keepsake --no-wrap \
		--no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d kiosk/locale -D keepsake --statistics

clean:
	rm -rf $(VENV) out
