# 票据夹 · Bill Wallet — the two set-up commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
# Every part builds its default URLs (its own, the stubs', the OIDC redirect) from these.
export HOST PORT
DEB_PACKAGES := chromium fonts-wqy-microhei poppler-utils ffmpeg wrk redis-server

# An unset APP_ENV is production, which refuses the dev-only- defaults: the targets for one
# machine say development (unless APP_ENV is set already), the test targets say test.
run db bench check-ui: export APP_ENV ?= development
test test-sqlite test-postgresql test-fast: export APP_ENV := test

.PHONY: run lint test test-sqlite test-postgresql test-fast bench serve-prod check-ui system-deps postgres-up redis-up db lock clean \
	translations i18n-update check-translations

$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[test]'
	touch $@

## make run: install, migrate, seed demo data when empty, serve all three parts and the live stream
## on http://$(HOST):$(PORT) (uvicorn, asgi.py), with the collection worker (syncs and the change feed)
## in a process of its own
run: $(STAMP) translations db
	@$(FLASK) wallet work & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) -m uvicorn asgi:app --host $(HOST) --port $(PORT) --no-access-log --timeout-graceful-shutdown 3

db: $(STAMP)
	$(FLASK) wallet init-db
	$(FLASK) idp init-db
	$(FLASK) fiscal init-db
	$(FLASK) fiscal seed-demo
	$(FLASK) idp seed-demo
	$(FLASK) wallet seed-demo

## make translations: compile each catalog (translations/<lang>/LC_MESSAGES/*.po) to the .mo the app reads;
## fuzzy entries are left out, so an unreviewed guess never reaches a page
PO_FILES := $(wildcard translations/*/LC_MESSAGES/*.po)
translations: $(PO_FILES:.po=.mo)

%.mo: %.po | $(STAMP)
	$(VENV)/bin/pybabel compile --statistics -i $< -o $@

## make i18n-update: extract every marked text to translations/messages.pot and bring the Mongolian
## catalog up to date with it; a new text arrives untranslated (no fuzzy guess), a dropped one leaves
I18N_LOCALES := mn
i18n-update: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k lazy_gettext --sort-by-file \
		--project "票据夹" -o translations/messages.pot .
	@for lang in $(I18N_LOCALES); do \
		if [ -f translations/$$lang/LC_MESSAGES/messages.po ]; then \
			$(VENV)/bin/pybabel update -i translations/messages.pot -d translations -l $$lang \
				--ignore-obsolete --no-fuzzy-matching; \
		else $(VENV)/bin/pybabel init -i translations/messages.pot -d translations -l $$lang; fi; \
	done

## make check-translations: every resident, public and login text has a reviewed Mongolian translation
## with the same placeholders, and no Chinese text in those templates escapes gettext
check-translations: $(STAMP)
	$(PY) -m scripts.check_translations

## make lint: ruff's lint rules, ruff's formatting, mypy (settings in pyproject.toml) and the Mongolian
## catalog's completeness (make check-translations); make test runs it first
# All four run, so one pass shows every finding; the target fails if any of them did.
lint: $(STAMP)
	@status=0; \
	for check in "ruff check ." "ruff format --check ." "mypy"; do \
		echo "# $$check"; $(VENV)/bin/$$check || status=1; \
	done; \
	echo "# check-translations"; $(PY) -m scripts.check_translations || status=1; \
	exit $$status

## make test: install what the suite needs, lint, then run the suite on SQLite and on PostgreSQL.
## The two passes run side by side (each prints its report when it ends): every pass has its own
## databases, ports and browser artefacts, and together they take about half the time.
test: $(STAMP) translations system-deps postgres-up redis-up
	$(MAKE) --no-print-directory lint
	@if [ "$$CI" = "true" ] || $(PY) -c "from tests.support.environment import postgres_reachable as r; raise SystemExit(0 if r() else 1)"; then \
		$(MAKE) --no-print-directory --jobs=2 --output-sync=target test-sqlite test-postgresql; \
	else $(MAKE) --no-print-directory test-sqlite; \
		echo "PostgreSQL is not reachable: the PostgreSQL pass was not run (CI=true requires it)"; fi

test-sqlite: $(STAMP) translations
	$(PY) -m pytest --db sqlite --output test-results/sqlite $(PYTEST_ARGS)

test-postgresql: $(STAMP) translations
	$(PY) -m pytest --db postgresql --output test-results/postgresql $(PYTEST_ARGS)

## make test-fast: the unit tests of rules and services, in well under a minute: no live server,
## no database of the system, no browser, nothing marked slow (conftest.py marks the rest)
test-fast: $(STAMP) translations
	$(PY) -m pytest -m "not system and not browser and not slow" $(PYTEST_ARGS)

## make bench: every benchmark script; each prints `figure <name> <value> <unit>` lines
bench: $(STAMP) translations system-deps postgres-up
	@set -e; for script in $$(grep -l '^def main' bench/bench_*.py); do \
		grep -q '__main__' $$script || continue; \
		module=$$(basename $$script .py); echo "# $(PY) -m bench.$$module"; $(PY) -m bench.$$module; done

## make serve-prod: the production layout on PostgreSQL (docs/deploy.md): gunicorn web tier on $(PORT),
## COLLECTION_WORKERS collection workers, and the two stubs standing in for the outside services on STUB_PORT
## (it runs as production: real secrets, or APP_ENV=development make serve-prod on one machine)
serve-prod: $(STAMP) translations postgres-up
	$(PY) -m scripts.serve_prod --host $(HOST) --port $(PORT)

## make check-ui: Lighthouse (mobile) and axe-core on the resident pages and the unit inbox; fails on a broken budget
check-ui: $(STAMP) translations system-deps
	npm ci --no-audit --no-fund --loglevel=error
	$(PY) -m scripts.check_ui

system-deps:
	@missing=""; \
	for pkg in $(DEB_PACKAGES); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
			echo "installing Debian packages:$$missing"; \
			sh scripts/apt_install.sh $$missing; \
		else echo "missing Debian packages:$$missing (install them as root)"; fi; \
	fi

postgres-up:
	@if command -v pg_lsclusters >/dev/null && pg_lsclusters --no-header 2>/dev/null | grep -q down; then \
		echo "starting PostgreSQL"; \
		pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -n1) main start || true; \
	fi

# The live channel's fan-out tests publish through Redis (docs/live-status.md).
redis-up:
	@if command -v redis-cli >/dev/null && ! redis-cli ping >/dev/null 2>&1 && command -v redis-server >/dev/null; then \
		echo "starting Redis"; redis-server --daemonize yes >/dev/null; \
	fi

## make lock: re-pin every dependency after changing pyproject.toml
lock:
	$(PY) -m pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

clean:
	rm -rf $(VENV) instance test-results .pytest_cache
