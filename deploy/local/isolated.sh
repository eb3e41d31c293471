#!/usr/bin/env bash
# deploy/local/isolated.sh: run a command against a fresh, private platform, and always clean up.
#
#     deploy/local/isolated.sh <name> <port offset> COMMAND [ARG...]
#
# `make test` and `make demo` use it so they never touch a developer's running stack: the state
# lives in .vroeg/<name>, the ports are the defaults plus the offset, and everything it started
# (service processes, Kafka, PostgreSQL) is stopped on exit, whether the command passed or failed.
# KEEP=1 leaves it all running.
set -euo pipefail
here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
name="$1" offset="$2"
shift 2

root="$(cd -- "$here/../.." && pwd -P)"
export VROEG_STATE_DIR="${VROEG_STATE_DIR:-$root/.vroeg/$name}"
export VROEG_KAFKA_PORT="${VROEG_KAFKA_PORT:-$((19092 + offset))}"
export VROEG_KAFKA_CONTROLLER_PORT="${VROEG_KAFKA_CONTROLLER_PORT:-$((19093 + offset))}"
export VROEG_PG_PORT="${VROEG_PG_PORT:-$((15432 + offset))}"
# shellcheck source=env.sh
source "$here/env.sh"

cleanup() {
  local rc=$?
  if [[ "${KEEP:-0}" != "1" ]]; then
    bash "$here/services.sh" down || true
    bash "$here/kafka.sh" down || true
    bash "$here/postgres.sh" down || true
  fi
  exit "$rc"
}
trap cleanup EXIT INT TERM

# A fresh platform each time: results never depend on what an earlier run left.
bash "$here/services.sh" down || true
bash "$here/kafka.sh" down >/dev/null 2>&1 || true
bash "$here/postgres.sh" destroy >/dev/null
rm -rf "$VROEG_STATE_DIR"
bash "$here/kafka.sh" up
bash "$here/postgres.sh" up
"$root/.venv/bin/python" "$here/create_topics.py"
"$root/.venv/bin/python" "$here/apply_security.py"
"$root/.venv/bin/python" "$here/apply_quotas.py"
"$root/.venv/bin/python" -m vroeg_contracts.keys dev --keys-dir "$VROEG_KEYS_DIR" 0437 0362
"$root/.venv/bin/python" -m outreach cbs-dev-certs --dir "$VROEG_KEYS_DIR/cbs"
# Tests check this and stop at once if the platform is not fresh after all (pytest_plugin.py).
VROEG_FRESH_PLATFORM=1 "$@"
