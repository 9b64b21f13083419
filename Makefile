# The two commands of the README's quick start: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PLAN ?= .run/plan.toml

.PHONY: run test newest lock bench bytecode clean

# Reinstalled whenever pyproject.toml or the lock changes. Everything, pip and the build
# backend included, comes at the exact release in requirements.lock, so the suite does not
# change under it overnight; scripts/check-newest tries the newest releases separately.
$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --constraint requirements.lock pip hatchling editables
	$(BIN)/python -m pip install --quiet --constraint requirements.lock --no-build-isolation \
		-e '.[test]'
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
	./scripts/ensure-chromium
	./scripts/ensure-prometheus
	./scripts/ensure-node-tools
	$(BIN)/ruff check rollback_tui tests benchmarks
	$(BIN)/ruff format --check rollback_tui tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 4
	./scripts/check-newest

# The core and command-line tests on the newest releases pyproject.toml allows, in a venv
# of their own (.venv-newest), and the store's tests on every tomlkit release in its range.
newest:
	./scripts/check-newest

# requirements.lock made again from the newest releases the ranges allow (then run
# `make test`, and commit both if it passes).
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip hatchling editables
	.venv-lock/bin/python -m pip install --quiet --no-build-isolation -e '.[test]'
	{ sed -n '/^#/p' requirements.lock; .venv-lock/bin/python -m pip freeze --all \
		--exclude-editable | grep -v '^setuptools==\|^wheel=='; } > requirements.lock.new
	mv requirements.lock.new requirements.lock
	rm -rf .venv-lock

bench: bytecode
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) .venv-newest build dist .pytest_cache .hypothesis node_modules
