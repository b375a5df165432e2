# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: install run test lint format migrate clean bench

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

run: migrate
	$(BIN)/python manage.py setup_schedules
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  ATS is starting at http://127.0.0.1:$(PORT)/"
	@echo "  Sign in with any of these (password: acme-demo-2026):"
	@echo "    owner@acme.test, recruiter@acme.test, manager@acme.test, interviewer@acme.test"
	@echo "  Django admin at http://127.0.0.1:$(PORT)/admin/ as admin@acme.test (same password)."
	@echo "  Stop with Ctrl+C."
	@echo ""
	PATH="$(abspath $(BIN)):$$PATH" BIND_HOST=127.0.0.1 $(BIN)/honcho start --port $(PORT) web worker

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache artifacts

# Speed, measured (not asserted): the board and a move at 30 and 3,000 applications,
# on a database of its own so the demo data stays as it is.
BENCH_DB ?= sqlite:///$(CURDIR)/.bench.sqlite3
bench: install
	DATABASE_URL=$(BENCH_DB) DEBUG=1 $(BIN)/python manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_DB) DEBUG=1 $(BIN)/python manage.py bench
