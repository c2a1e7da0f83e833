# Two commands set everything up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
HOST ?= 127.0.0.1
PORT ?= 8000

AXE_DIR := tests/browser/vendor
AXE := $(AXE_DIR)/node_modules/axe-core/axe.min.js

.PHONY: run test test-browser install install-test migrate seed clean worker beat axe axe-if-npm

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(STAMP)
install-test: $(TEST_STAMP)

# axe-core, the accessibility checker the browser tests inject into pages: the npm package at the
# version in tests/browser/vendor/package-lock.json, into a git-ignored node_modules/.
$(AXE): $(AXE_DIR)/package.json $(AXE_DIR)/package-lock.json
	npm ci --prefix $(AXE_DIR) --no-audit --no-fund --loglevel=error
	touch $@
axe: $(AXE)
# `make test` runs the browser tests too when Chromium is there; without npm it goes on and those
# tests say what is missing.
axe-if-npm:
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory axe; else echo "npm not found: browser tests need axe-core (make axe)"; fi

# The local demo: DEBUG on, SQLite, in-process channel layer and background work; a Web Push key
# pair generated once into the git-ignored var/ unless PAKN_VAPID_PRIVATE_KEY is set.
run: export DJANGO_DEBUG ?= 1
run: export PAKN_VAPID_KEY_FILE ?= $(CURDIR)/var/vapid-private.pem
# Links in emails and pushes point at the address the demo is served on.
run: export PAKN_PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)
run: $(STAMP)
	$(BIN)/python manage.py generate_vapid_keys --if-missing
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --once
	$(BIN)/python -m config.server -b $(HOST) -p $(PORT) --access-log /dev/null config.asgi:application

test: $(TEST_STAMP) axe-if-npm
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-browser: $(TEST_STAMP) $(AXE)
	PAKN_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

worker: $(STAMP)
	$(BIN)/celery -A config worker -l info

beat: $(STAMP)
	$(BIN)/celery -A config beat -l info

clean:
	rm -rf $(VENV) *.egg-info $(AXE_DIR)/node_modules
