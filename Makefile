# Kemijärvi strategy follow-up workbooks. `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

# The Python of .venv: by default the newest one pyproject's requires-python allows that runs on the PATH
# (python3.13, python3.12, python3.11, then python3 if it is one of them); `make report PYTHON=python3.12` picks one.
# tools/choose-python does the choosing and refuses an unsupported Python with a sentence saying so.
PYTHON ?=
CHOOSE_PYTHON := tools/choose-python
VENV := .venv
BIN := $(VENV)/bin
# The stamp is newer than the lock and pyproject once they are installed, so setup reruns only after a change.
# It is removed before installing: a .venv without it was left half-installed, and setup rebuilds it.
STAMP := $(VENV)/.installed
# --dry-run under `make -n`, so that a dry run removes no .venv
DRY_RUN := $(if $(findstring n,$(firstword -$(MAKEFLAGS))),--dry-run)

# Debian's chromium for the browser tests (Playwright drives it through executable_path; it never downloads one).
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
AXE := node_modules/axe-core/axe.min.js

.PHONY: help setup browser report validate lint test fuzz bench lab lock clean distclean

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# setup first chooses the Python (and prints it) and removes a .venv made by another Python or left half-installed;
# then the stamp's rule creates .venv if it is missing and installs into it when the lock or pyproject changed.
setup: ## create .venv with the chosen Python (rebuilt if another made it) and install the locked dependencies
	@python=$$($(CHOOSE_PYTHON) $(DRY_RUN) --venv $(VENV) $(PYTHON)) && \
	  { $(MAKE) --no-print-directory --question $(STAMP) || $(MAKE) --no-print-directory $(STAMP) VENV_PYTHON="$$python"; }

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || { echo "Creating $(VENV)"; $(or $(VENV_PYTHON),$$($(CHOOSE_PYTHON) $(PYTHON))) -m venv $(VENV); }
	@rm -f $(STAMP)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

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

# One lock for every supported Python. A lock resolved on one Python fails on another: pip's hash mode then meets a
# requirement the lock never pinned (papermill needs aiohttp on 3.12 only). uv's universal resolution covers every
# version from the oldest supported one up, with environment markers where they differ, and keeps the versions already
# in requirements.lock wherever they still fit (it prefers the output file's pins); plain pip installs the result.
lock: ## re-resolve pyproject.toml's ranges into requirements.lock for every supported Python (needs the registry)
	python=$$($(CHOOSE_PYTHON) $(PYTHON)) && $$python -m venv /tmp/kpi-lock-venv
	/tmp/kpi-lock-venv/bin/pip install --quiet uv
	/tmp/kpi-lock-venv/bin/uv pip compile --quiet --universal --generate-hashes --extra test \
	  --python-version $(firstword $(shell $(CHOOSE_PYTHON) --supported)) --custom-compile-command "make lock" \
	  -o requirements.lock pyproject.toml

clean: ## remove generated data and reports (keeps .venv and node_modules: make distclean removes them too)
	rm -rf data/processed/*.parquet outputs/*/ outputs/index.html .pytest_cache test-artifacts

distclean: clean ## clean, and remove .venv and node_modules: the next make report or make test installs afresh
	rm -rf $(VENV) node_modules
