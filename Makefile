# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test test-lowest bench bench-quick clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/stdcrawl demo

test: $(STAMP)
	$(PY) -m pytest -n 2 -q

# The same suite against the lowest versions pyproject.toml declares (CI runs both).
LOW_VENV := .venv-lowest
LOW_STAMP := $(LOW_VENV)/.installed

$(LOW_STAMP): pyproject.toml .ci/lowest_constraints.py
	$(PYTHON) -m venv $(LOW_VENV)
	$(LOW_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LOW_VENV)/bin/python .ci/lowest_constraints.py > $(LOW_VENV)/constraints.txt
	$(LOW_VENV)/bin/python -m pip install --quiet -c $(LOW_VENV)/constraints.txt -e '.[test]'
	touch $(LOW_STAMP)

test-lowest: $(LOW_STAMP)
	$(LOW_VENV)/bin/python -m pytest -n 2 -q -p no:cacheprovider

# Benchmarks (bench/, README "Performance"): stdcrawl next to its baselines,
# ratios of medians; results in bench/results/latest.{md,json}.
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(PY) -m bench.run

bench-quick: $(BENCH_STAMP)
	$(PY) -m bench.run --quick

clean:
	rm -rf $(VENV) $(LOW_VENV) demo.db demo.db-* demo-warc *.egg-info
