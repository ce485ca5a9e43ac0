# The two commands: `make run` and `make test`. Everything else is a helper they use.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin

.PHONY: run test install install-dev lint worker scheduler migrate clean

# The settings default to debug off (started bare, the app refuses to run without a secret key);
# these development targets turn it on explicitly. An exported DJANGO_DEBUG still wins.
run worker scheduler migrate: export DJANGO_DEBUG ?= true

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install only when a requirements file changes.
$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --noinput

## make run: install, migrate, create the demo owner, serve on http://127.0.0.1:$(PORT) with the task worker
## and the periodic-task scheduler.
run: migrate
	$(BIN)/python manage.py seed_demo
	@echo "Serving on http://127.0.0.1:$(PORT)  (Ctrl-C stops the server, the worker and the scheduler)"
	@bash bin/run-dev.sh $(BIN)/python $(PORT)

## make test: install the dev requirements and run the whole suite (then the browser tests, if any).
test: install-dev
	$(BIN)/python -m pytest
	$(BIN)/python -m pytest -m e2e

worker: install
	$(BIN)/python manage.py db_worker

scheduler: install
	$(BIN)/python manage.py run_scheduler

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache
