# The two commands of the README's quick start: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PLAN ?= .run/plan.toml

.PHONY: run test lint bench bytecode clean

# Reinstalled whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Compiled as pip compiles a package it installs: this one is installed editable, and where
# PYTHONDONTWRITEBYTECODE is set Python would compile it again on every start.
bytecode: $(VENV)/.installed
	$(BIN)/python -m compileall -q rollback_tui

# `make run` opens a copy of the example plan, made on the first run: what is tried in the
# wizard stays in .run/ (delete it to start again), and the bundled example is left as it is.
.run/plan.toml:
	mkdir -p .run
	cp examples/plan.toml $@

run: bytecode $(filter .run/plan.toml,$(PLAN))
	$(BIN)/rollback-tui edit $(PLAN)

test: $(VENV)/.installed
	./scripts/ensure-tmux
	./scripts/ensure-node-tools
	$(BIN)/ruff check rollback_tui tests benchmarks
	$(BIN)/ruff format --check rollback_tui tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2

bench: bytecode
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .hypothesis node_modules
