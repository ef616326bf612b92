# EvalBase: `make run` serves the app, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DEBUG ?= true

.PHONY: run test install migrate load check-migrations browser-deps clean bench bench-quick

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

load: migrate
	$(BIN)/python manage.py load_reports

run: load
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

check-migrations: install
	$(BIN)/python manage.py makemigrations --check --dry-run

# Browser tests drive Debian's chromium through Playwright (never `playwright install`).
browser-deps:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

test: install check-migrations browser-deps
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python -m pytest

# EvalBase against Datasette on the same rows (bench/README.md). The data is cached between runs
# (PostgreSQL database evalbase_bench_N, or BENCH_DATABASE_URL; SQLite copy in bench/data/).
PROJECTS ?= 100000
bench-quick: PROJECTS = 10000

$(VENV)/.bench-installed: bench/requirements.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r bench/requirements.txt
	touch $@

bench: $(VENV)/.bench-installed
	$(BIN)/python -m bench --projects $(PROJECTS) --command "make bench PROJECTS=$(PROJECTS)"

bench-quick: $(VENV)/.bench-installed
	$(BIN)/python -m bench --projects $(PROJECTS) --quick --command "make bench-quick PROJECTS=$(PROJECTS)"

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
