# EvalBase: `make run` serves the app, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DEBUG ?= true

.PHONY: run test install migrate load check-migrations check-code browser-deps clean bench bench-quick

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

# The code's shape: lint, the layer contract (pyproject.toml), no block worse than radon grade C,
# no module over 400 lines outside migrations and tests.
APPS := evalbase accounts reference evaluations projects findings ratings follow_up reports overview demo
check-code: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	@worse=$$($(BIN)/radon cc -n D $(APPS)); if [ -n "$$worse" ]; then echo "Blocks worse than grade C:"; echo "$$worse"; exit 1; fi
	@long=$$(find $(APPS) -name '*.py' -not -path '*/migrations/*' | xargs wc -l | awk '$$2 != "total" && $$1 > 400'); \
		if [ -n "$$long" ]; then echo "Modules over 400 lines:"; echo "$$long"; exit 1; fi

# Browser tests drive Debian's chromium through Playwright (never `playwright install`).
browser-deps:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

test: install check-migrations check-code browser-deps
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
