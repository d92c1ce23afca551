# `make serve` and `make test` do all the set-up on a fresh machine (see README.md).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Stamp of the last `pip install`: reinstalls whenever pyproject.toml changes.
INSTALLED := $(VENV)/.installed
# Stamp of the last `npm ci`: the explorers' front-end files (frontend/package-lock.json).
FRONTEND := frontend/node_modules/.installed

SERVE_ARGS ?=
BENCH_ARGS ?=

.PHONY: serve test bench postgres

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -e '.[dev]'
	touch $@

$(FRONTEND): frontend/package.json frontend/package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js) is needed: apt-get install nodejs npm" >&2; exit 1; }
	npm ci --prefix frontend
	touch $@

serve: $(INSTALLED) $(FRONTEND)
	$(BIN)/scaigate seed --demo
	$(BIN)/scaigate serve $(SERVE_ARGS)

test: $(INSTALLED) $(FRONTEND)
	scripts/test

bench: $(INSTALLED)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

postgres:
	scripts/postgres-up
