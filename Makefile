# Vroeg: the two commands are `make demo` and `make test`; both set up everything they need.
#
#   make demo     a month of synthetic Ouder-Amstel signals through all four services, and the team's
#                 workplace with demo sign-ins (KEEP=1 keeps it running; `make demo-down` stops it then)
#   make test     every test: unit, integration, end-to-end and browser on a private Kafka and PostgreSQL
#   make unit     the fast tests only (no broker, no database)
#   make bench    100,000 reports through the real pipeline against a raw-Kafka baseline (JSON last line)
#   make workplace-bench   the workplace's page times with 10,000 open cases (JSON last line)
#   make import-bench      a 1,000,000-row partner CSV through intake, matching and outreach: time and RSS (JSON last line)
#   make up / down / status     the local platform for development (deploy/local/platform.mk)
#   make partners ARGS="list"   onboard, disable or list partners on it (python -m intake partners)
#   make venv     the Python environment (uv.lock) and the workplace's front-end packages (npm lock file)

SHELL := /bin/bash
PYTHON ?= $(CURDIR)/.venv/bin/python
UV ?= python3 -m uv
# The outreach workplace's front-end packages (package.json, package-lock.json, node_modules).
WEB := services/outreach/web

include deploy/local/platform.mk

.PHONY: venv demo demo-down test unit bench workplace-bench import-bench keys partners

# uv locks the whole workspace once (uv.lock); `--frozen` installs exactly that.
#
# Compiled bytecode: this machine sets PYTHONDONTWRITEBYTECODE, so without it every process compiles
# all it imports again (importing outreach took 7.7 s, 3.2 s compiled), and the tests start services
# and commands by the hundred. uv compiles what it installs; the workspace's own sources are compiled
# here before each run (only the files changed since, so about a second).
venv: .venv/.synced $(WEB)/node_modules/.package-lock.json
	@$(PYTHON) -m compileall -q -j 0 -x /node_modules/ contracts runtime devtools services >/dev/null
.venv/.synced: uv.lock pyproject.toml contracts/pyproject.toml runtime/pyproject.toml devtools/pyproject.toml \
               $(wildcard services/*/pyproject.toml)
	@$(UV) --version >/dev/null 2>&1 || { echo "installing uv (the workspace tool) with pip ..."; \
		python3 -m pip install --quiet uv; }
	$(UV) sync --all-packages --frozen --python python3.11 --compile-bytecode
	@touch $@

# The workplace's front-end packages (NL Design System CSS, htmx, axe-core), exactly as the lock file
# says. npm writes node_modules/.package-lock.json on every install, so a newer lock file reinstalls.
$(WEB)/node_modules/.package-lock.json: $(WEB)/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "make: ERROR: npm not found: the workplace's front-end packages" \
		"are installed with it: apt-get install nodejs npm" >&2; exit 1; }
	cd $(WEB) && npm ci --no-audit --no-fund
	@touch $@

keys: venv
	@$(VROEG_RUN) bash -c '$(PYTHON) -m vroeg_contracts.keys dev --keys-dir "$$VROEG_KEYS_DIR" 0437 0362'

# The partner registry of the platform `make up` runs: ARGS="add essent --name Essent --category energy
# --municipality 0437", ARGS="disable essent" or ARGS="list" (services/intake/README.md).
partners: venv
	@$(VROEG_RUN) $(PYTHON) -m intake partners $(if $(ARGS),$(ARGS),list)

demo: venv
	@bash deploy/local/isolated.sh demo 200 $(PYTHON) -m vroeg_devtools.demo $(if $(filter 1,$(KEEP)),--keep,)

# Stops what `make demo KEEP=1` left running: its services, Kafka and PostgreSQL (state in .vroeg/demo).
demo-down:
	@export VROEG_STATE_DIR="$(CURDIR)/.vroeg/demo"; rc=0; \
	bash deploy/local/services.sh down || rc=1; \
	bash deploy/local/kafka.sh down || rc=1; \
	bash deploy/local/postgres.sh down || rc=1; \
	exit $$rc

# The browser tests drive Debian's chromium, the partner-listener tests Debian's kcat
# (deploy/local/browser.sh and kcat.sh install them as root, or say how).
test: venv
	@VROEG_CHROMIUM="$$(bash deploy/local/browser.sh)" && export VROEG_CHROMIUM && \
		VROEG_KCAT="$$(bash deploy/local/kcat.sh)" && export VROEG_KCAT && \
		bash deploy/local/isolated.sh test 100 $(PYTHON) -m pytest $(PYTEST_ARGS)

# A benchmark, not a test: its last line is one JSON object (BENCH_ARGS="--reports 20000" for a quick run).
bench: venv
	@bash deploy/local/isolated.sh bench 900 $(PYTHON) -m vroeg_devtools.bench $(BENCH_ARGS)

# The workplace's page times with 10,000 open cases (docs/performance.md); a benchmark, not a test.
workplace-bench: venv
	@bash deploy/local/isolated.sh wbench 950 $(PYTHON) -m vroeg_devtools.workplace_bench $(WORKPLACE_BENCH_ARGS)

# A partner CSV of 1,000,000 rows through intake, matching and outreach; time and RSS per process
# (docs/performance.md). IMPORT_BENCH_ARGS="--rows 100000" for a shorter run.
import-bench: venv
	@bash deploy/local/isolated.sh ibench 960 $(PYTHON) -m vroeg_devtools.import_bench $(IMPORT_BENCH_ARGS)

unit: venv
	$(PYTHON) -m pytest -m "not platform" $(PYTEST_ARGS)
