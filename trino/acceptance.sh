#!/usr/bin/env bash
# Acceptance of the query layer against real servers, run by .ci/run after `mvn -B verify`:
# one Trino 476 (the tarball from Maven Central, only the hive plugin, Java 25, configured
# only from trino/etc and trino/sql) with both catalogs, the Gravix jar on a local lake and
# on S3 (S3Proxy), load-generator traffic plus hand-made events in past hours. For each lake:
#   - count(*) and count(DISTINCT event_id) per table equal the events acknowledged with 202;
#   - one row per table read back through Trino equals the event sent, column by column;
#   - an event in a new hour is counted after only a rollup;
#   - a query for one hour reads exactly that hour's files (EXPLAIN ANALYZE splits and rows).
# Needs: target/gravix.jar (mvn package), Temurin 25 under /usr/lib/jvm, Maven, curl, python3.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=$ROOT/gravix-service/target/gravix.jar
WORK=$(mktemp -d /tmp/gravix-trino-acceptance.XXXXXX)
JAVA25=$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -1) || true
[ -n "$JAVA25" ] || { echo "FAIL: Trino 476 needs a Java 25 JDK under /usr/lib/jvm/temurin-25*" >&2; exit 1; }
M2=$HOME/.m2/repository
TARBALL=$M2/io/trino/trino-server/476/trino-server-476.tar.gz
CLI_JAR=$M2/io/trino/trino-cli/476/trino-cli-476-executable.jar
S3PROXY=$M2/org/gaul/s3proxy/2.6.0/s3proxy-2.6.0-jar-with-dependencies.jar
[ -f "$TARBALL" ] || mvn -q dependency:get -Dartifact=io.trino:trino-server:476:tar.gz -Dtransitive=false
[ -f "$CLI_JAR" ] || mvn -q dependency:get -Dartifact=io.trino:trino-cli:476:jar:executable -Dtransitive=false
[ -f "$S3PROXY" ] || mvn -q dependency:get -Dartifact=org.gaul:s3proxy:2.6.0:jar:jar-with-dependencies -Dtransitive=false

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
await() { # await <seconds> <description> <command...>
  local until=$((SECONDS + $1)) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do [ $SECONDS -lt $until ] || fail "timed out waiting for $what"; sleep 1; done
}

# --- Trino: unpack once (hard links inside the tarball need the whole archive), keep only hive
TRINO_HOME=$ROOT/gravix-service/target/trino-server-476
if [ ! -x "$TRINO_HOME/bin/launcher" ]; then
  tar xzf "$TARBALL" -C "$ROOT/gravix-service/target"
  find "$TRINO_HOME/plugin" -mindepth 1 -maxdepth 1 ! -name hive -exec rm -rf {} +
fi

# --- S3Proxy: a real S3 API over a local directory
S3_PORT=$(port)
mkdir -p "$WORK/s3blobs/gravix-lake"
cat > "$WORK/s3proxy.properties" <<EOF
s3proxy.endpoint=http://127.0.0.1:$S3_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=acceptance-key
s3proxy.credential=acceptance-secret
s3proxy.ignore-unknown-headers=true
jclouds.provider=filesystem
jclouds.filesystem.basedir=$WORK/s3blobs
EOF
java -jar "$S3PROXY" --properties "$WORK/s3proxy.properties" > "$WORK/s3proxy.log" 2>&1 &
PIDS+=($!)
export GRAVIX_S3_ENDPOINT=http://127.0.0.1:$S3_PORT GRAVIX_S3_BUCKET=gravix-lake GRAVIX_S3_REGION=us-east-1
export AWS_ACCESS_KEY_ID=acceptance-key AWS_SECRET_ACCESS_KEY=acceptance-secret

# --- Trino with both catalogs; the local catalog's root is the local Gravix's data dir
TRINO_PORT=$(port)
# Trino wants an external location of a local table to exist as a directory
mkdir -p "$WORK/local/lake/request_facts" "$WORK/local/lake/service_events" "$WORK/trino-data"
GRAVIX_DATA_DIR=$WORK/local TRINO_PORT=$TRINO_PORT TRINO_NODE_ID=acceptance TRINO_DATA_DIR=$WORK/trino-data \
  JAVA_HOME=$JAVA25 PATH=$JAVA25/bin:$PATH \
  "$TRINO_HOME/bin/launcher" run --etc-dir="$ROOT/trino/etc" --data-dir="$WORK/trino-data" > "$WORK/trino.log" 2>&1 &
PIDS+=($!)
TRINO=http://127.0.0.1:$TRINO_PORT
CLI="$JAVA25/bin/java --enable-native-access=ALL-UNNAMED -jar $CLI_JAR"
sql() { # sql <catalog> <statement>: rows as CSV
  $CLI --server "$TRINO" --catalog "$1" --schema gravix --output-format CSV --execute "$2" 2>"$WORK/cli.err" \
    || { cat "$WORK/cli.err" >&2; fail "query failed on $1: $2"; }
}
echo "waiting for Trino (log: $WORK/trino.log)"
await 400 "Trino to start" grep -q "SERVER STARTED" "$WORK/trino.log"
await 30 "S3Proxy" curl -s "$GRAVIX_S3_ENDPOINT"
"$ROOT/trino/create-tables.sh" "$CLI" "$TRINO" lake local:///lake
"$ROOT/trino/create-tables.sh" "$CLI" "$TRINO" lake_s3 "s3://gravix-lake"

# --- the Cube model, compiled by Cube's own schema compiler (npm) into the SQL it would send
(cd "$ROOT/cube/test" && npm install --ignore-scripts --no-audit --no-fund --silent)
NODE_PATH=$ROOT/cube/test/node_modules node "$ROOT/cube/test/compile-queries.js" "$ROOT/cube/model" "$WORK/cube-sql" > "$WORK/cube.log" 2>&1 \
  || { cat "$WORK/cube.log" >&2; fail "Cube's compiler rejected cube/model"; }

# --- one store: Gravix, traffic, assertions
check_store() { # check_store <name> <catalog> <lake dir on disk>
  local name=$1 catalog=$2 lake=$3 http admin data=$WORK/$1
  http=$(port); admin=$(port)
  export GRAVIX_DATA_DIR=$data GRAVIX_HTTP_PORT=$http GRAVIX_ADMIN_PORT=$admin GRAVIX_BIND_HOST=127.0.0.1
  export GRAVIX_API_KEY=acceptance-api-key GRAVIX_ADMIN_TOKEN=acceptance-admin GRAVIX_STORE=$4
  java -Xmx512m -jar "$JAR" server "$ROOT/config.yml" > "$WORK/gravix-$name.log" 2>&1 &
  local pid=$!; PIDS+=($pid)
  await 120 "Gravix ($name)" curl -sf "http://127.0.0.1:$admin/ready"
  local api=http://127.0.0.1:$http auth='Authorization: Bearer acceptance-api-key'
  post() { curl -sf "$api/v1/$1" -H "$auth" -H 'Content-Type: application/json' -d "$2" | grep -q '"accepted"' || fail "$name: POST $1 not accepted"; }
  rollup() { curl -sf -X POST -H 'Authorization: Bearer acceptance-admin' "http://127.0.0.1:$admin/tasks/rollup-now" > /dev/null || fail "$name: rollup-now"; }

  # hand-made events in two past hours; every request sent twice (a client retry)
  local h2 h1 h3 rf se
  h2=$(date -u -d '-2 hour' +%FT%H:10:00.123456Z); h1=$(date -u -d '-1 hour' +%FT%H:20:00Z); h3=$(date -u -d '-3 hour' +%FT%H:30:00Z)
  rf='[{"event_id":"rt-full","timestamp":"'$h2'","service":"checkout","environment":"staging","route":"/v1/orders/{id}","method":"POST","status_code":503,"duration_ms":12.5,"request_bytes":512,"response_bytes":2048,"client_id":"client-7","trace_id":"0123456789abcdef0123456789abcdef","attributes":{"region":"eu-west-1","az":"b"}},
       {"event_id":"rt-min","timestamp":"'$h1'","service":"search","route":"/v1/search","method":"GET","status_code":200,"duration_ms":3.25}]'
  se='{"event_id":"se-full","timestamp":"'$h2'","service":"checkout","environment":"staging","kind":"DEPLOY","version":"v1.4.0","actor":"ci","message":"deploy v1.4.0","attributes":{"commit":"abc123"}}'
  for _ in 1 2; do post request-facts "$rf"; post service-events "$se"; done
  # the Cube model's known dataset (environment cubetest): a deploy with two requests before it, three from it
  local hh=${h2:0:14} c='"service":"checkout","environment":"cubetest","route":"/v1/pay","method":"POST","request_bytes":100,"response_bytes":1000'
  post request-facts '[{"event_id":"c-1","timestamp":"'${hh}05:00Z'",'"$c"',"status_code":200,"duration_ms":10},
    {"event_id":"c-2","timestamp":"'${hh}07:00Z'",'"$c"',"status_code":500,"duration_ms":20},
    {"event_id":"c-3","timestamp":"'$h2'",'"$c"',"status_code":503,"duration_ms":12.5},
    {"event_id":"c-4","timestamp":"'${hh}15:00Z'",'"$c"',"status_code":404,"duration_ms":30},
    {"event_id":"c-5","timestamp":"'${hh}25:00Z'",'"$c"',"status_code":200,"duration_ms":40}]'
  post service-events '{"event_id":"cube-deploy","timestamp":"'$h2'","service":"checkout","environment":"cubetest","kind":"DEPLOY","version":"v2"}'

  # load-generator traffic (current hour) with 5 % retried duplicates; --verify prints what got 202
  local rf_acked se_acked
  rf_acked=$(java -jar "$JAR" loadgen --url "$api" --admin-url "http://127.0.0.1:$admin" --api-key acceptance-api-key \
      --admin-token acceptance-admin --table request-facts --events 4000 --batch 200 --concurrency 2 --duplicate-ratio 0.05 \
      --verify --config "$ROOT/config.yml" | tee "$WORK/loadgen-$name-rf.log" | sed -n 's/^ *verify *: expected \([0-9]*\),.*/\1/p')
  se_acked=$(java -jar "$JAR" loadgen --url "$api" --admin-url "http://127.0.0.1:$admin" --api-key acceptance-api-key \
      --admin-token acceptance-admin --table service-events --events 600 --batch 50 --concurrency 2 --duplicate-ratio 0.05 \
      --verify --config "$ROOT/config.yml" | tee "$WORK/loadgen-$name-se.log" | sed -n 's/^ *verify *: expected \([0-9]*\),.*/\1/p')
  [ -n "$rf_acked" ] && [ -n "$se_acked" ] || fail "$name: loadgen did not report acknowledged events (see $WORK/loadgen-$name-*.log)"
  rollup

  local want_rf=$((rf_acked + 2 + 5)) want_se=$((se_acked + 1 + 1)) got
  got=$(sql "$catalog" "SELECT count(*), count(DISTINCT event_id) FROM request_facts")
  [ "$got" = "\"$want_rf\",\"$want_rf\"" ] || fail "$name: request_facts count/distinct $got, acknowledged $want_rf"
  got=$(sql "$catalog" "SELECT count(*), count(DISTINCT event_id) FROM service_events")
  [ "$got" = "\"$want_se\",\"$want_se\"" ] || fail "$name: service_events count/distinct $got, acknowledged $want_se"
  got=$(sql "$catalog" "SELECT count(DISTINCT (dt, hour)) FROM request_facts")
  [ "${got//\"/}" -ge 3 ] || fail "$name: expected events in at least 3 hours, got $got"

  # column by column: what was sent, as Trino reads it
  local d2 hr2
  d2=${h2:0:10}; hr2=$((10#${h2:11:2}))
  got=$(sql "$catalog" "SELECT event_id, CAST(ts AS varchar), service, environment, route, method, status_code, duration_ms,
      request_bytes, response_bytes, client_id, trace_id, attributes['region'], attributes['az'], cardinality(attributes), source,
      ingested_at > ts AND ingested_at <= current_timestamp, batch_id > 0, dt, hour FROM request_facts WHERE event_id = 'rt-full'")
  [ "$got" = "\"rt-full\",\"${h2:0:10} ${h2:11:15}\",\"checkout\",\"staging\",\"/v1/orders/{id}\",\"POST\",\"503\",\"12.5\",\"512\",\"2048\",\"client-7\",\"0123456789abcdef0123456789abcdef\",\"eu-west-1\",\"b\",\"2\",\"default\",\"true\",\"true\",\"$d2\",\"$hr2\"" ] \
    || fail "$name: request fact read back as $got"
  got=$(sql "$catalog" "SELECT environment, request_bytes, response_bytes, client_id IS NULL, trace_id IS NULL, cardinality(attributes) FROM request_facts WHERE event_id = 'rt-min'")
  [ "$got" = '"production","0","0","true","true","0"' ] || fail "$name: defaults read back as $got"
  got=$(sql "$catalog" "SELECT event_id, CAST(ts AS varchar), service, environment, kind, version, actor, message,
      attributes['commit'], cardinality(attributes), source, ingested_at > ts, batch_id > 0 FROM service_events WHERE event_id = 'se-full'")
  [ "$got" = "\"se-full\",\"${h2:0:10} ${h2:11:15}\",\"checkout\",\"staging\",\"DEPLOY\",\"v1.4.0\",\"ci\",\"deploy v1.4.0\",\"abc123\",\"1\",\"default\",\"true\",\"true\"" ] \
    || fail "$name: service event read back as $got"

  # a new hour: visible after the rollup alone
  local d3=${h3:0:10} hr3=$((10#${h3:11:2}))
  got=$(sql "$catalog" "SELECT count(*) FROM request_facts WHERE dt = '$d3' AND hour = $hr3")
  [ "$got" = '"0"' ] || fail "$name: hour $d3 $hr3 not empty before: $got"
  post request-facts '{"event_id":"new-hour","timestamp":"'$h3'","service":"search","route":"/v1/search","method":"GET","status_code":200,"duration_ms":1}'
  rollup
  got=$(sql "$catalog" "SELECT count(*) FROM request_facts")
  [ "$got" = "\"$((want_rf + 1))\"" ] || fail "$name: after a rollup of a new hour count is $got, want $((want_rf + 1))"

  # pruning: a one-hour query reads exactly that hour's files and rows
  local files rows plan
  files=$(find "$lake/request_facts/dt=$d2/hour=$(printf %02d "$hr2")" -name '*.parquet' | wc -l)
  rows=$(sql "$catalog" "SELECT count(*) FROM request_facts WHERE dt = '$d2' AND hour = $hr2"); rows=${rows//\"/}
  plan=$(sql "$catalog" "EXPLAIN ANALYZE SELECT count(*) FROM request_facts WHERE dt = '$d2' AND hour = $hr2")
  echo "$plan" | grep -q "TableScan\[table = $catalog:gravix:request_facts" || fail "$name: no table scan in plan: $plan"
  echo "$plan" | grep -Eq "Input: $rows rows? \(.*Splits: $files," \
    || fail "$name: one-hour query did not read exactly $files file(s) / $rows row(s): $(echo "$plan" | grep -E 'Input:.*Splits')"
  # the SQL Cube's compiler generates for every measure and dimension, on this Trino
  for q in "$WORK"/cube-sql/*.sql; do
    sql "$catalog" "$(cat "$q")" > "$WORK/cube-result.csv"
    python3 "$ROOT/cube/test/check-results.py" "$(basename "$q" .sql)" "$WORK/cube-result.csv"
  done
  # deploy_impact on a big lake: request_facts is the join's probe side (the dynamic filters land on
  # its scan; as the build side it exceeded the memory limit at 10 million facts), and the filter
  # on dt/hour reads only the files of the three hours around the deploy
  local windirs wfiles=0 w
  windirs=$(python3 -c 'import sys, datetime as d; t = d.datetime.strptime(sys.argv[1][:13], "%Y-%m-%dT%H")
print(" ".join((t + d.timedelta(hours=o)).strftime("dt=%Y-%m-%d/hour=%H") for o in (-1, 0, 1)))' "$h2")
  for w in $windirs; do
    [ ! -d "$lake/request_facts/$w" ] || wfiles=$((wfiles + $(find "$lake/request_facts/$w" -name '*.parquet' | wc -l)))
  done
  plan=$(sql "$catalog" "EXPLAIN ANALYZE $(cat "$WORK/cube-sql/deploys_vs_errors.sql")")
  echo "$plan" | grep -Eq "table = $catalog:gravix:request_facts, .*dynamicFilters = \{dt = #df_[0-9]+, hour = #df_" \
    || fail "$name: deploy_impact's request_facts scan has no dynamic filter on dt/hour (not the probe side?): $(echo "$plan" | grep -E 'Join|table = ')"
  got=$(echo "$plan" | sed -n "/table = $catalog:gravix:request_facts/,\$ { s/.*Splits: \([0-9]*\),.*/\1/p }" | head -1)
  [ "$got" = "$wfiles" ] || fail "$name: deploy_impact read $got request_facts file(s), want the $wfiles of $windirs"
  echo "$name: OK (request_facts $((want_rf + 1)), service_events $want_se, one hour = $files file(s), $rows row(s), deploy window = $wfiles file(s))"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

check_store local lake "$WORK/local/lake" local
GRAVIX_S3_PREFIX="" check_store s3 lake_s3 "$WORK/s3blobs/gravix-lake" s3
echo "query layer acceptance: OK"
rm -rf "$WORK"
