#!/usr/bin/env bash
# Runs once, when the postgres container initialises an empty data directory. It mirrors
# deploy/local/postgres.sh: each service gets a login role and a database of its own, and can
# connect to that database only (pg_hba.conf is the wall, REVOKE CONNECT the second layer).
# Passwords come from VROEG_PG_PASSWORD_<SERVICE> (deploy/compose/.secrets/postgres.env).
set -euo pipefail
read -r -a services <<<"${VROEG_PG_SERVICES:-intake matching outreach consent}"

psql=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres)
"${psql[@]}" -c "REVOKE CONNECT, TEMPORARY ON DATABASE postgres FROM PUBLIC"
for service in "${services[@]}"; do
  pw_var="VROEG_PG_PASSWORD_${service^^}"
  "${psql[@]}" -v svc="$service" -v pw="${!pw_var:?$pw_var is not set: run deploy/compose/secrets.sh}" <<'SQL'
CREATE ROLE :"svc" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'pw';
CREATE DATABASE :"svc" OWNER :"svc";
REVOKE CONNECT, TEMPORARY ON DATABASE :"svc" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"svc" TO :"svc";
SQL
done

# Over the network, each role reaches its own database only; the superuser only over the socket.
{
  echo "# Written by deploy/compose/postgres/init-databases.sh when the cluster was initialised."
  echo "local   all       all                 trust"
  for service in "${services[@]}"; do
    printf 'host    %-9s %-9s all       scram-sha-256\n' "$service" "$service"
  done
  echo "host    all       all       all       reject"
} >"$PGDATA/pg_hba.conf"
