# The front door. `make run` runs the system on embedded defaults; `make test` runs the tests.
SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
UV := $(PYTHON) -m uv
VENV := .venv
PY := $(VENV)/bin/python
INFRA := $(PYTHON) deploy/local/infra.py
PYTEST_ARGS ?=

.PHONY: help install browser run test test-unit lint format schemas bench infra-up infra-down clean

help:
	@echo "make run     - the whole system on embedded PostgreSQL and Kafka-protocol broker, demo data seeded"
	@echo "make test    - lint, then unit + integration tests on real PostgreSQL, Redis and Apache Kafka"
	@echo "make lint    - ruff, ruff format --check, mypy (strict on shared/)"
	@echo "make bench   - benchmarks, written to docs/benchmarks.md"

$(VENV)/.synced: uv.lock pyproject.toml shared/pyproject.toml services/*/pyproject.toml
	$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet "uv==0.13.8"
	$(UV) sync --frozen --quiet
	touch $@

install: $(VENV)/.synced

# the browser tests drive Debian's Chromium (Playwright without `playwright install`); Noto CJK renders Chinese
browser:
	if [ ! -x /usr/lib/chromium/chromium ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
	fi

run: install
	$(PY) deploy/local/run.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy shared/src services/identity/src services/roster/src services/scheduling/src services/evaluation/src services/portal/src

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

schemas: install
	$(PY) -m linli_identity.cli export-schemas >/dev/null
	$(PY) -m linli_roster.cli export-schemas >/dev/null
	$(PY) -m linli_scheduling.cli export-schemas >/dev/null
	$(PY) -m linli_evaluation.cli export-schemas >/dev/null

infra-up:
	$(INFRA) up

infra-down:
	$(INFRA) down

test: install lint browser
	eval "$$($(INFRA) up postgres redis kafka)"
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test-unit: install
	$(VENV)/bin/pytest -m unit $(PYTEST_ARGS)

bench: install
	eval "$$($(INFRA) up postgres redis kafka)"
	$(PY) tests/bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .run
