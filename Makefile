# EvalBase: `make run` serves the app, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run dev serve test audit install migrate load static check-migrations check-code browser-deps backup restore \
	loadtest bench bench-quick clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

# plotly.js's strict bundle (no eval, for the Content-Security-Policy), pinned in package-lock.json.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

install: $(VENV)/.installed node_modules/.package-lock.json

migrate: install
	$(BIN)/python manage.py migrate --noinput

load: migrate
	$(BIN)/python manage.py load_reports

static: install
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0

# A server and, beside it, the worker that runs the background jobs (imports) queued in the database:
# both start together; Ctrl-C (or TERM to make) stops both, and the worker stops when the server does.
# Background commands ignore Ctrl-C in a shell without job control, hence the trap.
define with_worker
	@$(BIN)/python manage.py db_worker --queue-name '*' & worker=$$!; \
	$(1) & server=$$!; \
	trap 'kill -TERM $$server $$worker 2>/dev/null' INT TERM; \
	wait $$server; status=$$?; kill -TERM $$worker 2>/dev/null; wait $$worker; exit $$status
endef

# A safe first run: gunicorn, DEBUG off, the embedded SQLite database, a secret key made once
# into var/secret_key (settings.py), static files by WhiteNoise; the jobs' worker beside it.
# gunicorn.conf.py: threaded workers, whose timeout never cuts a long download (README, "Exports").
run: load static
	$(call with_worker,$(BIN)/gunicorn evalbase.wsgi --config gunicorn.conf.py --bind 127.0.0.1:$(PORT) --workers 2 --access-logfile -)

# Development: Django's server, reloading on every change, with DEBUG pages; the worker beside it
# (restart `make dev` after changing what a job does: the worker does not reload).
dev: load
	@$(BIN)/python manage.py db_worker --queue-name '*' --no-reload & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production on PostgreSQL, behind a reverse proxy (README, "Deployment").
WEB_CONCURRENCY ?= 4
BIND ?= 127.0.0.1:$(PORT)
serve: migrate static
	@test -n "$(DATABASE_URL)" || { echo "make serve needs DATABASE_URL=postgres://... (README, Deployment)" >&2; exit 2; }
	$(call with_worker,$(BIN)/gunicorn evalbase.wsgi --config gunicorn.conf.py --bind $(BIND) --workers $(WEB_CONCURRENCY) --access-logfile - \
		--forwarded-allow-ips "$${FORWARDED_ALLOW_IPS:-127.0.0.1}")

# A backup of the database in var/backups/ (BACKUP_DIR); its path is the last line printed.
backup: install
	$(BIN)/python manage.py backup

# Replaces every row with the backup's, all or nothing: make restore BACKUP=var/backups/...
restore: install
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=path/to/backup" >&2; exit 2; }
	$(BIN)/python manage.py restore "$(BACKUP)"

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

test: install check-migrations check-code browser-deps static
	$(BIN)/python -m pytest

# Known vulnerabilities in requirements.txt (pip-audit); says so loudly when it cannot check (.ci/audit.py).
audit: install
	$(BIN)/python .ci/audit.py $(BIN)/pip-audit

# 50 users for 60 s against gunicorn and PostgreSQL, then again with a PostgreSQL restart (README, "Load test").
LOADTEST_VENV ?= .venv-loadtest
$(LOADTEST_VENV)/.installed: loadtest/requirements.txt
	$(PYTHON) -m venv $(LOADTEST_VENV)
	$(LOADTEST_VENV)/bin/pip install --quiet -r loadtest/requirements.txt
	touch $@

loadtest: install $(LOADTEST_VENV)/.installed
	$(BIN)/python loadtest/run.py --locust $(LOADTEST_VENV)/bin/locust

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
	rm -rf $(VENV) $(LOADTEST_VENV) node_modules staticfiles db.sqlite3
