# Atlas IA — one command for each daily act. Every target installs what it needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/atlasia
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)

.PHONY: install system system-test demo serve test test-sqlite test-postgres quality bench browser clean

# Debian packages the code needs at run time (msgfmt for the translations, Pango/HarfBuzz for WeasyPrint's
# PDF, fonts) and the ones the tests need (pdfinfo, Debian's Chromium). A fresh machine has none of them:
# each target installs what is missing and fails loudly when it cannot (a test never skips for a tool).
SYSTEM_PACKAGES := gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core shared-mime-info
TEST_PACKAGES := poppler-utils chromium
define apt_ensure
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installation des paquets Debian :$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
endef

system:
	$(call apt_ensure,$(SYSTEM_PACKAGES))

system-test: system
	$(call apt_ensure,$(TEST_PACKAGES))

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,quality]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: system $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var -v0

## make demo: embedded SQLite, demo data, background worker and the server on http://127.0.0.1:8000
demo: install
	bash scripts/demo.sh

## make serve: production (config.settings.prod, PostgreSQL): migrations, static files, gunicorn and the
## background worker. Needs ATLASIA_SECRET_KEY, ATLASIA_ALLOWED_HOSTS and DATABASE_URL (docs/deployment.md).
serve: install
	bash scripts/serve.sh

## Debian's Chromium for the browser tests (Playwright's own download does not work here)
browser: system-test

## make test: the whole suite on SQLite, then on PostgreSQL
test: install system-test test-sqlite test-postgres

test-sqlite: install
	DATABASE_URL=sqlite:///$(CURDIR)/var/test.sqlite3 $(PY) -m pytest -q -p no:cacheprovider

test-postgres: install
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -q -p no:cacheprovider

quality: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check atlasia config tests benchmarks
	$(VENV)/bin/mypy atlasia config
	$(VENV)/bin/lint-imports .importlinter
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

# make bench SCALE=100000: the national-scale run on PostgreSQL (benchmarks/bench_scale.py), alone.
bench: install
	SCALE=$(SCALE) $(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
