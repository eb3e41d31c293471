# Vroeg: the two commands are `make demo` and `make test`; both set up everything they need.
#
#   make demo     a month of synthetic Ouder-Amstel signals through all four services (KEEP=1 keeps it running)
#   make test     every test: unit, integration and end-to-end on a private Kafka and PostgreSQL
#   make unit     the fast tests only (no broker, no database)
#   make bench    100,000 reports through the real pipeline against a raw-Kafka baseline (JSON last line)
#   make up / down / status     the local platform for development (deploy/local/platform.mk)
#   make venv     the Python environment, from uv.lock

SHELL := /bin/bash
PYTHON ?= $(CURDIR)/.venv/bin/python
UV ?= python3 -m uv

include deploy/local/platform.mk

.PHONY: venv demo test unit bench keys

# uv locks the whole workspace once (uv.lock); `--frozen` installs exactly that.
venv: .venv/.synced
.venv/.synced: uv.lock pyproject.toml contracts/pyproject.toml runtime/pyproject.toml devtools/pyproject.toml \
               $(wildcard services/*/pyproject.toml)
	@$(UV) --version >/dev/null 2>&1 || { echo "installing uv (the workspace tool) with pip ..."; \
		python3 -m pip install --quiet uv; }
	$(UV) sync --all-packages --frozen --python python3.11
	@touch $@

keys: venv
	@$(VROEG_RUN) bash -c '$(PYTHON) -m vroeg_contracts.keys dev --keys-dir "$$VROEG_KEYS_DIR" 0437'

demo: venv
	@bash deploy/local/isolated.sh demo 200 $(PYTHON) -m vroeg_devtools.demo $(if $(filter 1,$(KEEP)),--keep,)

test: venv
	@bash deploy/local/isolated.sh test 100 $(PYTHON) -m pytest $(PYTEST_ARGS)

# A benchmark, not a test: its last line is one JSON object (BENCH_ARGS="--reports 20000" for a quick run).
bench: venv
	@bash deploy/local/isolated.sh bench 900 $(PYTHON) -m vroeg_devtools.bench $(BENCH_ARGS)

unit: venv
	$(PYTHON) -m pytest -m "not platform" $(PYTEST_ARGS)
