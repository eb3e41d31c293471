#!/usr/bin/env bash
# deploy/local/services.sh: stop service processes that tools or tests started and left behind.
#
#     deploy/local/services.sh down | status
#
# vroeg_devtools.stack writes a pid file per service process into $VROEG_RUN_DIR; a crashed test
# run may leave some. `down` ends each one's process group (SIGTERM, then SIGKILL).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=env.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/env.sh"

cmd="${1:-status}"
shopt -s nullglob
pids=("$VROEG_RUN_DIR"/*.pid)
case "$cmd" in
  down)
    for file in "${pids[@]}"; do
      pid="$(cat "$file")"
      if kill -0 "$pid" 2>/dev/null; then
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL -- "-$pid" 2>/dev/null || true
        echo "services: stopped $(basename "$file" .pid) (pid $pid)"
      fi
      rm -f "$file"
    done
    ;;
  status)
    for file in "${pids[@]}"; do
      pid="$(cat "$file")"
      if kill -0 "$pid" 2>/dev/null; then echo "services: $(basename "$file" .pid) running (pid $pid)"; fi
    done
    ;;
  *) echo "usage: $0 down|status" >&2; exit 2 ;;
esac
