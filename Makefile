# EvalBase: `make run` serves the app, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run dev serve test audit install migrate load static check-migrations browser-deps backup restore loadtest clean

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

# A safe first run: gunicorn, DEBUG off, the embedded SQLite database, a secret key made once
# into var/secret_key (settings.py), static files by WhiteNoise.
run: load static
	$(BIN)/gunicorn evalbase.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --access-logfile -

# Development: Django's server, reloading on every change, with DEBUG pages.
dev: load
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production on PostgreSQL, behind a reverse proxy (README, "Deployment").
WEB_CONCURRENCY ?= 4
BIND ?= 127.0.0.1:$(PORT)
serve: migrate static
	@test -n "$(DATABASE_URL)" || { echo "make serve needs DATABASE_URL=postgres://... (README, Deployment)" >&2; exit 2; }
	$(BIN)/gunicorn evalbase.wsgi --bind $(BIND) --workers $(WEB_CONCURRENCY) --access-logfile - \
		--forwarded-allow-ips "$${FORWARDED_ALLOW_IPS:-127.0.0.1}"

# A backup of the database in var/backups/ (BACKUP_DIR); its path is the last line printed.
backup: install
	$(BIN)/python manage.py backup

# Replaces every row with the backup's, all or nothing: make restore BACKUP=var/backups/...
restore: install
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=path/to/backup" >&2; exit 2; }
	$(BIN)/python manage.py restore "$(BACKUP)"

check-migrations: install
	$(BIN)/python manage.py makemigrations --check --dry-run

# Browser tests drive Debian's chromium through Playwright (never `playwright install`).
browser-deps:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

test: install check-migrations browser-deps static
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

clean:
	rm -rf $(VENV) $(LOADTEST_VENV) node_modules staticfiles db.sqlite3
