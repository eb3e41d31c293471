#!/usr/bin/env bash
# deploy/local/kcat.sh: make sure there is a kcat for the partner-listener tests, and print its path.
#
#     VROEG_KCAT="$(deploy/local/kcat.sh)"
#
# tests/e2e/test_kafka_mtls.py produces a report as a partner on Debian's own kcat would: Debian
# 12's kcat 1.7.1 on librdkafka 2.0.2, which connects over mutual TLS but cannot log in with SCRAM
# on Kafka 4 (the partner guide, services/intake/README.md, says why). Uses $VROEG_KCAT when set,
# otherwise `kcat` on PATH, and installs Debian's kcat as root when it is missing (debian_tool.sh).
# Only the path goes to stdout; its version goes to stderr.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=debian_tool.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/debian_tool.sh"

path="$(debian_tool kcat VROEG_KCAT -V "the partner-listener tests")"
printf 'kcat: %s\n' "$("$path" -V 2>&1 | sed -n 's/^Version \([^ ]*\) .*\(librdkafka [^ ]*\).*/kcat \1, \2/p')" >&2
printf '%s\n' "$path"
