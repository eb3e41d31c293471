#!/usr/bin/env bash
# deploy/local/browser.sh: make sure there is a Chromium for the browser tests, and print its path.
#
#     VROEG_CHROMIUM="$(deploy/local/browser.sh)"
#
# The browser tests drive Debian's chromium through Playwright (executable_path); Playwright's own
# browser download (`playwright install`) is not used. Uses $VROEG_CHROMIUM when set, otherwise
# `chromium` on PATH, and installs Debian's chromium as root when it is missing (debian_tool.sh).
# Only the path goes to stdout, messages to stderr.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=debian_tool.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/debian_tool.sh"

debian_tool chromium VROEG_CHROMIUM --version "the browser tests" \
  "Playwright's own browser download is not used."
