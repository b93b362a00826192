#!/usr/bin/env bash
# JMH benchmarks of the hot stages: ingest (decode, validate, frame) and rollup (spool record
# decode, dedupe lookup, sort, Parquet encode; io.gravix.rollup.RollupStageBenchmark lives in the
# rollup's package for its package-private classes). Usage: bench/run-jmh.sh [JMH regex] [JMH options]
# (after: mvn -B -q package -DskipTests). Results also go to bench/results/jmh.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
java -jar bench/target/benchmarks.jar "${1:-io\.gravix\.(bench|rollup)\.}" "${@:2}" | tee bench/results/jmh.txt
