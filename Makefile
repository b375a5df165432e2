# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT
# Links in emails (invitations, tracking) point at the port `make run` serves, unless SITE_URL is set.
SITE_URL ?= http://127.0.0.1:$(PORT)
# Extra pytest arguments: make test ARGS="tests/jobs -k careers"
ARGS ?=
# pytest-xdist workers: one per core, at most 4 (override with TEST_WORKERS=1, or =0 for none).
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ "$$n" -gt 4 ] && n=4; echo $$n)

.PHONY: install install-dev run test lint format migrate collectstatic check-database reset-db clean bench

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# What the site needs to run.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

# The site's requirements plus the test and lint tools.
$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# Refuses (with what to do) a database made before the migrations were rewritten.
check-database: install
	$(BIN)/python manage.py check_database

migrate: check-database
	$(BIN)/python manage.py migrate --noinput

# What production serves (DEBUG=0 needs it: the manifest storage refuses files it has not hashed).
collectstatic: install
	$(BIN)/python manage.py collectstatic --noinput

run: migrate
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py setup_schedules
	SITE_URL=$(SITE_URL) $(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  ATS is starting at http://127.0.0.1:$(PORT)/ (links in emails: $(SITE_URL)/)"
	@echo "  Sign in with any of these (password: acme-demo-2026):"
	@echo "    owner@acme.test, recruiter@acme.test, manager@acme.test, interviewer@acme.test"
	@echo "  Django admin at http://127.0.0.1:$(PORT)/admin/ as admin@acme.test (same password)."
	@echo "  Pages and live updates share the port; without REDIS_URL the bell and boards poll every 15 s."
	@echo "  Stop with Ctrl+C."
	@echo ""
	SITE_URL=$(SITE_URL) PATH="$(abspath $(BIN)):$$PATH" BIND_HOST=127.0.0.1 $(BIN)/honcho start --port $(PORT) web worker

# This ERASES LOCAL DATA: it deletes the SQLite development database (db.sqlite3 and its
# -wal/-shm files), then migrates a new one and loads the demo data. Use it when `make migrate`
# says the database was made before the migrations were rewritten.
reset-db: install
	@if [ -n "$$DATABASE_URL" ]; then \
	  echo "reset-db only resets the default SQLite database (db.sqlite3); DATABASE_URL is set." >&2; \
	  echo "Unset it, or drop and re-create that database yourself." >&2; exit 1; \
	fi
	rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py setup_schedules
	$(BIN)/python manage.py seed_demo

test: install-dev
	$(BIN)/pytest $(if $(filter-out 0,$(TEST_WORKERS)),-n $(TEST_WORKERS)) $(ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .import_linter_cache artifacts

# Speed, measured (not asserted): gunicorn on a fresh database of its own (SQLite unless BENCH_DB is a
# postgres:// URL; it is dropped and re-created, and its name must contain "bench"), filled with 40,000
# candidates, measured with ab. QUICK=1 for a smaller run, BENCH_JSON=path for the figures as JSON.
# docs/performance.md says what each figure means. install-dev: the bench's SMTP server is aiosmtpd.
BENCH_DB ?= sqlite:///$(CURDIR)/.bench.sqlite3
bench: install-dev
	DATABASE_URL=$(BENCH_DB) BENCH=1 DEBUG=0 ALLOWED_HOSTS=127.0.0.1 \
	  SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	  $(BIN)/python manage.py bench
