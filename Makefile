# Two commands: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8050
SAMPLE := data/sample
STORE  ?= data/store

.PHONY: run test lint mutate setup ingest bench clean

$(BIN)/mps: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/mps

setup: $(BIN)/mps

# The store is rebuilt only when it is missing or older than any sample input or lookup
# (file names have spaces, so the check lives in `mps ingest --if-stale`, not in make).
ingest: setup
	$(BIN)/mps ingest $(SAMPLE) --store $(STORE) --if-stale

run: ingest
	$(BIN)/mps serve --store $(STORE) --host 127.0.0.1 --port $(PORT)

# axe-core (accessibility checks injected into Chromium by the browser tests) comes from npm.
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

test: setup node_modules/axe-core/axe.min.js
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check .

# Mutation testing of metrics/ (slow; not part of `make test`): surviving mutants are formulas no test pins.
mutate: setup
	$(BIN)/pip install --quiet -e '.[test,mutate]'
	MPS_REAL_DIR=$(abspath ../shared/real) $(BIN)/mutmut run > mutmut.log 2>&1 || true
	$(BIN)/mutmut results

bench: setup
	$(BIN)/python -m benchmarks.run
	$(BIN)/python -m benchmarks.bench_callbacks
	$(BIN)/python -m benchmarks.bench_national

clean:
	rm -rf $(VENV) $(STORE) .pytest_cache node_modules mutants mutmut.log
