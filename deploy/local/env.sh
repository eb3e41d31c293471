# shellcheck shell=bash
# deploy/local/env.sh: the one place that says where the local Vroeg platform lives (state and cache
# directories, Kafka and PostgreSQL ports, database URLs). Source it; do not execute it:
#
#     source deploy/local/env.sh
#
# kafka.sh and postgres.sh source it themselves, and the Makefile goes through with-env.sh.
#
# Every setting can be overridden from the environment, so that a second checkout can run its own
# platform next to the first, e.g.
#     VROEG_KAFKA_PORT=29092 VROEG_KAFKA_CONTROLLER_PORT=29093 VROEG_PG_PORT=25432 make up
#
# There is deliberately no `set -euo pipefail` here: this file is sourced into the caller's shell,
# often an interactive one, where `set -e` would close the terminal on the first failing command.
# It is written to work under `set -u`, which the scripts that source it do set.

# Computed from this file's location rather than the current directory, so that sourcing from any
# directory (or from another checkout) always points at this checkout.
VROEG_ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)"
export VROEG_ROOT

# _vroeg_default NAME VALUE: export NAME=VALUE unless the user chose their own value.
#
# Plain `: "${NAME:=VALUE}"` is not enough. Once this file has been sourced into an interactive
# shell, every value is in the environment and looks like a user override: sourcing it again from
# another checkout would keep the first checkout's state dir, and exporting a new VROEG_PG_PORT
# would leave the database URLs pointing at the old port. So we remember (in _VROEG_AUTO_NAME) the
# value we set last time, and recompute whenever the variable still holds it.
_vroeg_default() {
  local name="$1" value="$2" auto="_VROEG_AUTO_$1"
  if [[ -z "${!name+set}" || "${!name}" == "${!auto-}" ]]; then
    printf -v "$name" '%s' "$value"
    printf -v "$auto" '%s' "$value"
    export "${name?}" "${auto?}"
  else
    export "${name?}"
  fi
}

# Percent-encode a string for use inside a URL (passwords may contain @, :, / or %).
_vroeg_urlencode() {
  local LC_ALL=C s="$1" out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c="${s:i:1}"
    case "$c" in
      [a-zA-Z0-9.~_-]) out+="$c" ;;
      *) printf -v c '%%%02X' "'$c"; out+="$c" ;;
    esac
  done
  printf '%s' "$out"
}

# Per-checkout state: Kafka log dirs, PostgreSQL data, logs, pid files. Gitignored (.vroeg/).
_vroeg_default VROEG_STATE_DIR "$VROEG_ROOT/.vroeg"
_vroeg_default VROEG_LOG_DIR "$VROEG_STATE_DIR/logs"
_vroeg_default VROEG_KEYS_DIR "$VROEG_STATE_DIR/keys"
_vroeg_default VROEG_RUN_DIR "$VROEG_STATE_DIR/run"
# Shared by all checkouts and outside git: the Kafka jars are ~40 MB and identical everywhere.
_vroeg_default VROEG_CACHE_DIR "${XDG_CACHE_HOME:-$HOME/.cache}/vroeg"

# Kafka 4.x runs on Java 17 (the machine's default JDK), brokers in KRaft mode only.
_vroeg_default VROEG_KAFKA_VERSION "4.1.1"
_vroeg_default VROEG_KAFKA_PORT "19092"
_vroeg_default VROEG_KAFKA_CONTROLLER_PORT "19093"
_vroeg_default VROEG_KAFKA_BOOTSTRAP "127.0.0.1:$VROEG_KAFKA_PORT"
# Partners' second listener, mutual TLS (kafka.sh): two above the SASL port, so it moves with it.
_vroeg_default VROEG_KAFKA_TLS_PORT "$((VROEG_KAFKA_PORT + 2))"
_vroeg_default VROEG_KAFKA_TLS_BOOTSTRAP "127.0.0.1:$VROEG_KAFKA_TLS_PORT"
# Kafka authenticates every client (SASL/SCRAM). Development passwords are derived from the
# principal's name while VROEG_KAFKA_DEV_PASSWORDS=1; set VROEG_KAFKA_PASSWORD_<NAME> for real ones.
_vroeg_default VROEG_KAFKA_DEV_PASSWORDS "1"
_vroeg_default VROEG_KAFKA_ADMIN_USER "admin"
_vroeg_default VROEG_KAFKA_PASSWORD_ADMIN "vroeg-dev-kafka-admin"
_vroeg_default VROEG_KAFKA_LIBS "$VROEG_CACHE_DIR/kafka-$VROEG_KAFKA_VERSION/libs"

# PostgreSQL: one cluster, one database and one login role per service. Non-standard port so it
# never collides with a system PostgreSQL on 5432.
_vroeg_default VROEG_PG_HOST "127.0.0.1"
_vroeg_default VROEG_PG_PORT "15432"
_vroeg_default VROEG_PG_ADMIN_USER "postgres"
_vroeg_default VROEG_PG_ADMIN_PASSWORD "vroeg-dev-admin"
# The services that own a database. A role can only log in to the database of the same name.
_vroeg_default VROEG_PG_SERVICES "intake matching outreach consent"

# Cluster superuser: for tooling and tests that create/drop things, never for a service.
_vroeg_default VROEG_PG_ADMIN_URL "postgresql://$(_vroeg_urlencode "$VROEG_PG_ADMIN_USER"):$(_vroeg_urlencode "$VROEG_PG_ADMIN_PASSWORD")@$VROEG_PG_HOST:$VROEG_PG_PORT/postgres"

# INTAKE_DATABASE_URL, MATCHING_DATABASE_URL, ...; passwords from VROEG_PG_PASSWORD_<SERVICE>.
for _vroeg_svc in $VROEG_PG_SERVICES; do
  _vroeg_svc_uc="${_vroeg_svc^^}"
  _vroeg_default "VROEG_PG_PASSWORD_$_vroeg_svc_uc" "vroeg-dev-$_vroeg_svc"
  _vroeg_pw_var="VROEG_PG_PASSWORD_$_vroeg_svc_uc"
  _vroeg_default "${_vroeg_svc_uc}_DATABASE_URL" \
    "postgresql://$_vroeg_svc:$(_vroeg_urlencode "${!_vroeg_pw_var}")@$VROEG_PG_HOST:$VROEG_PG_PORT/$_vroeg_svc"
done
unset _vroeg_svc _vroeg_svc_uc _vroeg_pw_var
