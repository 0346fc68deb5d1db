# Each target makes its own virtualenv, so a fresh machine needs only Python >= 3.11.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint goldens bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev,dask]"
	touch $(STAMP)

demo: $(STAMP)  ## parse the bundled fixtures into output/ (CSV + Parquet)
	$(BIN)/xxgk parse fixtures/ --out output/

test: $(STAMP)  ## lint + the whole test suite
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

goldens: $(STAMP)  ## rewrite golden files from the parser; review with git diff fixtures/
	$(BIN)/python -m tests.goldens --update

bench: $(STAMP)  ## the benchmark (bench/README.md); BENCH_ARGS="--pages 100000 --only e2e" for the big run
	$(BIN)/python -m pip install -q -e ".[bench]"
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) output/*.csv output/*.parquet
