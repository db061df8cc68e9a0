# Atlas IA — one command for each daily act. Every target installs what it needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/atlasia
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)

.PHONY: install demo test test-sqlite test-postgres quality bench browser clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,quality]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var -v0

## make demo: embedded SQLite, demo data, background worker and the server on http://127.0.0.1:8000
demo: install
	bash scripts/demo.sh

## Debian's Chromium for the browser tests (Playwright's own download does not work here)
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installation de Chromium (Debian)…"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "Chromium n'a pas pu être installé : les tests navigateur seront ignorés."; \
	fi

## make test: the whole suite on SQLite, then on PostgreSQL
test: install browser test-sqlite test-postgres

test-sqlite: install
	DATABASE_URL=sqlite:///$(CURDIR)/var/test.sqlite3 $(PY) -m pytest -q -p no:cacheprovider

test-postgres: install
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -q -p no:cacheprovider

quality: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check atlasia config tests benchmarks
	$(VENV)/bin/mypy atlasia config
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

bench: install
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
