# deploy/local/platform.mk: Makefile fragment for the local runtime platform (Kafka + PostgreSQL).
# The main Makefile includes it:
#
#     include deploy/local/platform.mk
#
# and provides PYTHON (the project venv's interpreter) and a `venv` target.
#
#   make up          start Kafka and PostgreSQL, create the Kafka topics
#   make down        stop both (fine if already stopped)
#   make status      show both
#   make kafka-up / kafka-down / pg-up / pg-down / topics   one piece at a time
#
# Ports and directories come from deploy/local/env.sh and can be overridden from the environment,
# e.g. `VROEG_KAFKA_PORT=29092 VROEG_KAFKA_CONTROLLER_PORT=29093 VROEG_PG_PORT=25432 make up`.

# This file's directory, so the fragment works however it is included (must be computed before
# anything else is included).
VROEG_LOCAL_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))

# Runs a command with env.sh loaded (recipes run in /bin/sh, which cannot source it). Also meant
# for the main Makefile, e.g. `$(VROEG_RUN) $(PYTHON) -m pytest tests/integration`.
VROEG_RUN := bash $(VROEG_LOCAL_DIR)/with-env.sh

# `topics` needs aiokafka from the project venv; say so instead of failing with an ImportError.
VROEG_NEED_PYTHON = command -v "$(PYTHON)" >/dev/null 2>&1 || \
	{ echo "platform.mk: PYTHON ($(PYTHON)) not found: run 'make venv' first" >&2; exit 1; }

.PHONY: up down status kafka-fetch kafka-up kafka-down kafka-status pg-up pg-down pg-status topics

# Sequential recipe lines rather than prerequisites: under `make -j`, prerequisites would start in
# parallel and `topics` could run before the broker is up.
up:
	@bash $(VROEG_LOCAL_DIR)/kafka.sh up
	@bash $(VROEG_LOCAL_DIR)/postgres.sh up
	@$(VROEG_NEED_PYTHON)
	@$(VROEG_RUN) $(PYTHON) $(VROEG_LOCAL_DIR)/create_topics.py
	@$(VROEG_RUN) $(PYTHON) $(VROEG_LOCAL_DIR)/apply_security.py
	@$(VROEG_RUN) $(PYTHON) $(VROEG_LOCAL_DIR)/apply_quotas.py

# Stop both even if the first fails, then report failure if either did.
down:
	@rc=0; \
	bash $(VROEG_LOCAL_DIR)/kafka.sh down || rc=1; \
	bash $(VROEG_LOCAL_DIR)/postgres.sh down || rc=1; \
	exit $$rc

# Informational: "stopped" (exit 3 from the scripts) is not an error here, anything else is.
status:
	@rc=0; \
	bash $(VROEG_LOCAL_DIR)/kafka.sh status || [ $$? -eq 3 ] || rc=1; \
	bash $(VROEG_LOCAL_DIR)/postgres.sh status || [ $$? -eq 3 ] || rc=1; \
	exit $$rc

kafka-fetch:
	@bash $(VROEG_LOCAL_DIR)/kafka.sh fetch

kafka-up:
	@bash $(VROEG_LOCAL_DIR)/kafka.sh up

kafka-down:
	@bash $(VROEG_LOCAL_DIR)/kafka.sh down

kafka-status:
	@bash $(VROEG_LOCAL_DIR)/kafka.sh status

pg-up:
	@bash $(VROEG_LOCAL_DIR)/postgres.sh up

pg-down:
	@bash $(VROEG_LOCAL_DIR)/postgres.sh down

pg-status:
	@bash $(VROEG_LOCAL_DIR)/postgres.sh status

topics:
	@$(VROEG_NEED_PYTHON)
	@$(VROEG_RUN) $(PYTHON) $(VROEG_LOCAL_DIR)/create_topics.py
