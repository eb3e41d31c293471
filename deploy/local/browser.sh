#!/usr/bin/env bash
# deploy/local/browser.sh: make sure there is a Chromium for the browser tests, and print its path.
#
#     VROEG_CHROMIUM="$(deploy/local/browser.sh)"
#
# The browser tests drive Debian's chromium through Playwright (executable_path); Playwright's own
# browser download (`playwright install`) is not used. Uses $VROEG_CHROMIUM when set, otherwise
# `chromium` on PATH. When it is missing and we are root with apt-get (CI, containers), it installs
# the Debian package; otherwise it says how to. Only the path goes to stdout, messages to stderr.
set -euo pipefail

say() { printf 'browser: %s\n' "$*" >&2; }
die() { printf 'browser: ERROR: %s\n' "$*" >&2; exit 1; }

# The path of a working Chromium, or nothing. `--version` must succeed, so a broken install (a
# wrapper without its binary, missing libraries) counts as missing. Debian's launcher script can
# print shell warnings on stderr; they are not ours to show.
find_chromium() {
  local path
  path="$(command -v -- "${VROEG_CHROMIUM:-chromium}" 2>/dev/null)" || return 0
  "$path" --version >/dev/null 2>&1 && printf '%s\n' "$path"
  return 0
}

path="$(find_chromium)"
if [[ -z "$path" && -n "${VROEG_CHROMIUM:-}" ]]; then
  die "VROEG_CHROMIUM=$VROEG_CHROMIUM is not a working Chromium (\`$VROEG_CHROMIUM --version\` failed); unset it to use Debian's chromium"
fi
if [[ -z "$path" ]]; then
  if (( EUID == 0 )) && command -v apt-get >/dev/null 2>&1; then
    say "chromium not found: installing Debian's chromium for the browser tests (apt-get install chromium) ..."
    DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >&2 ||
      die "apt-get install chromium failed (run \`apt-get update\` first if the package lists are old)"
    path="$(find_chromium)"
    [[ -n "$path" ]] || die "chromium was installed, but \`chromium --version\` still fails"
  else
    die "chromium not found: the browser tests need Debian's chromium: sudo apt-get install chromium" \
        "(or set VROEG_CHROMIUM to a Chromium binary). Playwright's own browser download is not used."
  fi
fi
printf '%s\n' "$path"
