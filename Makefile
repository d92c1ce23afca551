# `make serve` and `make test` do all the set-up on a fresh machine (see README.md).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Stamp of the last `pip install`: reinstalls whenever pyproject.toml changes.
INSTALLED := $(VENV)/.installed

SERVE_ARGS ?=
BENCH_ARGS ?=

.PHONY: serve test bench postgres

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -e '.[dev]'
	touch $@

serve: $(INSTALLED)
	$(BIN)/scaigate seed --demo
	$(BIN)/scaigate serve $(SERVE_ARGS)

test: $(INSTALLED)
	scripts/test

bench: $(INSTALLED)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

postgres:
	scripts/postgres-up
