#!/usr/bin/env bash
# deploy/local/postgres.sh: a private PostgreSQL cluster for local development, run from the
# machine's PostgreSQL server binaries with its data under $VROEG_STATE_DIR (no Docker, no system
# service, no sudo for a normal user).
#
#   postgres.sh up       initdb on first use, start, then make sure every service (intake matching
#                        outreach consent) has its login role and its own database, that each role
#                        can connect to its own database only, and self-test that
#   postgres.sh down     stop (fast shutdown); succeeds if not running
#   postgres.sh destroy  stop, then delete the cluster wherever it lives (the state dir or the
#                        /tmp fallback), so the next `up` makes a fresh one
#   postgres.sh status   running/stopped, port, version, databases and owners, isolation self-test;
#                        exit 0 if running, 3 if not
#
# Ports, passwords and URLs come from env.sh. The server listens on 127.0.0.1:$VROEG_PG_PORT only.
set -euo pipefail

HERE="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source-path=SCRIPTDIR source=env.sh
source "$HERE/env.sh"

read -r -a SERVICES <<<"$VROEG_PG_SERVICES"

say() { printf 'postgres: %s\n' "$*"; }
die() { printf 'postgres: ERROR: %s\n' "$*" >&2; exit 1; }

find_pg_bin() {
  local dir
  if [[ -n "${VROEG_PG_BIN:-}" ]]; then
    [[ -x "$VROEG_PG_BIN/pg_ctl" ]] || die "VROEG_PG_BIN=$VROEG_PG_BIN does not contain pg_ctl"
    PG_BIN="$VROEG_PG_BIN"
    return
  fi
  # Debian installs server binaries outside PATH, one directory per major version; take the newest.
  dir="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  if [[ ! -x "$dir/initdb" ]] && command -v pg_config >/dev/null 2>&1; then
    dir="$(pg_config --bindir)"
  fi
  [[ -x "$dir/initdb" && -x "$dir/pg_ctl" && -x "$dir/psql" ]] ||
    die "PostgreSQL server binaries not found: install them with \`apt-get install postgresql\` (or set VROEG_PG_BIN)"
  PG_BIN="$dir"
}

# initdb and postgres refuse to run as root (a server running as root is a root shell for anyone
# who can log in as a superuser). On machines where we are root (CI, containers) the cluster runs
# as an unprivileged system user instead: `postgres` when the postgresql package created it,
# otherwise one we create.
pick_os_user() {
  if (( EUID != 0 )); then
    PG_OS_USER="$(id -un)"
    return
  fi
  PG_OS_USER="${VROEG_PG_OS_USER:-}"
  if [[ -z "$PG_OS_USER" ]]; then
    if id -u postgres >/dev/null 2>&1; then
      PG_OS_USER=postgres
    else
      PG_OS_USER=vroegpg
      if ! id -u "$PG_OS_USER" >/dev/null 2>&1; then
        say "creating system user $PG_OS_USER to run PostgreSQL (it refuses to run as root)"
        useradd --system --user-group --no-create-home --home-dir /nonexistent \
          --shell /usr/sbin/nologin "$PG_OS_USER"
      fi
    fi
  fi
  [[ "$(id -u "$PG_OS_USER")" != 0 ]] || die "VROEG_PG_OS_USER must not be root"
}

# Run a command as the cluster's OS user. `cd /` because the caller's directory (e.g. /root) may
# not be readable by that user, and PostgreSQL tools complain when they cannot stat it.
as_pg() {
  if (( EUID == 0 )); then
    (cd / && runuser -u "$PG_OS_USER" -- "$@")
  else
    "$@"
  fi
}

# Where the cluster lives: $VROEG_STATE_DIR/pg, unless that does not work for PostgreSQL, in which
# case /tmp/vroeg-<hash of the state dir>/pg. Two reasons it may not work:
#  - as root, the postgres user must be able to traverse every parent of the data dir, and a
#    checkout under a private home directory (/root/..., mode 700) is not traversable. We do not
#    chmod the user's directories to make it so.
#  - a Unix socket path is limited to 107 bytes, and a deep checkout path can exceed it.
# The choice is recomputed the same way every time (an existing cluster wins), so up, down and
# status always agree without a pointer file that could go stale. Only `up` ($1 = create) creates
# directories.
resolve_pg_dir() {
  local preferred="$VROEG_STATE_DIR/pg" fallback
  fallback="/tmp/vroeg-$(printf '%s' "$VROEG_STATE_DIR" | sha256sum | cut -c1-12)/pg"
  if [[ -f "$preferred/data/PG_VERSION" ]]; then
    PG_DIR="$preferred"
  elif [[ -f "$fallback/data/PG_VERSION" ]]; then
    PG_DIR="$fallback"
  elif [[ "${1:-}" != create ]]; then
    PG_DIR="$preferred" # no cluster anywhere: nothing to find, and nothing to create for down/status
  elif (( ${#preferred} + ${#VROEG_PG_PORT} + 17 > 107 )); then
    PG_DIR="$fallback"
  elif (( EUID == 0 )) && { mkdir -p "$VROEG_STATE_DIR" && ! as_pg test -x "$VROEG_STATE_DIR"; }; then
    PG_DIR="$fallback"
  else
    PG_DIR="$preferred"
  fi
  if [[ "$PG_DIR" == "$fallback" ]]; then
    if [[ "${1:-}" == create ]]; then
      # shellcheck disable=SC2174 # /tmp exists; -m is meant for the directory we create in it
      mkdir -p -m 755 "${fallback%/pg}"
    fi
    # /tmp is shared: refuse a directory that someone else created for us in advance.
    [[ -O "${fallback%/pg}" && ! -L "${fallback%/pg}" ]] ||
      die "${fallback%/pg} exists but is not owned by $(id -un); remove it or set VROEG_STATE_DIR"
  fi
  DATA="$PG_DIR/data"
  SOCK_DIR="$PG_DIR/run"
  if [[ "$PG_DIR" == "$preferred" ]]; then
    LOG_FILE="$VROEG_LOG_DIR/postgres.log"
  else
    # The postgres user could not write under the state dir either.
    LOG_FILE="$PG_DIR/postgres.log"
  fi
}

# Create a directory owned by the cluster's OS user, mode 700 (PostgreSQL insists on it for the
# data dir; for the socket dir it is what makes `local ... trust` safe: only that user, and root,
# can reach the socket).
make_pg_dir() {
  mkdir -p "$1"
  if (( EUID == 0 )); then
    chown "$PG_OS_USER:" "$1"
  fi
  chmod 700 "$1"
}

# "15.14" from "postgres (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)".
pg_server_version() {
  "$PG_BIN/postgres" --version | awk '{ print $3 }'
}

is_running() {
  [[ -f "$DATA/PG_VERSION" ]] && as_pg "$PG_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# psql as the superuser over the Unix socket (local trust): works before any password is set.
psql_admin() {
  as_pg "$PG_BIN/psql" -X -q -w -v ON_ERROR_STOP=1 -h "$SOCK_DIR" -p "$VROEG_PG_PORT" \
    -U "$VROEG_PG_ADMIN_USER" -d postgres "$@"
}

init_cluster() {
  if [[ -f "$DATA/PG_VERSION" ]]; then
    local data_major bin_major
    data_major="$(cat "$DATA/PG_VERSION")"
    bin_major="$(pg_server_version | sed -E 's/^([0-9]+).*/\1/')"
    [[ "$data_major" == "$bin_major" ]] ||
      die "$DATA was created by PostgreSQL $data_major but $PG_BIN is $bin_major." \
        "Remove $PG_DIR to start over, or set VROEG_PG_BIN=/usr/lib/postgresql/$data_major/bin"
    return 0
  fi
  say "initialising a new cluster in $DATA (as OS user $PG_OS_USER)"
  make_pg_dir "$PG_DIR"
  local pwfile="$PG_DIR/.initdb-pw" out
  (umask 077 && printf '%s\n' "$VROEG_PG_ADMIN_PASSWORD" >"$pwfile")
  if (( EUID == 0 )); then chown "$PG_OS_USER:" "$pwfile"; fi
  # C.UTF-8: UTF-8 text with code-point ordering, identical on every machine (no dependence on
  # the developer's LANG), yet upper()/lower() still handle é, ë, ĳ.
  if ! out="$(as_pg "$PG_BIN/initdb" -D "$DATA" -U "$VROEG_PG_ADMIN_USER" --pwfile="$pwfile" \
      --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 2>&1)"; then
    rm -f "$pwfile"
    printf '%s\n' "$out" >&2
    die "initdb failed"
  fi
  rm -f "$pwfile"
  # Our settings go in a file of their own, rewritten on every `up`; postgresql.conf stays as
  # initdb wrote it apart from this include.
  printf "\n# Local Vroeg settings, rewritten by deploy/local/postgres.sh\ninclude_if_exists = 'vroeg.conf'\n" |
    as_pg tee -a "$DATA/postgresql.conf" >/dev/null
}

write_config() {
  as_pg tee "$DATA/vroeg.conf" >/dev/null <<EOF
# Generated by deploy/local/postgres.sh on every \`up\`: edit the script, not this file.
listen_addresses = '127.0.0.1'
port = $VROEG_PG_PORT
# Not /var/run/postgresql: that belongs to the system's PostgreSQL, and two checkouts must not share it.
unix_socket_directories = '$SOCK_DIR'
unix_socket_permissions = 0700
password_encryption = 'scram-sha-256'
# Sized for a developer machine running the whole pipeline (make bench writes ~10 KB of WAL per
# report): the defaults (128 MB of buffers, a checkpoint per GB of WAL) made PostgreSQL re-read
# pages and write full-page images far more often than the work needs. Durability is unchanged:
# fsync and synchronous_commit stay on.
shared_buffers = '512MB'
max_wal_size = '4GB'
checkpoint_timeout = '15min'
checkpoint_completion_target = 0.9
# A backend that evicts dirty buffers asks the kernel to write them out every 256 kB (PostgreSQL's
# default is never). Left to the kernel, a bulk load's evictions joined the broker's pages in
# 500 to 800 MB of dirty pages, written back at once up to 30 s later, and a commit waiting for its
# WAL flush then waited up to 200 ms behind them: the p99 at 500 reports/s in the 5 s after
# 100,000 reports went from 365-535 to 181-190 ms (docs/performance.md, the session of 2026-12-08).
backend_flush_after = '256kB'
EOF
}

# pg_hba.conf is the actual wall between services: each role may connect over TCP to its own
# database only, and everything not listed is rejected. (REVOKE CONNECT below is the second layer,
# for when someone loosens this file.)
hba_contents() {
  # shellcheck disable=SC2016 # the backticks are literal
  printf '# Generated by deploy/local/postgres.sh on every `up`: edit the script, not this file.\n'
  printf '# TYPE  DATABASE        USER            ADDRESS         METHOD\n'
  printf '# The socket dir is mode 700: only the cluster'"'"'s OS user (and root) can use this line.\n'
  printf '%-7s %-15s %-15s %-15s %s\n' local all all "" trust
  printf '%-7s %-15s %-15s %-15s %s\n' host all "$VROEG_PG_ADMIN_USER" 127.0.0.1/32 scram-sha-256
  local svc
  for svc in "${SERVICES[@]}"; do
    printf '%-7s %-15s %-15s %-15s %s\n' host "$svc" "$svc" 127.0.0.1/32 scram-sha-256
  done
  printf '%-7s %-15s %-15s %-15s %s\n' host all all 0.0.0.0/0 reject
  printf '%-7s %-15s %-15s %-15s %s\n' host all all ::/0 reject
}

# Returns 0 if pg_hba.conf changed.
write_hba() {
  local want
  want="$(hba_contents)"
  if [[ -f "$DATA/pg_hba.conf" && "$(as_pg cat "$DATA/pg_hba.conf")" == "$want" ]]; then
    return 1
  fi
  printf '%s\n' "$want" | as_pg tee "$DATA/pg_hba.conf" >/dev/null
}

ensure_roles_and_databases() {
  # ALTER ... PASSWORD on every run keeps the roles in step with VROEG_PG_PASSWORD_* overrides.
  psql_admin -v admin="$VROEG_PG_ADMIN_USER" -v pw="$VROEG_PG_ADMIN_PASSWORD" <<'SQL'
ALTER ROLE :"admin" WITH PASSWORD :'pw';
-- Nobody but the superuser needs the maintenance database.
REVOKE CONNECT, TEMPORARY ON DATABASE postgres FROM PUBLIC;
SQL
  local svc pw_var
  for svc in "${SERVICES[@]}"; do
    pw_var="VROEG_PG_PASSWORD_${svc^^}"
    # CREATE ROLE/DATABASE have no IF NOT EXISTS; \gexec runs the generated statement only when
    # the SELECT returns a row. CREATE DATABASE cannot run in a transaction, so no -1 here.
    psql_admin -v svc="$svc" -v pw="${!pw_var}" <<'SQL'
SELECT format('CREATE ROLE %I', :'svc') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'svc')
\gexec
ALTER ROLE :"svc" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'pw';
SELECT format('CREATE DATABASE %I OWNER %I', :'svc', :'svc') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'svc')
\gexec
ALTER DATABASE :"svc" OWNER TO :"svc";
-- By default every role may connect to every database; services must not see each other's data.
REVOKE CONNECT, TEMPORARY ON DATABASE :"svc" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"svc" TO :"svc";
SQL
  done
}

# Try a TCP login exactly as a service would; prints "ok" or the server's error, returns psql's status.
try_login() {
  local user="$1" pw="$2" db="$3" out
  if out="$(PGPASSWORD="$pw" PGCONNECT_TIMEOUT=5 "$PG_BIN/psql" -X -w -At -h "$VROEG_PG_HOST" \
      -p "$VROEG_PG_PORT" -U "$user" -d "$db" -c 'SELECT current_user' 2>&1)"; then
    echo "ok"
    return 0
  fi
  # Keep the reason, drop the connection details.
  printf '%s\n' "$out" | sed -n 's/.*FATAL: *//p' | sed 's/ for host .*//' | head -n 1
  return 1
}

# Each service can log in to its own database and is refused by the next service's database.
# Returns non-zero if any expectation fails.
selftest() {
  local failed=0 i svc other pw_var result n=${#SERVICES[@]}
  if result="$(try_login "$VROEG_PG_ADMIN_USER" "$VROEG_PG_ADMIN_PASSWORD" postgres)"; then
    printf '  %-22s %-10s -> %-10s %s\n' "admin ($VROEG_PG_ADMIN_USER)" "" postgres "ok (connected)"
  else
    printf '  %-22s %-10s -> %-10s %s\n' "admin ($VROEG_PG_ADMIN_USER)" "" postgres "FAILED: $result"
    failed=1
  fi
  for ((i = 0; i < n; i++)); do
    svc="${SERVICES[i]}"
    other="${SERVICES[(i + 1) % n]}"
    pw_var="VROEG_PG_PASSWORD_${svc^^}"
    if result="$(try_login "$svc" "${!pw_var}" "$svc")"; then
      printf '  %-22s %-10s -> %-10s %s\n' "own database" "$svc" "$svc" "ok (connected)"
    else
      printf '  %-22s %-10s -> %-10s %s\n' "own database" "$svc" "$svc" "FAILED: $result"
      failed=1
    fi
    if [[ "$other" == "$svc" ]]; then continue; fi
    if result="$(try_login "$svc" "${!pw_var}" "$other")"; then
      printf '  %-22s %-10s -> %-10s %s\n' "other database" "$svc" "$other" "FAILED: connected, isolation is broken"
      failed=1
    else
      printf '  %-22s %-10s -> %-10s %s\n' "other database" "$svc" "$other" "refused (${result:-error})"
    fi
  done
  return "$failed"
}

cmd_up() {
  find_pg_bin
  pick_os_user
  resolve_pg_dir create
  mkdir -p "$VROEG_STATE_DIR" "$VROEG_LOG_DIR"
  # Checked before initdb, so a port clash (typically another checkout's cluster on the default
  # port) fails in a second instead of leaving a half-set-up cluster behind.
  if ! is_running && port_open "$VROEG_PG_PORT"; then
    die "port $VROEG_PG_PORT is already in use (another checkout's cluster? a system PostgreSQL?)." \
      "Set VROEG_PG_PORT to a free port."
  fi
  init_cluster
  make_pg_dir "$SOCK_DIR"
  write_config

  if is_running; then
    say "already running on $VROEG_PG_HOST:$VROEG_PG_PORT ($DATA)"
    if write_hba; then
      as_pg "$PG_BIN/pg_ctl" -D "$DATA" reload >/dev/null
      # reload only signals the postmaster; give it a moment to re-read pg_hba.conf before the
      # self-test below logs in.
      sleep 1
    fi
  else
    write_hba || true
    # pg_ctl opens the log file as the cluster's OS user.
    touch "$LOG_FILE"
    if (( EUID == 0 )); then chown "$PG_OS_USER:" "$LOG_FILE"; fi
    say "starting PostgreSQL $(pg_server_version) on $VROEG_PG_HOST:$VROEG_PG_PORT (log: $LOG_FILE)"
    if ! as_pg "$PG_BIN/pg_ctl" -D "$DATA" -l "$LOG_FILE" -w -t 60 start >/dev/null; then
      tail -n 30 "$LOG_FILE" >&2
      die "PostgreSQL did not start (log above)"
    fi
  fi

  local deadline=$((SECONDS + 30))
  until "$PG_BIN/pg_isready" -q -h "$VROEG_PG_HOST" -p "$VROEG_PG_PORT"; do
    (( SECONDS < deadline )) || { tail -n 30 "$LOG_FILE" >&2; die "not accepting connections after 30s"; }
    sleep 0.5
  done

  ensure_roles_and_databases
  local report
  if ! report="$(selftest)"; then
    printf '%s\n' "$report" >&2
    die "database isolation self-test failed (above)"
  fi
  say "ready on $VROEG_PG_HOST:$VROEG_PG_PORT; databases: ${SERVICES[*]} (each reachable by its own role only)"
}

cmd_down() {
  find_pg_bin
  pick_os_user
  resolve_pg_dir
  if ! is_running; then
    say "not running"
    return 0
  fi
  # -m fast: roll back open transactions and disconnect clients instead of waiting for them
  # (the default "smart" mode waits forever for an idle pool).
  as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null
  say "stopped"
}

# The cluster may live in the /tmp fallback (see resolve_pg_dir), which `rm -rf $VROEG_STATE_DIR`
# does not reach: a "fresh" platform would then start the previous run's databases, rows and all.
cmd_destroy() {
  local fallback
  cmd_down
  fallback="/tmp/vroeg-$(printf '%s' "$VROEG_STATE_DIR" | sha256sum | cut -c1-12)"
  rm -rf "$VROEG_STATE_DIR/pg"
  if [[ -d "$fallback" ]]; then
    [[ -O "$fallback" && ! -L "$fallback" ]] ||
      die "$fallback exists but is not owned by $(id -un); remove it or set VROEG_STATE_DIR"
    rm -rf "$fallback"
  fi
  say "destroyed"
}

cmd_status() {
  find_pg_bin
  pick_os_user
  resolve_pg_dir
  if ! is_running; then
    say "stopped (port $VROEG_PG_PORT, data $DATA)"
    return 3
  fi
  local pid
  pid="$(as_pg head -n 1 "$DATA/postmaster.pid")"
  say "running, pid $pid, $VROEG_PG_HOST:$VROEG_PG_PORT, data $DATA"
  say "$(psql_admin -At -c 'SELECT version()')"
  say "databases (name | owner):"
  psql_admin -At -F ' | ' -c \
    "SELECT datname, pg_get_userbyid(datdba) FROM pg_database WHERE NOT datistemplate ORDER BY 1" |
    sed 's/^/  /'
  say "isolation self-test:"
  selftest || say "WARNING: isolation self-test failed; run \`postgres.sh up\` to repair"
  return 0
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  destroy) cmd_destroy ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 up|down|destroy|status" >&2
    exit 2
    ;;
esac
