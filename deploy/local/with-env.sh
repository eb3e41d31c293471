#!/usr/bin/env bash
# deploy/local/with-env.sh: run a command with the local platform's environment (env.sh) loaded.
#
#     deploy/local/with-env.sh .venv/bin/pytest tests/integration
#
# make runs recipes with /bin/sh, which cannot source env.sh (it is bash); platform.mk wraps
# commands in this script instead, as $(VROEG_RUN). Also handy for one-off commands.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=env.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/env.sh"

if (( $# == 0 )); then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi
exec "$@"
