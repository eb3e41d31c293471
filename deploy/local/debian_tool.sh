# shellcheck shell=bash
# deploy/local/debian_tool.sh: a function for browser.sh and kcat.sh, which find a program the tests
# drive, and install its Debian package when it is missing and we are root with apt-get (CI,
# containers), or say how to. Source it, then:
#
#     debian_tool NAME VARIABLE VERSION_OPTION PURPOSE [HINT]
#
# prints the path of a working NAME (the program of the Debian package NAME): $VARIABLE when set,
# otherwise NAME on PATH. `NAME VERSION_OPTION` must succeed, so a broken install (a wrapper
# without its binary, missing libraries) counts as missing. Only the path goes to stdout; messages
# go to stderr, and an error ends the script that sourced this.

debian_tool() {
  local name="$1" variable="$2" version_option="$3" purpose="$4" hint="${5:-}" chosen="${!2:-}" path
  path="$(_debian_tool_find "${chosen:-$name}" "$version_option")"
  if [[ -z "$path" && -n "$chosen" ]]; then
    _debian_tool_die "$name" "$variable=$chosen is not a working $name (\`$chosen $version_option\` failed);" \
      "unset it to use Debian's $name"
  fi
  if [[ -z "$path" ]]; then
    if (( EUID == 0 )) && command -v apt-get >/dev/null 2>&1; then
      printf '%s: %s not found: installing Debian'"'"'s %s for %s (apt-get install %s) ...\n' \
        "$name" "$name" "$name" "$purpose" "$name" >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y "$name" >&2 ||
        _debian_tool_die "$name" "apt-get install $name failed (run \`apt-get update\` first if the package lists are old)"
      path="$(_debian_tool_find "$name" "$version_option")"
      [[ -n "$path" ]] || _debian_tool_die "$name" "$name was installed, but \`$name $version_option\` still fails"
    else
      _debian_tool_die "$name" "$name not found: $purpose need Debian's $name: sudo apt-get install $name" \
        "(or set $variable to a $name binary).${hint:+ $hint}"
    fi
  fi
  printf '%s\n' "$path"
}

# The path of a working program, or nothing. Its own warnings on stderr are not ours to show.
_debian_tool_find() {
  local path
  path="$(command -v -- "$1" 2>/dev/null)" || return 0
  "$path" "$2" >/dev/null 2>&1 && printf '%s\n' "$path"
  return 0
}

_debian_tool_die() {
  local name="$1"
  shift
  printf '%s: ERROR: %s\n' "$name" "$*" >&2
  exit 1
}
