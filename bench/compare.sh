#!/usr/bin/env bash
# Gravix side by side with the HTTP and disk ceilings, ClickHouse and DuckDB, on one seeded
# dataset, on this machine; prints one table with every figure and ratio (bench/README.md,
# "compare.sh"). Usage: bench/compare.sh [--quick | --smoke]
#   (full) ~35 min: 3 launches per rollup side, 5 minutes per sustained rate
#   --quick  < 10 min: 1 launch per rollup side, 60 s per sustained rate
#   --smoke  ~3 min: tiny figures, one sustained rate; proves the script works (CI), no thresholds
#   --sustain RATE  only the sustained check, one 5-minute step at RATE events/s (to try one rate)
# Needs the jars (built if missing: mvn -B -q package -DskipTests). Installs Debian's
# clickhouse-server, fio and python3 if missing. Every server it starts is bound to
# 127.0.0.1 and stopped on exit; any failed step stops the script with a non-zero status.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
MODE=full
SUSTAIN_AT=
while [ $# -gt 0 ]; do
  case $1 in
    --quick) MODE=quick ;;
    --smoke) MODE=smoke ;;
    --sustain) SUSTAIN_AT=${2:?--sustain needs a rate in events/s}; shift ;;
    *) echo "usage: bench/compare.sh [--quick | --smoke | --sustain RATE]" >&2; exit 2 ;;
  esac
  shift
done

case $MODE in  # seconds per ingest case (+ warm-up), rollup events and launches, sustained step and budget
  full)  INGEST_S=30; WARM_S=10; ROLLUP_EVENTS=1000000; LAUNCHES=3; STEP_S=300; SUSTAIN_BUDGET_S=1700; MAX_STEPS=5; FIO_S=30; WARMUP_EVENTS=1000000 ;;
  quick) INGEST_S=12; WARM_S=5;  ROLLUP_EVENTS=300000;  LAUNCHES=1; STEP_S=60;  SUSTAIN_BUDGET_S=300;  MAX_STEPS=3; FIO_S=10; WARMUP_EVENTS=300000 ;;
  smoke) INGEST_S=4;  WARM_S=2;  ROLLUP_EVENTS=30000;   LAUNCHES=1; STEP_S=10;  SUSTAIN_BUDGET_S=1;    MAX_STEPS=1; FIO_S=2;  WARMUP_EVENTS=20000 ;;
esac
HEAP=${GRAVIX_HEAP:-512m}
# the heap the server gets below (and the Docker image): all of it committed from the start
ROLLUP_JAVA_OPTS=${ROLLUP_JAVA_OPTS:--Xms$HEAP -Xmx$HEAP}
CLIENT_JAVA_OPTS=${CLIENT_JAVA_OPTS:--Xmx1g}
SEED=${SEED:-7}
BASE=$(( ($(date +%s) - 120) * 1000 ))   # newest event timestamp; the dataset spans the 3 hours before
STARTED=$(date +%s)

# --- tools (same style as .ci/run) ---
need=()
command -v clickhouse-server >/dev/null || [ -x /usr/sbin/clickhouse-server ] || need+=(clickhouse-server)
command -v fio >/dev/null || need+=(fio)
command -v python3 >/dev/null || need+=(python3)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
CLICKHOUSE=$(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)

JAR=$ROOT/gravix-service/target/gravix.jar
BENCH=$ROOT/bench/target/benchmarks.jar
if [ ! -f "$JAR" ] || [ ! -f "$BENCH" ]; then
  mvn -B -q package -DskipTests
fi
REPORT="python3 $ROOT/bench/compare-report.py"

WORK=$(mktemp -d "${COMPARE_TMP:-/tmp}/gravix-compare.XXXXXX")
RESULTS=$WORK/results
: > "$RESULTS"
PIDS=()
cleanup() {
  local rc=$?
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ $rc -ne 0 ]; then
    echo "compare.sh: FAILED (exit $rc); logs kept in $WORK" >&2
  elif [ -z "${KEEP:-}" ]; then
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "[$(date -u +%H:%M:%S) +$(( $(date +%s) - STARTED ))s] $*" >&2; }
fail() { echo "compare.sh: $*" >&2; exit 1; }
stop() {  # stop <pid>: SIGTERM, then wait for it
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
wait_for() {  # wait_for <url> <what> <pid>
  for _ in $(seq 120); do
    curl -sf "$1" >/dev/null 2>&1 && return 0
    kill -0 "$3" 2>/dev/null || fail "$2 exited during start-up (see $WORK)"
    sleep 0.5
  done
  fail "$2 did not become ready at $1"
}
record() { echo "$1 $2" >> "$RESULTS"; }
kv() { sed -n "s/.*\b$2=\([^ ]*\).*/\1/p" <<< "$1"; }

G_PORT=18180; G_ADMIN=18181; N_PORT=18190; N_ADMIN=18191; CH_HTTP=18123; CH_TCP=19000
KEY=compare-key

start_gravix() {  # start_gravix <name> [extra JVM options...]; sets GRAVIX_PID
  local name=$1; shift
  local data=$WORK/gravix-$name
  mkdir -p "$data"
  GRAVIX_DATA_DIR=$data GRAVIX_API_KEY=$KEY GRAVIX_HTTP_PORT=$G_PORT GRAVIX_ADMIN_PORT=$G_ADMIN GRAVIX_BIND_HOST=127.0.0.1 \
    java -Xms$HEAP -Xmx$HEAP "$@" -jar "$JAR" server "$ROOT/config.yml" > "$data/server.log" 2>&1 &
  GRAVIX_PID=$!
  PIDS+=($GRAVIX_PID)
  wait_for "http://127.0.0.1:$G_ADMIN/ready" "Gravix ($name)" $GRAVIX_PID
}

post() {  # post <section> <url> <format> <batch> <clients> <events> [extra PostLoad options...]; records the line
  local section=$1 url=$2 format=$3 batch=$4 clients=$5 events=$6; shift 6
  local line
  line=$(java $CLIENT_JAVA_OPTS -cp "$BENCH" io.gravix.bench.compare.PostLoad --url "$url" --format "$format" --batch "$batch" \
    --concurrency "$clients" --events "$events" --seed "$SEED" --base "$BASE" --tag "$section" "$@" 2>"$WORK/$section.client.log") \
    || fail "load client failed for $section (see $WORK/$section.client.log)"
  [ -n "$line" ] || fail "load client printed nothing for $section"
  [ "$(kv "$line" ok_events)" -gt 0 ] || fail "$section: no request succeeded: $line"
  record "$section" "$line"
  log "$section: $line"
}

sealed_bytes() {  # sealed_bytes <metrics url>: spool_sealed_bytes of a running Gravix
  curl -sf "$1" | awk '$1 == "spool_sealed_bytes" {printf "%.0f", $2}'
}

rolled_up() {  # rolled_up <metrics url> <seconds>: lets the open spool file seal (maxFileAge 10s), then waits until the rollup took every sealed file; prints yes or no
  sleep 11
  for _ in $(seq "$2"); do
    [ "$(sealed_bytes "$1")" = 0 ] && { echo yes; return; }
    sleep 1
  done
  echo no
}

half_rate_case() {  # JSON 500 x 8 paced at half the burst rate just measured, on the same (warm) server once the rollup caught up with the burst
  local metrics="http://127.0.0.1:$G_ADMIN/metrics" half
  half=$(( $(kv "$(grep '^gravix_json500 ' "$RESULTS")" events_per_s) / 2000 * 1000 ))
  [ "$(rolled_up "$metrics" 120)" = yes ] || log "half-rate case: the burst's backlog was not rolled up within 120 s; measuring anyway"
  post gravix_json500_half "http://127.0.0.1:$G_PORT/v1/request-facts" json 500 8 100000 --auth "Bearer $KEY" \
    --seconds $((INGEST_S * 2)) --warmup $WARM_S --rate $half --metrics "$metrics"
}

# distinct events per case's body pool (a timed run reuses the pool with new ids)
CASES=("json500 json 500 8 100000" "proto500 protobuf 500 8 100000" "json1 json 1 32 20000")
[ $MODE = smoke ] && CASES=("json500 json 500 8 20000" "proto500 protobuf 500 8 20000" "json1 json 1 32 2000")

echo "run mode=$MODE date=$(date -u +%Y-%m-%dT%H:%MZ) cores=$(nproc) mem=$(awk '/^MemTotal/ {printf "%.1fGiB", $2 / 1048576}' /proc/meminfo) java=$(java -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/OpenJDK_\1/p' | head -1) heap=$HEAP rollup_opts=${ROLLUP_JAVA_OPTS// /_}" >> "$RESULTS"

if [ -z "$SUSTAIN_AT" ]; then
# --- 1. Gravix ingest (default config.yml, rollup running as shipped) ---
log "Gravix ingest: JSON and protobuf batches of 500 (8 connections), single events (32 clients), ${INGEST_S}s each after ${WARM_S}s warm-up"
start_gravix ingest
for c in "${CASES[@]}"; do
  set -- $c
  post "gravix_$1" "http://127.0.0.1:$G_PORT/v1/request-facts" "$2" "$3" "$4" "$5" --auth "Bearer $KEY" \
    --seconds $INGEST_S --warmup $WARM_S --metrics "http://127.0.0.1:$G_ADMIN/metrics"
  [ "$1" = json500 ] && half_rate_case
done
stop $GRAVIX_PID

# --- 2. HTTP ceiling: the same bodies to a no-op app on the same Dropwizard/Jetty stack ---
log "HTTP ceiling: no-op Dropwizard app, same client, bodies and connections"
NOOP_HTTP_PORT=$N_PORT NOOP_ADMIN_PORT=$N_ADMIN java -Xms$HEAP -Xmx$HEAP -cp "$BENCH" io.gravix.bench.compare.NoopServer server "$ROOT/bench/noop.yml" > "$WORK/noop.log" 2>&1 &
NOOP_PID=$!
PIDS+=($NOOP_PID)
wait_for "http://127.0.0.1:$N_ADMIN/healthcheck" "the no-op app" $NOOP_PID
for c in "${CASES[@]}"; do
  set -- $c
  post "noop_$1" "http://127.0.0.1:$N_PORT/v1/request-facts" "$2" "$3" "$4" "$5" --seconds $INGEST_S --warmup $WARM_S
done
stop $NOOP_PID

# --- 3. ClickHouse: the same events as JSONEachRow over HTTP ---
log "ClickHouse $(dpkg-query -W -f='${Version}' clickhouse-server 2>/dev/null): INSERT ... FORMAT JSONEachRow, batches of 500, 8 connections"
CH=$WORK/clickhouse
mkdir -p "$CH/data" "$CH/tmp" "$CH/log" "$CH/user_files" "$CH/format_schemas"
cat > "$CH/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$CH/log/server.log</log><errorlog>$CH/log/error.log</errorlog><console>0</console></logger>
  <http_port>$CH_HTTP</http_port>
  <tcp_port>$CH_TCP</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>$CH/data/</path>
  <tmp_path>$CH/tmp/</tmp_path>
  <user_files_path>$CH/user_files/</user_files_path>
  <format_schema_path>$CH/format_schemas/</format_schema_path>
  <users_config>$CH/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>268435456</mark_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  <keep_alive_timeout>30</keep_alive_timeout>
</yandex>
EOF
cat > "$CH/users.xml" <<'EOF'
<?xml version="1.0"?>
<yandex>
  <profiles><default></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
EOF
"$CLICKHOUSE" --config-file="$CH/config.xml" > "$CH/stdout.log" 2>&1 &
CH_PID=$!
PIDS+=($CH_PID)
wait_for "http://127.0.0.1:$CH_HTTP/ping" "ClickHouse" $CH_PID
ch() { curl -sS --fail "http://127.0.0.1:$CH_HTTP/" --data-binary "$1"; }
ch "CREATE TABLE request_facts (event_id String, ts DateTime, ts_nanos UInt32, service String, environment String, route String,
    method String, status_code UInt16, duration_ms Float64, request_bytes UInt64, response_bytes UInt64, client_id String,
    trace_id String, attributes String) ENGINE = MergeTree() PARTITION BY toYYYYMMDD(ts) ORDER BY (service, route, ts)"
set -- ${CASES[0]}
post clickhouse500 "http://127.0.0.1:$CH_HTTP/?query=INSERT%20INTO%20request_facts%20FORMAT%20JSONEachRow" jsoneachrow "$3" "$4" "$5" \
  --seconds $INGEST_S --warmup $WARM_S
rows=$(ch "SELECT count() FROM request_facts")
[ "$rows" -gt 0 ] || fail "ClickHouse holds no rows after the insert run"
stop $CH_PID

# --- 4. Disk ceiling: fio in the data dirs' filesystem ---
log "disk ceiling: fio, sequential 64 KiB writes, fdatasync after each, ${FIO_S}s"
mkdir -p "$WORK/fio"
fio --name=fdatasync64k --directory="$WORK/fio" --rw=write --bs=64k --size=512m --fdatasync=1 --ioengine=psync \
  --time_based --runtime=$FIO_S --output-format=json > "$WORK/fio.json" || fail "fio failed"
line=$($REPORT fio "$WORK/fio.json")
record fio "$line"
log "fio: $line"
rm -rf "$WORK/fio"

# --- 5. Rollup: Gravix (sealed spool -> Parquet) vs DuckDB (NDJSON -> Parquet), same events, fresh JVM each ---
log "rollup: $ROLLUP_EVENTS distinct events (+5 % resent), $LAUNCHES launch(es) each, Gravix $ROLLUP_JAVA_OPTS vs DuckDB JDBC threads=2"
line=$(java $CLIENT_JAVA_OPTS -cp "$BENCH" io.gravix.bench.compare.DatasetFiles "$SEED" "$BASE" "$ROLLUP_EVENTS" "$WORK/dataset.ndjson" | grep '^RESULT') \
  || fail "writing the NDJSON dataset failed"
log "dataset: $line"
for i in $(seq $LAUNCHES); do
  mkdir -p "$WORK/rollup-$i"
  line=$(java $ROLLUP_JAVA_OPTS -DwarmupEvents=$WARMUP_EVENTS -cp "$BENCH" io.gravix.bench.RollupThroughput --seed "$SEED" --base "$BASE" \
    "$ROLLUP_EVENTS" 2 64 "$WORK/rollup-$i" 2>"$WORK/rollup-$i.log" | grep '^RESULT') || fail "Gravix rollup launch $i failed (see $WORK/rollup-$i.log)"
  record rollup_gravix "$line"
  log "rollup Gravix #$i: $line"
  rm -rf "$WORK/rollup-$i"
  line=$(java $CLIENT_JAVA_OPTS -cp "$BENCH" io.gravix.bench.compare.DuckDbRollup "$WORK/dataset.ndjson" "$WORK/duckdb-$i" 2 2>"$WORK/duckdb-$i.log" | grep '^RESULT') \
    || fail "DuckDB launch $i failed (see $WORK/duckdb-$i.log)"
  record rollup_duckdb "$line"
  log "rollup DuckDB #$i: $line"
  rm -rf "$WORK/duckdb-$i"
done
g_rows=$(kv "$(grep '^rollup_gravix' "$RESULTS" | tail -1)" rows | cut -d. -f1)
d_rows=$(kv "$(grep '^rollup_duckdb' "$RESULTS" | tail -1)" rows)
[ "$g_rows" = "$d_rows" ] || fail "Gravix wrote $g_rows rows, DuckDB $d_rows: not the same work"
rm -f "$WORK/dataset.ndjson"

fi

# --- 6. Sustained end-to-end: highest steady JSON rate with rollup at default settings ---
# A rate passes when, over STEP_S seconds on a fresh server: the client achieved >= 97 % of it with
# no non-2xx answer; the sealed backlog (sampled every 2 s) did not grow: its mean over the last
# third of the step is at most 32 MiB above its mean over the middle third (the first third is the
# warm-up; 32 MiB in a third of a 5-minute step is a deficit of ~1.3 % at 180,000 events/s), and it
# drains within 60 s of the load's end; no OutOfMemoryError; and lake_freshness_seconds p99 (after
# the last events are committed) is <= 30 s.
# Start at 75 % of the JSON burst rate or of the rollup's own rate, whichever is lower (the last
# full runs held 85 %: the steps are spent near the limit, not below it); after a pass try 1.1x,
# after a fail halve the gap, until the bounds are within 8 % or the budget is spent.
if [ -n "$SUSTAIN_AT" ]; then
  RATE=$SUSTAIN_AT; MAX_STEPS=1
else
  JSON_MAX=$(kv "$(grep '^gravix_json500 ' "$RESULTS")" events_per_s)
  ROLLUP_RATE=$(kv "$(grep '^rollup_gravix' "$RESULTS" | head -1)" events_per_s)
  RATE=$(( JSON_MAX < ROLLUP_RATE ? JSON_MAX * 75 / 100 : ROLLUP_RATE * 75 / 100 ))
  RATE=$(( RATE / 1000 * 1000 ))
  [ $RATE -ge 2000 ] || RATE=2000
  [ $MODE = smoke ] && RATE=2000
fi
LO=0; HI=0; BEST=""; STEPS=0; SUSTAIN_START=$(date +%s)
log "sustained: step search from $RATE events/s, ${STEP_S}s per rate, budget ${SUSTAIN_BUDGET_S}s, -Xms = -Xmx = $HEAP"
while :; do
  STEPS=$((STEPS + 1))
  name=sustain-$RATE
  start_gravix "$name" "-Xlog:gc*:file=$WORK/gc-$RATE.log"
  METRICS=http://127.0.0.1:$G_ADMIN/metrics
  : > "$WORK/rss-$RATE.txt"
  ( while :; do
      v=$(sealed_bytes "$METRICS")
      [ -n "$v" ] && echo "$(date +%s) $v"
      r=$(awk '$1 == "RssAnon:" {print $2}' "/proc/$GRAVIX_PID/status" 2>/dev/null || true)
      [ -n "$r" ] && echo "$(date +%s) $r" >> "$WORK/rss-$RATE.txt"
      sleep 2
    done ) > "$WORK/backlog-$RATE.txt" 2>/dev/null &
  SAMPLER=$!
  PIDS+=($SAMPLER)
  line=$(java $CLIENT_JAVA_OPTS -cp "$BENCH" io.gravix.bench.compare.PostLoad --url "http://127.0.0.1:$G_PORT/v1/request-facts" --format json \
    --batch 500 --concurrency 8 --events 100000 --seed "$SEED" --base "$BASE" --tag "s$RATE" --auth "Bearer $KEY" \
    --seconds $STEP_S --rate $RATE --metrics "$METRICS" 2>"$WORK/$name.client.log") || fail "load client failed at $RATE events/s"
  stop $SAMPLER
  # let the last open file seal and the rollup commit it; then read freshness
  drained=$(rolled_up "$METRICS" $([ $MODE = smoke ] && echo 25 || echo 60))
  curl -sf "$METRICS" > "$WORK/metrics-$RATE.txt" || fail "could not read /metrics at $RATE events/s"
  stop $GRAVIX_PID
  fresh=$($REPORT quantile "$WORK/metrics-$RATE.txt" lake_freshness_seconds 0.99)
  gcl=$($REPORT gc "$WORK/gc-$RATE.log")
  bl=$($REPORT backlog "$WORK/backlog-$RATE.txt")
  rss=$($REPORT rss "$WORK/rss-$RATE.txt" 2>/dev/null || echo "rss_mid_mib=n/a rss_last_mib=n/a rss_max_mib=n/a")
  oom=$(grep -c OutOfMemoryError "$WORK/gravix-$name/server.log" || true)
  seen=$(awk '$1 ~ /^rollup_seen_ids(_memory_bytes|_disk_bytes)?\{table="request_facts"\}$/ {
      n = $1; sub(/\{.*/, "", n); v[n] = $2 }
    END { printf "seen_ids=%.0f seen_heap_mb=%.1f seen_disk_mb=%.1f", v["rollup_seen_ids"],
      v["rollup_seen_ids_memory_bytes"] / 1048576, v["rollup_seen_ids_disk_bytes"] / 1048576 }' "$WORK/metrics-$RATE.txt")
  achieved=$(kv "$line" events_per_s)
  errors=$(kv "$line" errors)
  verdict=pass
  if [ "$errors" != 0 ]; then verdict=fail:non-2xx_answers
  elif [ "$achieved" -lt $(( RATE * 97 / 100 )) ]; then verdict=fail:rate_not_reached
  elif [ "$oom" != 0 ]; then verdict=fail:OutOfMemoryError
  elif [ $(( $(kv "$bl" backlog_last) - $(kv "$bl" backlog_mid) )) -gt $((32 * 1024 * 1024)) ]; then verdict=fail:backlog_growing
  elif [ $drained = no ]; then verdict=fail:backlog_not_drained_in_60s
  elif [ "$fresh" = nan ] || python3 -c "import sys; sys.exit(0 if float('$fresh') > 30 else 1)"; then verdict=fail:freshness_p99_over_30s
  fi
  [ $MODE = smoke ] && verdict="${verdict/fail:/smoke:}"  # the smoke run proves the steps work; no thresholds
  record step "rate=$RATE verdict=$verdict $line freshness_p99_s=$fresh $gcl $bl $rss drained=$drained ooms=$oom $seen"
  log "sustained $RATE events/s: $verdict (achieved $achieved, errors $errors, freshness p99 ${fresh}s, $gcl, $bl, $rss)"
  if [ "${verdict%%:*}" != fail ]; then
    LO=$RATE; BEST="rate=$RATE step_seconds=$STEP_S $line freshness_p99_s=$fresh $gcl"
  else
    HI=$RATE
  fi
  elapsed=$(( $(date +%s) - SUSTAIN_START ))
  per_step=$(( elapsed / STEPS ))
  [ $STEPS -ge $MAX_STEPS ] && break
  # within the budget; but a search that has not yet passed a rate gets a second try lower down
  [ $(( elapsed + per_step )) -le $SUSTAIN_BUDGET_S ] || { [ $LO -eq 0 ] && [ $STEPS -eq 1 ] && [ $MODE != smoke ]; } || break
  if [ $HI -eq 0 ]; then NEXT=$(( LO * 11 / 10 ))
  elif [ $LO -eq 0 ]; then NEXT=$(( HI * 6 / 10 ))
  else NEXT=$(( (LO + HI) / 2 ))
  fi
  NEXT=$(( NEXT / 1000 * 1000 ))
  [ $LO -gt 0 ] && [ $HI -gt 0 ] && [ $(( (HI - LO) * 100 / LO )) -lt 8 ] && break
  [ $NEXT -ge 1000 ] || break
  RATE=$NEXT
done
if [ -n "$BEST" ]; then
  record sustained "$BEST"
else
  record sustained "rate=nan step_seconds=$STEP_S lowest_failed=$HI"
  log "sustained: no tried rate passed"
fi

echo
echo "Total run time: $(( $(date +%s) - STARTED )) s"
echo
if [ -n "$SUSTAIN_AT" ]; then
  grep '^step' "$RESULTS"
else
  $REPORT table "$RESULTS"
fi
[ -n "${KEEP:-}" ] && echo && echo "raw results: $RESULTS"
exit 0
