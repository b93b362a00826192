#!/usr/bin/env bash
# Load run against the real jar on this machine: starts Gravix on a scratch data
# dir, warms it up, then runs the load generator for each case and prints its
# figures (events/s, ack latency p50/p99, fsyncs/s, events per fsync).
# Usage: bench/run-load.sh            (after: mvn -B -q package -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=gravix-service/target/gravix.jar
DATA=$(mktemp -d /tmp/gravix-bench.XXXXXX)
KEY=bench-key
export GRAVIX_DATA_DIR=$DATA GRAVIX_API_KEY=$KEY GRAVIX_HTTP_PORT=${PORT:-18080} GRAVIX_ADMIN_PORT=${ADMIN_PORT:-18081} GRAVIX_BIND_HOST=127.0.0.1
URL=http://127.0.0.1:$GRAVIX_HTTP_PORT
ADMIN=http://127.0.0.1:$GRAVIX_ADMIN_PORT

java -Xms1g -Xmx2g ${SERVER_JAVA_OPTS:-} -jar $JAR server config.yml > "$DATA/server.log" 2>&1 &
SERVER=$!
cleanup() { kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$DATA"; }
trap cleanup EXIT
for _ in $(seq 60); do curl -sf $ADMIN/ready >/dev/null && break; sleep 0.5; done

load() { java -Xmx2g -jar $JAR loadgen --url $URL --admin-url $ADMIN --api-key $KEY "$@" 2>/dev/null | grep -v '^$'; }

echo "== warm-up"
load --format json --events 300000 --batch 500 --concurrency 8 >/dev/null
load --format protobuf --events 300000 --batch 500 --concurrency 8 >/dev/null
load --format json --events 20000 --batch 1 --concurrency 32 >/dev/null

# CASES: ';'-separated "format batch clients events"
IFS=';' read -ra CASE_LIST <<< "${CASES:-json 500 8 600000;protobuf 500 8 1000000;json 1000 8 600000;protobuf 1000 8 1000000;json 100 16 300000;protobuf 100 16 300000;json 1 32 40000;protobuf 1 32 40000}"
for case in "${CASE_LIST[@]}"; do
  set -- $case
  echo "== $1, batch $2, $3 clients"
  load --format $1 --batch $2 --concurrency $3 --events $4
done
if [ -n "${RATE:-}" ]; then
  echo "== json, batch 500, paced at $RATE events/s"
  load --format json --batch 500 --concurrency 16 --events $((RATE * 20)) --rate $RATE
fi
exit 0
