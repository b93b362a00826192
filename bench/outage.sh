#!/usr/bin/env bash
# A store outage and the catch-up after it, under steady load, in the shipped heap budget:
# Gravix (-Xms512m -Xmx512m, config.yml, S3 store on S3Proxy, a real S3 API over a local directory)
# takes JSON batches of 500 (8 connections) at RATE events/s for LOAD_S seconds; S3Proxy is
# stopped at OUT_AT seconds for OUTAGE_S seconds, so runs fail and the sealed backlog grows;
# then it comes back and the rollup catches up while ingest goes on. Prints one line: the
# backlog's peak, how long the catch-up took, GC pauses from the JVM's log, answers other
# than 202, OutOfMemoryErrors, and whether every accepted event reached the lake once
# (rollup_events_total + rollup_duplicates_total = events accepted).
# Usage: bench/outage.sh [RATE] [OUTAGE_S] [LOAD_S]   (defaults 20000 120 420; ~9 min)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RATE=${1:-20000}
OUTAGE_S=${2:-120}
LOAD_S=${3:-420}
OUT_AT=${OUT_AT:-60}
HEAP=${GRAVIX_HEAP:-512m}
[ $((OUT_AT + OUTAGE_S)) -lt "$LOAD_S" ] || { echo "outage.sh: the outage must end before the load does" >&2; exit 2; }

JAR=$ROOT/gravix-service/target/gravix.jar
BENCH=$ROOT/bench/target/benchmarks.jar
[ -f "$JAR" ] && [ -f "$BENCH" ] || mvn -B -q package -DskipTests
S3PROXY=${M2:-$HOME/.m2/repository}/org/gaul/s3proxy/2.6.0/s3proxy-2.6.0-jar-with-dependencies.jar
[ -f "$S3PROXY" ] || mvn -B -q dependency:get -Dartifact=org.gaul:s3proxy:2.6.0:jar:jar-with-dependencies -Dtransitive=false
REPORT="python3 $ROOT/bench/compare-report.py"

WORK=$(mktemp -d "${COMPARE_TMP:-/tmp}/gravix-outage.XXXXXX")
PIDS=()
cleanup() {
  local rc=$?
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ $rc -eq 0 ] && [ -z "${KEEP:-}" ] && rm -rf "$WORK"
  [ $rc -eq 0 ] || echo "outage.sh: FAILED (exit $rc); logs in $WORK" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM
STARTED=$(date +%s)
log() { echo "[$(date -u +%H:%M:%S) +$(( $(date +%s) - STARTED ))s] $*" >&2; }
fail() { echo "outage.sh: $*" >&2; exit 1; }
await() {  # await <seconds> <what> <command...>
  local limit=$1 what=$2; shift 2
  for _ in $(seq $((limit * 2))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  fail "$what did not happen within ${limit}s (see $WORK)"
}

S3_PORT=18290; G_PORT=18280; G_ADMIN=18281; KEY=outage-key
METRICS=http://127.0.0.1:$G_ADMIN/metrics
mkdir -p "$WORK/s3blobs/gravix-lake" "$WORK/data"
cat > "$WORK/s3proxy.properties" <<EOF
s3proxy.endpoint=http://127.0.0.1:$S3_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=outage-key
s3proxy.credential=outage-secret
s3proxy.ignore-unknown-headers=true
jclouds.provider=filesystem
jclouds.filesystem.basedir=$WORK/s3blobs
EOF
start_s3proxy() {
  java -Xmx256m -jar "$S3PROXY" --properties "$WORK/s3proxy.properties" >> "$WORK/s3proxy.log" 2>&1 &
  S3_PID=$!
  PIDS+=($S3_PID)
  await 60 "S3Proxy start" curl -s "http://127.0.0.1:$S3_PORT"
}
start_s3proxy

GRAVIX_STORE=s3 GRAVIX_S3_ENDPOINT=http://127.0.0.1:$S3_PORT GRAVIX_S3_BUCKET=gravix-lake GRAVIX_S3_REGION=us-east-1 \
  AWS_ACCESS_KEY_ID=outage-key AWS_SECRET_ACCESS_KEY=outage-secret \
  GRAVIX_DATA_DIR=$WORK/data GRAVIX_API_KEY=$KEY GRAVIX_HTTP_PORT=$G_PORT GRAVIX_ADMIN_PORT=$G_ADMIN GRAVIX_BIND_HOST=127.0.0.1 \
  java -Xms$HEAP -Xmx$HEAP "-Xlog:gc*:file=$WORK/gc.log" -jar "$JAR" server "$ROOT/config.yml" > "$WORK/server.log" 2>&1 &
GRAVIX_PID=$!
PIDS+=($GRAVIX_PID)
await 120 "Gravix start" curl -sf "http://127.0.0.1:$G_ADMIN/ready"

metric() { curl -sf "$METRICS" | awk -v n="$1" '$1 == n {printf "%.0f", $2}'; }
( while :; do
    v=$(metric spool_sealed_bytes)
    [ -n "$v" ] && echo "$(date +%s) $v"
    sleep 2
  done ) > "$WORK/backlog.txt" 2>/dev/null &
SAMPLER=$!
PIDS+=($SAMPLER)

log "load: $RATE events/s for ${LOAD_S}s; S3Proxy down from ${OUT_AT}s to $((OUT_AT + OUTAGE_S))s; Gravix -Xms = -Xmx = $HEAP"
java -Xmx1g -cp "$BENCH" io.gravix.bench.compare.PostLoad --url "http://127.0.0.1:$G_PORT/v1/request-facts" --format json \
  --batch 500 --concurrency 8 --events 100000 --seed 11 --base $(( ($(date +%s) - 120) * 1000 )) --tag outage \
  --auth "Bearer $KEY" --seconds "$LOAD_S" --rate "$RATE" --metrics "$METRICS" > "$WORK/client.out" 2> "$WORK/client.log" &
CLIENT=$!
PIDS+=($CLIENT)
sleep "$OUT_AT"
kill "$S3_PID"; wait "$S3_PID" 2>/dev/null || true
OUT_START=$(date +%s)
log "S3Proxy stopped"
sleep "$OUTAGE_S"
start_s3proxy
RESTORED=$(date +%s)
log "S3Proxy back"
wait "$CLIENT" || fail "load client failed (see $WORK/client.log)"
LOAD_END=$(date +%s)
line=$(cat "$WORK/client.out")
log "load done: $line"
# the last open file seals within spool.maxFileAge; then the rollup drains what is left
# (a function, so that each try reads the metric anew)
sealed_backlog_empty() { test "$(metric spool_sealed_bytes)" = 0; }
await 600 "the sealed backlog to drain" sealed_backlog_empty
sleep 12
await 120 "the last run to commit" sealed_backlog_empty
kill "$SAMPLER" 2>/dev/null || true
curl -sf "$METRICS" > "$WORK/metrics.txt"
kill "$GRAVIX_PID"; wait "$GRAVIX_PID" 2>/dev/null || true

# caught up: the first sample after the restore at or below the backlog's highest level before the outage
read -r peak_mb catchup_s < <(awk -v out="$OUT_START" -v back="$RESTORED" '
  $1 < out && $2 > before { before = $2 }
  $2 > peak { peak = $2 }
  $1 >= back && caught == "" && $2 <= before { caught = $1 - back }
  END { printf "%.1f %s\n", peak / 1048576, caught == "" ? "nan" : caught }' "$WORK/backlog.txt")
counter() { awk -v n="$1" '$1 == n "{table=\"request_facts\"}" {printf "%.0f", $2}' "$WORK/metrics.txt"; }
kept=$(counter rollup_events_total)
dups=$(counter rollup_duplicates_total)
accepted=$(sed -n 's/.*\bok_events=\([0-9]*\).*/\1/p' <<< "$line")
oom=$(grep -c OutOfMemoryError "$WORK/server.log" || true)
failed_runs=$(awk '$1 == "rollup_runs_total{outcome=\"failure\"}" {printf "%.0f", $2}' "$WORK/metrics.txt")
exact=$([ "$((kept + dups))" = "$accepted" ] && echo yes || echo "NO")
echo
echo "outage rate=$RATE outage_s=$OUTAGE_S load_s=$LOAD_S $line backlog_peak_mb=$peak_mb catchup_s=$catchup_s" \
  "drained_after_load_s=$(( $(date +%s) - LOAD_END - 12 )) failed_runs=${failed_runs:-0} lake_events=$kept duplicates=$dups" \
  "every_accepted_event_once=$exact ooms=$oom $($REPORT gc "$WORK/gc.log")"
[ "$exact" = yes ] || fail "the lake does not hold every accepted event once: $kept kept + $dups duplicates != $accepted accepted"
