#!/usr/bin/env bash
# deploy/compose/secrets.sh: make the passwords of the compose stack, once, in
# deploy/compose/.secrets/ (git ignores it; mode 700). Run it before the first `docker compose up`.
#
#   postgres.env     the superuser's password and each service role's, for the init script
#   <service>.env    <SERVICE>_DATABASE_URL for that service alone: no service knows another's password
#
# Existing files are kept, so the passwords stay those the database was initialised with
# (VROEG_COMPOSE_SECRETS_DIR writes elsewhere, for tests). The
# pseudonym secret and outreach's key pair are made inside the stack (the `keys` job).
set -euo pipefail
dir="${VROEG_COMPOSE_SECRETS_DIR:-$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)/.secrets}"
services=(intake matching outreach consent)

if [[ -f "$dir/postgres.env" ]]; then
  echo "secrets: $dir already exists; kept"
  exit 0
fi
umask 077
mkdir -p "$dir"

# Hex: safe in a URL and in an env file without quoting.
password() { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; }

{
  echo "POSTGRES_PASSWORD=$(password)"
  for service in "${services[@]}"; do
    pw="$(password)"
    echo "VROEG_PG_PASSWORD_${service^^}=$pw"
    echo "${service^^}_DATABASE_URL=postgresql://$service:$pw@postgres:5432/$service" >"$dir/$service.env"
  done
} >"$dir/postgres.env"
echo "secrets: made $dir (postgres.env, ${services[*]/%/.env})"
