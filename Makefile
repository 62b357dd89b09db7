# Asysta: `make demo` starts the demo, `make test` runs every test.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
PORT ?= 8000
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
# Tests run in parallel, one worker per core (pytest-xdist); PYTEST_WORKERS= runs them in one.
PYTEST_WORKERS ?= -n auto

.PHONY: demo serve install install-test test test-sqlite test-postgres lint messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed-app

install: $(VENV)/.installed-app
install-test: $(VENV)/.installed-test

## demo: migrate an SQLite database under var/, load the demo centre, serve at http://localhost:$(PORT)
demo: install
	ASYSTA_DEMO=1 $(BIN)/asysta migrate
	ASYSTA_DEMO=1 $(BIN)/asysta demo-data
	@echo "Asysta demo: http://localhost:$(PORT)/demo"
	ASYSTA_DEMO=1 ASYSTA_BASE_URL=http://localhost:$(PORT) $(BIN)/asysta serve --port $(PORT)

## test: the whole suite on SQLite, then again on PostgreSQL when ASYSTA_TEST_DATABASE_URL is set.
## With PostgreSQL, the browser tests run once, on it (the production database), except those
## marked both_databases (the offline flap test); without it, they all run on SQLite.
test: install-test
	@test -x /usr/bin/chromium || { echo "Chromium is missing: apt-get install -y chromium (browser tests cannot be skipped)"; exit 1; }
	@if [ -n "$$ASYSTA_TEST_DATABASE_URL" ]; then \
		echo "--- SQLite: every test but the PostgreSQL-only ones and most browser tests"; \
		env -u ASYSTA_TEST_DATABASE_URL $(BIN)/pytest $(PYTEST_WORKERS) -m "not postgres_only and (not browser or both_databases)" || exit 1; \
		echo "--- PostgreSQL ($$ASYSTA_TEST_DATABASE_URL): every test"; \
		$(BIN)/pytest $(PYTEST_WORKERS); \
	else \
		env -u ASYSTA_TEST_DATABASE_URL $(BIN)/pytest $(PYTEST_WORKERS) -m "not postgres_only"; \
		echo "ASYSTA_TEST_DATABASE_URL is not set: PostgreSQL run not requested (CI sets it)."; \
	fi

test-postgres: install-test
	ASYSTA_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest $(PYTEST_WORKERS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy pwa

## messages: extract messages from code and templates, update the pl and en catalogs
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k lazy -k pgettext:1c,2 --no-location --sort-output --omit-header -o pwa/translations/messages.pot .
	$(BIN)/pybabel update -i pwa/translations/messages.pot -d pwa/translations --no-wrap --ignore-obsolete --no-fuzzy-matching

bench: install-test
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
