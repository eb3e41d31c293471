#!/usr/bin/env bash
# deploy/local/kafka.sh: a single-node Apache Kafka (KRaft, no ZooKeeper) for local development,
# running straight from jars fetched off Maven Central: no Docker, no tarball download.
#
#   kafka.sh fetch    download Kafka $VROEG_KAFKA_VERSION + deps into $VROEG_CACHE_DIR (once)
#   kafka.sh up       fetch if needed, format storage on first start, start the broker, wait until
#                     it serves clients
#   kafka.sh down     stop the broker (SIGTERM, SIGKILL after 30 s)
#   kafka.sh status   running/stopped, pid, port, version; exit 0 if running, 3 if not
#
# Settings (ports, directories, version) come from env.sh. State lives in $VROEG_STATE_DIR/kafka,
# the broker log in $VROEG_STATE_DIR/logs/kafka.log.
#
# Two client listeners: services (and partners whose client has it) log in with SASL/SCRAM on
# $VROEG_KAFKA_PORT; partners connect with mutual TLS on $VROEG_KAFKA_TLS_PORT, where the broker
# takes the principal from the client certificate's subject. `up` makes the development
# certificates first ($VROEG_KEYS_DIR/kafka, python -m vroeg_devtools.kafka_certs ensure).
set -euo pipefail

HERE="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source-path=SCRIPTDIR source=env.sh
source "$HERE/env.sh"

POM="$HERE/kafka-pom.xml"
LOG4J_CONFIG="$HERE/log4j2.properties"
KAFKA_HOME="$VROEG_CACHE_DIR/kafka-$VROEG_KAFKA_VERSION"
LIBS="$VROEG_KAFKA_LIBS"
# Written only after a complete, verified fetch, so an interrupted download is retried.
FETCH_MARKER="$KAFKA_HOME/.fetched"

STATE="$VROEG_STATE_DIR/kafka"
DATA_DIR="$STATE/data"
CONFIG="$STATE/server.properties"
ADMIN_USER="$VROEG_KAFKA_ADMIN_USER"
ADMIN_PASSWORD="$VROEG_KAFKA_PASSWORD_ADMIN"
CLUSTER_ID_FILE="$STATE/cluster-id"
PID_FILE="$STATE/kafka.pid"
LOG_FILE="$VROEG_LOG_DIR/kafka.log"
# The JVM's own stdout/stderr: normally empty, but it is where a crash before Log4j is up ends up.
OUT_FILE="$VROEG_LOG_DIR/kafka.out"
# The partner listener's PEM files, and the Python that makes them (the project venv).
TLS_DIR="$VROEG_KEYS_DIR/kafka"
PYTHON="${VROEG_PYTHON:-$VROEG_ROOT/.venv/bin/python}"

START_TIMEOUT="${VROEG_KAFKA_START_TIMEOUT:-90}"
STOP_TIMEOUT="${VROEG_KAFKA_STOP_TIMEOUT:-30}"
# A dev broker with a handful of topics needs little heap; the upstream default (1 GB) is for real
# workloads, and we may be running next to a second checkout's broker.
read -r -a HEAP_OPTS <<<"${VROEG_KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"

say() { printf 'kafka: %s\n' "$*"; }
die() { printf 'kafka: ERROR: %s\n' "$*" >&2; exit 1; }

require_java() {
  command -v java >/dev/null 2>&1 ||
    die "java not found. Kafka $VROEG_KAFKA_VERSION needs Java 17+: apt-get install openjdk-17-jre-headless"
  local major
  major="$(java -XshowSettings:properties -version 2>&1 |
    awk -F' = ' '/java.specification.version/ { print $2 }')"
  [[ "${major%%.*}" =~ ^[0-9]+$ ]] || die "could not determine the Java version of $(command -v java)"
  (( ${major%%.*} >= 17 )) ||
    die "Java $major found, but Kafka 4.x needs Java 17 or newer (see update-alternatives --config java)"
}

require_mvn() {
  command -v mvn >/dev/null 2>&1 ||
    die "mvn not found: it is needed once, to fetch the Kafka jars from Maven Central: apt-get install maven"
}

# Changes when the version or the dependency list changes, so an edited kafka-pom.xml is refetched.
fetch_stamp() {
  printf '%s %s\n' "$VROEG_KAFKA_VERSION" "$(sha256sum <"$POM" | cut -c1-16)"
}

fetched() {
  [[ -f "$FETCH_MARKER" && "$(cat "$FETCH_MARKER")" == "$(fetch_stamp)" ]]
}

cmd_fetch() {
  require_java
  if fetched; then
    say "Kafka $VROEG_KAFKA_VERSION already fetched ($LIBS)"
    return 0
  fi
  require_mvn
  mkdir -p "$KAFKA_HOME"
  # The cache is shared by all checkouts: two `make up`s at once must not interleave downloads.
  exec 9>"$KAFKA_HOME/.lock"
  flock 9
  if fetched; then
    say "Kafka $VROEG_KAFKA_VERSION already fetched ($LIBS)"
    return 0
  fi

  say "fetching Kafka $VROEG_KAFKA_VERSION from Maven Central into $LIBS ..."
  local tmp fetch_log="$KAFKA_HOME/fetch.log"
  tmp="$(mktemp -d "$KAFKA_HOME/libs.tmp.XXXXXX")"
  chmod 755 "$tmp" # mktemp creates 0700; the jars are not secret
  # -Dstyle.color=never: Debian's mvn emits ANSI codes even with -B, which pollute the log.
  if ! mvn -q -B -Dstyle.color=never -f "$POM" \
      -Dkafka.version="$VROEG_KAFKA_VERSION" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" \
      >"$fetch_log" 2>&1; then
    rm -rf "$tmp"
    tail -n 30 "$fetch_log" >&2
    die "mvn failed (full output: $fetch_log). Does Kafka $VROEG_KAFKA_VERSION exist on Maven Central?"
  fi

  # Check the classpath by running it: a missing transitive jar only shows up as a
  # NoClassDefFoundError when a class is loaded, and we need both entry points.
  local version
  if ! version="$(java -cp "$tmp/*" kafka.Kafka --version 2>>"$fetch_log")" ||
     ! java -cp "$tmp/*" kafka.tools.StorageTool random-uuid >/dev/null 2>>"$fetch_log"; then
    rm -rf "$tmp"
    tail -n 30 "$fetch_log" >&2
    die "the fetched jars do not run kafka.Kafka / kafka.tools.StorageTool (see $fetch_log)"
  fi
  [[ "$version" == "$VROEG_KAFKA_VERSION"* ]] ||
    { rm -rf "$tmp"; die "fetched jars report version '$version', expected $VROEG_KAFKA_VERSION"; }

  rm -rf "$LIBS"
  mv "$tmp" "$LIBS"
  fetch_stamp >"$FETCH_MARKER"
  say "fetched Kafka $version: $(find "$LIBS" -name '*.jar' | wc -l) jars," \
    "$(find "$LIBS" -name 'log4j-*.jar' -printf '%f\n' | sed 's/\.jar$//' | sort | paste -sd' ' -)"
}

# The pid in $PID_FILE, if that process is our broker. Checking the command line (not just
# `kill -0`) guards against a stale pid file whose pid was reused, and against a zombie: a broker
# that exited but was not reaped still answers `kill -0` but has an empty command line.
broker_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "kafka.Kafka $CONFIG" || return 1
  echo "$pid"
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

write_config() {
  # The config holds the admin's password: readable by the owner only.
  ( umask 077; : >"$CONFIG" )
  cat >"$CONFIG" <<EOF
# Generated by deploy/local/kafka.sh on every \`up\` (so port changes apply): edit the script.
# Single node in KRaft combined mode: this process is both the broker and the metadata quorum.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$VROEG_KAFKA_CONTROLLER_PORT
controller.listener.names=CONTROLLER
# Every listener authenticates: clients and the broker itself with SCRAM (users live in the
# metadata log, created by apply_security.py from deploy/security.toml), the controller listener
# with PLAIN for the admin only (SCRAM credentials cannot be read before the metadata is).
listeners=SASL_PLAINTEXT://127.0.0.1:$VROEG_KAFKA_PORT,PARTNERS://127.0.0.1:$VROEG_KAFKA_TLS_PORT,CONTROLLER://127.0.0.1:$VROEG_KAFKA_CONTROLLER_PORT
advertised.listeners=SASL_PLAINTEXT://127.0.0.1:$VROEG_KAFKA_PORT,PARTNERS://127.0.0.1:$VROEG_KAFKA_TLS_PORT
inter.broker.listener.name=SASL_PLAINTEXT
listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,PARTNERS:SSL,CONTROLLER:SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="$ADMIN_USER" password="$ADMIN_PASSWORD" user_$ADMIN_USER="$ADMIN_PASSWORD";
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$ADMIN_USER" password="$ADMIN_PASSWORD";

# Partners with mutual TLS (any client, librdkafka of every version included): a certificate of the
# partner CA is required, and its subject CN=<partner id>,OU=Kafka partners,O=Vroeg development
# becomes User:<partner id>, the principal of the partner's SCRAM user, so the same ACLs apply. No
# DEFAULT rule: a certificate whose subject names no partner is refused. In production the
# truststore holds the PKIoverheid roots and a rule per partner maps its OIN (docs/operations.md).
listener.name.partners.ssl.client.auth=required
listener.name.partners.ssl.keystore.type=PEM
listener.name.partners.ssl.keystore.location=$TLS_DIR/broker.pem
listener.name.partners.ssl.truststore.type=PEM
listener.name.partners.ssl.truststore.location=$TLS_DIR/ca.pem
listener.name.partners.ssl.principal.mapping.rules=RULE:^CN=([a-z0-9-]+),OU=Kafka partners,O=Vroeg development\$/\$1/

# What no ACL allows is denied; only the platform's admin is a super user.
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:$ADMIN_USER
allow.everyone.if.no.acl.found=false

log.dirs=$DATA_DIR

# Topics exist only if deploy/topics.toml declares them (create_topics.py), as in production.
# A typo in a topic name must fail loudly, not create a new topic.
auto.create.topics.enable=false
num.partitions=1
default.replication.factor=1

# Internal topics default to replication factor 3, which a single broker cannot satisfy.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=5
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1

# Consumers in tests join a group and expect partitions now, not after the default 3 s delay.
group.initial.rebalance.delay.ms=0
EOF
}

format_storage_if_needed() {
  # meta.properties is written by a successful format; its presence means "formatted".
  [[ -f "$DATA_DIR/meta.properties" ]] && return 0
  mkdir -p "$DATA_DIR"
  # The cluster id is generated once and kept: the data dir is stamped with it, and regenerating it
  # would make an existing data dir unusable.
  if [[ ! -s "$CLUSTER_ID_FILE" ]]; then
    java -cp "$LIBS/*" kafka.tools.StorageTool random-uuid >"$CLUSTER_ID_FILE.tmp"
    mv "$CLUSTER_ID_FILE.tmp" "$CLUSTER_ID_FILE"
  fi
  local out
  # --standalone: a one-voter dynamic quorum (KIP-853), the supported way to format a single
  # combined node with controller.quorum.bootstrap.servers.
  if ! out="$(java -Dlog4j2.configurationFile="$LOG4J_CONFIG" -Dkafka.logs.dir="$VROEG_LOG_DIR" \
      -cp "$LIBS/*" kafka.tools.StorageTool format --standalone \
      --add-scram "SCRAM-SHA-512=[name=$ADMIN_USER,password=$ADMIN_PASSWORD]" \
      -t "$(cat "$CLUSTER_ID_FILE")" -c "$CONFIG" 2>&1)"; then
    printf '%s\n' "$out" >&2
    die "formatting $DATA_DIR failed"
  fi
  say "formatted $DATA_DIR (cluster id $(cat "$CLUSTER_ID_FILE"))"
}

show_logs() {
  local offset="$1"
  echo "---- last lines of $LOG_FILE ----" >&2
  tail -c +"$((offset + 1))" "$LOG_FILE" 2>/dev/null | tail -n 40 >&2 || true
  if [[ -s "$OUT_FILE" ]]; then
    echo "---- $OUT_FILE ----" >&2
    tail -n 20 "$OUT_FILE" >&2
  fi
}

cmd_up() {
  local pid
  if pid="$(broker_pid)"; then
    say "already running (pid $pid) on $VROEG_KAFKA_BOOTSTRAP"
    return 0
  fi
  rm -f "$PID_FILE"
  cmd_fetch

  # Fail now with a useful message rather than after a 90 s wait for a broker that died on
  # "Address already in use" (typically another checkout using the default ports).
  local port
  for port in "$VROEG_KAFKA_PORT" "$VROEG_KAFKA_TLS_PORT" "$VROEG_KAFKA_CONTROLLER_PORT"; do
    if port_open "$port"; then
      die "port $port is already in use (another checkout's broker? see \`pgrep -af kafka.Kafka\`)." \
        "Set VROEG_KAFKA_PORT / VROEG_KAFKA_TLS_PORT / VROEG_KAFKA_CONTROLLER_PORT to free ports."
    fi
  done

  mkdir -p "$STATE" "$VROEG_LOG_DIR"
  [[ -x "$PYTHON" ]] || die "$PYTHON not found: the partner listener's certificates are made with it: run \`make venv\` first"
  "$PYTHON" -m vroeg_devtools.kafka_certs ensure --dir "$TLS_DIR" || die "making the partner listener's certificates failed"
  write_config
  format_storage_if_needed

  # Only log lines written after this offset belong to this start; kafka.log keeps earlier runs,
  # whose "Kafka Server started" must not count.
  local offset=0
  [[ -f "$LOG_FILE" ]] && offset="$(stat -c %s "$LOG_FILE")"

  # setsid -f: the broker gets its own session, so Ctrl-C in the terminal that ran `make up`, or
  # closing that terminal, does not take it down. The inner bash writes its own pid and then execs
  # java, so the pid file holds the JVM's pid whether or not setsid had to fork.
  : >"$OUT_FILE"
  # shellcheck disable=SC2016 # $$ and $@ are for the inner bash
  setsid -f bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" \
    java "${HEAP_OPTS[@]}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$LOG4J_CONFIG" -Dkafka.logs.dir="$VROEG_LOG_DIR" \
    -cp "$LIBS/*" kafka.Kafka "$CONFIG" \
    >>"$OUT_FILE" 2>&1 </dev/null
  say "starting Kafka $VROEG_KAFKA_VERSION on $VROEG_KAFKA_BOOTSTRAP (log: $LOG_FILE)"

  local deadline=$((SECONDS + START_TIMEOUT)) started=""
  while true; do
    sleep 0.5
    if ! pid="$(broker_pid)"; then
      # Give the detached shell a moment to write the pid file before calling it dead.
      if (( SECONDS < deadline )) && [[ ! -s "$PID_FILE" ]]; then continue; fi
      show_logs "$offset"
      rm -f "$PID_FILE"
      die "the broker exited during startup (logs above)"
    fi
    (( "$(stat -c %s "$LOG_FILE" 2>/dev/null || echo 0)" < offset )) && offset=0 # log rolled over
    # KafkaRaftServer logs this after the broker has registered with the controller and been
    # unfenced, i.e. once it can actually serve metadata and produce/fetch requests.
    if [[ -z "$started" ]] &&
       grep -q 'Kafka Server started' < <(tail -c +"$((offset + 1))" "$LOG_FILE" 2>/dev/null); then
      started=1
    fi
    if [[ -n "$started" ]] && port_open "$VROEG_KAFKA_PORT"; then
      break
    fi
    if (( SECONDS >= deadline )); then
      show_logs "$offset"
      # Don't leave a half-started broker behind: the next `up` would report it as running.
      cmd_down >/dev/null
      die "the broker was not ready after ${START_TIMEOUT}s and was stopped (logs above;" \
        "raise VROEG_KAFKA_START_TIMEOUT if this machine is just slow)"
    fi
  done
  say "ready (pid $pid) on $VROEG_KAFKA_BOOTSTRAP"
}

cmd_down() {
  local pid
  if ! pid="$(broker_pid)"; then
    rm -f "$PID_FILE"
    say "not running"
    return 0
  fi
  # SIGTERM triggers Kafka's shutdown hook: a controlled shutdown that flushes logs and writes the
  # clean-shutdown marker, so the next start skips log recovery.
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while broker_pid >/dev/null && (( SECONDS < deadline )); do
    sleep 0.5
  done
  if broker_pid >/dev/null; then
    say "still running after ${STOP_TIMEOUT}s, sending SIGKILL to $pid"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 1
  fi
  rm -f "$PID_FILE"
  say "stopped (was pid $pid)"
}

# The version of the jars in the cache; for a running broker, the version it logged at startup
# (the cache may have been switched to another version since).
kafka_version() {
  local v=""
  if [[ "${1:-}" == running && -f "$LOG_FILE" ]]; then
    v="$(grep -o 'Kafka version: [^ ]*' "$LOG_FILE" | tail -n 1 | cut -d' ' -f3)" || true
  fi
  if [[ -z "$v" ]]; then
    v="$(find "$LIBS" -maxdepth 1 -name 'kafka_2.13-*.jar' -printf '%f\n' 2>/dev/null |
      sed -n 's/^kafka_2\.13-\(.*\)\.jar$/\1/p' | head -n 1)" || true
  fi
  echo "${v:-unknown (not fetched)}"
}

cmd_status() {
  local pid
  if pid="$(broker_pid)"; then
    local serving="accepting connections"
    port_open "$VROEG_KAFKA_PORT" || serving="NOT accepting connections yet"
    say "running, pid $pid, $VROEG_KAFKA_BOOTSTRAP ($serving), partners (mTLS) 127.0.0.1:$VROEG_KAFKA_TLS_PORT, controller 127.0.0.1:$VROEG_KAFKA_CONTROLLER_PORT, Kafka $(kafka_version running)"
    return 0
  fi
  say "stopped (port $VROEG_KAFKA_PORT), Kafka $(kafka_version)"
  return 3
}

case "${1:-}" in
  fetch) cmd_fetch ;;
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 fetch|up|down|status" >&2
    exit 2
    ;;
esac
