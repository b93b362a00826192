#!/usr/bin/env bash
# The query benchmark: a day of realistic traffic rolled up into a local lake, the five example
# queries of README.md ("Querying") on a real Trino 476 and on DuckDB over the same Parquet files.
#
#   nice -n 10 bench/query-bench.sh [dataset dir]
#
# Env: EVENTS (request facts, default 10000000), DAY (UTC day, default yesterday), CHUNK_MINUTES
# (event time per rollup pass, default 60), RUNS (timed runs per query, default 3, after 1 warm-up),
# DATASET_HEAP (heap of the dataset builder, default 3g).
# The dataset (default bench/target/query-dataset-$EVENTS) is built once by io.gravix.bench.QueryDataset
# through the real spool and RollupService, and reused while its dataset.properties matches EVENTS.
# Trino runs natively on Temurin 25 exactly as trino/acceptance.sh runs it: the tarball from Maven
# Central with only the hive plugin, configured from trino/etc (catalog lake only) and trino/sql.
# Timing and the Trino/DuckDB result comparison: io.gravix.bench.QueryBench (fails if they disagree).
# Needs: mvn, Temurin 25 under /usr/lib/jvm, python3, ~3 GB of disk. Not part of .ci/run (it is long).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
EVENTS=${EVENTS:-10000000}
DAY=${DAY:-$(date -u -d yesterday +%F)}
CHUNK_MINUTES=${CHUNK_MINUTES:-60}
RUNS=${RUNS:-3}
DATA=$(realpath -m "${1:-$ROOT/bench/target/query-dataset-$EVENTS}")
BENCH_JAR=$ROOT/bench/target/benchmarks.jar
JAVA25=$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -1) || true
[ -n "$JAVA25" ] || { echo "FAIL: Trino 476 needs a Java 25 JDK under /usr/lib/jvm/temurin-25*" >&2; exit 1; }
M2=$HOME/.m2/repository
TARBALL=$M2/io/trino/trino-server/476/trino-server-476.tar.gz
CLI_JAR=$M2/io/trino/trino-cli/476/trino-cli-476-executable.jar
[ -f "$TARBALL" ] || mvn -q dependency:get -Dartifact=io.trino:trino-server:476:tar.gz -Dtransitive=false
[ -f "$CLI_JAR" ] || mvn -q dependency:get -Dartifact=io.trino:trino-cli:476:jar:executable -Dtransitive=false
[ -f "$BENCH_JAR" ] || (cd "$ROOT" && mvn -B -q -DskipTests install -pl bench -am)

WORK=$(mktemp -d /tmp/gravix-query-bench.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
await() { # await <seconds> <description> <command...>
  local until=$((SECONDS + $1)) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do [ $SECONDS -lt $until ] || fail "timed out waiting for $what"; sleep 1; done
}
prop() { sed -n "s/^$1=//p" "$DATA/dataset.properties"; }

echo "machine: $(nproc) cores, $(free -g | awk '/^Mem/ {print $2}') GiB, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# --- the dataset: built once, through the real spool and rollup
if [ -f "$DATA/dataset.properties" ] && [ "$(prop request_facts)" = "$EVENTS" ]; then
  echo "reusing the dataset in $DATA (day $(prop day), built in $(prop build_seconds) s)"
else
  rm -rf "$DATA"
  mkdir -p "$(dirname "$DATA")"
  echo "building the dataset: $EVENTS request facts on $DAY into $DATA (rollup every $CHUNK_MINUTES min of event time)"
  start=$SECONDS
  java -Xmx"${DATASET_HEAP:-3g}" -cp "$BENCH_JAR" io.gravix.bench.QueryDataset "$DATA" "$EVENTS" "$DAY" "$CHUNK_MINUTES" \
    > "$WORK/dataset.log" 2>&1 || { tail -50 "$WORK/dataset.log" >&2; fail "building the dataset"; }
  grep -E '^ ' "$WORK/dataset.log" | grep -v INFO || true
  grep '^dataset ' "$WORK/dataset.log"
  echo "dataset built in $((SECONDS - start)) s (load average now $(cut -d' ' -f1-3 /proc/loadavg))"
fi
DAY=$(prop day)

# --- Trino 476 as trino/acceptance.sh runs it: unpack once, keep only the hive plugin
TRINO_HOME=$ROOT/gravix-service/target/trino-server-476
if [ ! -x "$TRINO_HOME/bin/launcher" ]; then
  mkdir -p "$ROOT/gravix-service/target"
  tar xzf "$TARBALL" -C "$ROOT/gravix-service/target"
  find "$TRINO_HOME/plugin" -mindepth 1 -maxdepth 1 ! -name hive -exec rm -rf {} +
fi
# trino/etc as it is, with only the local lake's catalog (lake_s3 needs an S3 server)
mkdir -p "$WORK/etc/catalog" "$WORK/trino-data"
cp "$ROOT"/trino/etc/*.properties "$ROOT/trino/etc/jvm.config" "$WORK/etc/"
cp "$ROOT/trino/etc/catalog/lake.properties" "$WORK/etc/catalog/"
TRINO_PORT=$(port)
GRAVIX_DATA_DIR=$DATA TRINO_PORT=$TRINO_PORT TRINO_NODE_ID=query-bench TRINO_DATA_DIR=$WORK/trino-data \
  JAVA_HOME=$JAVA25 PATH=$JAVA25/bin:$PATH \
  "$TRINO_HOME/bin/launcher" run --etc-dir="$WORK/etc" --data-dir="$WORK/trino-data" > "$WORK/trino.log" 2>&1 &
PIDS+=($!)
TRINO=http://127.0.0.1:$TRINO_PORT
CLI="$JAVA25/bin/java --enable-native-access=ALL-UNNAMED -jar $CLI_JAR"
echo "waiting for Trino (log: $WORK/trino.log; $(grep -- -Xmx "$WORK/etc/jvm.config"))"
start=$SECONDS
await 400 "Trino to start" grep -q "SERVER STARTED" "$WORK/trino.log"
echo "Trino started in $((SECONDS - start)) s"
"$ROOT/trino/create-tables.sh" "$CLI" "$TRINO" lake local:///lake > "$WORK/create-tables.log" 2>&1 \
  || { cat "$WORK/create-tables.log" >&2; fail "creating the tables"; }

# --- the five README queries on both engines; QueryBench fails if their results differ
echo "load average before the queries: $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xmx2g --enable-native-access=ALL-UNNAMED -cp "$BENCH_JAR" io.gravix.bench.QueryBench \
  "$ROOT/README.md" "$DATA" "jdbc:trino://127.0.0.1:$TRINO_PORT/lake/gravix" "$RUNS" 2> "$WORK/querybench.err" \
  || { grep -v '^SLF4J\|WARNING' "$WORK/querybench.err" >&2; fail "the query benchmark"; }
echo "load average after the queries: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "query benchmark: OK"
rm -rf "$WORK"
