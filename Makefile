# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-faults lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/xuncha demo

# PostgreSQL, Redis and Chromium first: started or installed where this user may, else one
# line saying what is missing (scripts/preflight.py), never a failure deep in the run.
test: $(STAMP)
	$(BIN)/python scripts/preflight.py
	$(BIN)/python -m pytest

# The fault-injection suite alone (real kills, a full tmpfs, a PostgreSQL restart, hostile
# servers): `make test` runs it too, with everything else.
test-faults: $(STAMP)
	$(BIN)/python scripts/preflight.py
	$(BIN)/python -m pytest tests/faults

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

clean:
	rm -rf $(VENV) demo-out
