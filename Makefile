# Jobbforum — the README's two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
JF := $(VENV)/bin/jobbforum
INSTALLED := $(VENV)/.installed
NODE_INSTALLED := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
LOADTEST_SECONDS ?= 300
# make run is a local, single-user development server: debug mode, a local secret key in instance/.
RUN_ENV := JOBBFORUM_DEBUG=1 JOBBFORUM_BASE_URL=$${JOBBFORUM_BASE_URL:-http://$(HOST):$(PORT)}

.PHONY: run test test-sqlite test-postgresql fuzz setup vendor translations compile-translations bench loadtest lint clean help

help:
	@echo "make run   - install, migrate, load demo data and serve http://$(HOST):$(PORT)"
	@echo "make test  - install, then the whole test suite on SQLite and PostgreSQL"
	@echo "make bench - benchmarks (prints figures, writes bench/results.json)"
	@echo "make fuzz  - hunt for API bugs: the schema fuzz test with new seeds and more examples"
	@echo "make loadtest - locust against gunicorn on PostgreSQL (LOADTEST_SECONDS=$(LOADTEST_SECONDS))"

$(INSTALLED): setup.cfg pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip "setuptools>=68" wheel
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

$(NODE_INSTALLED): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Front-end libraries come from npm (package-lock.json), never from a CDN.
vendor: $(NODE_INSTALLED)
	mkdir -p static/vendor
	cp node_modules/jsqr/dist/jsQR.js static/vendor/jsQR.js

# Compile the gettext catalogues (part of every set-up).
compile-translations: $(INSTALLED)
	$(VENV)/bin/pybabel -q compile -d jobbforum/translations

# For developers: extract every translatable string, update the catalogues, compile.
translations: $(INSTALLED)
	$(VENV)/bin/pybabel -q extract -F babel.cfg -k _l -k N_ -k lazy_gettext --no-location \
		--sort-output -o jobbforum/translations/messages.pot .
	$(VENV)/bin/pybabel -q update -N -i jobbforum/translations/messages.pot -d jobbforum/translations
	$(MAKE) compile-translations

setup: $(INSTALLED) vendor compile-translations

run: setup
	$(RUN_ENV) $(JF) db upgrade
	$(RUN_ENV) $(JF) demo load
	@echo
	@echo "  Jobbforum is running at http://$(HOST):$(PORT)/  (staff login: http://$(HOST):$(PORT)/login)"
	@echo
	$(RUN_ENV) $(JF) run --host $(HOST) --port $(PORT) --no-reload

# Both databases always run; the target fails if either run fails (or ran no test).
test: setup
	@rc=0; \
	echo "=== Test suite on SQLite ==="; \
	JOBBFORUM_TEST_DB=sqlite $(PY) -m pytest $(PYTEST_ARGS) || rc=$$?; \
	echo "=== Test suite on PostgreSQL ==="; \
	JOBBFORUM_TEST_DB=postgresql $(PY) -m pytest $(PYTEST_ARGS) || rc=$$?; \
	echo "=== Dependency audit ==="; \
	$(PY) .ci/audit-deps || rc=$$?; \
	if [ $$rc -ne 0 ]; then echo "make test: FAILED (exit $$rc)"; fi; \
	exit $$rc

test-sqlite: setup
	JOBBFORUM_TEST_DB=sqlite $(PY) -m pytest $(PYTEST_ARGS)

test-postgresql: setup
	JOBBFORUM_TEST_DB=postgresql $(PY) -m pytest $(PYTEST_ARGS)

# The API fuzz test uses a fixed seed in `make test` (repeatable); this explores beyond it.
FUZZ_SEEDS ?= 1 2 3 4 5
FUZZ_EXAMPLES ?= 200
fuzz: setup
	@rc=0; for seed in $(FUZZ_SEEDS); do for database in sqlite postgresql; do \
		echo "=== API fuzz: seed $$seed, $(FUZZ_EXAMPLES) examples, $$database ==="; \
		JOBBFORUM_TEST_DB=$$database JOBBFORUM_FUZZ_SEED=$$seed JOBBFORUM_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) \
			$(PY) -m pytest -q -p no:randomly tests/test_api_fuzz.py::test_api_conforms_to_its_schema \
			|| rc=$$?; \
	done; done; exit $$rc

bench: setup
	$(PY) -m bench

# Load test (loadtest/): 20 check-in scans/s plus sign-ups and exhibitor-list views for
# LOADTEST_SECONDS against gunicorn on a fresh PostgreSQL database; fails unless every request
# type has p95 < 200 ms, nothing failed and every scan is accounted for in the database.
loadtest: setup
	LOADTEST_SECONDS=$(LOADTEST_SECONDS) $(PY) -m loadtest

lint: setup
	$(PY) -m ruff check jobbforum blueprints tests bench loadtest || true

clean:
	rm -rf $(VENV) node_modules static/vendor build dist *.egg-info
