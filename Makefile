# Two commands: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8050
SAMPLE := data/sample
STORE  ?= data/store

.PHONY: run test setup ingest bench clean

$(BIN)/mps: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/mps

setup: $(BIN)/mps

# The store is rebuilt when it is missing or older than any sample input or lookup.
$(STORE)/manifest.json: $(BIN)/mps $(shell find $(SAMPLE) data/lookups -type f 2>/dev/null)
	$(BIN)/mps ingest $(SAMPLE) --store $(STORE)

ingest: $(STORE)/manifest.json

run: ingest
	$(BIN)/mps serve --store $(STORE) --host 127.0.0.1 --port $(PORT)

test: setup
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) $(STORE) .pytest_cache
