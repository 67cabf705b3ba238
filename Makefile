# Kemijärvi strategy follow-up workbooks. `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

# Python 3.11 as pyproject requires; `make PYTHON=/path/to/python3.11 …` picks another.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# The stamp is newer than the lock and pyproject once they are installed, so setup reruns only after a change.
STAMP := $(VENV)/.installed

# Debian's chromium for the browser tests (Playwright drives it through executable_path; it never downloads one).
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
AXE := node_modules/axe-core/axe.min.js

.PHONY: help setup browser report validate lint test fuzz bench lab lock clean

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

setup: $(STAMP) ## create .venv if missing and install the locked dependencies and this project

$(CHROMIUM):
	@echo "Installing Debian's chromium for the browser tests (apt-get)"
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null

# axe-core at the version package-lock.json pins; touched so make sees it newer than the lock.
$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	@touch $@

browser: $(CHROMIUM) $(AXE) ## install what the browser tests need: Debian's chromium and axe-core (npm)

report: setup ## run the latest period on the embedded data; ends with the path of outputs/index.html
	$(BIN)/kpi run --latest

validate: setup ## check the strategy and the latest period's data; prints every problem
	$(BIN)/kpi validate --latest

# The checkers are configured in pyproject.toml: ruff (style, likely bugs, import order), mypy on src/kpi, and
# import-linter's contract of the layers (a wrong import between them fails here, and so in CI).
lint: setup ## ruff check, ruff format --check, mypy on src/kpi and the import layers (import-linter)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

# Two workers: the machines have two cores, and most of the time goes to great-expectations and kernels.
# loadgroup keeps the tests that share one published folder (xdist_group) on one worker, so it is built once.
test: setup browser lint ## lint, then the whole test suite with line coverage of src/kpi (fails under 90 %)
	KPI_CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest -n 2 --dist loadgroup --cov=kpi --cov-report=term:skip-covered --cov-fail-under=90

# The same fuzz test as in `make test` (100 cases there), with many more cases; FUZZ_SEED picks another set.
FUZZ_CASES ?= 1000
fuzz: setup ## feed the quality gate FUZZ_CASES (default 1000) mutated copies of the inputs; says how many ran
	FUZZ_CASES=$(FUZZ_CASES) $(BIN)/python -m pytest tests/fuzz -n 2 -q -p no:cacheprovider
	@echo "make fuzz: $(FUZZ_CASES) cases, seed $${FUZZ_SEED:-20261130} (FUZZ_CASES=N FUZZ_SEED=S make fuzz for others)"

# A script, not a test: it prints figures and ratios and asserts nothing (see BENCHMARKS.md). BENCH_ARGS passes options.
bench: setup ## time a period run against the naive papermill/nbconvert chain, all periods, reruns and scaling
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

lab: setup ## open JupyterLab in the project (the notebooks are in notebooks/)
	$(BIN)/jupyter lab

lock: ## re-resolve the dependency ranges in pyproject.toml into requirements.lock (needs the registry)
	$(PYTHON) -m venv /tmp/kpi-lock-venv && /tmp/kpi-lock-venv/bin/pip install --quiet pip-tools
	/tmp/kpi-lock-venv/bin/pip-compile --quiet --extra test --generate-hashes --no-emit-find-links \
	  --no-emit-index-url --strip-extras --allow-unsafe -o requirements.lock pyproject.toml

clean: ## remove generated data and reports (keeps .venv and node_modules)
	rm -rf data/processed/*.parquet outputs/*/ outputs/index.html .pytest_cache test-artifacts
